// A served model: a registry version's transform and weights as one plain function of a request row.
//
// Per request the tfjs model is not called: its two dense layers (relu → sigmoid) are read once at start-up
// and run as a loop in plain JavaScript (float32 weights, float64 sums, zero inputs skipped: the features
// are mostly one-hot). One request is one `apply` and about 16 × (nonzero inputs) multiply-adds, with no
// tensor made, no backend call and nothing allocated, which for single rows is far cheaper than
// `model.predict`. The scores agree with tfjs's within float32 rounding (the test checks 1e-5).
import type * as tf from '@tensorflow/tfjs';
import type { ModelRegistry, ModelVersion } from 'lockstep/registry';
import { apply, type TransformArtifact } from 'lockstep/transform';
import { loadFlightsModel } from '../shared/flights-model.js';

export interface ServedModel {
  /** The registry version (`flights-delay/N`) the ref resolved to at start-up. */
  readonly version: ModelVersion;
  readonly transform: TransformArtifact;
  /** The probability that the flight is more than 15 minutes late. */
  readonly score: (row: Readonly<Record<string, unknown>>) => number;
}

/** The network's forward pass over a transformed row. */
export function denseScorer(model: tf.LayersModel): (x: Float32Array) => number {
  const [w1, b1, w2, b2] = model.getWeights().map((w) => w.dataSync() as Float32Array);
  if (!w1 || !b1 || !w2 || !b2 || b2.length !== 1 || w2.length !== b1.length)
    throw new Error('denseScorer: expected dense(relu) → dense(1, sigmoid) weights');
  const hidden = b1.length;
  const inputs = w1.length / hidden;
  const h = new Float64Array(hidden);
  return (x) => {
    if (x.length !== inputs) throw new Error(`denseScorer: expected ${inputs} features, got ${x.length}`);
    for (let j = 0; j < hidden; j++) h[j] = b1[j]!;
    for (let i = 0; i < inputs; i++) {
      const v = x[i]!;
      if (v === 0) continue;
      const w = i * hidden;
      for (let j = 0; j < hidden; j++) h[j]! += v * w1[w + j]!;
    }
    let z = b2[0]!;
    for (let j = 0; j < hidden; j++) if (h[j]! > 0) z += h[j]! * w2[j]!;
    return 1 / (1 + Math.exp(-z));
  };
}

/**
 * Resolves `ref` once and loads that version's model and transform (both checked against their SHA-256 by
 * the registry), then keeps only the weights: the tfjs model is disposed.
 */
export async function loadServedModel(registry: ModelRegistry, ref: string): Promise<ServedModel> {
  const loaded = await loadFlightsModel(registry, ref);
  const version = await registry.resolve(loaded.ref);
  let forward: (x: Float32Array) => number;
  try {
    forward = denseScorer(loaded.model);
  } finally {
    loaded.model.dispose();
  }
  const { transform } = loaded;
  // One buffer per model: apply and the forward pass run synchronously together, so no two requests
  // share it at once.
  const buffer = new Float32Array(transform.columns.length);
  return { version, transform, score: (row) => forward(apply(transform, row, { into: buffer })) };
}
