// Fitting a spec: one pass over the data per stage, where a stage fits every feature's next stateful step
// on the output of the steps already fitted before it (TensorFlow Transform's analyzer phases). Most specs
// fit in one pass; a chain such as [impute, clip by quantiles, standardize] needs three.
import { checkInteger, closest, readOptions } from '../core/check.js';
import { describe, invalidArgument, LockstepError } from '../core/errors.js';
import { fingerprint } from '../core/fingerprint.js';
import { type FrameInput, frameOf } from '../core/frame.js';
import { sealedKind } from '../core/freeze.js';
import type { SchemaArtifact } from '../schema/artifact.js';
import { frequenciesSorted } from '../stats/frequent.js';
import {
  type Accumulator,
  addNumbers,
  addTexts,
  createAccumulator,
  exactSum,
  type FitSizes,
  linearQuantile,
  median,
  mergeAccumulators,
  type SortedValues,
  sortedValues,
} from './accumulate.js';
import { type BatchIssue, batchError, batchIssue } from './issues.js';
import { columnsProblem, compileFeature, compilePrefix, MAX_COLUMNS, type Prep } from './kernel.js';
import { sealTransform } from './kind.js';
import { type NormalizedFeature, normalizeSpec } from './normalize.js';
import { CHUNK, createScratch, type Fail, toText } from './read.js';
import { readChunk } from './read-chunk.js';
import type { Step, TransformSpec } from './spec.js';
import type { FitStats } from './steps/common.js';
import { stepRules } from './steps/index.js';
import { keyIdsOf, readKeys, type Tokenizer, type TokenKey } from './steps/tokenize.js';
import type { FittedFeature, FittedStep, OutputColumn, TransformArtifact } from './types.js';

export interface FitOptions {
  /**
   * The schema the data was validated against (one lockstep made or parsed): inputs must be features of
   * it; its fingerprint is recorded.
   */
  readonly schema?: SchemaArtifact;
  /**
   * Values kept exactly per quantile step (robustScale, quantile clip and bucketize, median impute) before
   * the KLL sketch takes over. Default 1,000,000, at most 2^26 (67,108,864): below it, quantiles equal
   * numpy's to the bit.
   */
  readonly exactQuantiles?: number;
  /** KLL's k once the sketch takes over (rank error about 1.7 / k). Default 2,000, in [8, 65,536]. */
  readonly quantileK?: number;
  /**
   * Distinct categories counted exactly per vocabulary before the Misra–Gries summary takes over. Default
   * 1,000,000, in [1, 2^24].
   */
  readonly maxCategories?: number;
  /**
   * The host's keys for the spec's `tokenize` steps, by key id, each made by `tokenKey(bytes)`, required
   * for every key id the spec names. Read once, when fitting starts; never stored in the artifact.
   */
  readonly keys?: Readonly<Record<string, TokenKey>>;
}

/** The option keys of fit, fitStream and createFitter, and the bounds of the sizes (memory is sized by them). */
const FIT_KEYS = ['schema', 'exactQuantiles', 'quantileK', 'maxCategories', 'keys'] as const;
export const FIT_SIZES: Readonly<
  Record<keyof FitSizes, readonly [min: number, max: number, fallback: number]>
> = {
  exactQuantiles: [0, 1 << 26, 1_000_000],
  quantileK: [8, 1 << 16, 2000],
  maxCategories: [1, 1 << 24, 1_000_000],
};

/** A transform being fitted from batches: update with every batch, then move to the next stage or finish. */
export interface Fitter {
  /** The stage being fitted (0-based) and the number of stages: every stage reads all the data once. */
  readonly stage: number;
  readonly stages: number;
  /** Rows read in this stage. */
  readonly rows: number;
  update(batch: FrameInput): Fitter;
  /** Adds another fitter's data (same spec, same stage): fit pieces in parallel, then merge. */
  merge(other: Fitter): Fitter;
  /** Fits this stage's steps and starts the next stage, which must read the same data again. */
  nextStage(): Fitter;
  /** Fits the last stage's steps and returns the artifact. */
  result(): TransformArtifact;
}

/** Passes over the data a step needs to fit (its rules say): 0 for steps that learn nothing. */
function phasesOf(step: Step): number {
  return stepRules(step.type).fit?.phases(step) ?? 0;
}

/** The fitted form of steps that learn nothing. */
function fixedStep(step: Step): FittedStep {
  if (phasesOf(step) > 0) return step as FittedStep;
  return stepRules(step.type).fixed?.(step) ?? (step as FittedStep);
}

function checkSchema(fn: string, features: readonly NormalizedFeature[], schema: unknown): SchemaArtifact {
  // Only a schema lockstep made or parsed: its shape is then known, and reading it cannot throw.
  if (sealedKind(schema) !== 'lockstep.schema')
    throw invalidArgument(
      fn,
      'options.schema',
      'must be a lockstep.schema artifact (from inferSchema, sealSchema or parseSchema)',
      schema,
    );
  const s = schema as SchemaArtifact;
  const known = new Map(s.features.map((f) => [f.name, f.type]));
  for (const f of features) {
    for (const input of f.inputs) {
      const type = known.get(input);
      if (type === undefined)
        throw invalidArgument(
          fn,
          `spec.${f.name}`,
          `reads column '${input}', which the schema does not have`,
        );
      const fits =
        f.kind === 'number'
          ? type === 'numeric' || type === 'integer' || type === 'boolean'
          : f.kind === 'time'
            ? type === 'timestamp' || type === 'numeric' || type === 'integer'
            : type !== 'timestamp';
      if (!fits)
        throw invalidArgument(
          fn,
          `spec.${f.name}`,
          `reads '${input}' as ${f.kind === 'number' ? 'a number' : f.kind === 'time' ? 'a date-time' : 'a category'}, but the schema says it is ${type}`,
        );
    }
  }
  return s;
}

interface Slot {
  readonly feature: number;
  readonly step: number;
  /** 1 for standardize's second pass, else 0. */
  readonly phase: number;
  readonly acc: Accumulator;
  readonly compiled: {
    readonly feature: { readonly inputs: readonly string[] };
    readonly kind: FittedFeature['kind'];
  };
  readonly preps: readonly Prep[];
}

/** A fitter's internals, by the fitter object (a WeakMap, so `merge` can read any value without a trap). */
interface FitterState {
  readonly slots: Slot[];
  readonly identity: string;
  readonly seen: Set<string>;
  readonly names: Set<string>;
  rows(): number;
}
let fitterStates: WeakMap<object, FitterState> | undefined;

/** Columns named in an error listing the data's columns: at most this many are kept. */
const MAX_LISTED = 100;

/**
 * A fitter for data that arrives in pieces (Arrow record batches, pages of rows, a stream). Every stage
 * reads all the data once; `fit` and `fitStream` drive the stages for you. Fitters of the same spec and
 * stage merge, so pieces can be fitted on several workers and combined. Memory is bounded by the sketch
 * sizes in `options`, not by the rows. A spec has at most 65,536 features and 32 steps a chain, so at most
 * 64 stages; a transform at most 1,048,576 output columns. Errors of the returned fitter's methods name
 * them (`fitter.update`, `fitter.merge`, `fitter.nextStage`, `fitter.result`).
 * @example let f = createFitter(spec); for (;;) { for (const b of batches) f.update(b); if (f.stage + 1 === f.stages) break; f = f.nextStage(); } f.result()
 * @throws LockstepError `INVALID_ARGUMENT` for a bad spec, an unknown option key, an option out of its
 *   bounds, or a tokenize key id whose key `options.keys` lacks (or holds as anything but a `tokenKey` key), named
 *   `options.keys.<keyId>`.
 */
export function createFitter(spec: TransformSpec, options?: FitOptions): Fitter {
  return startFit('createFitter', spec, options);
}

/** Checks a spec and options for `fn` and returns the fitter of its first stage. */
function startFit(fn: string, spec: unknown, options: unknown): Fitter {
  const o = readOptions(fn, options, FIT_KEYS);
  const features = normalizeSpec(fn, spec);
  const schema = o.schema === undefined ? undefined : checkSchema(fn, features, o.schema);
  const size = (key: keyof FitSizes) => {
    const [min, max, fallback] = FIT_SIZES[key];
    return o[key] === undefined ? fallback : checkInteger(fn, `options.${key}`, o[key], min, max);
  };
  const sizes: FitSizes = {
    exactQuantiles: size('exactQuantiles'),
    quantileK: size('quantileK'),
    maxCategories: size('maxCategories'),
  };
  const tokenizers = new Map<string, Tokenizer>();
  readKeys(fn, o.keys, [...new Set(features.flatMap((f) => keyIdsOf(f.steps)))], tokenizers);
  const steps: FittedStep[][] = features.map((f) => f.steps.map(fixedStep));
  const pending = features.map((f) =>
    f.steps.flatMap((s, step) => Array.from({ length: phasesOf(s) }, (_, phase) => ({ step, phase }))),
  );
  const stages = Math.max(1, ...pending.map((p) => p.length));
  const weights = features.filter((f) => f.role === 'weight');
  if (weights.length > 1)
    throw invalidArgument(
      fn,
      `spec.${weights[1]!.name}`,
      'is a second recencyWeight; a spec has at most one',
    );
  return makeFitter(
    fn,
    { features, steps, pending, sizes, stages, schema: schema?.fingerprint, tokenizers },
    0,
    undefined,
  );
}

/** What every stage of one fit shares: the spec, the steps fitted so far, and the means of phase one. */
interface FitRun {
  readonly features: readonly NormalizedFeature[];
  readonly steps: FittedStep[][];
  readonly pending: readonly (readonly { readonly step: number; readonly phase: number }[])[];
  readonly sizes: FitSizes;
  readonly stages: number;
  readonly schema: string | undefined;
  /** The tokenizer of each key id the spec names, from the keys `fit` was given. */
  readonly tokenizers: ReadonlyMap<string, Tokenizer>;
  /** Standardize's exact mean from its first phase, by feature and step index. */
  readonly means?: Map<string, number>;
}

function makeFitter(creator: string, run: FitRun, stage: number, firstRows: number | undefined): Fitter {
  const { features, steps, pending, sizes, stages, schema, tokenizers } = run;
  // `fit` and `fitStream` name themselves in every error; a fitter from createFitter names its method.
  const fnOf = (method: string) => (creator === 'createFitter' ? `fitter.${method}` : creator);
  const dataArg = creator === 'createFitter' ? 'batch' : 'data';
  const means = run.means ?? new Map<string, number>();
  // Fitters merge only with fitters of the same spec, at the same stage, with the same steps fitted so far.
  // A key's check value (the token of a text no category reads as) stands for the key, so fitters given
  // different keys never merge; it stays in memory, like the key.
  const keyChecks = [...tokenizers].map(([id, token]) => [id, token('\u0000lockstep key check')]);
  const identity = fingerprint({ features, steps, stage, sizes, means: [...means], keyChecks });
  const slots: Slot[] = [];
  features.forEach((f, fi) => {
    const next = pending[fi]![stage];
    if (next === undefined) return;
    const at = next.step;
    const step = f.steps[at]!;
    slots.push({
      feature: fi,
      step: at,
      phase: next.phase,
      acc: createAccumulator(
        stepRules(step.type).fit!.accumulator(step),
        sizes,
        next.phase === 1 ? means.get(`${fi}:${at}`) : undefined,
      ),
      compiled: { feature: { inputs: f.inputs }, kind: f.kind },
      preps: compilePrefix(f.kind, steps[fi]!, at),
    });
  });
  // The first stage also reads every other input, to tell a column the data lacks from one that is missing
  // in every row (seen: the inputs some batch had; names: the columns batches had, for the message).
  const inputs = new Set(features.flatMap((f) => f.inputs));
  const reads = stage === 0 ? inputs : new Set(slots.flatMap((s) => s.compiled.feature.inputs));
  const seen = new Set<string>();
  const names = new Set<string>();
  const plan = { scratch: createScratch(), crossText: new Array<string | undefined>(CHUNK).fill(undefined) };
  for (const [id, token] of tokenizers) plan.scratch.tokenizers.set(id, token);
  const keep = new Uint8Array(CHUNK);
  const failed = new Uint8Array(CHUNK);
  let rows = 0;
  let done = false;

  const update = (batch: FrameInput) => {
    const fn = fnOf('update');
    if (done) throw invalidArgument(fn, dataArg, 'cannot be added: this fitter has finished its stage');
    const frame = frameOf(batch, fn, reads, dataArg);
    if (stage === 0 && frame.length > 0) {
      let absent = false;
      for (const input of inputs) {
        if (frame.columns.has(input)) seen.add(input);
        else absent = true;
      }
      // Only when an input is absent: the batch's other columns, for the message if no batch has it.
      if (absent && names.size < MAX_LISTED) {
        for (const name of frameOf(batch, fn, undefined, dataArg).names) {
          if (names.size >= MAX_LISTED) break;
          names.add(name);
        }
      }
    }
    const issues: BatchIssue[] = [];
    let bad = 0;
    for (let start = 0; start < frame.length; start += CHUNK) {
      const n = Math.min(CHUNK, frame.length - start);
      for (const slot of slots) {
        const f = features[slot.feature]!;
        failed.fill(0, 0, n);
        const fail: Fail = (i, code, problem, value) => {
          if (failed[i] === 1) return;
          failed[i] = 1;
          bad++;
          if (issues.length < 20) issues.push(batchIssue(rows + start + i, f.name, code, problem, value));
        };
        readChunk(plan, slot.compiled, frame.columns, start, n, fail);
        const s = plan.scratch;
        for (const prep of slot.preps) prep(s, n, fail);
        const step = f.steps[slot.step]!;
        if (f.kind === 'category' || f.kind === 'list') {
          if (f.kind === 'list') addListTexts(slot.acc, s.lists, n, fail);
          else addTexts(slot.acc, s.text, n, stepRules(step.type).fit!.skip?.(step));
        } else {
          const { x, miss } = s;
          const imputed = f.steps[0]!.type === 'impute' && slot.step > 0;
          for (let i = 0; i < n; i++) {
            const v = x[i]!;
            if (miss[i] === 1 && !imputed) keep[i] = 0;
            else if (Number.isFinite(v)) keep[i] = 1;
            else {
              keep[i] = 0;
              fail(i, 'INVALID_VALUE', `is ${v} and cannot be fitted; clip() it first`, v);
            }
          }
          addNumbers(slot.acc, x, keep, n);
        }
      }
    }
    if (bad > 0) throw batchError(fn, dataArg, bad, 'that cannot be fitted', issues, 20, false);
    rows += frame.length;
    return fitter;
  };

  const finish = (fn: string) => {
    if (done) throw invalidArgument(fn, 'fitter', 'has already finished this stage');
    if (firstRows !== undefined && rows !== firstRows) {
      throw new LockstepError(
        'INVALID_DATA',
        `${fn}: stage ${stage + 1} read ${rows} rows, but stage 1 read ${firstRows}: every stage must read the same data`,
        { fn },
      );
    }
    if (stage === 0 && rows > 0) checkColumns(fn, features, seen, names);
    done = true;
    for (const slot of slots) {
      const f = features[slot.feature]!;
      const step = f.steps[slot.step]!;
      const key = `${slot.feature}:${slot.step}`;
      const fitting = stepRules(step.type).fit!;
      const stats = statsOf(fn, f, step, slot.acc);
      if (slot.phase + 1 < fitting.phases(step)) means.set(key, fitting.center!(step, stats));
      else steps[slot.feature]![slot.step] = fitting.finish(step, stats, means.get(key));
    }
  };

  const fitter: Fitter = Object.freeze({
    stage,
    stages,
    get rows() {
      return rows;
    },
    update,
    merge(other: Fitter) {
      const fn = fnOf('merge');
      const theirs = fitterStates?.get(other as object);
      if (!theirs || theirs.identity !== identity)
        throw invalidArgument(
          fn,
          'other',
          'must be a fitter of the same spec at the same stage, with the same steps fitted before it',
          other,
        );
      if (other === fitter) throw invalidArgument(fn, 'other', 'must be another fitter, not this one');
      if (done) throw invalidArgument(fn, 'fitter', 'has finished its stage');
      slots.forEach((slot, i) => {
        mergeAccumulators(slot.acc, theirs.slots[i]!.acc);
      });
      for (const c of theirs.seen) seen.add(c);
      for (const c of theirs.names) if (names.size < MAX_LISTED) names.add(c);
      rows += theirs.rows();
      return fitter;
    },
    nextStage() {
      const fn = fnOf('nextStage');
      if (stage + 1 >= stages)
        throw invalidArgument(fn, 'fitter', `is at its last stage (${stages}); call result()`);
      finish(fn);
      return makeFitter(creator, { ...run, means }, stage + 1, firstRows ?? rows);
    },
    result() {
      const fn = fnOf('result');
      if (stage + 1 < stages)
        throw invalidArgument(
          fn,
          'fitter',
          `has ${stages - stage - 1} stage(s) left; call nextStage() and read the data again`,
        );
      finish(fn);
      return buildArtifact(fn, features, steps, firstRows ?? rows, schema);
    },
  });
  fitterStates ??= new WeakMap();
  fitterStates.set(fitter, { slots, identity, seen, names, rows: () => rows });
  return fitter;
}

/**
 * Every input column must be in the data: a misspelled column reads as missing in every row, which would
 * otherwise surface as "no values to fit" or as a constant feature. A column whose values are all missing
 * is still a column (a key of some row, a column of a record, an Arrow field).
 */
function checkColumns(
  fn: string,
  features: readonly NormalizedFeature[],
  seen: ReadonlySet<string>,
  names: ReadonlySet<string>,
): void {
  for (const f of features) {
    for (const input of f.inputs) {
      if (seen.has(input)) continue;
      const known = [...names];
      const meant = closest(input, known);
      const list =
        known.length === 0
          ? ''
          : `; its columns: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''}`;
      throw invalidArgument(
        fn,
        `spec.${f.name}`,
        `reads column '${input}', which the data does not have${list}${meant === undefined ? '' : ` (did you mean '${meant}'?)`}`,
      );
    }
  }
}

function addListTexts(
  acc: Accumulator,
  lists: readonly (readonly unknown[] | undefined)[],
  n: number,
  fail: Fail,
) {
  const texts: (string | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    const list = lists[i];
    if (list === undefined) continue;
    for (const v of list) {
      const t = toText(v);
      if (typeof t === 'object')
        fail(i, 'INVALID_VALUE', 'must hold categories (strings, finite numbers or booleans)', v);
      else if (t !== undefined) texts.push(t);
    }
  }
  addTexts(acc, texts, texts.length);
}

function noValues(fn: string, feature: string, what: string): LockstepError {
  return new LockstepError(
    'INVALID_DATA',
    `${fn}: feature '${feature}' has no values to fit ${what} on (every value is missing)`,
    { fn },
  );
}

function overflow(fn: string, feature: string, what: string): LockstepError {
  return new LockstepError(
    'INVALID_DATA',
    `${fn}: feature '${feature}' overflows float64 while fitting ${what}; scale or clip it first`,
    { fn },
  );
}

/**
 * The statistics a step's definition reads from its accumulator once a pass is done (steps/common.ts):
 * exact means, ranges, numpy's quantiles and median, and sorted frequencies, each refusing an empty input.
 */
function statsOf(fn: string, f: NormalizedFeature, step: Step, acc: Accumulator): FitStats {
  const what = step.type;
  let sorted: SortedValues | undefined;
  const values = () => {
    if (acc.type !== 'quantiles') throw new Error(`unreachable: ${what} reads quantiles of ${acc.type}`);
    sorted ??= sortedValues(acc);
    if (sorted.total === 0) throw noValues(fn, f.name, what);
    return sorted;
  };
  return {
    feature: f.name,
    kind: f.kind,
    count: acc.type === 'counts' ? acc.f.counts.size : acc.n,
    mean() {
      // The correctly rounded exact sum, divided by the count.
      if (acc.type !== 'sum' || acc.n === 0) throw noValues(fn, f.name, what);
      const mean = exactSum(acc.partials) / acc.n;
      if (!Number.isFinite(mean)) throw overflow(fn, f.name, what);
      return mean;
    },
    range() {
      if (acc.type !== 'range' || acc.n === 0) throw noValues(fn, f.name, what);
      return { min: acc.min, max: acc.max };
    },
    quantile: (p) => linearQuantile(values(), p),
    median: () => median(values()),
    frequencies() {
      if (acc.type !== 'counts') throw new Error(`unreachable: ${what} reads counts of ${acc.type}`);
      return { entries: frequenciesSorted(acc.f), exact: acc.f.error === 0 };
    },
    noValues: () => noValues(fn, f.name, what),
    invalid: (message) => new LockstepError('INVALID_DATA', `${fn}: ${message}`, { fn }),
  };
}

/** A fitted value with -0 written as 0, as JSON writes it: a transform and its JSON give the same bits. */
function plain<T>(value: T): T {
  if (value === 0) return 0 as T;
  if (Array.isArray(value)) return value.map(plain) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = plain((value as Record<string, unknown>)[key]);
    return out as T;
  }
  return value;
}

/** Lays out the output columns and seals the artifact (at most MAX_COLUMNS columns in all). */
export function buildArtifact(
  fn: string,
  features: readonly NormalizedFeature[],
  steps: readonly (readonly FittedStep[])[],
  rows: number,
  schema: string | undefined,
): TransformArtifact {
  let offset = 0;
  const fitted: FittedFeature[] = [];
  const columns: OutputColumn[] = [];
  features.forEach((f, i) => {
    const chain = steps[i]!.map((s) => {
      const withFitted = s as FittedStep & { fitted?: unknown };
      return withFitted.fitted === undefined ? s : ({ ...s, fitted: plain(withFitted.fitted) } as FittedStep);
    });
    const draft: FittedFeature = { ...f, steps: chain, offset: 0, width: 0 };
    const tooWide = (columns: number) => {
      if (offset + columns > MAX_COLUMNS)
        throw invalidArgument(fn, `spec.${f.name}`, columnsProblem(offset + columns));
    };
    const names = compileFeature(draft, tooWide).names;
    const width = f.role === 'weight' ? 0 : names.length;
    tooWide(width);
    fitted.push({ name: f.name, inputs: f.inputs, kind: f.kind, steps: chain, role: f.role, offset, width });
    for (const name of names) columns.push({ index: columns.length, name, feature: f.name });
    offset += width;
  });
  return sealTransform({
    kind: 'lockstep.transform' as const,
    formatVersion: 1 as const,
    features: fitted,
    columns,
    rows,
    ...(schema === undefined ? {} : { schema }),
  });
}

/**
 * Fits a transform spec on data (rows, a record of columns, an Arrow table, or a Frame) into a JSON
 * artifact: every step's options and fitted values, the output layout, and a fingerprint. Each stage of
 * the spec reads the data once (usually one stage); quantiles are exact up to `exactQuantiles` values, and
 * vocabularies exact up to `maxCategories` distinct values. Missing values are left out of every fitted
 * statistic, as scikit-learn does. Every column the spec reads must be in the data (a column whose values
 * are all missing is still a column). The artifact is deeply frozen: to change one, edit its JSON and
 * parse it, or fit again. A spec has at most 65,536 features and 32 steps a chain; a transform at most
 * 1,048,576 output columns. O(rows × features × stages).
 * @example fit({ x: standardize() }, { x: [1, 2, 3] }).features[0].steps[0].fitted.mean // => 2
 * @throws LockstepError `INVALID_ARGUMENT` for a bad spec, an unknown option key, an option out of its
 *   bounds, a tokenize key id whose key `options.keys` lacks or holds as anything but a `tokenKey` key (named
 *   `options.keys.<keyId>`), or a column the data does not have (naming the columns it has); `INVALID_DATA` for values that
 *   cannot be fitted (wrong types, infinities), a feature with no values, or an empty vocabulary with no
 *   OOV buckets.
 */
export function fit(spec: TransformSpec, data: FrameInput, options?: FitOptions): TransformArtifact {
  let fitter = startFit('fit', spec, options);
  const frame = frameOf(data, 'fit');
  for (;;) {
    fitter.update(frame);
    if (fitter.stage + 1 === fitter.stages) return fitter.result();
    fitter = fitter.nextStage();
  }
}

/**
 * Fits a transform spec on data that is read as a stream: `open()` is called once per stage and must
 * yield the same batches each time (rows, records of columns, Arrow record batches, or Frames). The
 * bounds and rules are `fit`'s.
 * @example await fitStream(spec, () => readBatches(file))
 * @throws LockstepError as `fit`, and `INVALID_DATA` when two stages read different numbers of rows;
 *   `INVALID_ARGUMENT` when `open` is not a function or does not return batches.
 */
export async function fitStream(
  spec: TransformSpec,
  open: () => AsyncIterable<FrameInput> | Iterable<FrameInput>,
  options?: FitOptions,
): Promise<TransformArtifact> {
  const fn = 'fitStream';
  if (typeof open !== 'function')
    throw invalidArgument(
      fn,
      'open',
      'must be a function returning the batches, called once per stage',
      open,
    );
  let fitter = startFit(fn, spec, options);
  for (;;) {
    await eachBatch(fn, open(), (batch) => fitter.update(batch));
    if (fitter.stage + 1 === fitter.stages) return fitter.result();
    fitter = fitter.nextStage();
  }
}

/**
 * Hands every batch of an iterable or async iterable to `take`, walking it by hand: a batch is never
 * awaited (a hostile batch's `then` getter is not read), a broken iterator protocol is an INVALID_ARGUMENT
 * naming `open`, and an error the caller's own iterator throws passes unchanged.
 */
async function eachBatch(fn: string, batches: unknown, take: (batch: FrameInput) => void): Promise<void> {
  const broken = (what: string) =>
    invalidArgument(fn, 'open', `must return an iterable or async iterable of batches (${what})`);
  let iterator: { next(): unknown } | undefined;
  let async = false;
  try {
    if (typeof batches === 'object' && batches !== null) {
      const a = (batches as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator];
      const s = (batches as Partial<Iterable<unknown>>)[Symbol.iterator];
      async = typeof a === 'function';
      const made = async ? a!.call(batches) : typeof s === 'function' ? s.call(batches) : undefined;
      if (
        typeof made === 'object' &&
        made !== null &&
        typeof (made as { next?: unknown }).next === 'function'
      )
        iterator = made as { next(): unknown };
    }
  } catch {
    throw broken('reading its iterator threw');
  }
  if (iterator === undefined) throw broken(`got ${describe(batches)}`);
  for (;;) {
    // The caller's own iterator may throw or reject: that error passes unchanged. A result that cannot
    // even be read (a thenable whose getter throws) is a broken protocol.
    const next = iterator.next();
    let then: unknown;
    try {
      then = typeof next === 'object' && next !== null ? (next as { then?: unknown }).then : undefined;
    } catch {
      throw broken('its iterator gave a result that could not be read');
    }
    const result = async && typeof then === 'function' ? await next : next;
    if (typeof result !== 'object' || result === null)
      throw broken('its iterator gave a result that is not an object');
    let done: unknown;
    let value: unknown;
    try {
      done = (result as IteratorResult<unknown>).done;
      value = done ? undefined : (result as IteratorResult<unknown>).value;
    } catch {
      throw broken('its iterator gave a result that could not be read');
    }
    if (done) return;
    take(value as FrameInput);
  }
}
