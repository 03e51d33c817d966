// What a transform step is, written once for all sixteen: the two interfaces every step's file implements,
// and the option checks they share. A step's file holds everything about it: its options' type and
// builder, and two objects. Its rules (`xStep`): the check of its options, how fitting learns its values
// (passes over the data, accumulator, the fitted values from the accumulator's statistics) and the check of
// those fitted values in an artifact. Its kernel (`xKernel`): what it compiles to. The machinery that drives
// them stays shared: the chain grammar (normalize.ts), the fitting stages (fit.ts), the artifact
// (artifact.ts) and the kernel's assembly (kernel.ts), each of which looks a step up in one of two tables
// (steps/index.ts): the rules table or the kernel table.
//
// Rules and kernel are two objects so that the request path (`apply`), which reaches only the kernel
// table, bundles neither option checks nor fitting code: an unused top-level object is dropped by
// bundlers. Fitting code reaches a step only through `FitStats`, which fit.ts builds from the accumulator,
// so no sketch or sorting code rides along either.
import { checkString, readOptions } from '../../core/check.js';
import { invalidArgument } from '../../core/errors.js';
import type { Accumulator } from '../accumulate.js';
import type { CategoryIndex, Emit, IndexSpace, Prep } from '../kernel.js';
import type { FittedFeature, FittedStep, InputKind } from '../types.js';

/** The options of a step that has none: `standardize()` takes no argument, and `{}` at most. */
export type NoOptions = Readonly<Record<string, never>>;

/** What an index step does with a missing value: throw, or give it a bucket of its own (the last index). */
export type MissingBucketRule = 'error' | 'bucket';

/** Largest number of indices an index step may have (buckets, OOV buckets, a vocabulary's topK). */
export const MAX_BUCKETS = 1 << 24;

/** Longest name (feature, column) or short text option (salt, mask) in a spec or artifact. */
export const MAX_NAME = 1024;

/** The problem a fitted-value check found: the path under the step (`fitted.mean`) and what is wrong. */
export type FittedProblem = readonly [path: string, message: string];

/** A missing number with no rule for it. */
export const MISSING_NUMBER = 'is missing; add impute() to fill it';

/**
 * What fitting learned about a step's input once its pass over the data is done: the statistics of the
 * step's accumulator. A read that has nothing to learn from (every value missing) throws INVALID_DATA
 * naming the feature and the step.
 */
export interface FitStats {
  /** The feature being fitted, and what it reads. */
  readonly feature: string;
  readonly kind: InputKind;
  /** How many values were accumulated. */
  readonly count: number;
  /**
   * The exact sum of what was summed (the values, or their squared deviations from the centre of a second
   * pass), correctly rounded, divided by the count: an exact mean or variance. INVALID_DATA when it
   * overflows float64.
   */
  mean(): number;
  /** The smallest and largest value. */
  range(): { readonly min: number; readonly max: number };
  /** numpy's default ('linear') quantile p of the values: exact up to `exactQuantiles` values. */
  quantile(p: number): number;
  /** numpy's median: the middle value, or the mean of the middle two. */
  median(): number;
  /**
   * The categories counted, most frequent first, ties in code-unit order, and whether the counts are exact
   * (false once the Misra–Gries summary took over). Never throws: an empty list is the caller's to judge.
   */
  frequencies(): { readonly entries: readonly (readonly [string, number])[]; readonly exact: boolean };
  /** The INVALID_DATA error for a feature with no values to fit this step on. */
  noValues(): Error;
  /** An INVALID_DATA error of this fit, `message` prefixed with the function's name. */
  invalid(message: string): Error;
}

/** How a step that learns from data is fitted. */
export interface StepFit<S, F> {
  /** Passes over the data the step needs: 0 when these options learn nothing (then `fixed` applies). */
  phases(step: S): number;
  /** The accumulator each pass fills. */
  accumulator(step: S): Accumulator['type'];
  /** A category the accumulator leaves out (a vocabulary's mask token), if any. */
  skip?(step: S): string | undefined;
  /**
   * For a two-pass step: what the first pass gives the second, the centre its accumulator sums squared
   * deviations from (standardize's exact mean).
   */
  center?(step: S, stats: FitStats): number;
  /** The fitted step from the last pass's statistics (and the first pass's centre, for two passes). */
  finish(step: S, stats: FitStats, center: number | undefined): F;
}

/**
 * The rules of a step: its options and their check, how it is fitted, and the check of its fitted values.
 * `S` is its spec form, `F` its fitted form. Fitting and parsing read these; applying never does.
 */
export interface StepRules<S extends { readonly type: string }, F extends FittedStep> {
  readonly type: S['type'];
  /** Option keys beside `type` (and `fitted`, in an artifact). */
  readonly options: readonly string[];
  /**
   * Checks the options' values, `at` being the step's path in the argument (`spec.origin[1]`); only keys
   * of `options` are present. Throws INVALID_ARGUMENT.
   */
  check(fn: string, at: string, s: Readonly<Record<string, unknown>>): void;
  /** How fitting learns the step's values; absent for steps that learn nothing. */
  readonly fit?: StepFit<S, F>;
  /** The fitted form of options that learn nothing (zero passes). Default: the step as it is. */
  fixed?(step: S): F;
  /** The problem with a fitted step's `fitted` values in an artifact, or undefined when they are right. */
  fittedProblem(step: F): FittedProblem | undefined;
}

/**
 * The kernel of a step: it compiles through the hook of its place in the chain grammar. A separate object
 * from the rules, so the request path (`apply`), which needs only kernels, bundles no option checks and no
 * fitting code.
 */
export interface StepKernel<F extends FittedStep> {
  /** A numeric step (or a numeric impute): works in place on `x`. */
  number?(step: F): Prep;
  /** A category pre-step before the index step: fills missing texts (impute) or replaces them (tokenize). */
  text?(step: F): Prep;
  /** A category index step (vocabulary, hashBucket, cross): its index space and indexer. */
  index?(step: F): CategoryIndex;
  /** A number index step (bucketize): the prep that turns numbers into indices, and its index space. */
  buckets?(
    step: F,
    imputed: boolean,
  ): { readonly prep: Prep; readonly space: IndexSpace; readonly handlesMissing: boolean };
  /** An expansion of the index before it (oneHot): the emit writing `width` columns, and their names. */
  expand?(space: IndexSpace, name: string, offset: number): { readonly emit: Emit; readonly names: string[] };
  /** An expansion of a list of categories (multiHot), read directly from the scratch's lists. */
  list?(feature: FittedFeature, categories: CategoryIndex): { readonly emit: Emit; readonly names: string[] };
  /** A step reading a date-time alone (datetime, recencyWeight): its emit and output names. */
  time?(step: F, feature: FittedFeature): { readonly emit: Emit; readonly names: readonly string[] };
  /**
   * A column a leading step adds after the feature's own (impute's missing indicator): `emit` wrapped to
   * also write column `at`, and the column's name; undefined when the step adds none.
   */
  extra?(
    step: F,
    name: string,
    emit: Emit,
    at: number,
  ): { readonly emit: Emit; readonly name: string } | undefined;
}

// ---------------------------------------------------------------------------------------------------
// Option checks shared by several steps.

export function checkFlag(fn: string, at: string, s: Readonly<Record<string, unknown>>, key: string): void {
  if (s[key] !== undefined && typeof s[key] !== 'boolean')
    throw invalidArgument(fn, `${at}.${key}`, 'must be a boolean', s[key]);
}

export function checkSalt(fn: string, at: string, s: Readonly<Record<string, unknown>>): void {
  if (s.salt !== undefined) checkString(fn, `${at}.salt`, s.salt, MAX_NAME);
}

export function checkMissingRule(fn: string, at: string, s: Readonly<Record<string, unknown>>): void {
  if (s.missing !== undefined && s.missing !== 'error' && s.missing !== 'bucket')
    throw invalidArgument(fn, `${at}.missing`, "must be 'error' or 'bucket'", s.missing);
}

/** An integer option in [min, max]; absent is fine unless `required`. */
export function checkCount(
  fn: string,
  at: string,
  s: Readonly<Record<string, unknown>>,
  key: string,
  min: number,
  max: number,
  required: boolean,
): void {
  const v = s[key];
  if (v === undefined && !required) return;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
    throw invalidArgument(fn, `${at}.${key}`, `must be an integer in [${min}, ${max}]`, v);
}

/** Two probabilities [low, high] with low < high. */
export function checkProbabilities(
  fn: string,
  at: string,
  s: Readonly<Record<string, unknown>>,
  key: string,
): void {
  const q = s[key];
  if (
    !Array.isArray(q) ||
    q.length !== 2 ||
    !Object.hasOwn(q, 0) ||
    !Object.hasOwn(q, 1) ||
    !q.every((p) => typeof p === 'number' && p >= 0 && p <= 1) ||
    !(q[0] < q[1])
  ) {
    throw invalidArgument(fn, `${at}.${key}`, 'must be two probabilities [low, high] with low < high', q);
  }
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * A fitted-value check: `fitted` must be an object holding exactly `keys` (and, for `needsNumbers`, each a
 * finite number). An extra key is refused, so an artifact holds nothing lockstep would not have written.
 */
export function fittedObject(f: unknown, keys: readonly string[]): FittedProblem | undefined {
  if (typeof f !== 'object' || f === null || Array.isArray(f))
    return ['fitted', 'must be an object of fitted values'];
  for (const key of Object.keys(f))
    if (!keys.includes(key)) return [`fitted.${key}`, `is not a fitted value (${keys.join(', ')})`];
  return undefined;
}

/** A fitted-value check: `fitted` must be an object whose `keys` are finite numbers, and nothing else. */
export function needsNumbers(f: unknown, ...keys: string[]): FittedProblem | undefined {
  const problem = fittedObject(f, keys);
  if (problem) return problem;
  for (const key of keys)
    if (!isFiniteNumber((f as Record<string, unknown>)[key]))
      return [`fitted.${key}`, 'must be a finite number'];
  return undefined;
}

/** The fitted-value check of a step that learns nothing: no `fitted` at all. */
export function learnsNothing(step: { readonly type: string }): FittedProblem | undefined {
  return (step as { fitted?: unknown }).fitted === undefined
    ? undefined
    : ['fitted', `must be absent: ${step.type} learns nothing`];
}

/** Longest list an option can hold (bucketize's boundaries); a longer one is copied only as its length. */
const MAX_OPTION_LIST = 1 << 16;

/**
 * An option's value as lockstep keeps it: -0 as 0 (as JSON writes it, so a transform and its JSON give the
 * same bits), and an array copied into a plain one (a Proxy or getter is read once, here, and a hostile
 * one is an INVALID_ARGUMENT). An array longer than any option list keeps only its length, so the rule's
 * length check refuses it without anything walking its holes.
 */
export function optionValue(fn: string, arg: string, v: unknown): unknown {
  if (!Array.isArray(v)) return v === 0 ? 0 : v;
  try {
    const n = v.length;
    const copy = new Array<unknown>(Math.min(n, MAX_OPTION_LIST + 1));
    for (let i = 0; i < copy.length; i++) copy[i] = v[i] === 0 ? 0 : v[i];
    copy.length = n;
    return copy;
  } catch {
    throw invalidArgument(fn, arg, 'could not be read (a getter or Proxy threw)');
  }
}

/**
 * A step as its builder makes it: the options read against the step's known keys (a misspelled key is an
 * INVALID_ARGUMENT naming the key meant) and checked by its rules, so `vocabulary({ topk: 3 })` fails where
 * it is written, not later in `fit`. Keys given as undefined are left out.
 */
export function buildStep<S extends { readonly type: string }>(
  rules: StepRules<S, FittedStep>,
  options: unknown,
  extra: Readonly<Record<string, unknown>> = {},
): S {
  const fn = rules.type;
  const o = readOptions(
    fn,
    options,
    rules.options.filter((k) => !(k in extra)),
  );
  const s: Record<string, unknown> = { type: rules.type, ...extra };
  for (const key of Object.keys(o)) {
    const v = o[key as keyof typeof o];
    if (v !== undefined) s[key] = optionValue(fn, `options.${key}`, v);
  }
  rules.check(fn, 'options', s);
  return s as S;
}
