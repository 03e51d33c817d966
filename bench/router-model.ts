// The models bench/router.bench.ts serves: a tiny dense network in plain JavaScript (64 inputs, a ReLU
// layer of 128, 8 scores), weights from a fixed seed, so every process builds the same one. The primary
// is the network; the candidate is the same network plus a little (a softmax and an arg-max it checks and
// throws away), so its scores match the primary's exactly and it costs a few per cent more.
import { createRng } from '../src/split/index.js';

export const INPUTS = 64;
const HIDDEN = 128;
const OUTPUTS = 8;

const rng = createRng('router-bench-model');
const w1 = Float64Array.from({ length: INPUTS * HIDDEN }, () => rng.next() - 0.5);
const b1 = Float64Array.from({ length: HIDDEN }, () => rng.next() - 0.5);
const w2 = Float64Array.from({ length: HIDDEN * OUTPUTS }, () => rng.next() - 0.5);
const b2 = Float64Array.from({ length: OUTPUTS }, () => rng.next() - 0.5);
const hidden = new Float64Array(HIDDEN);

/** The primary: 64 → 128 (ReLU) → 8 scores, as a plain array (what a service would serialise). */
export function primaryModel(x: ArrayLike<number>): number[] {
  for (let h = 0; h < HIDDEN; h++) {
    let s = b1[h]!;
    const row = h * INPUTS;
    for (let i = 0; i < INPUTS; i++) s += w1[row + i]! * x[i]!;
    hidden[h] = s > 0 ? s : 0;
  }
  const out = new Array<number>(OUTPUTS);
  for (let o = 0; o < OUTPUTS; o++) {
    let s = b2[o]!;
    const row = o * HIDDEN;
    for (let h = 0; h < HIDDEN; h++) s += w2[row + h]! * hidden[h]!;
    out[o] = s;
  }
  return out;
}

/** The candidate: the same scores, after a softmax and an arg-max whose results it checks and discards. */
export function candidateModel(x: ArrayLike<number>): number[] {
  const out = primaryModel(x);
  let max = Number.NEGATIVE_INFINITY;
  let best = 0;
  for (let o = 0; o < OUTPUTS; o++) if (out[o]! > max) max = out[(best = o)]!;
  let total = 0;
  for (let o = 0; o < OUTPUTS; o++) total += Math.exp(out[o]! - max);
  if (!(total >= 1) || best < 0) throw new Error('softmax lost its maximum');
  return out;
}

/** `count` inputs of 64 values in [-1, 1), from a fixed seed. */
export function makeInputs(count: number, seed = 'router-bench-inputs'): Float64Array[] {
  const r = createRng(seed);
  return Array.from({ length: count }, () => Float64Array.from({ length: INPUTS }, () => 2 * r.next() - 1));
}
