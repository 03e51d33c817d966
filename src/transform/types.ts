// The fitted transform artifact's shape: each step keeps its spec options and, under `fitted`, what
// fitting learned, so one JSON file is both the definition and its state.
import type { FittedBucketize } from './steps/bucketize.js';
import type { FittedClip } from './steps/clip.js';
import type { CrossStep } from './steps/cross.js';
import type { DatetimeStep } from './steps/datetime.js';
import type { HashBucketStep } from './steps/hash-bucket.js';
import type { FittedImpute } from './steps/impute.js';
import type { Log1pStep } from './steps/log1p.js';
import type { FittedMinMax } from './steps/min-max.js';
import type { MultiHotStep } from './steps/multi-hot.js';
import type { OneHotStep } from './steps/one-hot.js';
import type { PassthroughStep } from './steps/passthrough.js';
import type { FittedRecencyWeight } from './steps/recency-weight.js';
import type { FittedRobustScale } from './steps/robust-scale.js';
import type { FittedStandardize } from './steps/standardize.js';
import type { TokenizeStep } from './steps/tokenize.js';
import type { FittedVocabulary } from './steps/vocabulary.js';

/** A step with the values fitting learned (each step's file says what). Stateless steps carry no `fitted`. */
export type FittedStep =
  | FittedStandardize
  | FittedMinMax
  | FittedRobustScale
  | FittedClip
  | Log1pStep
  | FittedBucketize
  | FittedVocabulary
  | OneHotStep
  | MultiHotStep
  | HashBucketStep
  | CrossStep
  | FittedImpute
  | DatetimeStep
  | PassthroughStep
  | FittedRecencyWeight
  | TokenizeStep;

/** What a feature reads: numbers, categories (strings), date-times, or lists of categories. */
export type InputKind = 'number' | 'category' | 'time' | 'list';

/** One feature of a fitted transform. */
export interface FittedFeature {
  readonly name: string;
  /** The input columns read, in order (one, except for `cross`). */
  readonly inputs: readonly string[];
  readonly kind: InputKind;
  readonly steps: readonly FittedStep[];
  /** `'weight'` for a `recencyWeight` feature, which goes to `weights`, not to the model's inputs. */
  readonly role: 'input' | 'weight';
  /** Index of the feature's first output column, and how many it has (0 for a weight). */
  readonly offset: number;
  readonly width: number;
}

/** One output column: its index in every output row, its name, and the feature it belongs to. */
export interface OutputColumn {
  readonly index: number;
  readonly name: string;
  readonly feature: string;
}

/** A fitted transform (`kind: "lockstep.transform"`): plain JSON, safe to ship to a service and a page. */
export interface TransformArtifact {
  readonly kind: 'lockstep.transform';
  readonly formatVersion: 1;
  readonly features: readonly FittedFeature[];
  readonly columns: readonly OutputColumn[];
  /** Rows the transform was fitted on. */
  readonly rows: number;
  /** Fingerprint of the schema the input was validated against, when one was given to `fit`. */
  readonly schema?: string;
  /** SHA-256 of the canonical JSON of everything else. */
  readonly fingerprint: string;
}

/** The output of `applyBatch`: row-major values, ready for `tf.tensor2d(values, [rows, columns])`. */
export interface TransformedBatch {
  readonly values: Float32Array;
  readonly rows: number;
  readonly columns: number;
  readonly names: readonly string[];
  /** Sample weights, one per row, when the spec has a `recencyWeight` feature. */
  readonly weights?: Float32Array;
}
