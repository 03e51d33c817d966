// The error guarantee of compareArms, shown by simulation (docs/router.md states the figures,
// and this file asserts the figures the doc states, so the doc cannot drift from the code).
//
// A/A: 1,000 seeded rollouts with both arms alike, the candidate taking 20 % of requests, judged after
// every request up to 20,000 requests. A run has a false rollback if any check says 'worse', a false
// promotion if any says 'better'. The sequential method (the default) keeps each, and both together, at
// or below alpha = 0.05 (within 3 Monte Carlo standard errors); the naive fixed-sample z-test judged the
// same way on the same runs exceeds it; and without the pooled variance floor the sequential method's
// false promotions on rare errors exceed it too, so the floor is what keeps A/A within alpha.
// A/B: baseline error rate 1 %, candidate 2 %: the sequential method rolls back within the number of
// requests the doc states in at least 95 % of 1,000 runs.
//
// Speed: one uniform draw decides both the arm and (rescaled) the outcome of a Bernoulli request, sums are
// kept inline in local numbers, and each check is one call of the O(1) kernel compareArms itself uses
// (decide), so a run of 20,000 requests allocates nothing per request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Computes once, on first use (inside a test, so under its timeout, not at collection). */
function once<T>(f: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= f());
}

import { createRng } from '../../src/core/rng.js';
import {
  BETTER,
  type ComparisonSettings,
  compareArms,
  comparisonSettings,
  decide,
  WORSE,
} from '../../src/router/sequential.js';
import { countSummary } from '../../src/router/summary.js';

const RUNS = 1000;
const HORIZON = 20_000;
const SHARE = 0.2;
const ALPHA = 0.05;
/** One Monte Carlo standard error of a rate near alpha over RUNS runs. */
const MC_SE = Math.sqrt((ALPHA * (1 - ALPHA)) / RUNS);
const LIMIT = ALPHA + 3 * MC_SE;

/** The settings compared on the same runs, in the doc's column order. */
const METHODS = {
  sequential: comparisonSettings('simulation', { direction: 'lower' }),
  noFloor: comparisonSettings('simulation', { direction: 'lower', varianceFloor: 'none' }),
  noBurnIn: comparisonSettings('simulation', { direction: 'lower', minSamples: 2 }),
  naive: comparisonSettings('simulation', { direction: 'lower', method: 'fixed' }),
} as const;
type MethodName = keyof typeof METHODS;

interface Rates {
  readonly worse: number;
  readonly better: number;
  readonly any: number;
}

/** Tallies, per method, runs with any 'worse' and any 'better' verdict. */
function tally(methods: readonly ComparisonSettings[]) {
  const worse = new Int32Array(methods.length);
  const better = new Int32Array(methods.length);
  const any = new Int32Array(methods.length);
  const runWorse = new Uint8Array(methods.length);
  const runBetter = new Uint8Array(methods.length);
  return {
    start() {
      runWorse.fill(0);
      runBetter.fill(0);
    },
    check(nb: number, mb: number, qb: number, nc: number, mc: number, qc: number) {
      for (let j = 0; j < methods.length; j++) {
        if (runWorse[j]! && runBetter[j]!) continue;
        const v = decide(methods[j]!, nb, mb, qb, nc, mc, qc);
        if (v === WORSE) runWorse[j] = 1;
        else if (v === BETTER) runBetter[j] = 1;
      }
    },
    end() {
      for (let j = 0; j < methods.length; j++) {
        worse[j]! += runWorse[j]!;
        better[j]! += runBetter[j]!;
        any[j]! += runWorse[j]! | runBetter[j]!;
      }
    },
    rates(): Rates[] {
      return methods.map((_, j) => ({
        worse: worse[j]! / RUNS,
        better: better[j]! / RUNS,
        any: any[j]! / RUNS,
      }));
    },
  };
}

/** A/A on a 0/1 error with rate p in both arms. */
function aaBernoulli(names: readonly MethodName[], p: number): Record<string, Rates> {
  const t = tally(names.map((n) => METHODS[n]));
  for (let run = 0; run < RUNS; run++) {
    const rng = createRng(`router-aa-bernoulli-${run}`);
    let nb = 0;
    let kb = 0;
    let nc = 0;
    let kc = 0;
    t.start();
    for (let i = 0; i < HORIZON; i++) {
      const u = rng.next();
      // u < SHARE picks the candidate; u rescaled within its arm's range is a fresh uniform for the outcome.
      if (u < SHARE) {
        nc++;
        if (u < SHARE * p) kc++;
      } else {
        nb++;
        if (u - SHARE < (1 - SHARE) * p) kb++;
      }
      if (nb < 2 || nc < 2) continue;
      const mb = kb / nb;
      const mc = kc / nc;
      t.check(nb, mb, kb * (1 - mb), nc, mc, kc * (1 - mc));
    }
    t.end();
  }
  const rates = t.rates();
  return Object.fromEntries(names.map((n, j) => [n, rates[j]!]));
}

/** A/A on a latency-like metric: lognormal, median 100 ms, σ = 1 on the log scale, in both arms. */
function aaLognormal(names: readonly MethodName[]): Record<string, Rates> {
  const t = tally(names.map((n) => METHODS[n]));
  for (let run = 0; run < RUNS; run++) {
    const rng = createRng(`router-aa-lognormal-${run}`);
    let nb = 0;
    let mb = 0;
    let qb = 0;
    let nc = 0;
    let mc = 0;
    let qc = 0;
    let spare = Number.NaN;
    t.start();
    for (let i = 0; i < HORIZON; i++) {
      const u = rng.next();
      // Box–Muller, both outputs used.
      let z: number;
      if (Number.isNaN(spare)) {
        const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
        const angle = 2 * Math.PI * rng.next();
        z = r * Math.cos(angle);
        spare = r * Math.sin(angle);
      } else {
        z = spare;
        spare = Number.NaN;
      }
      const x = 100 * Math.exp(z);
      if (u < SHARE) {
        nc++;
        const d = x - mc;
        mc += d / nc;
        qc += d * (x - mc);
      } else {
        nb++;
        const d = x - mb;
        mb += d / nb;
        qb += d * (x - mb);
      }
      if (nb < 2 || nc < 2) continue;
      t.check(nb, mb, qb, nc, mc, qc);
    }
    t.end();
  }
  const rates = t.rates();
  return Object.fromEntries(names.map((n, j) => [n, rates[j]!]));
}

/** A/B: baseline error rate 1 %, candidate 2 %: the request at which each run is first rolled back. */
function abRollbacks(maxRequests: number): { at: Int32Array; falsePromotions: number } {
  const s = METHODS.sequential;
  const at = new Int32Array(RUNS).fill(-1);
  let falsePromotions = 0;
  for (let run = 0; run < RUNS; run++) {
    const rng = createRng(`router-ab-${run}`);
    let nb = 0;
    let kb = 0;
    let nc = 0;
    let kc = 0;
    for (let i = 1; i <= maxRequests; i++) {
      const u = rng.next();
      if (u < SHARE) {
        nc++;
        if (u < SHARE * 0.02) kc++;
      } else {
        nb++;
        if (u - SHARE < (1 - SHARE) * 0.01) kb++;
      }
      if (nb < 2 || nc < 2) continue;
      const mb = kb / nb;
      const mc = kc / nc;
      const v = decide(s, nb, mb, kb * (1 - mb), nc, mc, kc * (1 - mc));
      if (v === BETTER) falsePromotions++;
      if (v === WORSE) {
        at[run] = i;
        break;
      }
    }
  }
  return { at, falsePromotions };
}

// ------------------------------------------------------------------------------- the doc's figures

const doc = readFileSync(join(import.meta.dirname, '../../docs/router.md'), 'utf8');

/** The cells of the doc's table row that starts with `label`. */
function row(label: string): string[] {
  const line = doc.split('\n').find((l) => l.startsWith(`| ${label} |`));
  if (line === undefined) throw new Error(`docs/router.md has no row "| ${label} |"`);
  return line
    .split('|')
    .slice(2, -1)
    .map((c) => c.trim());
}

/** A percentage cell ("0.4 %") as a rate. */
function percent(cell: string): number {
  const m = /^([\d.]+) %/.exec(cell);
  if (!m) throw new Error(`not a percentage: ${cell}`);
  return Number(m[1]) / 100;
}

/** A count cell ("21,053") as a number. */
function count(cell: string): number {
  return Number(cell.replaceAll(',', '').replace(/ .*/, ''));
}

/** The doc's figure agrees with the measured rate within 3 Monte Carlo standard errors (and its rounding). */
function expectDocRate(cell: string, measured: number, what: string): void {
  const stated = percent(cell);
  const se = Math.sqrt((Math.max(stated, 1 / RUNS) * (1 - stated)) / RUNS);
  expect(Math.abs(measured - stated), `${what}: doc says ${cell}, measured ${measured}`).toBeLessThanOrEqual(
    3 * se + 0.0005,
  );
}

describe('A/A, error rate 1 % in both arms, checked after every request (1,000 runs × 20,000 requests)', () => {
  const names: MethodName[] = ['sequential', 'noFloor', 'noBurnIn', 'naive'];
  const get = once(() => aaBernoulli(names, 0.01));

  it('the sequential method keeps false rollbacks, false promotions and both together within alpha', () => {
    const rates = get();
    const r = rates.sequential!;
    expect(r.worse).toBeLessThanOrEqual(LIMIT);
    expect(r.better).toBeLessThanOrEqual(LIMIT);
    expect(r.any).toBeLessThanOrEqual(LIMIT);
  });

  it('the naive fixed-sample z-test judged the same way exceeds alpha, on each side', () => {
    const rates = get();
    const r = rates.naive!;
    expect(r.worse).toBeGreaterThan(LIMIT);
    expect(r.better).toBeGreaterThan(LIMIT);
  });

  it('without the pooled variance floor, false promotions exceed alpha: the floor is the guard', () => {
    const rates = get();
    expect(rates.noFloor!.better).toBeGreaterThan(LIMIT);
    // The burn-in alone does not do it; with the floor, no burn-in stays within alpha too.
    expect(rates.noBurnIn!.any).toBeLessThanOrEqual(LIMIT);
  });

  it('the doc states these rates', () => {
    const rates = get();
    const rollbacks = row('A/A error rate 1 %: false rollbacks');
    const promotions = row('A/A error rate 1 %: false promotions');
    const either = row('A/A error rate 1 %: either');
    names.forEach((name, j) => {
      expectDocRate(rollbacks[j]!, rates[name]!.worse, `${name} rollbacks`);
      expectDocRate(promotions[j]!, rates[name]!.better, `${name} promotions`);
      expectDocRate(either[j]!, rates[name]!.any, `${name} either`);
    });
  });
});

describe('A/A, latency-like lognormal metric in both arms (1,000 runs × 20,000 requests)', () => {
  const names: MethodName[] = ['sequential', 'noFloor', 'noBurnIn', 'naive'];
  const get = once(() => aaLognormal(['sequential', 'naive']));

  it('the sequential method stays within alpha; the naive z-test does not', () => {
    const rates = get();
    const r = rates.sequential!;
    expect(r.worse).toBeLessThanOrEqual(LIMIT);
    expect(r.better).toBeLessThanOrEqual(LIMIT);
    expect(r.any).toBeLessThanOrEqual(LIMIT);
    expect(rates.naive!.any).toBeGreaterThan(LIMIT);
  });

  it('the doc states these rates', () => {
    const rates = get();
    const rollbacks = row('A/A latency (lognormal): false rollbacks');
    const promotions = row('A/A latency (lognormal): false promotions');
    const either = row('A/A latency (lognormal): either');
    for (const name of ['sequential', 'naive'] as const) {
      const j = names.indexOf(name);
      expectDocRate(rollbacks[j]!, rates[name]!.worse, `${name} rollbacks`);
      expectDocRate(promotions[j]!, rates[name]!.better, `${name} promotions`);
      expectDocRate(either[j]!, rates[name]!.any, `${name} either`);
    }
  });
});

describe('A/B, candidate error rate 2 % against the baseline 1 % (1,000 runs)', () => {
  const get = once(() => {
    const { at, falsePromotions } = abRollbacks(100_000);
    const sorted = Array.from(at)
      .filter((v) => v > 0)
      .sort((a, b) => a - b);
    const quantile = (p: number) => sorted[Math.ceil(p * RUNS) - 1]!;
    return { at, falsePromotions, sorted, quantile };
  });

  it('the sequential method rolls back within the stated number of requests in at least 95 % of runs', () => {
    const { at, falsePromotions, sorted } = get();
    const stated = count(row('A/B error rate 1 % → 2 %: rolled back within')[0]!);
    const within = at.filter((v) => v > 0 && v <= stated).length / RUNS;
    expect(within).toBeGreaterThanOrEqual(0.95);
    expectDocRate(row('A/B error rate 1 % → 2 %: runs rolled back within it')[0]!, within, 'share within');
    expect(sorted.length).toBe(RUNS); // every run is rolled back before 100,000 requests
    expect(falsePromotions).toBe(0);
  });

  it('the doc states the median, the 95th percentile and the earliest rollback', () => {
    const { sorted, quantile } = get();
    for (const [label, measured] of [
      ['A/B error rate 1 % → 2 %: requests to rollback, median', quantile(0.5)],
      ['A/B error rate 1 % → 2 %: requests to rollback, 95th percentile', quantile(0.95)],
      ['A/B error rate 1 % → 2 %: earliest rollback', sorted[0]!],
    ] as const) {
      const stated = count(row(label)[0]!);
      expect(
        Math.abs(measured - stated),
        `${label}: doc ${stated}, measured ${measured}`,
      ).toBeLessThanOrEqual(0.03 * stated);
    }
    // The burn-in (100 values an arm: about 500 requests at a 20 % share) ends long before any rollback.
    expect(sorted[0]!).toBeGreaterThan(3 * (100 / SHARE));
  });

  it('the kernel agrees with compareArms at the moment of a rollback', () => {
    const { at } = get();
    // Replays run 0 to its rollback and asks compareArms there and one request before.
    const rng = createRng('router-ab-0');
    let nb = 0;
    let kb = 0;
    let nc = 0;
    let kc = 0;
    const states: [number, number, number, number][] = [];
    for (let i = 1; i <= at[0]!; i++) {
      const u = rng.next();
      if (u < SHARE) {
        nc++;
        if (u < SHARE * 0.02) kc++;
      } else {
        nb++;
        if (u - SHARE < (1 - SHARE) * 0.01) kb++;
      }
      if (i >= at[0]! - 1) states.push([kb, nb, kc, nc]);
    }
    const [before, atRollback] = states as [
      [number, number, number, number],
      [number, number, number, number],
    ];
    const judge = ([kb1, nb1, kc1, nc1]: [number, number, number, number]) =>
      compareArms(countSummary(kb1, nb1), countSummary(kc1, nc1), { direction: 'lower' }).verdict;
    expect(judge(before)).toBe('inconclusive');
    expect(judge(atRollback)).toBe('worse');
  });
});
