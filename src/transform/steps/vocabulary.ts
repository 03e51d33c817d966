// vocabulary: categories to indices by a vocabulary fitted on the training data, most frequent first, ties
// in code-unit order; `minFrequency` cuts first, then `topK`. With a mask, index 0 means "no value"; the
// vocabulary follows, then the out-of-vocabulary buckets (TensorFlow Transform's layout, so adding a
// bucket never moves a known value), chosen by murmur3 of the value.
import { checkString, MAX_STRING } from '../../core/check.js';
import { invalidArgument } from '../../core/errors.js';
import { murmur3String } from '../../core/murmur3.js';
import type { Indexer, IndexSpace } from '../kernel.js';
import {
  buildStep,
  checkCount,
  checkSalt,
  fittedObject,
  MAX_BUCKETS,
  MAX_NAME,
  type StepKernel,
  type StepRules,
} from './common.js';

export interface VocabularyStep {
  readonly type: 'vocabulary';
  /** Keep at most this many values, the most frequent first. Default: all. */
  readonly topK?: number;
  /** Keep only values seen at least this often. Default 1. */
  readonly minFrequency?: number;
  /** Indices for values outside the vocabulary, chosen by hash. Default 1; 0 makes an unseen value an error. */
  readonly oovBuckets?: number;
  /**
   * Reserve index 0 for "no value", as Keras's `mask_token`: missing values, and this token when it is a
   * string, map to 0, which `oneHot` and `multiHot` output as all zeros. Default: none.
   */
  readonly mask?: string | true;
  /** Salt of the out-of-vocabulary hash. Default `''`. */
  readonly salt?: string;
}

export type FittedVocabulary = VocabularyStep & {
  readonly fitted: {
    /** The vocabulary, most frequent first, ties in lexicographic order. */
    readonly values: readonly string[];
    readonly counts: readonly number[];
    /** False when the training data had more distinct values than the counting capacity. */
    readonly exact: boolean;
  };
};

/**
 * Maps categories to indices by a vocabulary fitted on the training data: most frequent first, ties in
 * lexicographic order. Values outside it go to `oovBuckets` indices by hash.
 * @example vocabulary({ topK: 100 }) // => { type: 'vocabulary', topK: 100 }
 */
export function vocabulary(
  options: {
    readonly topK?: number;
    readonly minFrequency?: number;
    readonly oovBuckets?: number;
    readonly mask?: string | true;
    readonly salt?: string;
  } = {},
): VocabularyStep {
  return buildStep(vocabularyStep, options);
}

export const vocabularyStep: StepRules<VocabularyStep, FittedVocabulary> = {
  type: 'vocabulary',
  options: ['topK', 'minFrequency', 'oovBuckets', 'mask', 'salt'],
  check(fn, at, s) {
    checkCount(fn, at, s, 'topK', 1, MAX_BUCKETS, false);
    checkCount(fn, at, s, 'minFrequency', 1, Number.MAX_SAFE_INTEGER, false);
    checkCount(fn, at, s, 'oovBuckets', 0, MAX_BUCKETS, false);
    checkSalt(fn, at, s);
    if (s.mask !== undefined && s.mask !== true && typeof s.mask !== 'string')
      throw invalidArgument(fn, `${at}.mask`, 'must be a string or true', s.mask);
    if (typeof s.mask === 'string') checkString(fn, `${at}.mask`, s.mask, MAX_NAME);
  },
  fit: {
    phases: () => 1,
    accumulator: () => 'counts',
    skip: (step) => (typeof step.mask === 'string' ? step.mask : undefined),
    finish(step, stats) {
      const min = step.minFrequency ?? 1;
      const { entries, exact } = stats.frequencies();
      let kept = entries.filter(([, c]) => c >= min);
      if (step.topK !== undefined) kept = kept.slice(0, step.topK);
      if (kept.length === 0 && (step.oovBuckets ?? 1) === 0) {
        throw stats.invalid(
          `the vocabulary of feature '${stats.feature}' is empty (no value occurs ${min} times) and it has no OOV buckets, so no value could be encoded`,
        );
      }
      return { ...step, fitted: { values: kept.map((e) => e[0]), counts: kept.map((e) => e[1]), exact } };
    },
  },
  fittedProblem(step) {
    const f = step.fitted as unknown;
    const problem = fittedObject(f, ['values', 'counts', 'exact']);
    if (problem) return problem;
    const { values, counts, exact } = f as { values: unknown; counts: unknown; exact: unknown };
    // Lengths first: a sparse array of 2^32 − 1 holes is refused before anything walks it.
    if (!Array.isArray(values) || values.length > MAX_BUCKETS)
      return ['fitted.values', `must be an array of at most ${MAX_BUCKETS} strings`];
    for (let i = 0; i < values.length; i++) {
      const v: unknown = values[i];
      if (typeof v !== 'string' || v.length > MAX_STRING)
        return [`fitted.values.${i}`, `must be a string of at most ${MAX_STRING} characters`];
    }
    if (step.topK !== undefined && values.length > step.topK)
      return ['fitted.values', `must hold at most topK (${step.topK}) values`];
    if (new Set(values).size !== values.length) return ['fitted.values', 'must not repeat a value'];
    if (typeof step.mask === 'string' && values.includes(step.mask))
      return ['fitted.values', 'must not hold the mask token'];
    if (
      !Array.isArray(counts) ||
      counts.length !== values.length ||
      !counts.every((c, i) => Number.isSafeInteger(c) && c > 0 && (i === 0 || c <= counts[i - 1]))
    )
      return ['fitted.counts', 'must be positive integers, one per value, most frequent first'];
    if (typeof exact !== 'boolean') return ['fitted.exact', 'must be a boolean'];
    return undefined;
  },
};

export const vocabularyKernel: StepKernel<FittedVocabulary> = {
  index(step) {
    const { values } = step.fitted;
    const masked = step.mask !== undefined;
    const m = masked ? 1 : 0;
    const oov = step.oovBuckets ?? 1;
    const seed = murmur3String(step.salt ?? '', 0);
    const lookup = new Map<string, number>();
    values.forEach((v, i) => {
      lookup.set(v, i + m);
    });
    if (typeof step.mask === 'string') lookup.set(step.mask, 0);
    const first = m + values.length;
    const index: Indexer = (text) => {
      const found = lookup.get(text);
      if (found !== undefined) return found;
      return oov === 0 ? -1 : first + (murmur3String(text, seed) % oov);
    };
    const space: IndexSpace = {
      size: first + oov,
      masked,
      label: (i) => (i < m ? '#mask' : i < first ? values[i - m]! : `#oov${i - first}`),
    };
    return { space, index, outside: first };
  },
};
