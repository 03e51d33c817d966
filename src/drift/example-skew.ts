// Per-example skew: the features logged at training and at serving for the same example, compared value by
// value. This is how a serving path proves it computes the same features as training (TFDV's feature skew
// detector compares the same way, joined on an identifier).
import {
  checkInteger,
  checkNumber,
  checkStrings,
  didYouMean,
  MAX_STRING,
  objectKeys,
  readOptions,
} from '../core/check.js';
import { describe, invalidArgument } from '../core/errors.js';
import {
  type Column,
  dateValue,
  type Frame,
  type FrameInput,
  frameOf,
  isDate,
  valueAt,
} from '../core/frame.js';

export interface Tolerance {
  /** Numbers a and b match when |a − b| ≤ absolute + relative · |a|. Default 0 (bit-identical). */
  readonly absolute?: number;
  readonly relative?: number;
}

export interface ExampleSkewOptions {
  /** The identifier joining the two: a column present in both (request id, user and time, …). */
  readonly key: string;
  /** Features to compare (at most 2^20 distinct names). Default: every column both sides have, but the key. */
  readonly features?: readonly string[];
  /** Tolerance for numbers, for all features or per feature. Default exact. */
  readonly tolerance?: Tolerance | Readonly<Record<string, Tolerance>>;
  /** Mismatching pairs kept per feature. Default 5. */
  readonly maxExamples?: number;
}

export interface FeatureSkew {
  readonly feature: string;
  /** Joined examples compared for this feature. */
  readonly compared: number;
  readonly matches: number;
  readonly mismatches: number;
  readonly mismatchRate: number;
  /** Among the mismatches: the value present on one side only. */
  readonly missingInServing: number;
  readonly missingInTraining: number;
  /** Among the mismatches on numbers: the largest absolute difference. */
  readonly maxAbsoluteDifference: number | null;
  readonly examples: readonly {
    readonly key: string;
    readonly training: unknown;
    readonly serving: unknown;
  }[];
}

export interface ExampleSkewReport {
  /** Examples found on both sides (by key). */
  readonly joined: number;
  readonly trainingOnly: number;
  readonly servingOnly: number;
  /** Rows whose key was missing, and keys seen more than once (the first occurrence is used). */
  readonly missingKeys: { readonly training: number; readonly serving: number };
  readonly duplicateKeys: { readonly training: number; readonly serving: number };
  /** Features by mismatch rate, highest first. */
  readonly features: readonly FeatureSkew[];
  /** True when every compared value matched. */
  readonly identical: boolean;
}

function keyOf(column: Column | undefined, i: number): string | undefined {
  if (!column) return undefined;
  const v = valueAt(column, i);
  if (v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v))) return undefined;
  return typeof v === 'string' ? v : `${typeof v}:${String(isDate(v) ? dateValue(v) : v)}`;
}

function index(
  frame: Frame,
  key: string,
): { rows: Map<string, number>; missing: number; duplicates: number } {
  const column = frame.columns.get(key);
  const rows = new Map<string, number>();
  let missing = 0;
  let duplicates = 0;
  for (let i = 0; i < frame.length; i++) {
    const k = keyOf(column, i);
    if (k === undefined) missing++;
    else if (rows.has(k)) duplicates++;
    else rows.set(k, i);
  }
  return { rows, missing, duplicates };
}

const KEYS = ['key', 'features', 'tolerance', 'maxExamples'] as const;
const TOLERANCE_KEYS = ['absolute', 'relative'] as const;

/** A tolerance, read against its known keys: `absolute` and `relative` finite numbers ≥ 0 (default 0). */
function readTolerance(fn: string, arg: string, value: unknown): Required<Tolerance> {
  const t = readOptions(fn, value, TOLERANCE_KEYS, arg);
  const part = (key: 'absolute' | 'relative') =>
    t[key] === undefined ? 0 : checkNumber(fn, `${arg}.${key}`, t[key], { min: 0 });
  return { absolute: part('absolute'), relative: part('relative') };
}

/** The tolerance option: one for every feature (it has `absolute` or `relative`), or a record by feature. */
interface Tolerances {
  readonly all: Required<Tolerance>;
  readonly byFeature: ReadonlyMap<string, Required<Tolerance>>;
}

const EXACT: Required<Tolerance> = { absolute: 0, relative: 0 };

function readTolerances(fn: string, value: unknown, columns: ReadonlySet<string>): Tolerances {
  const byFeature = new Map<string, Required<Tolerance>>();
  if (value === undefined) return { all: EXACT, byFeature };
  const arg = 'options.tolerance';
  const keys = objectKeys(fn, arg, value, 'must be { absolute, relative }, or an object of them by feature');
  if (keys.some((k) => k === 'absolute' || k === 'relative'))
    return { all: readTolerance(fn, arg, value), byFeature };
  for (const key of keys) {
    if (!columns.has(key)) {
      const hint = didYouMean(key, [...TOLERANCE_KEYS, ...columns]);
      throw invalidArgument(fn, arg, `names a column neither side has: ${describe(key)}${hint}`);
    }
    let v: unknown;
    try {
      v = (value as Record<string, unknown>)[key];
    } catch {
      throw invalidArgument(fn, `${arg}.${key}`, 'must be readable (its getter threw)');
    }
    byFeature.set(key, readTolerance(fn, `${arg}.${key}`, v));
  }
  return { all: EXACT, byFeature };
}

/** Same value, up to the tolerance for numbers. Missing equals missing, NaN equals NaN. */
function same(a: unknown, b: unknown, t: Required<Tolerance>): boolean {
  const aMissing = a === undefined || a === null;
  const bMissing = b === undefined || b === null;
  if (aMissing || bMissing) return aMissing && bMissing;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    return a === b || Math.abs(a - b) <= t.absolute + t.relative * Math.abs(a);
  }
  if (isDate(a) && isDate(b)) return dateValue(a) === dateValue(b);
  return a === b;
}

/**
 * Joins training and serving examples on a key and compares each feature value by value: matches,
 * mismatches, values present on one side only, the largest numeric difference, and a few mismatching pairs.
 * Numbers match exactly by default (the features must be the same numbers); give a tolerance where the
 * serving path may round. O(rows × features).
 * @example exampleSkew(trainingLog, servingLog, { key: 'requestId' }).features[0] // => the feature with the most mismatches
 * @throws LockstepError `INVALID_ARGUMENT` for a key or feature that neither side has, an unknown option
 *   key (naming the closest), a tolerance naming no column, or bad options.
 */
export function exampleSkew(
  training: FrameInput,
  serving: FrameInput,
  options: ExampleSkewOptions,
): ExampleSkewReport {
  const fn = 'exampleSkew';
  const o = readOptions(fn, options, KEYS);
  if (typeof o.key !== 'string' || o.key.length > MAX_STRING)
    throw invalidArgument(fn, 'options.key', 'must be a column name', o.key);
  const key = o.key;
  const maxExamples =
    o.maxExamples === undefined ? 5 : checkInteger(fn, 'options.maxExamples', o.maxExamples, 0);
  const a = frameOf(training, fn, undefined, 'training');
  const b = frameOf(serving, fn, undefined, 'serving');
  for (const [side, frame] of [
    ['training', a],
    ['serving', b],
  ] as const) {
    if (frame.length > 0 && !frame.columns.has(key))
      throw invalidArgument(fn, 'options.key', `must name a column of ${side}`, key);
  }
  const columns = new Set([...a.names, ...b.names]);
  const features =
    o.features === undefined
      ? a.names.filter((n) => n !== key && b.columns.has(n))
      : checkStrings(fn, 'options.features', o.features, 1 << 20);
  for (const f of features) {
    if (!columns.has(f)) {
      const hint = didYouMean(f, [...columns]);
      throw invalidArgument(fn, 'options.features', `names a column neither side has: ${describe(f)}${hint}`);
    }
  }
  const tolerances = readTolerances(fn, o.tolerance, columns);
  const left = index(a, key);
  const right = index(b, key);
  const pairs: [string, number, number][] = [];
  for (const [k, i] of left.rows) {
    const j = right.rows.get(k);
    if (j !== undefined) pairs.push([k, i, j]);
  }
  const result = features.map((feature): FeatureSkew => {
    const ca = a.columns.get(feature);
    const cb = b.columns.get(feature);
    const t = tolerances.byFeature.get(feature) ?? tolerances.all;
    let matches = 0;
    let missingInServing = 0;
    let missingInTraining = 0;
    let maxDiff = Number.NEGATIVE_INFINITY;
    const examples: FeatureSkew['examples'][number][] = [];
    for (const [k, i, j] of pairs) {
      const x = ca ? valueAt(ca, i) : undefined;
      const y = cb ? valueAt(cb, j) : undefined;
      if (same(x, y, t)) {
        matches++;
        continue;
      }
      if (y === undefined || y === null) missingInServing++;
      else if (x === undefined || x === null) missingInTraining++;
      else if (typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) > maxDiff)
        maxDiff = Math.abs(x - y);
      if (examples.length < maxExamples) examples.push({ key: k, training: x, serving: y });
    }
    const mismatches = pairs.length - matches;
    return {
      feature,
      compared: pairs.length,
      matches,
      mismatches,
      mismatchRate: pairs.length === 0 ? 0 : mismatches / pairs.length,
      missingInServing,
      missingInTraining,
      maxAbsoluteDifference: Number.isFinite(maxDiff) ? maxDiff : null,
      examples,
    };
  });
  result.sort((x, y) => y.mismatchRate - x.mismatchRate || (x.feature < y.feature ? -1 : 1));
  return {
    joined: pairs.length,
    trainingOnly: left.rows.size - pairs.length,
    servingOnly: right.rows.size - pairs.length,
    missingKeys: { training: left.missing, serving: right.missing },
    duplicateKeys: { training: left.duplicates, serving: right.duplicates },
    features: result,
    identical: result.every((f) => f.mismatches === 0),
  };
}
