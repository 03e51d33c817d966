// Seeded streams and runners shared by the detector tests.
import { createRng } from '../../../src/core/rng.js';
import type { DriftDetector, DriftSignal } from '../../../src/drift/detectors/index.js';
import { pythonRandom } from './python-random.js';

/** `n` normal values (Box–Muller on createRng(seed)) with mean `mean(i)` and standard deviation `sd`. */
export function normalStream(seed: string, n: number, mean: (i: number) => number, sd: number): number[] {
  const rng = createRng(seed);
  const out: number[] = [];
  while (out.length < n) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const a = 2 * Math.PI * rng.next();
    out.push(mean(out.length) + sd * r * Math.cos(a));
    if (out.length < n) out.push(mean(out.length) + sd * r * Math.sin(a));
  }
  return out;
}

/** `n` 0/1 values, 1 with probability `p(i)`, from createRng(seed). */
export function bernoulliStream(seed: string, n: number, p: (i: number) => number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => (rng.next() < p(i) ? 1 : 0));
}

/** Feeds `values` and returns the indices of drifts and of warnings, and every signal. */
export function run(
  detector: DriftDetector<unknown>,
  values: readonly number[],
): { drifts: number[]; warnings: number[]; signals: DriftSignal[] } {
  const drifts: number[] = [];
  const warnings: number[] = [];
  const signals: DriftSignal[] = [];
  values.forEach((x, i) => {
    const s = detector.update(x);
    signals.push(s);
    if (s.drift) drifts.push(i);
    if (s.warning) warnings.push(i);
  });
  return { drifts, warnings, signals };
}

/**
 * River's docstring output format: the first warning after each drift (and at the start), and the drifts,
 * as River's examples print them (`print_warning` re-armed by each drift).
 */
export function riverPrint(detector: DriftDetector<unknown>, values: readonly number[]): string[] {
  const lines: string[] = [];
  let printWarning = true;
  values.forEach((x, i) => {
    const s = detector.update(x);
    if (s.warning && printWarning) {
      lines.push(`Warning detected at index ${i}`);
      printWarning = false;
    }
    if (s.drift) {
      lines.push(`Change detected at index ${i}`);
      printWarning = true;
    }
  });
  return lines;
}

/** River's two-distribution stream: `rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)`. */
export function riverMeanShiftStream(seed: number): number[] {
  const rng = pythonRandom(seed);
  return [...rng.choices([0, 1], 1000), ...rng.choices([4, 5, 6, 7], 1000)];
}

/** River's binary stream: 1,000 fair 0/1 draws, then 1,000 with weights [0.3, 0.7]. */
export function riverErrorRateStream(seed: number): number[] {
  const rng = pythonRandom(seed);
  return [...rng.choices([0, 1], 1000), ...rng.choices([0, 1], 1000, [0.3, 0.7])];
}

/** Seeds of the stationary and change-point tests. */
export const SEEDS: readonly string[] = Array.from({ length: 20 }, (_, i) => String(i));

/** First drift at or after `at`, as a delay (Infinity when none). */
export function delayAfter(drifts: readonly number[], at: number): number {
  const first = drifts.find((i) => i >= at);
  return first === undefined ? Number.POSITIVE_INFINITY : first - at;
}
