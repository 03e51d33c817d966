// profileInWorkers on real worker threads: Arrow record batches read back from IPC, arrays of rows, records of
// columns and Frames, compared with `profile` of all the data in one thread; failures reject and stop every
// thread.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  Bool,
  DateMillisecond,
  Dictionary,
  Float64,
  Int32,
  Table,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { toFrame } from '../../src/core/frame.js';
import { type ProfileArtifact, profile, quantiles } from '../../src/stats/index.js';
import { type ProfileProgress, profileInWorkers } from '../../src/stats/workers/index.js';
import { profileWith } from '../../src/stats/workers/profile-in-workers.js';
import { rejectsLockstep } from '../helpers/errors.js';

/** OS threads of this process (Linux): worker threads included, so a thread left running shows. */
const osThreads = () => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

// KLL's documented rank error, 1 % at the default k = 400 (docs/stats.md); it scales as 1 / k.
const rankError = (k: number) => (0.01 * 400) / k;
const relative = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));

/** A 32-bit LCG in [0, 1), so the data are the same on every run. */
function uniform(seed: number, n: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/** Rows `start..start + n` of the Arrow data set: NaN and nulls, Int32, Utf8, dictionary, Bool, dates. */
function arrowPart(start: number, n: number): Table {
  const u = uniform(start + 1, n);
  const i = Array.from({ length: n }, (_, j) => start + j);
  return new Table({
    x: vectorFromArray(
      i.map((r, j) => (r % 11 === 0 ? null : r % 17 === 0 ? Number.NaN : (u[j]! - 0.3) * 1e3)),
      new Float64(),
    ),
    k: vectorFromArray(
      i.map((r) => (r % 7 === 0 ? null : (r * 31) % 1000)),
      new Int32(),
    ),
    s: vectorFromArray(
      i.map((r) => (r % 13 === 0 ? null : `city-${(r * 7) % 40}`)),
      new Utf8(),
    ),
    // More distinct values than the frequency capacity (1000): heavy hitters and the HLL estimate.
    id: vectorFromArray(
      i.map((r) => `user-${(r * 2654435761) % 4000}`),
      new Utf8(),
    ),
    d: vectorFromArray(
      i.map((r) => (r % 9 === 0 ? null : ['red', 'green', 'blue', 'é', ''][r % 5]!)),
      new Dictionary(new Utf8(), new Int32()),
    ),
    b: vectorFromArray(
      i.map((r) => (r % 19 === 0 ? null : r % 3 === 0)),
      new Bool(),
    ),
    t: vectorFromArray(
      i.map((r) => new Date(1_600_000_000_000 + r * 60_000)),
      new DateMillisecond(),
    ),
  });
}

/** Record batches of uneven sizes, written to Arrow IPC and read back, as a file would be. */
const SIZES = [9000, 14_000, 5000, 12_000, 3000, 11_000, 6000];
const arrow = (() => {
  const parts: Table[] = [];
  let start = 0;
  for (const n of SIZES) {
    parts.push(arrowPart(start, n));
    start += n;
  }
  return tableFromIPC(tableToIPC(parts[0]!.concat(...parts.slice(1))));
})();

/** Rows with nulls, NaN, ±Infinity, strings, booleans, Dates, a mixed column, a sparse one and a late one. */
const ROWS = (() => {
  const u = uniform(99, 30_000);
  return u.map((v, i) => {
    const row: Record<string, unknown> = {
      n:
        i % 13 === 0
          ? null
          : i % 29 === 0
            ? Number.NaN
            : i % 101 === 0
              ? Number.POSITIVE_INFINITY
              : v * 100 - 50,
      c: `cat-${i % 37}`,
      flag: i % 3 === 0,
      when: new Date(1_600_000_000_000 + i * 1000),
      mixed: i % 4 === 0 ? 'x' : i,
    };
    if (i % 5 !== 0) row.sparse = i;
    if (i >= 21_000) row.late = `late-${i % 7}`; // only in the last batches
    return row;
  });
})();
const ROW_CUTS = [0, 4000, 13_000, 18_000, 24_000, 30_000];
const rowBatches = ROW_CUTS.slice(1).map((end, i) => ROWS.slice(ROW_CUTS[i]!, end));

/** The finite values of each numeric feature, sorted: the truth the quantile sketches are checked against. */
function finiteSorted(data: Parameters<typeof toFrame>[0]): Map<string, Float64Array> {
  const frame = toFrame(data);
  const out = new Map<string, Float64Array>();
  for (const [name, column] of frame.columns) {
    if (column.kind !== 'numeric') continue;
    const values = column.values.filter(
      (x, i) => (!column.valid || column.valid[i] === 1) && Number.isFinite(x),
    );
    out.set(name, values.sort());
  }
  return out;
}

/** Rank bounds of q among sorted values: [#values < q, #values <= q] / n. */
function rankOf(sorted: Float64Array, q: number): [number, number] {
  let below = 0;
  let atOrBelow = 0;
  for (const x of sorted) {
    if (x < q) below++;
    if (x <= q) atOrBelow++;
  }
  return [below / sorted.length, atOrBelow / sorted.length];
}

/**
 * `actual` is `expected` within each sketch's bound: counts, min, max, types, frequencies under capacity,
 * HLL registers and string lengths exactly; mean, variance and M2 to 1e-9 relative; quantiles within the
 * rank error of the true values.
 */
function expectSameProfile(
  actual: ProfileArtifact,
  expected: ProfileArtifact,
  truth: ReadonlyMap<string, Float64Array>,
): void {
  expect(actual.rows).toBe(expected.rows);
  expect(actual.sketches).toEqual(expected.sketches);
  expect(actual.features.map((f) => f.name)).toEqual(expected.features.map((f) => f.name));
  actual.features.forEach((a, i) => {
    const e = expected.features[i]!;
    const { numeric: an, categorical: ac, ...aCounts } = a;
    const { numeric: en, categorical: ec, ...eCounts } = e;
    expect(aCounts).toEqual(eCounts);
    expect(an === undefined).toBe(en === undefined);
    if (an && en) {
      const { mean, variance, stdDev, m2, quantiles: aq, ...aExact } = an;
      const { mean: em, variance: ev, stdDev: es, m2: em2, quantiles: eq, ...eExact } = en;
      expect(aExact).toEqual(eExact);
      for (const [x, y] of [
        [mean, em],
        [variance, ev],
        [stdDev, es],
        [m2, em2],
      ] as const) {
        expect(x === null).toBe(y === null);
        if (x !== null && y !== null) expect(relative(x, y), `${a.name}: ${x} vs ${y}`).toBeLessThan(1e-9);
      }
      expect(aq.n).toBe(eq.n);
      const sorted = truth.get(a.name);
      if (sorted && sorted.length > 0) {
        const ps = Array.from({ length: 19 }, (_, j) => (j + 1) / 20);
        quantiles(actual, a.name, ps).forEach((q, j) => {
          const [lo, hi] = rankOf(sorted, q);
          expect(ps[j]!).toBeGreaterThanOrEqual(lo - rankError(aq.k));
          expect(ps[j]!).toBeLessThanOrEqual(hi + rankError(aq.k));
        });
      }
    }
    expect(ac === undefined).toBe(ec === undefined);
    if (ac && ec) {
      if (ec.frequencyError === 0) {
        expect(ac).toEqual(ec); // exact under capacity: every count, every register
      } else {
        const { frequencies, frequencyError, ...aRest } = ac;
        const { frequencies: ef, frequencyError: ee, ...eRest } = ec;
        expect(aRest).toEqual(eRest); // count, HLL registers, distinct estimate, lengths
        expect(frequencyError).toBeGreaterThan(0);
      }
    }
  });
}

describe('profileInWorkers over Arrow record batches read from IPC', () => {
  const whole = profile(arrow);
  const truth = finiteSorted(arrow);

  it('builds the data it means to: 7 batches, NaN, nulls, strings, a dictionary, over-capacity ids', () => {
    expect(arrow.batches.map((b) => b.numRows)).toEqual(SIZES);
    const byName = new Map(whole.features.map((f) => [f.name, f]));
    expect(byName.get('x')!.numeric!.nan).toBeGreaterThan(0);
    expect(byName.get('x')!.missing).toBeGreaterThan(0);
    expect(byName.get('k')!.missing).toBeGreaterThan(0);
    expect(byName.get('s')!.categorical!.frequencyError).toBe(0);
    expect(byName.get('d')!.categorical!.frequencies.length).toBe(5);
    expect(byName.get('id')!.categorical!.frequencyError).toBeGreaterThan(0);
    expect(byName.get('t')!.type).toBe('timestamp');
    expect(byName.get('b')!.type).toBe('boolean');
    expect(toFrame(arrow.batches[1]!).columns.get('d')!.kind).toBe('dictionary');
  });

  it.each([2, 3])(
    'on %i threads equals profile() of the whole table within the sketches’ bounds',
    async (workers) => {
      const result = await profileInWorkers(arrow.batches, { workers });
      expectSameProfile(result, whole, truth);
    },
  );

  it('takes the table itself, cut along its batches, and gives the same profile on every run', async () => {
    const a = await profileInWorkers(arrow, { workers: 3 });
    const b = await profileInWorkers(arrow.batches, { workers: 3 });
    expectSameProfile(a, whole, truth);
    expect(a).toEqual(b); // batches are dealt by rows, not by thread timing
  });

  it('cuts a table of one record batch into ranges of rows, bitmaps and string offsets included', async () => {
    const one = tableFromIPC(tableToIPC(arrowPart(0, 40_001)));
    expect(one.batches.length).toBe(1);
    // 3 ranges: rows 0-13332, 13333-26666, 26667-40000, so the validity bitmaps split inside a byte.
    const result = await profileInWorkers(one, { workers: 3 });
    expectSameProfile(result, profile(one), finiteSorted(one));
    const numbers = tableFromArrays({
      v: Float64Array.from(uniform(5, 50_001), (u) => u * 10),
      w: Int32Array.from({ length: 50_001 }, (_, i) => i % 97),
    });
    expectSameProfile(
      await profileInWorkers(numbers, { workers: 2 }),
      profile(numbers),
      finiteSorted(numbers),
    );
  });

  it('reports progress in the calling thread, rows up to the total', async () => {
    const seen: ProfileProgress[] = [];
    await profileInWorkers(arrow.batches, { workers: 2, chunkRows: 4096, onProgress: (p) => seen.push(p) });
    const total = SIZES.reduce((s, n) => s + n, 0);
    expect(seen.length).toBeGreaterThan(SIZES.length);
    expect(seen.every((p) => p.total === total)).toBe(true);
    expect(seen.every((p, i) => i === 0 || p.rows >= seen[i - 1]!.rows)).toBe(true);
    expect(seen.at(-1)!.rows).toBe(total);
  });

  it('profiles only the listed features, with the given sketch sizes', async () => {
    const options = { features: ['x', 's', 'absent'], sketches: { quantileK: 64, distinctP: 8 } };
    const result = await profileInWorkers(arrow.batches, { ...options, workers: 2 });
    expectSameProfile(result, profile(arrow, options), truth);
    expect(result.features.map((f) => f.name)).toEqual(['x', 's', 'absent']);
  });
});

describe('profileInWorkers over rows, records of columns and Frames', () => {
  it.each([2, 3])(
    'on %i threads equals profile() of all the rows, late and sparse columns included',
    async (workers) => {
      const result = await profileInWorkers(rowBatches, { workers });
      expectSameProfile(result, profile(ROWS), finiteSorted(ROWS));
      expect(result.features.map((f) => f.name)).toContain('late');
    },
  );

  it('cuts one array of rows, or one record of columns, into ranges when there are fewer batches than threads', async () => {
    expectSameProfile(await profileInWorkers([ROWS], { workers: 3 }), profile(ROWS), finiteSorted(ROWS));
    const v = Float64Array.from(uniform(3, 30_000));
    expectSameProfile(await profileInWorkers({ v }, { workers: 2 }), profile({ v }), finiteSorted({ v }));
    expect(v.length).toBe(30_000);
  });

  it('copies the caller’s typed arrays and Frames rather than detaching them', async () => {
    const columns = [0, 1, 2, 3].map((p) => ({ v: Float64Array.from(uniform(p + 7, 20_000)) }));
    const frames = rowBatches.map((rows) => toFrame(rows));
    const before = frames.map((f) => (f.columns.get('n') as { values: Float64Array }).values.length);
    const fromColumns = await profileInWorkers(columns, { workers: 2 });
    const fromFrames = await profileInWorkers(frames, { workers: 2 });
    expect(columns.map((c) => c.v.length)).toEqual([20_000, 20_000, 20_000, 20_000]);
    expect(frames.map((f) => (f.columns.get('n') as { values: Float64Array }).values.length)).toEqual(before);
    const all = new Float64Array(80_000);
    columns.forEach((c, i) => {
      all.set(c.v, i * 20_000);
    });
    expectSameProfile(fromColumns, profile({ v: all }), finiteSorted({ v: all }));
    expectSameProfile(fromFrames, profile(ROWS), finiteSorted(ROWS));
  });

  it('returns the profile of no rows for an empty source, without starting a thread', async () => {
    expect(await profileInWorkers([])).toEqual(profile([]));
    expect(await profileInWorkers([], { features: ['a'] })).toEqual(profile([], { features: ['a'] }));
    expect(await profileInWorkers({ a: [] }, { workers: 2 })).toEqual(profile({ a: [] }));
  });
});

describe('profileInWorkers failures', () => {
  const batches = Array.from({ length: 8 }, (_, i) => ROWS.slice(i * 2000, (i + 1) * 2000));

  beforeAll(async () => {
    await profileInWorkers(batches.slice(0, 2), { workers: 2 }); // Node's own threads started before counting
  });

  /** Runs `run`, expects a LockstepError with `code` and a message matching `message`, and no thread left. */
  async function expectRejection(run: () => Promise<unknown>, code: string, message: RegExp) {
    const threads = osThreads();
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LockstepError);
    expect((error as LockstepError).code).toBe(code);
    expect((error as LockstepError).message).toMatch(message);
    expect(osThreads()).toBeLessThanOrEqual(threads);
  }

  it('rejects a batch toFrame refuses, found after the threads are busy, and stops them', async () => {
    const bad = [...batches, [{ n: 1 }, 42]];
    await expectRejection(
      () => profileInWorkers(bad, { workers: 2 }),
      'INVALID_DATA',
      /^profileInWorkers: row 1 of 'data' must be an object, got 42 \(in source\[8\]\)$/,
    );
  });

  it('rejects a batch whose values cannot cross to a thread (a function), and stops the threads', async () => {
    const bad = [...batches.slice(0, 3), [{ n: 1, mixed: () => 1 }]];
    await expectRejection(
      () => profileInWorkers(bad, { workers: 3 }),
      'INVALID_DATA',
      /^profileInWorkers: source\[3\] \(rows 0 to 0\) cannot be sent to a worker thread \(.*could not be cloned/,
    );
  });

  it.each([
    [
      'throws as it starts',
      'throw new RangeError("no memory")',
      /worker thread \d failed: RangeError: no memory/,
    ],
    ['exits without a profile', 'process.exit(3)', /worker thread \d failed: it stopped \(exit code 3\)/],
    [
      'reports an error',
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', () => parentPort.postMessage({ type: 'error', code: 'INVALID_DATA', message: 'TypeError: bad column' }));`,
      /worker thread \d failed: TypeError: bad column/,
    ],
  ])('rejects when a worker thread %s, and stops every thread', async (_, code, message) => {
    let started = 0;
    const start = () => {
      started++;
      return new Worker(code, { eval: true });
    };
    await expectRejection(() => profileWith(batches, { workers: 3 }, start), 'INVALID_DATA', message);
    expect(started).toBe(3);
  });

  it('rejects bad arguments naming the function and the argument', async () => {
    for (const workers of [0, -1, 1.5, Number.NaN, '2', 257]) {
      await rejectsLockstep(() => profileInWorkers(batches, { workers: workers as number }), {
        code: 'INVALID_ARGUMENT',
        fn: 'profileInWorkers',
        arg: 'options.workers',
        message: `profileInWorkers: argument 'options.workers' must be an integer in [1, 256], got ${typeof workers === 'string' ? `"${workers}"` : workers}`,
      });
    }
    await rejectsLockstep(() => profileInWorkers(batches, { feature: ['x'] } as never), {
      code: 'INVALID_ARGUMENT',
      arg: 'options.feature',
      message: /unknown key "feature" \(did you mean "features"\?\)/,
    });
    await expect(profileInWorkers(batches, { sketches: { quantileK: 1 } })).rejects.toThrow(
      /^profileInWorkers: argument 'options.sketches.quantileK' must be an integer/,
    );
    await expect(profileInWorkers(42 as never)).rejects.toThrow(
      /^profileInWorkers: argument 'source' must be/,
    );
    await expect(profileInWorkers([batches[0]!, null as never])).rejects.toThrow(
      /^profileInWorkers: argument 'source\[1\]' must be a batch/,
    );
    // Rows where batches belong (the types refuse it too).
    const error = await profileInWorkers(ROWS.slice(0, 10) as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockstepError);
    expect((error as LockstepError).code).toBe('INVALID_ARGUMENT');
    expect((error as LockstepError).message).toMatch(/'source\[0\]' must be a batch, not a row/);
  });
});
