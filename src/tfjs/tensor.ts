import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '../core/errors.js';
import type { FrameInput } from '../core/frame.js';
import { applyBatch, type TransformArtifact, type TransformedBatch } from '../transform/index.js';

/**
 * `applyBatch(fitted, data)`, after checking that both arguments are objects, so a value of the wrong type
 * is refused naming `fn`; what the artifact and the data hold is applyBatch's to check (its errors name
 * applyBatch, and pass through unchanged).
 */
function transformed(fn: string, fitted: unknown, data: unknown): TransformedBatch {
  if (typeof fitted !== 'object' || fitted === null || Array.isArray(fitted)) {
    throw invalidArgument(
      fn,
      'fitted',
      'must be a fitted transform (what fit or parseTransform returns)',
      fitted,
    );
  }
  if (typeof data !== 'object' || data === null) {
    throw invalidArgument(
      fn,
      'data',
      'must be rows, a record of columns, an Arrow table or record batch, or a Frame',
      data,
    );
  }
  return applyBatch(fitted as TransformArtifact, data as FrameInput);
}

/**
 * A fitted transform applied to a batch, as the model's input tensor: `applyBatch(fitted, data)` as a
 * `tf.Tensor2D` of shape `[rows, columns]`, float32, its values bit for bit those of `applyBatch`.
 *
 * Rule: `tf.tensor2d(batch.values, [batch.rows, batch.columns], 'float32')`. Column `j` is
 * `fitted.columns[j]`. Sample weights (a `recencyWeight` feature) are not part of it: use `toTensors`.
 * Cost: that of `applyBatch`, O(rows × columns); the CPU backend keeps the Float32Array as the tensor's
 * storage, others copy it once. The caller owns the tensor and disposes it.
 * @throws LockstepError `INVALID_ARGUMENT` naming toTensor when `fitted` or `data` is not an object; from
 *   `applyBatch`: `INVALID_ARGUMENT` for a malformed artifact or input, `INVALID_DATA` (with `issues`) when
 *   values cannot be encoded. Nothing is left allocated when it throws.
 * @example
 * const xs = toTensor(fitted, rows); // xs.shape is [rows.length, fitted.columns.length]
 * @example toTensor(fit({ x: standardize() }, [{ x: 1 }, { x: 3 }]), [{ x: 3 }, { x: 1 }]).arraySync() // => [[1], [-1]]
 */
export function toTensor(fitted: TransformArtifact, data: FrameInput): tf.Tensor2D {
  const batch = transformed('toTensor', fitted, data);
  return tf.tensor2d(batch.values, [batch.rows, batch.columns], 'float32');
}

/** The tensors of a transformed batch: inputs, and sample weights when the transform makes them. */
export interface BatchTensors {
  /** `[rows, columns]` float32 inputs, as `toTensor` gives. */
  readonly xs: tf.Tensor2D;
  /** `[rows]` float32 sample weights, present when the transform has a `recencyWeight` feature. */
  readonly weights?: tf.Tensor1D;
  /** The output column names, `fitted.columns[j].name` for column `j`. */
  readonly names: readonly string[];
}

/**
 * A fitted transform applied to a batch, as tensors: the inputs (`xs`, as `toTensor` gives) and, when the
 * transform has a `recencyWeight` feature, the sample weights (`weights`), from one `applyBatch` call.
 *
 * Rule: `xs` is `tf.tensor2d(values, [rows, columns])`, `weights` is `tf.tensor1d(weights)`, both float32
 * and bit for bit `applyBatch`'s arrays. `model.fitDataset` takes no sample weights; pass `weights` to
 * `createBatches` and a weighted loss (`tf.losses.*(labels, predictions, weights)`) in your own loop.
 * Cost: that of `applyBatch`, O(rows × columns). The caller owns the tensors (`tf.dispose([xs, weights])`).
 * @throws LockstepError `INVALID_ARGUMENT` naming toTensors when `fitted` or `data` is not an object; from
 *   `applyBatch`: `INVALID_ARGUMENT` for a malformed artifact or input, `INVALID_DATA` (with `issues`) when
 *   values cannot be encoded. Nothing is left allocated when it throws.
 * @example
 * const { xs, weights } = toTensors(fitted, rows); // weights is undefined without a recencyWeight feature
 */
export function toTensors(fitted: TransformArtifact, data: FrameInput): BatchTensors {
  const batch = transformed('toTensors', fitted, data);
  const xs = tf.tensor2d(batch.values, [batch.rows, batch.columns], 'float32');
  return batch.weights
    ? { xs, weights: tf.tensor1d(batch.weights, 'float32'), names: batch.names }
    : { xs, names: batch.names };
}
