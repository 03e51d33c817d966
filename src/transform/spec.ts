// The steps a transform spec is made of: plain JSON objects, built by plain functions. A step's options
// are what the user chose; what fitting learns goes under the step's `fitted` key in the artifact.

/** Parts of a UTC date-time that `datetime()` can output. */
export type DatePart = 'year' | 'month' | 'dayOfMonth' | 'dayOfWeek' | 'dayOfYear' | 'hour' | 'minute';

/** How `impute()` fills a missing value. */
export type ImputeStrategy = 'mean' | 'median' | 'mode' | 'constant';

/** What an index step does with a missing value: throw, or give it a bucket of its own (the last index). */
export type MissingBucketRule = 'error' | 'bucket';

export interface StandardizeStep {
  readonly type: 'standardize';
}
export interface MinMaxStep {
  readonly type: 'minMax';
  /** Clip serving values to [0, 1] (scikit-learn's `clip=True`). Default false. */
  readonly clip?: boolean;
}
export interface RobustScaleStep {
  readonly type: 'robustScale';
  /** The quantiles whose difference is the scale. Default [0.25, 0.75] (scikit-learn's IQR). */
  readonly quantiles?: readonly [number, number];
}
export interface ClipStep {
  readonly type: 'clip';
  readonly min?: number;
  readonly max?: number;
  /** Clip at these quantiles of the training data instead of fixed bounds. */
  readonly quantiles?: readonly [number, number];
}
export interface Log1pStep {
  readonly type: 'log1p';
}
export interface BucketizeStep {
  readonly type: 'bucketize';
  /** Fixed boundaries, strictly increasing. */
  readonly boundaries?: readonly number[];
  /** Fit this many buckets of about equal mass (quantile boundaries; duplicates dropped). */
  readonly quantiles?: number;
  readonly missing?: MissingBucketRule;
}
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
export interface OneHotStep {
  readonly type: 'oneHot';
}
export interface MultiHotStep {
  readonly type: 'multiHot';
}
export interface HashBucketStep {
  readonly type: 'hashBucket';
  readonly buckets: number;
  readonly salt?: string;
  readonly missing?: MissingBucketRule;
}
export interface CrossStep {
  readonly type: 'cross';
  /** The input columns crossed, in order. */
  readonly inputs: readonly string[];
  readonly buckets: number;
  readonly salt?: string;
  readonly missing?: MissingBucketRule;
}
export interface ImputeStep {
  readonly type: 'impute';
  readonly strategy: ImputeStrategy;
  /** The fill value for `strategy: 'constant'`. */
  readonly value?: number | string;
  /** Also output a column that is 1 where the value was missing. Default false. */
  readonly indicator?: boolean;
}
export interface DatetimeStep {
  readonly type: 'datetime';
  readonly parts: readonly DatePart[];
  /** Output each periodic part as its sine and cosine. Default false. */
  readonly cyclical?: boolean;
}
export interface PassthroughStep {
  readonly type: 'passthrough';
}
export interface RecencyWeightStep {
  readonly type: 'recencyWeight';
  /** The time column the weight decays along. */
  readonly column: string;
  /** Milliseconds over which the weight halves. */
  readonly halfLife: number;
}

/** One step of a feature's chain. */
export type Step =
  | StandardizeStep
  | MinMaxStep
  | RobustScaleStep
  | ClipStep
  | Log1pStep
  | BucketizeStep
  | VocabularyStep
  | OneHotStep
  | MultiHotStep
  | HashBucketStep
  | CrossStep
  | ImputeStep
  | DatetimeStep
  | PassthroughStep
  | RecencyWeightStep;

/** A feature of a spec: the input column (the key, unless `input` names another) and its chain of steps. */
export type FeatureSpec =
  | Step
  | readonly Step[]
  | { readonly input: string; readonly steps: readonly Step[] };

/** A transform spec: output feature names to their chains, in output order. */
export type TransformSpec = Readonly<Record<string, FeatureSpec>>;

/**
 * Standardizes to zero mean and unit variance: (x − mean) / std, with the population std (ddof 0), as
 * scikit-learn's StandardScaler. A feature with zero variance (within rounding, by scikit-learn's rule) is scaled by
 * 1, so it outputs x − mean (about 0 on the training data).
 * @example standardize() // => { type: 'standardize' }
 */
export function standardize(): StandardizeStep {
  return { type: 'standardize' };
}

/**
 * Scales to [0, 1] over the training range: (x − min) / (max − min), as scikit-learn's MinMaxScaler. A
 * constant feature is scaled by 1, so it outputs 0.
 * @example minMax({ clip: true }) // => { type: 'minMax', clip: true }
 */
export function minMax(options: { readonly clip?: boolean } = {}): MinMaxStep {
  return options.clip === undefined ? { type: 'minMax' } : { type: 'minMax', clip: options.clip };
}

/**
 * Scales by the interquartile range: (x − median) / (q75 − q25), as scikit-learn's RobustScaler, with
 * numpy's linear quantiles. A zero range is replaced by 1.
 * @example robustScale() // => { type: 'robustScale' }
 */
export function robustScale(
  options: { readonly quantiles?: readonly [number, number] } = {},
): RobustScaleStep {
  return options.quantiles === undefined
    ? { type: 'robustScale' }
    : { type: 'robustScale', quantiles: options.quantiles };
}

/**
 * Clips to fixed bounds, or to quantiles of the training data.
 * @example clip({ quantiles: [0.01, 0.99] }) // => { type: 'clip', quantiles: [0.01, 0.99] }
 */
export function clip(
  options:
    | { readonly min?: number; readonly max?: number }
    | { readonly quantiles: readonly [number, number] },
): ClipStep {
  return { type: 'clip', ...options };
}

/**
 * ln(1 + x). Values at or below −1 have no logarithm and are an error, never a NaN in the output.
 * @example log1p() // => { type: 'log1p' }
 */
export function log1p(): Log1pStep {
  return { type: 'log1p' };
}

/**
 * Buckets numbers: bucket i holds [b(i−1), b(i)), so a value equal to a boundary goes to the bucket above
 * it (numpy's `digitize`, tf's `bucketize`). Boundaries are given, or fitted as quantiles.
 * @example bucketize({ quantiles: 4 }) // => { type: 'bucketize', quantiles: 4 }
 */
export function bucketize(
  options:
    | { readonly boundaries: readonly number[]; readonly missing?: MissingBucketRule }
    | { readonly quantiles: number; readonly missing?: MissingBucketRule },
): BucketizeStep {
  return { type: 'bucketize', ...options };
}

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
  return { type: 'vocabulary', ...options };
}

/**
 * Expands the index of the step before into one column per index, 1 at the index and 0 elsewhere.
 * @example oneHot() // => { type: 'oneHot' }
 */
export function oneHot(): OneHotStep {
  return { type: 'oneHot' };
}

/**
 * For list-valued features: one column per index, 1 where any element of the list has that index.
 * @example multiHot() // => { type: 'multiHot' }
 */
export function multiHot(): MultiHotStep {
  return { type: 'multiHot' };
}

/**
 * Maps categories to `buckets` indices by hash: murmur3(UTF-8 of the value, murmur3(salt, 0)) mod buckets,
 * the same hash as lockstep/split, reproducible with Python's mmh3.
 * @example hashBucket({ buckets: 64 }) // => { type: 'hashBucket', buckets: 64 }
 */
export function hashBucket(options: {
  readonly buckets: number;
  readonly salt?: string;
  readonly missing?: MissingBucketRule;
}): HashBucketStep {
  return { type: 'hashBucket', ...options };
}

/**
 * Crosses columns into `buckets` indices by hashing their values joined with U+001F, so the pair
 * (origin, destination) becomes one feature.
 * @example cross(['origin', 'destination'], { buckets: 1000 }) // => { type: 'cross', inputs: ['origin', 'destination'], buckets: 1000 }
 */
export function cross(
  inputs: readonly string[],
  options: { readonly buckets: number; readonly salt?: string; readonly missing?: MissingBucketRule },
): CrossStep {
  return { type: 'cross', inputs, ...options };
}

/**
 * Fills missing values (null, undefined, an absent key, or NaN) with the training mean, median or most
 * frequent value, or a constant; with `indicator`, also outputs a 0/1 column marking them.
 * @example impute({ strategy: 'median' }) // => { type: 'impute', strategy: 'median' }
 */
export function impute(options: {
  readonly strategy: ImputeStrategy;
  readonly value?: number | string;
  readonly indicator?: boolean;
}): ImputeStep {
  return { type: 'impute', ...options };
}

/**
 * Parts of a UTC date-time (epoch milliseconds, a Date, or an ISO-8601 string), as numbers or, with
 * `cyclical`, as the sine and cosine of their place in the period.
 * @example datetime({ parts: ['hour'], cyclical: true }) // => { type: 'datetime', parts: ['hour'], cyclical: true }
 */
export function datetime(options: {
  readonly parts: readonly DatePart[];
  readonly cyclical?: boolean;
}): DatetimeStep {
  return { type: 'datetime', ...options };
}

/**
 * Outputs the number as it is (booleans as 0 and 1).
 * @example passthrough() // => { type: 'passthrough' }
 */
export function passthrough(): PassthroughStep {
  return { type: 'passthrough' };
}

/**
 * A sample weight, not a model input: 2^(−max(0, t_ref − t) / halfLife), where t_ref is the latest time in
 * the training data, so recent rows weigh more after a shift; weights lie in (0, 1]. `halfLife` is in ms.
 * @example recencyWeight({ column: 'date', halfLife: 86400000 }) // => { type: 'recencyWeight', column: 'date', halfLife: 86400000 }
 */
export function recencyWeight(options: {
  readonly column: string;
  readonly halfLife: number;
}): RecencyWeightStep {
  return { type: 'recencyWeight', ...options };
}
