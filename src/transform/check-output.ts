// Statistics of a transform's output columns, for feature unit tests ("every scaled value lies in [0, 1]").
import type { FrameInput } from '../core/frame.js';
import { applyBatch } from './apply.js';
import type { TransformArtifact } from './types.js';

/** One output column over a batch. */
export interface OutputCheck {
  readonly index: number;
  readonly name: string;
  readonly feature: string;
  /** Smallest and largest value (NaN when the batch is empty). */
  readonly min: number;
  readonly max: number;
  readonly nanCount: number;
  readonly infiniteCount: number;
  /** The share of rows holding the column's most common value: 1 for a constant column. */
  readonly constantShare: number;
}

/**
 * Applies the transform to a batch and describes each output column: min, max, NaN and infinite counts,
 * and the share of its most common value, so a test can assert that scaled features lie in [0, 1], that
 * nothing is NaN, or that a feature is not constant. O(rows × columns × log rows).
 * @example checkOutput(fit({ x: minMax() }, { x: [1, 2, 3] }), { x: [1, 2, 3] })[0].max // => 1
 * @throws LockstepError as `applyBatch`.
 */
export function checkOutput(fitted: TransformArtifact, data: FrameInput): OutputCheck[] {
  const { values, rows, columns } = applyBatch(fitted, data);
  const column = new Float32Array(rows);
  return fitted.columns.map(({ index, name, feature }) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let nanCount = 0;
    let infiniteCount = 0;
    for (let i = 0; i < rows; i++) {
      const v = values[i * columns + index]!;
      column[i] = v;
      if (Number.isNaN(v)) nanCount++;
      else {
        if (v < min) min = v;
        if (v > max) max = v;
        if (!Number.isFinite(v)) infiniteCount++;
      }
    }
    // The longest run of equal values once sorted (NaNs sort last and count as one value).
    column.sort();
    let longest = 0;
    let run = 0;
    for (let i = 0; i < rows; i++) {
      const a = column[i]!;
      const b = column[i - 1];
      run = i > 0 && (a === b || (Number.isNaN(a) && Number.isNaN(b))) ? run + 1 : 1;
      if (run > longest) longest = run;
    }
    return {
      index,
      name,
      feature,
      min: rows - nanCount === 0 ? Number.NaN : min,
      max: rows - nanCount === 0 ? Number.NaN : max,
      nanCount,
      infiniteCount,
      constantShare: rows === 0 ? 0 : longest / rows,
    };
  });
}
