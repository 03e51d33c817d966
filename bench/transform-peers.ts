// The data and the peers of bench/transform.bench.ts: the same 10-feature transform as lockstep's, written
// by hand (typed-array loops), with TensorFlow.js ops, and with arquero 7's derive. Every peer reads the
// fitted values from lockstep's artifact (we time applying, not fitting) and must give lockstep's numbers:
// `compareOutputs` checks that before anything is timed.
//
// Shared conventions of the peers (they match src/transform/kernel.ts and dates.ts):
// - a vocabulary index is the fitted value's position; anything else goes to `first + murmur3 % oov`;
// - the cross is murmur3(origin + U+001F + destination, murmur3(salt, 0)) mod buckets, with lockstep's
//   `hash32` (tfjs and arquero have no MurmurHash3);
// - date parts are of UTC epoch milliseconds (Monday is day 0, months 1-12), cyclical hour is
//   sin/cos(2π·hour/24).

import * as tf from '@tensorflow/tfjs';
import {
  Table as ArrowTable,
  Int64,
  LargeUtf8,
  makeData,
  makeVector,
  type Table,
  TimestampMicrosecond,
  vectorFromArray,
} from 'apache-arrow';
import * as aq from 'arquero';
import { hash32 } from 'lockstep/split';
import type { TransformArtifact } from 'lockstep/transform';
import { loadFlights3m } from '../examples/flights-3m.js';

// ---------------------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------------------

export interface FlightsSample {
  /** Rows [0, n/2): fitted on. */
  readonly train: Table;
  /** Rows [n/2, n): applied to. */
  readonly serve: Table;
  /** Every `stride`-th row of flights-3m was kept. */
  readonly stride: number;
}

/**
 * 200,000 real flights spread over 2001: every 15th row of vega-datasets flights-3m (sorted by date), kept
 * in flights-3m's own Arrow types (date Timestamp<MICROSECOND>, delay and distance Int64, origin and
 * destination LargeUtf8). flights-200k.arrow has only delay, distance and a fractional hour (`time`): no
 * date, no airports, so it cannot feed this spec. The first half (January to June) is for fitting, the
 * second (July to December) for applying, as a model trained on the past serves the future.
 */
export async function loadFlightsSample(rows = 200_000): Promise<FlightsSample> {
  const full = await loadFlights3m();
  const stride = Math.floor(full.numRows / rows);
  const date = new BigInt64Array(rows);
  const delay = new BigInt64Array(rows);
  const distance = new BigInt64Array(rows);
  const origin: string[] = new Array(rows);
  const destination: string[] = new Array(rows);
  let kept = 0;
  let seen = 0;
  for (const batch of full.batches) {
    const d = batch.getChild('date')!.data[0]!.values as BigInt64Array;
    const dl = batch.getChild('delay')!.data[0]!.values as BigInt64Array;
    const ds = batch.getChild('distance')!.data[0]!.values as BigInt64Array;
    const o = batch.getChild('origin')!;
    const de = batch.getChild('destination')!;
    for (let i = 0; i < batch.numRows && kept < rows; i++, seen++) {
      if (seen % stride !== 0) continue;
      date[kept] = d[i]!;
      delay[kept] = dl[i]!;
      distance[kept] = ds[i]!;
      origin[kept] = o.get(i) as string;
      destination[kept] = de.get(i) as string;
      kept++;
    }
  }
  const table = (lo: number, hi: number) =>
    new ArrowTable({
      date: makeVector(
        makeData({ type: new TimestampMicrosecond(), length: hi - lo, data: date.slice(lo, hi) }),
      ),
      delay: makeVector(makeData({ type: new Int64(), length: hi - lo, data: delay.slice(lo, hi) })),
      distance: makeVector(makeData({ type: new Int64(), length: hi - lo, data: distance.slice(lo, hi) })),
      origin: vectorFromArray(origin.slice(lo, hi), new LargeUtf8()),
      destination: vectorFromArray(destination.slice(lo, hi), new LargeUtf8()),
    });
  return { train: table(0, rows / 2), serve: table(rows / 2, rows), stride };
}

/** The input columns as plain arrays: numbers as Float64Array (date in epoch ms), airports as strings. */
export interface Columns {
  readonly length: number;
  readonly date: Float64Array;
  readonly delay: Float64Array;
  readonly distance: Float64Array;
  readonly origin: readonly string[];
  readonly destination: readonly string[];
}

/**
 * The hand-written extraction from the Arrow table, as a user would write it: a Number() per Int64 value,
 * microseconds / 1000 for the date, apache-arrow's own `toArray()` for the strings (which decodes every
 * value). Nulls are not handled: the data has none (checked by the bench).
 */
export function extractColumns(table: Table): Columns {
  const n = table.numRows;
  const numbers = (name: string, scale: number) => {
    const out = new Float64Array(n);
    let at = 0;
    for (const chunk of table.getChild(name)!.data) {
      const values = chunk.values as BigInt64Array;
      if (scale === 1) for (let i = 0; i < chunk.length; i++) out[at + i] = Number(values[i]!);
      else for (let i = 0; i < chunk.length; i++) out[at + i] = Number(values[i]!) / scale;
      at += chunk.length;
    }
    return out;
  };
  return {
    length: n,
    date: numbers('date', 1000),
    delay: numbers('delay', 1),
    distance: numbers('distance', 1),
    origin: table.getChild('origin')!.toArray() as string[],
    destination: table.getChild('destination')!.toArray() as string[],
  };
}

/** Row `i` as a request object, as a service receives it: the date as epoch milliseconds. */
export function rowsOf(c: Columns): Record<string, number | string>[] {
  return Array.from({ length: c.length }, (_, i) => ({
    date: c.date[i]!,
    delay: c.delay[i]!,
    distance: c.distance[i]!,
    origin: c.origin[i]!,
    destination: c.destination[i]!,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// The fitted values, read from lockstep's artifact
// ---------------------------------------------------------------------------------------------------------

export const WIDTH = 11;
export const EXPECTED_COLUMNS = [
  'delay',
  'delay_bucket',
  'distance',
  'distance_scaled',
  'hour.hour_sin',
  'hour.hour_cos',
  'day_of_week.dayOfWeek',
  'month.month',
  'origin',
  'destination',
  'route',
];
/** Output columns holding indices or integer parts (compared exactly); the others within float32 tolerance. */
export const INTEGER_COLUMNS = new Set([1, 6, 7, 8, 9, 10]);

interface Vocab {
  readonly index: Map<string, number>;
  /** Index of the first OOV bucket, the number of OOV buckets, the OOV hash seed. */
  readonly first: number;
  readonly oov: number;
  readonly seed: number;
}

export interface Params {
  readonly delayFill: number;
  readonly delayLo: number;
  readonly delayHi: number;
  readonly delayMean: number;
  readonly delayScale: number;
  readonly bucketFill: number;
  readonly bounds: Float64Array;
  readonly distMean: number;
  readonly distScale: number;
  readonly distMin: number;
  readonly distRange: number;
  readonly origin: Vocab;
  readonly destination: Vocab;
  readonly routeBuckets: number;
  readonly routeSeed: number;
}

export function paramsOf(fitted: TransformArtifact): Params {
  const names = fitted.columns.map((c) => c.name);
  if (names.join() !== EXPECTED_COLUMNS.join())
    throw new Error(`unexpected output columns: ${names.join(', ')}`);
  // biome-ignore lint/suspicious/noExplicitAny: reading fitted values of known step types
  const step = (feature: string, type: string): any => {
    const s = fitted.features.find((f) => f.name === feature)?.steps.find((x) => x.type === type);
    if (!s) throw new Error(`no ${type} step in feature ${feature}`);
    return s;
  };
  const scale = (std: number) => (std === 0 ? 1 : std);
  const vocab = (feature: string): Vocab => {
    const s = step(feature, 'vocabulary');
    const values = s.fitted.values as string[];
    return {
      index: new Map(values.map((v, i) => [v, i])),
      first: values.length,
      oov: s.oovBuckets ?? 1,
      seed: hash32(s.salt ?? '', 0),
    };
  };
  const dist = step('distance_scaled', 'minMax').fitted;
  const route = step('route', 'cross');
  return {
    delayFill: step('delay', 'impute').fitted.value,
    delayLo: step('delay', 'clip').fitted.min,
    delayHi: step('delay', 'clip').fitted.max,
    delayMean: step('delay', 'standardize').fitted.mean,
    delayScale: scale(step('delay', 'standardize').fitted.std),
    bucketFill: step('delay_bucket', 'impute').fitted.value,
    bounds: Float64Array.from(step('delay_bucket', 'bucketize').fitted.boundaries),
    distMean: step('distance', 'standardize').fitted.mean,
    distScale: scale(step('distance', 'standardize').fitted.std),
    distMin: dist.min,
    distRange: dist.max - dist.min === 0 ? 1 : dist.max - dist.min,
    origin: vocab('origin'),
    destination: vocab('destination'),
    routeBuckets: route.buckets,
    routeSeed: hash32(route.salt ?? '', 0),
  };
}

function lookup(v: Vocab, text: string): number {
  const found = v.index.get(text);
  return found !== undefined ? found : v.first + (hash32(text, v.seed) % v.oov);
}

// ---------------------------------------------------------------------------------------------------------
// Hand-written: one loop, one row at a time, straight into the row-major output
// ---------------------------------------------------------------------------------------------------------

const DAY = 86_400_000;
const TWO_PI = 2 * Math.PI;

/** The month (1-12) of a day count since 1970-01-01: Hinnant's civil_from_days, as src/transform/dates.ts. */
function monthOfDays(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return mp < 10 ? mp + 3 : mp - 9;
}

function bucketOf(b: Float64Array, v: number): number {
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (b[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Writes one row's 11 values at out[o..o+11): the same float64 expressions as lockstep's kernel. */
function handValues(
  p: Params,
  t: number,
  delay: number,
  distance: number,
  origin: string,
  destination: string,
  out: Float32Array,
  o: number,
): void {
  // delay: impute, clip, standardize
  const d = Number.isNaN(delay) ? p.delayFill : delay;
  out[o] = ((d < p.delayLo ? p.delayLo : d > p.delayHi ? p.delayHi : d) - p.delayMean) / p.delayScale;
  // delay bucket: impute, bucketize
  out[o + 1] = bucketOf(p.bounds, Number.isNaN(delay) ? p.bucketFill : delay);
  // distance: log1p, standardize; minMax
  if (!(distance > -1)) throw new Error(`log1p of ${distance}`);
  out[o + 2] = (Math.log1p(distance) - p.distMean) / p.distScale;
  out[o + 3] = (distance - p.distMin) / p.distRange;
  // date parts, from one day count
  if (Number.isNaN(t)) throw new Error('missing date');
  const days = Math.floor(t / DAY);
  const angle = (TWO_PI * Math.floor((t - days * DAY) / 3_600_000)) / 24;
  out[o + 4] = Math.sin(angle);
  out[o + 5] = Math.cos(angle);
  out[o + 6] = (((days + 3) % 7) + 7) % 7;
  out[o + 7] = monthOfDays(days);
  // vocabularies and the cross
  out[o + 8] = lookup(p.origin, origin);
  out[o + 9] = lookup(p.destination, destination);
  out[o + 10] = hash32(`${origin}\u001f${destination}`, p.routeSeed) % p.routeBuckets;
}

/** The batch: a straight loop over the columns into a row-major Float32Array. */
export function handBatch(p: Params, c: Columns): Float32Array {
  const n = c.length;
  const out = new Float32Array(n * WIDTH);
  const { date, delay, distance, origin, destination } = c;
  for (let i = 0; i < n; i++)
    handValues(p, date[i]!, delay[i]!, distance[i]!, origin[i]!, destination[i]!, out, i * WIDTH);
  return out;
}

/** One request row into `out` (numbers read as they are; a service would check types first). */
export function handRow(p: Params, row: Readonly<Record<string, unknown>>, out: Float32Array): Float32Array {
  const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);
  handValues(
    p,
    num(row.date),
    num(row.delay),
    num(row.distance),
    row.origin as string,
    row.destination as string,
    out,
    0,
  );
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// TensorFlow.js ops
// ---------------------------------------------------------------------------------------------------------

/**
 * The transform as tfjs ops, on whichever backend is set. What runs in JavaScript first (tfjs has no
 * string ops that could do it, nor int64): the vocabulary lookups and the cross hash into Int32Arrays, the
 * date from float64 epoch ms to int32 seconds (float32 cannot hold epoch ms: 2^24 ms is 4.7 hours), and
 * delay and distance from Float64Array to Float32Array (tf.tensor takes no Float64Array). Everything else
 * is tf ops: impute (isNaN + where), clipByValue, sub/div, bucketize (upperBound: the count of boundaries
 * at or below each value), log1p, the date parts by int32 floorDiv/mod (Hinnant's month formula in tensor
 * ops), sin/cos, and the [rows, 11] assembly. Where formulations differ a lot in speed, the fastest measured
 * is used: upperBound rather than greaterEqual against a [1, 9] row summed (12-40x slower); where() with a
 * filled tensor rather than a broadcast scalar; on the CPU backend concat of [rows, 1] columns, on WASM
 * stack into [11, rows] then transpose (tf.stack on axis 1 is 10x slower there).
 * Returns the [rows, 11] float32 tensor; the caller disposes it.
 */
export function tfjsBatch(p: Params, c: Columns): tf.Tensor2D {
  const n = c.length;
  const seconds = new Int32Array(n);
  const origin = new Int32Array(n);
  const destination = new Int32Array(n);
  const route = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    seconds[i] = Math.floor(c.date[i]! / 1000);
    const o = c.origin[i]!;
    const d = c.destination[i]!;
    origin[i] = lookup(p.origin, o);
    destination[i] = lookup(p.destination, d);
    route[i] = hash32(`${o}\u001f${d}`, p.routeSeed) % p.routeBuckets;
  }
  const wasm = tf.getBackend() === 'wasm';
  return tf.tidy(() => {
    const int = (v: number) => tf.scalar(v, 'int32');
    const delay = tf.tensor1d(new Float32Array(c.delay), 'float32');
    const missing = tf.isNaN(delay);
    const imputed = tf.where(missing, tf.fill([n], p.delayFill), delay);
    const delayOut = tf.clipByValue(imputed, p.delayLo, p.delayHi).sub(p.delayMean).div(p.delayScale);
    const bucketIn = tf.where(missing, tf.fill([n], p.bucketFill), delay);
    const bucket = tf
      .upperBound(tf.tensor1d(Float32Array.from(p.bounds)), bucketIn)
      .reshape([n])
      .cast('float32');
    const distance = tf.tensor1d(new Float32Array(c.distance), 'float32');
    const distanceOut = tf.log1p(distance).sub(p.distMean).div(p.distScale);
    const distanceScaled = distance.sub(p.distMin).div(p.distRange);
    const sec = tf.tensor1d(seconds, 'int32');
    const days = tf.floorDiv(sec, int(86_400));
    const hour = tf.floorDiv(tf.sub(sec, tf.mul(days, int(86_400))), int(3600));
    const angle = tf.div(tf.mul(hour.cast('float32'), TWO_PI), 24);
    const dow = tf.mod(tf.add(days, int(3)), int(7));
    // Hinnant's civil_from_days, month only, in int32 tensor ops.
    const z = tf.add(days, int(719_468));
    const era = tf.floorDiv(z, int(146_097));
    const doe = tf.sub(z, tf.mul(era, int(146_097)));
    const yoe = tf.floorDiv(
      tf.add(
        tf.sub(doe, tf.floorDiv(doe, int(1460))),
        tf.sub(tf.floorDiv(doe, int(36_524)), tf.floorDiv(doe, int(146_096))),
      ),
      int(365),
    );
    const doy = tf.sub(
      doe,
      tf.add(tf.mul(yoe, int(365)), tf.sub(tf.floorDiv(yoe, int(4)), tf.floorDiv(yoe, int(100)))),
    );
    const mp = tf.floorDiv(tf.add(tf.mul(doy, int(5)), int(2)), int(153));
    const month = tf.where(tf.less(mp, int(10)), tf.add(mp, int(3)), tf.sub(mp, int(9)));
    const columns: tf.Tensor[] = [
      delayOut,
      bucket,
      distanceOut,
      distanceScaled,
      tf.sin(angle),
      tf.cos(angle),
      dow.cast('float32'),
      month.cast('float32'),
      tf.tensor1d(origin, 'int32').cast('float32'),
      tf.tensor1d(destination, 'int32').cast('float32'),
      tf.tensor1d(route, 'int32').cast('float32'),
    ];
    return (
      wasm
        ? tf.stack(columns, 0).transpose()
        : tf.concat(
            columns.map((t) => t.reshape([n, 1])),
            1,
          )
    ) as tf.Tensor2D;
  });
}

/** One request row through the same tfjs ops (as a [1, 11] tensor; the caller disposes it). */
export function tfjsRow(p: Params, row: Readonly<Record<string, unknown>>): tf.Tensor2D {
  return tfjsBatch(p, {
    length: 1,
    date: Float64Array.of(row.date as number),
    delay: Float64Array.of(row.delay as number),
    distance: Float64Array.of(row.distance as number),
    origin: [row.origin as string],
    destination: [row.destination as string],
  });
}

// ---------------------------------------------------------------------------------------------------------
// arquero 7: derive
// ---------------------------------------------------------------------------------------------------------

export const DERIVED = EXPECTED_COLUMNS.map((_, j) => `f${j}`);

/**
 * The transform as one arquero `derive`, written the way arquero documents it: table expressions (compiled
 * by arquero to column reads) with the fitted values as table params (`$`), arquero's own date functions
 * (`op.utchours`, `op.utcdayofweek`, `op.utcmonth`), and the three things arquero has no operation for
 * (bucketize, the vocabulary lookups, the MurmurHash3 cross) as functions registered with
 * `aq.addFunction`, so they are called from compiled expressions too.
 */
export function arqueroExpressions(p: Params): (t: aq.ColumnTable) => aq.ColumnTable {
  aq.addFunction('lockstep_bucket', (v: number) => bucketOf(p.bounds, v), { override: true });
  aq.addFunction('lockstep_origin', (s: string) => lookup(p.origin, s), { override: true });
  aq.addFunction('lockstep_destination', (s: string) => lookup(p.destination, s), { override: true });
  aq.addFunction(
    'lockstep_route',
    (o: string, d: string) => hash32(`${o}\u001f${d}`, p.routeSeed) % p.routeBuckets,
    { override: true },
  );
  const params = {
    fill: p.delayFill,
    lo: p.delayLo,
    hi: p.delayHi,
    mean: p.delayMean,
    scale: p.delayScale,
    bfill: p.bucketFill,
    dmean: p.distMean,
    dscale: p.distScale,
    dmin: p.distMin,
    drange: p.distRange,
  };
  const values = {
    f0: '(d, $) => (op.least(op.greatest(op.is_nan(d.delay) ? $.fill : d.delay, $.lo), $.hi) - $.mean) / $.scale',
    f1: '(d, $) => op.lockstep_bucket(op.is_nan(d.delay) ? $.bfill : d.delay)',
    f2: '(d, $) => (op.log1p(d.distance) - $.dmean) / $.dscale',
    f3: '(d, $) => (d.distance - $.dmin) / $.drange',
    f4: 'd => op.sin((2 * PI * op.utchours(d.date)) / 24)',
    f5: 'd => op.cos((2 * PI * op.utchours(d.date)) / 24)',
    f6: 'd => (op.utcdayofweek(d.date) + 6) % 7',
    f7: 'd => op.utcmonth(d.date) + 1',
    f8: 'd => op.lockstep_origin(d.origin)',
    f9: 'd => op.lockstep_destination(d.destination)',
    f10: 'd => op.lockstep_route(d.origin, d.destination)',
  };
  return (t) => t.params(params).derive(values);
}

/**
 * The same derive with every column an `aq.escape` closure (the brief's other form): arquero then builds a
 * row object of the table's columns for each call.
 */
export function arqueroEscaped(p: Params): (t: aq.ColumnTable) => aq.ColumnTable {
  type R = { date: number; delay: number; distance: number; origin: string; destination: string };
  const angle = (r: R) => {
    const t = r.date;
    const days = Math.floor(t / DAY);
    return (TWO_PI * Math.floor((t - days * DAY) / 3_600_000)) / 24;
  };
  const values = {
    f0: aq.escape((r: R) => {
      const d = Number.isNaN(r.delay) ? p.delayFill : r.delay;
      return ((d < p.delayLo ? p.delayLo : d > p.delayHi ? p.delayHi : d) - p.delayMean) / p.delayScale;
    }),
    f1: aq.escape((r: R) => bucketOf(p.bounds, Number.isNaN(r.delay) ? p.bucketFill : r.delay)),
    f2: aq.escape((r: R) => (Math.log1p(r.distance) - p.distMean) / p.distScale),
    f3: aq.escape((r: R) => (r.distance - p.distMin) / p.distRange),
    f4: aq.escape((r: R) => Math.sin(angle(r))),
    f5: aq.escape((r: R) => Math.cos(angle(r))),
    f6: aq.escape((r: R) => (((Math.floor(r.date / DAY) + 3) % 7) + 7) % 7),
    f7: aq.escape((r: R) => monthOfDays(Math.floor(r.date / DAY))),
    f8: aq.escape((r: R) => lookup(p.origin, r.origin)),
    f9: aq.escape((r: R) => lookup(p.destination, r.destination)),
    f10: aq.escape((r: R) => hash32(`${r.origin}\u001f${r.destination}`, p.routeSeed) % p.routeBuckets),
  };
  return (t) => t.derive(values);
}

/** An arquero table of the extracted columns (arquero uses the arrays as they are). */
export function arqueroTable(c: Columns): aq.ColumnTable {
  const { date, delay, distance, origin, destination } = c;
  return aq.table({ date, delay, distance, origin, destination } as Record<string, ArrayLike<unknown>>);
}

/** The 11 derived columns into one row-major Float32Array: what a tensor needs. */
export function arqueroToFloat32(t: aq.ColumnTable): Float32Array {
  const n = t.numRows();
  const out = new Float32Array(n * WIDTH);
  for (let j = 0; j < WIDTH; j++) {
    const column = t.column(DERIVED[j]!) as unknown as ArrayLike<number> & { at(i: number): number };
    // derive's output columns are plain arrays; read them by index when they are.
    if (Array.isArray(column)) for (let i = 0; i < n; i++) out[i * WIDTH + j] = column[i]!;
    else for (let i = 0; i < n; i++) out[i * WIDTH + j] = column.at(i);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Checking a peer against lockstep
// ---------------------------------------------------------------------------------------------------------

export interface Agreement {
  readonly equal: boolean;
  /** The largest |peer - lockstep| / max(1, |lockstep|) over the float columns. */
  readonly maxFloatError: number;
  /** How many values of the index and date-part columns differ (must be 0). */
  readonly integerMismatches: number;
  readonly firstMismatch?: string;
}

/** Float columns within 1e-5 relative (a few float32 ulps after float32 arithmetic); the rest exactly. */
export function compareOutputs(got: Float32Array, want: Float32Array, tolerance = 1e-5): Agreement {
  if (got.length !== want.length)
    return {
      equal: false,
      maxFloatError: Number.NaN,
      integerMismatches: Number.NaN,
      firstMismatch: `length ${got.length} vs ${want.length}`,
    };
  let maxFloatError = 0;
  let integerMismatches = 0;
  let firstMismatch: string | undefined;
  for (let k = 0; k < want.length; k++) {
    const j = k % WIDTH;
    const a = got[k]!;
    const b = want[k]!;
    if (INTEGER_COLUMNS.has(j)) {
      if (a !== b) {
        integerMismatches++;
        firstMismatch ??= `row ${Math.floor(k / WIDTH)} ${EXPECTED_COLUMNS[j]}: ${a} vs ${b}`;
      }
    } else {
      const e = Math.abs(a - b) / Math.max(1, Math.abs(b));
      if (!(e <= tolerance))
        firstMismatch ??= `row ${Math.floor(k / WIDTH)} ${EXPECTED_COLUMNS[j]}: ${a} vs ${b}`;
      if (!(e <= maxFloatError)) maxFloatError = e;
    }
  }
  return {
    equal: integerMismatches === 0 && maxFloatError <= tolerance,
    maxFloatError,
    integerMismatches,
    ...(firstMismatch === undefined ? {} : { firstMismatch }),
  };
}
