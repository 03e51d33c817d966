// The fitted transform artifact's shape: each step keeps its spec options and, under `fitted`, what
// fitting learned, so one JSON file is both the definition and its state.
import type {
  BucketizeStep,
  ClipStep,
  CrossStep,
  DatetimeStep,
  HashBucketStep,
  ImputeStep,
  Log1pStep,
  MinMaxStep,
  MultiHotStep,
  OneHotStep,
  PassthroughStep,
  RecencyWeightStep,
  RobustScaleStep,
  StandardizeStep,
  VocabularyStep,
} from './spec.js';

/** A step with the values fitting learned. Stateless steps carry no `fitted`. */
export type FittedStep =
  | (StandardizeStep & { readonly fitted: { readonly mean: number; readonly std: number } })
  | (MinMaxStep & { readonly fitted: { readonly min: number; readonly max: number } })
  | (RobustScaleStep & {
      readonly fitted: { readonly center: number; readonly low: number; readonly high: number };
    })
  | (ClipStep & { readonly fitted?: { readonly min: number; readonly max: number } })
  | Log1pStep
  | (BucketizeStep & { readonly fitted: { readonly boundaries: readonly number[] } })
  | (VocabularyStep & {
      readonly fitted: {
        /** The vocabulary, most frequent first, ties in lexicographic order. */
        readonly values: readonly string[];
        readonly counts: readonly number[];
        /** False when the training data had more distinct values than the counting capacity. */
        readonly exact: boolean;
      };
    })
  | OneHotStep
  | MultiHotStep
  | HashBucketStep
  | CrossStep
  | (ImputeStep & { readonly fitted: { readonly value: number | string } })
  | DatetimeStep
  | PassthroughStep
  | (RecencyWeightStep & { readonly fitted: { readonly reference: number } });

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
