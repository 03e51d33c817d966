// Distributions to draw, from lockstep/stats profiles read by their shape. drift's `compare` result carries
// statistics, not histograms, so the report draws a feature's reference and current distributions from the
// two profiles the comparison was made from (`options.reference`, `options.current`), when given:
//
// - Numeric: the KLL quantile sketch (`numeric.quantiles`): items level by level, level h weighing 2^h,
//   plus the sampler's pending item at weight 2^level, as lockstep/stats reads it. Both sides share one set
//   of equal-width bins over [the lower of the two 1st percentiles, the higher of the two 99th]; values
//   beyond fall into the outer bins, so one outlier cannot squash the picture into a single bar. Integer
//   data spanning no more values than there are bins get one bin per integer. Exact while the sketches
//   are (up to k items); otherwise within the sketch's rank error.
// - Categorical: `categorical.frequencies` ([value, count], by count); shares are of the side's present
//   categorical values. The values shown are the `maxCategories` with the largest share on either side
//   (ties by value, in code-unit order: no locale), and what is left is reported as "other".
import { base64ToFloat64 } from '../core/base64.js';
import { invalidArgument } from '../core/errors.js';
import {
  array,
  FN,
  isObject,
  number,
  object,
  optionalObject,
  type Plain,
  type PlainObject,
  string,
} from './read.js';

/** Weighted, sorted values of one side's sketch. */
export interface NumericSide {
  readonly values: Float64Array;
  readonly weights: Float64Array;
  readonly total: number;
  readonly timestamp: boolean;
}

/** One side's categorical shares, by share descending. */
export interface CategoricalSide {
  readonly shares: ReadonlyMap<string, number>;
}

/** The histogram of both sides over shared bins. */
export interface Histogram {
  readonly lo: number;
  readonly hi: number;
  readonly reference: Float64Array;
  readonly current: Float64Array;
  /** Some value of either side lay outside [lo, hi] and was counted in an outer bin. */
  readonly tails: boolean;
  readonly timestamp: boolean;
  /** One bin per integer value: [lo, hi] is [first − ½, last + ½]. */
  readonly integers: boolean;
}

/** Top categories of both sides: rows of [value, reference share, current share], and the rest. */
export interface CategoryBars {
  readonly rows: readonly (readonly [string, number, number])[];
  readonly other: readonly [number, number];
}

/** A profile's features by name (read structurally: `kind: 'lockstep.profile'` and `features`). */
export interface ProfileFeatures {
  readonly path: string;
  readonly byName: ReadonlyMap<string, { readonly feature: PlainObject; readonly path: string }>;
}

const MAX_SKETCH_TEXT = 1 << 24;

/** Reads a profile argument's features by name. */
export function readProfile(v: Plain | undefined, path: string): ProfileFeatures {
  const p = object(v, path);
  if (p.kind !== 'lockstep.profile')
    throw invalidArgument(FN, path, "must be a lockstep/stats profile (kind 'lockstep.profile')", p.kind);
  const features = array(p.features, `${path}.features`);
  const byName = new Map<string, { feature: PlainObject; path: string }>();
  features.forEach((f, i) => {
    const at = `${path}.features[${i}]`;
    const feature = object(f, at);
    const name = string(feature.name, `${at}.name`);
    if (!byName.has(name)) byName.set(name, { feature, path: at });
  });
  return { path, byName };
}

/** The numeric side of a profile feature, or undefined when it has no quantile sketch. */
export function numericSide(feature: PlainObject, path: string): NumericSide | undefined {
  const numeric = optionalObject(feature.numeric, `${path}.numeric`);
  if (numeric === undefined) return undefined;
  const at = `${path}.numeric.quantiles`;
  const q = object(numeric.quantiles, at);
  const text = string(q.items, `${at}.items`);
  if (text.length > MAX_SKETCH_TEXT)
    throw invalidArgument(FN, `${at}.items`, `must be at most ${MAX_SKETCH_TEXT} characters long`);
  const items = base64ToFloat64(text);
  if (items === undefined) throw invalidArgument(FN, `${at}.items`, 'must be base64 of float64 values');
  const levels = array(q.levels, `${at}.levels`);
  if (levels.length > 128) throw invalidArgument(FN, `${at}.levels`, 'must have at most 128 levels');
  const values: number[] = [];
  const weights: number[] = [];
  let offset = 0;
  for (let h = 0; h < levels.length; h++) {
    const size = number(levels[h], `${at}.levels[${h}]`);
    if (size === null || !Number.isSafeInteger(size) || size < 0 || offset + size > items.length)
      throw invalidArgument(FN, `${at}.levels[${h}]`, 'must be item counts adding up to the items', size);
    for (let i = offset; i < offset + size; i++) {
      if (Number.isFinite(items[i]!)) {
        values.push(items[i]!);
        weights.push(2 ** h);
      }
    }
    offset += size;
  }
  if (offset !== items.length)
    throw invalidArgument(FN, `${at}.levels`, 'must add up to the number of items');
  const sampler = q.sampler;
  if (isObject(sampler)) {
    const { level, seen, target, candidate } = sampler;
    if (
      typeof level === 'number' &&
      level > 0 &&
      level < 64 &&
      typeof seen === 'number' &&
      typeof target === 'number' &&
      target < seen &&
      typeof candidate === 'number' &&
      Number.isFinite(candidate)
    ) {
      values.push(candidate);
      weights.push(2 ** level);
    }
  }
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const sorted = Float64Array.from(order, (i) => values[i]!);
  const w = Float64Array.from(order, (i) => weights[i]!);
  let total = 0;
  for (const x of w) total += x;
  return { values: sorted, weights: w, total, timestamp: feature.type === 'timestamp' };
}

/** The categorical side of a profile feature, or undefined when it has no frequencies. */
export function categoricalSide(feature: PlainObject, path: string): CategoricalSide | undefined {
  const c = optionalObject(feature.categorical, `${path}.categorical`);
  if (c === undefined) return undefined;
  const list = array(c.frequencies, `${path}.categorical.frequencies`);
  let total = number(c.count, `${path}.categorical.count`) ?? 0;
  const counts = new Map<string, number>();
  let listed = 0;
  list.forEach((pair, i) => {
    const at = `${path}.categorical.frequencies[${i}]`;
    const [value, count] = array(pair, at);
    const n = number(count, `${at}[1]`);
    if (n === null || !(n >= 0)) throw invalidArgument(FN, `${at}[1]`, 'must be a count', n);
    const key = string(value, `${at}[0]`);
    counts.set(key, (counts.get(key) ?? 0) + n);
    listed += n;
  });
  if (!(total >= listed)) total = listed;
  const shares = new Map<string, number>();
  for (const [value, n] of counts) shares.set(value, total > 0 ? n / total : 0);
  return { shares };
}

/** The value of weighted rank p·total (the first value whose cumulative weight reaches it). */
function quantile(side: NumericSide, p: number): number {
  const target = p * side.total;
  let cumulative = 0;
  for (let i = 0; i < side.values.length; i++) {
    cumulative += side.weights[i]!;
    if (cumulative >= target) return side.values[i]!;
  }
  return side.values[side.values.length - 1]!;
}

/** Both sides over `bins` shared bins (see the rule at the top of this file); undefined when both are empty. */
export function histogram(
  reference: NumericSide | undefined,
  current: NumericSide | undefined,
  bins: number,
): Histogram | undefined {
  const sides = [reference, current].filter((s): s is NumericSide => s !== undefined && s.values.length > 0);
  if (sides.length === 0) return undefined;
  let lo = Math.min(...sides.map((s) => quantile(s, 0.01)));
  let hi = Math.max(...sides.map((s) => quantile(s, 0.99)));
  const min = Math.min(...sides.map((s) => s.values[0]!));
  const max = Math.max(...sides.map((s) => s.values[s.values.length - 1]!));
  if (!(hi > lo)) [lo, hi] = [min, max];
  let count = bins;
  let integers = true;
  for (const s of sides) for (const x of s.values) if (!Number.isInteger(x)) integers = false;
  integers &&= hi - lo + 1 <= bins;
  if (integers) {
    count = hi - lo + 1;
    lo -= 0.5;
    hi += 0.5;
  } else if (!(hi > lo)) {
    count = 1;
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / count;
  const fill = (side: NumericSide | undefined): Float64Array => {
    const out = new Float64Array(count);
    if (side === undefined || side.total === 0) return out;
    for (let i = 0; i < side.values.length; i++) {
      const b = Math.min(count - 1, Math.max(0, Math.floor((side.values[i]! - lo) / width)));
      out[b]! += side.weights[i]!;
    }
    for (let b = 0; b < count; b++) out[b]! /= side.total;
    return out;
  };
  return {
    lo,
    hi,
    reference: fill(reference),
    current: fill(current),
    tails: min < lo || max > hi,
    timestamp: sides.some((s) => s.timestamp),
    integers,
  };
}

/** The `max` categories with the largest share on either side, and the share left over on each. */
export function categoryBars(
  reference: CategoricalSide | undefined,
  current: CategoricalSide | undefined,
  max: number,
): CategoryBars {
  const values = new Map<string, number>();
  for (const side of [reference, current])
    for (const [value, share] of side?.shares ?? [])
      values.set(value, Math.max(values.get(value) ?? 0, share));
  const top = [...values]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, max)
    .map(([value]) => value);
  const rows = top.map(
    (value) => [value, reference?.shares.get(value) ?? 0, current?.shares.get(value) ?? 0] as const,
  );
  const left = (side: CategoricalSide | undefined, i: 1 | 2) =>
    side === undefined ? 0 : Math.max(0, 1 - rows.reduce((sum, row) => sum + row[i], 0));
  return { rows, other: [left(reference, 1), left(current, 2)] };
}
