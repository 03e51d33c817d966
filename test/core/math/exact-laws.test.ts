import { describe, expect, it } from 'vitest';
import { gcd, ksTwoSampleExactSf } from '../../../src/core/math/kolmogorov.js';
import { mannWhitneyUSf } from '../../../src/core/math/mann-whitney.js';

// The exact null distributions of the two-sample KS statistic and of Mann–Whitney's U, against counts of
// every arrangement of the two samples (and, for large U counts, exact BigInt arithmetic).

/** Every way to interleave n1 values of `a` with n2 of `b` (as booleans, true = from a). */
function* arrangements(n1: number, n2: number): Generator<boolean[]> {
  const n = n1 + n2;
  const pick = (start: number, left: number, chosen: boolean[]): boolean[][] => {
    if (left === 0) return [chosen.concat(Array(n - chosen.length).fill(false))];
    const out: boolean[][] = [];
    for (let p = start; p <= n - left; p++) {
      const next = chosen.concat(Array(p - chosen.length).fill(false), [true]);
      out.push(...pick(p + 1, left - 1, next));
    }
    return out;
  };
  yield* pick(0, n1, []);
}

describe('exact null distributions agree with brute-force enumeration', () => {
  it('ksTwoSampleExactSf: P(D ≥ h/lcm) and P(D+ ≥ h/lcm) for all sizes up to 6 × 7', () => {
    for (let n1 = 1; n1 <= 6; n1++)
      for (let n2 = 1; n2 <= 7; n2++) {
        const g = gcd(n1, n2);
        const lcm = (n1 / g) * n2;
        const twoSided = new Map<number, number>();
        const oneSided = new Map<number, number>();
        let total = 0;
        for (const path of arrangements(n1, n2)) {
          let i = 0;
          let j = 0;
          let dMax = 0;
          let dPlus = 0;
          for (const fromA of path) {
            if (fromA) i++;
            else j++;
            const diff = i * (lcm / n1) - j * (lcm / n2); // (F_a − F_b) · lcm, an integer
            dMax = Math.max(dMax, Math.abs(diff));
            dPlus = Math.max(dPlus, diff);
          }
          twoSided.set(dMax, (twoSided.get(dMax) ?? 0) + 1);
          oneSided.set(dPlus, (oneSided.get(dPlus) ?? 0) + 1);
          total++;
        }
        for (let h = 1; h <= lcm; h++) {
          const tail = (m: Map<number, number>) =>
            [...m].filter(([d]) => d >= h).reduce((s, [, c]) => s + c, 0) / total;
          const what = `n1=${n1} n2=${n2} h=${h}`;
          expect(
            Math.abs(ksTwoSampleExactSf(n1, n2, h, 'two-sided')! - tail(twoSided)),
            what,
          ).toBeLessThanOrEqual(1e-14);
          expect(
            Math.abs(ksTwoSampleExactSf(n1, n2, h, 'greater')! - tail(oneSided)),
            what,
          ).toBeLessThanOrEqual(1e-14);
        }
      }
  });

  it('mannWhitneyUSf: P(U ≥ u) for all sizes up to 6 × 7', () => {
    for (let n1 = 1; n1 <= 6; n1++)
      for (let n2 = 1; n2 <= 7; n2++) {
        const counts = new Array<number>(n1 * n2 + 1).fill(0);
        let total = 0;
        for (const path of arrangements(n1, n2)) {
          let u = 0;
          let bBelow = 0;
          for (const fromA of path) {
            if (fromA) u += bBelow;
            else bBelow++;
          }
          counts[u]!++;
          total++;
        }
        for (let u = 0; u <= n1 * n2 + 1; u++) {
          const tail = counts.slice(u).reduce((s, c) => s + c, 0) / total;
          expect(Math.abs(mannWhitneyUSf(n1, n2, u) - tail), `n1=${n1} n2=${n2} u=${u}`).toBeLessThanOrEqual(
            1e-14,
          );
        }
      }
  });

  it('mannWhitneyUSf stays accurate when the counts exceed 2^53 (8 × 400, exact BigInt counts)', () => {
    const [m, big] = [8, 400];
    const maxU = m * big;
    // Coefficients of the Gaussian binomial [m + big choose m]_q, exactly.
    let coeff = [1n];
    for (let i = 1; i <= m; i++) {
      const degree = i * big;
      const next = new Array<bigint>(degree + 1).fill(0n);
      // multiply by (1 − q^(big+i)) then divide by (1 − q^i)
      const product = new Array<bigint>(degree + i + 1).fill(0n);
      coeff.forEach((c, u) => {
        product[u]! += c;
        product[u + big + i]! -= c;
      });
      for (let u = 0; u <= degree; u++) next[u] = product[u]! + (u >= i ? next[u - i]! : 0n);
      coeff = next;
    }
    const total = coeff.reduce((s, c) => s + c, 0n);
    for (const u of [1, 40, 200, 700, 1200, 1599, 1600, 1601, 2000, 2600, 3100, maxU]) {
      const tail = coeff.slice(u).reduce((s, c) => s + c, 0n);
      // tail / total to 1e-15 relative via scaled BigInt division
      const scale = 10n ** 30n;
      const exact = Number((tail * scale) / total) / 1e30;
      const got = mannWhitneyUSf(m, big, u);
      expect(Math.abs(got - exact), `u=${u}`).toBeLessThanOrEqual(1e-12 * exact + 1e-30);
    }
  });
});
