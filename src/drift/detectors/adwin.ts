// ADWIN: adaptive windowing over an exponential histogram (Bifet & Gavaldà 2007, ADWIN2), following the
// arithmetic of River's implementation (river/drift/adwin.py over rust_src/adwin.rs) step for step, so a
// stream gives the drifts River reports at the same indices.
import * as z from 'zod/mini';
import { readOptions } from '../../core/check.js';
import {
  badState,
  checkInt,
  checkInterval,
  checkStreamValue,
  type DetectorStateBase,
  type DriftDetector,
  type DriftSignal,
  fromOptions,
  fromState,
  frozenState,
  MAX_STATE_SQUARES,
  MAX_STATE_SUM,
  type ParamSource,
  parseState,
  signals,
} from './common.js';

/** ADWIN's parameters, with River's names (camelCased) and defaults. */
export interface AdwinParams {
  /** Significance δ of the cut test, in (0, 1). Default 0.002. */
  readonly delta: number;
  /** Test for a cut every `clock` updates. Default 32. */
  readonly clock: number;
  /** Buckets of each size kept before the two oldest merge (ADWIN2's M), 1 to 1,000. Default 5. */
  readonly maxBuckets: number;
  /** Neither side of a cut may hold fewer values than this. Default 5. */
  readonly minWindowLength: number;
  /** No test until the window holds more than this many values. Default 10. */
  readonly gracePeriod: number;
}

export interface AdwinOptions extends Partial<AdwinParams> {
  /** Resume from `adwin.state()`; the parameters come from the state. */
  readonly state?: AdwinState;
}

/** ADWIN's saved state. `buckets[i]` holds the summaries of 2^i values each, oldest first. */
export interface AdwinState extends DetectorStateBase<'lockstep.drift.adwin', AdwinParams> {
  readonly width: number;
  readonly total: number;
  readonly variance: number;
  readonly tick: number;
  readonly buckets: readonly { readonly totals: readonly number[]; readonly variances: readonly number[] }[];
}

/** An ADWIN detector: {@link DriftDetector} plus the window's statistics. */
export interface Adwin extends DriftDetector<AdwinState> {
  readonly params: AdwinParams;
  /** Values in the window. */
  readonly width: number;
  /** Sum of the values in the window. */
  readonly total: number;
  /** Mean of the window (0 when empty). */
  readonly estimation: number;
  /** Sum of squared deviations from the mean over the window (River's `variance`; divide by `width`). */
  readonly variance: number;
}

const FN = 'createAdwin';
const WHAT = 'ADWIN state';
const KEYS = ['delta', 'clock', 'maxBuckets', 'minWindowLength', 'gracePeriod', 'state'] as const;

/** Most buckets of one size ADWIN keeps (`maxBuckets`): River's default is 5. */
export const MAX_ADWIN_BUCKETS = 1000;

/** One row of the histogram: up to maxBuckets + 1 summaries of 2^row values, oldest first. */
interface Row {
  readonly totals: Float64Array;
  readonly variances: Float64Array;
  count: number;
}

function newRow(maxBuckets: number): Row {
  return { totals: new Float64Array(maxBuckets + 1), variances: new Float64Array(maxBuckets + 1), count: 0 };
}

/** Drops the oldest `k` summaries of a row. */
function dropOldest(row: Row, k: number): void {
  row.totals.copyWithin(0, k, row.count);
  row.variances.copyWithin(0, k, row.count);
  row.count -= k;
  row.totals.fill(0, row.count);
  row.variances.fill(0, row.count);
}

/**
 * ADWIN, the adaptive windowing drift detector (ADWIN2 with an exponential histogram). It keeps the
 * longest recent window in which no two sub-windows W0 (older) and W1 (newer) have means that differ by
 * more than ε_cut = sqrt(2 · m · σ²_W · δ') + (2/3) · δ' · m, with m = 1/(n0 − L + 1) + 1/(n1 − L + 1),
 * δ' = ln(2 ln|W| / δ), L = `minWindowLength`, checked at every bucket boundary every `clock` values once
 * the window holds more than `gracePeriod`. A cut drops the oldest bucket and reports drift; the next
 * update then starts a fresh window, as River does. O(log W) memory and amortised time per value, the
 * scan of O(M log W) cuts every `clock` values.
 *
 * Reference: A. Bifet, R. Gavaldà, "Learning from time-changing data with adaptive windowing", SDM 2007;
 * River's `drift.ADWIN` (same parameters, defaults and decisions: on River's documented stream, 1,000
 * draws from {0, 1} then 1,000 from {4, …, 7} with `random.Random(12345)`, both report one drift, at 1023).
 *
 * Input: finite numbers of at most 1e100 in absolute value (a model's 0/1 errors, a loss, a feature), so
 * the window's sums stay finite and its state saves as JSON. Resume with
 * `createAdwin({ state: adwin.state() })` (the state is frozen plain JSON).
 * @example const adwin = createAdwin(); for (const x of stream) if (adwin.update(x).drift) alert() // => alert() once per change in the stream's mean
 * @throws LockstepError `INVALID_ARGUMENT` for a parameter out of range (`maxBuckets` at most 1,000) or an
 *   unknown option, naming the closest known key (and, from `update`, a value that is not finite or beyond
 *   1e100); `INVALID_ARTIFACT` for a malformed `state`.
 */
export function createAdwin(options?: AdwinOptions): Adwin {
  const o = readOptions(FN, options, KEYS);
  let params: AdwinParams;
  let saved: AdwinState | undefined;
  if (o.state !== undefined) {
    saved = parseState(FN, WHAT, o.state, adwinSchema(), o);
    params = checkParams(fromState(FN, WHAT), saved.params);
    checkSaved(saved);
  } else {
    params = checkParams(fromOptions(FN), {
      delta: o.delta ?? 0.002,
      clock: o.clock ?? 32,
      maxBuckets: o.maxBuckets ?? 5,
      minWindowLength: o.minWindowLength ?? 5,
      gracePeriod: o.gracePeriod ?? 10,
    });
  }
  const { delta, clock, maxBuckets, minWindowLength: minLength, gracePeriod } = params;
  const sig = signals();

  let rows: Row[] = [newRow(maxBuckets)];
  let width = 0;
  let total = 0;
  let variance = 0;
  let tick = 0;
  let last: DriftSignal = sig.stable;
  let nDetections = 0;

  function clear(): void {
    rows = [newRow(maxBuckets)];
    width = 0;
    total = 0;
    variance = 0;
    tick = 0;
  }

  if (saved) {
    rows = saved.buckets.map((b) => {
      const row = newRow(maxBuckets);
      row.totals.set(b.totals);
      row.variances.set(b.variances);
      row.count = b.totals.length;
      return row;
    });
    ({ width, total, variance, tick, nDetections } = saved);
    last = saved.drift ? sig.drift : sig.stable;
  }

  /** Merges the two oldest summaries of every overflowing row into the next row. */
  function compress(): void {
    for (let i = 0; ; i++) {
      const row = rows[i]!;
      if (row.count !== maxBuckets + 1) return;
      const size = 2 ** i;
      const t0 = row.totals[0]!;
      const t1 = row.totals[1]!;
      const m0 = t0 / size;
      const m1 = t1 / size;
      // Combined variance of two equal-size buckets (Babcock et al. 2003): v0 + v1 + n/2 · (μ0 − μ1)².
      const v = row.variances[0]! + row.variances[1]! + size * 0.5 * (m0 - m1) * (m0 - m1);
      if (i + 1 === rows.length) rows.push(newRow(maxBuckets));
      const next = rows[i + 1]!;
      next.totals[next.count] = t0 + t1;
      next.variances[next.count] = v;
      next.count++;
      dropOldest(row, 2);
      if (next.count <= maxBuckets) return;
    }
  }

  function insert(x: number): void {
    const row = rows[0]!;
    row.totals[row.count] = x;
    row.variances[row.count] = 0;
    row.count++;
    width += 1;
    if (width > 1) {
      const d = x - total / (width - 1);
      variance += ((width - 1) * d * d) / width;
    }
    total += x;
    compress();
  }

  /** Removes the oldest bucket (the first summary of the last row). */
  function dropOldestBucket(): void {
    const lastIndex = rows.length - 1;
    const row = rows[lastIndex]!;
    const size = 2 ** lastIndex;
    const u = row.totals[0]!;
    const v = row.variances[0]!;
    const mu = u / size;
    width -= size;
    total -= u;
    const muWindow = total / width;
    variance -= v + (size * width * (mu - muWindow) * (mu - muWindow)) / (size + width);
    dropOldest(row, 1);
    if (row.count === 0 && lastIndex > 0) rows.pop();
  }

  function cutHolds(n0: number, n1: number, deltaMean: number): boolean {
    const deltaPrime = Math.log((2 * Math.log(width)) / delta);
    const m = 1 / (n0 - minLength + 1) + 1 / (n1 - minLength + 1);
    const epsilon = Math.sqrt(2 * m * (variance / width) * deltaPrime) + (2 / 3) * deltaPrime * m;
    return Math.abs(deltaMean) > epsilon;
  }

  /** Scans the cuts from the oldest bucket to the newest; drops the oldest bucket while a cut holds. */
  function detect(): boolean {
    let change = false;
    tick++;
    if (tick % clock !== 0 || width <= gracePeriod) return false;
    let again = true;
    while (again) {
      again = false;
      let n0 = 0;
      let n1 = width;
      let u0 = 0;
      let u1 = total;
      scan: for (let i = rows.length - 1; i >= 0; i--) {
        const row = rows[i]!;
        const size = 2 ** i;
        for (let k = 0; k < row.count; k++) {
          n0 += size;
          n1 -= size;
          const t = row.totals[k]!;
          u0 += t;
          u1 -= t;
          if (i === 0 && k === row.count - 1) break scan;
          if (n1 >= minLength && n0 >= minLength && cutHolds(n0, n1, u0 / n0 - u1 / n1)) {
            again = true;
            change = true;
            if (width > 0) {
              dropOldestBucket();
              break scan;
            }
          }
        }
      }
    }
    return change;
  }

  return {
    params,
    update(x) {
      checkStreamValue('adwin.update', x);
      if (last.drift) clear();
      insert(x);
      const drift = detect();
      if (drift) nDetections++;
      last = drift ? sig.drift : sig.stable;
      return last;
    },
    reset() {
      clear();
      last = sig.stable;
      nDetections = 0;
    },
    state() {
      return frozenState({
        kind: 'lockstep.drift.adwin',
        formatVersion: 1,
        params: { ...params },
        drift: last.drift,
        warning: false,
        nDetections,
        width,
        total,
        variance,
        tick,
        buckets: rows.map((row) => ({
          totals: Array.from(row.totals.subarray(0, row.count)),
          variances: Array.from(row.variances.subarray(0, row.count)),
        })),
      });
    },
    get drift() {
      return last.drift;
    },
    get warning() {
      return false;
    },
    get n() {
      return tick;
    },
    get nDetections() {
      return nDetections;
    },
    get width() {
      return width;
    },
    get total() {
      return total;
    },
    get estimation() {
      return width === 0 ? 0 : total / width;
    },
    get variance() {
      return variance;
    },
  };
}

function checkParams(src: ParamSource, p: { readonly [K in keyof AdwinParams]: unknown }): AdwinParams {
  return {
    delta: checkInterval(src, 'delta', p.delta, 0, 1),
    clock: checkInt(src, 'clock', p.clock, 1),
    maxBuckets: checkInt(src, 'maxBuckets', p.maxBuckets, 1, MAX_ADWIN_BUCKETS),
    minWindowLength: checkInt(src, 'minWindowLength', p.minWindowLength, 1),
    gracePeriod: checkInt(src, 'gracePeriod', p.gracePeriod, 0),
  };
}

function checkSaved(s: AdwinState): void {
  const what = WHAT;
  if (s.buckets.length === 0) throw badState(FN, what, '$.buckets', 'must have at least 1 row');
  const last = s.buckets.length - 1;
  if (last > 0 && s.buckets[last]!.totals.length === 0)
    throw badState(FN, what, `$.buckets[${last}]`, 'must not be empty (only a lone first row may be)');
  let width = 0;
  s.buckets.forEach((b, i) => {
    if (b.totals.length !== b.variances.length) {
      throw badState(FN, what, `$.buckets[${i}]`, 'totals and variances must have the same length');
    }
    if (b.totals.length > s.params.maxBuckets) {
      throw badState(
        FN,
        what,
        `$.buckets[${i}].totals`,
        `must hold at most maxBuckets (${s.params.maxBuckets}) values`,
      );
    }
    width += b.totals.length * 2 ** i;
  });
  if (width !== s.width)
    throw badState(FN, what, '$.width', `must equal the values the buckets hold (${width})`);
}

let schema: z.ZodMiniType<AdwinState> | undefined;

function adwinSchema(): z.ZodMiniType<AdwinState> {
  if (schema) return schema;
  const count = z.number().check(z.int(), z.nonnegative());
  const sum = z.number().check(z.gte(-MAX_STATE_SUM), z.lte(MAX_STATE_SUM));
  const squares = z.number().check(z.gte(-MAX_STATE_SQUARES), z.lte(MAX_STATE_SQUARES));
  schema = z.object({
    kind: z.literal('lockstep.drift.adwin'),
    formatVersion: z.literal(1),
    params: z.object({
      delta: z.number(),
      clock: z.number(),
      maxBuckets: z.number(),
      minWindowLength: z.number(),
      gracePeriod: z.number(),
    }),
    drift: z.boolean(),
    warning: z.boolean(),
    nDetections: count,
    width: count,
    total: sum,
    variance: squares,
    tick: count,
    // At most 64 rows: row i holds summaries of 2^i values, and a window holds fewer than 2^53.
    buckets: z.array(z.object({ totals: z.array(sum), variances: z.array(squares) })).check(z.maxLength(64)),
  }) as z.ZodMiniType<AdwinState>;
  return schema;
}
