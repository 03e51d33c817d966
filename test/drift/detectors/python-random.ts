// Python's `random.Random` (MT19937 seeded by init_by_array, as CPython's Modules/_randommodule.c does),
// enough of it to rebuild the streams River's docstrings and tests use: random(), choices() with and
// without weights, and sample() for KSWIN's draws. Test-only: it lets a test feed our detectors the very
// stream River documents and compare the indices River prints.
import type { Rng } from '../../../src/core/rng.js';

const N = 624;
const M = 397;

export interface PythonRandom {
  /** random.random(): 53 bits from two 32-bit draws. */
  random(): number;
  /** random.getrandbits(k) for k ≤ 32. */
  getrandbits(k: number): number;
  /** random._randbelow(n). */
  randbelow(n: number): number;
  /** random.choices(population, k=k) or with weights. */
  choices<T>(population: readonly T[], k: number, weights?: readonly number[]): T[];
  /** random.sample(population, k). */
  sample<T>(population: readonly T[], k: number): T[];
}

/** random.Random(seed) for a non-negative integer seed. */
export function pythonRandom(seed: number): PythonRandom {
  const mt = new Uint32Array(N);
  let mti = N + 1;

  function initGenrand(s: number): void {
    mt[0] = s >>> 0;
    for (mti = 1; mti < N; mti++) {
      const prev = mt[mti - 1]!;
      mt[mti] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + mti) >>> 0;
    }
  }

  function initByArray(key: readonly number[]): void {
    initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  function genrand(): number {
    if (mti >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1]! & 0x80000000) | (mt[0]! & 0x7fffffff);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      mti = 0;
    }
    let y = mt[mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  // CPython seeds an int with its absolute value cut into 32-bit words, least significant first.
  const key: number[] = [];
  let rest = Math.abs(seed);
  do {
    key.push(rest % 2 ** 32);
    rest = Math.floor(rest / 2 ** 32);
  } while (rest > 0);
  initByArray(key);

  const random = (): number => {
    const a = genrand() >>> 5;
    const b = genrand() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  };
  const getrandbits = (k: number): number => genrand() >>> (32 - k);
  const randbelow = (n: number): number => {
    const k = Math.floor(Math.log2(n)) + 1;
    let r = getrandbits(k);
    while (r >= n) r = getrandbits(k);
    return r;
  };

  return {
    random,
    getrandbits,
    randbelow,
    choices(population, k, weights) {
      const n = population.length;
      if (!weights) return Array.from({ length: k }, () => population[Math.floor(random() * n)]!);
      const cum: number[] = [];
      let acc = 0;
      for (const w of weights) cum.push((acc += w));
      const totalWeight = cum[cum.length - 1]!;
      return Array.from({ length: k }, () => {
        // bisect_right(cum, random() * total, 0, n - 1)
        const x = random() * totalWeight;
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (x < cum[mid]!) hi = mid;
          else lo = mid + 1;
        }
        return population[lo]!;
      });
    },
    sample(population, k) {
      const n = population.length;
      let setsize = 21;
      if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
      const result: (typeof population)[number][] = [];
      if (n <= setsize) {
        const pool = population.slice();
        for (let i = 0; i < k; i++) {
          const j = randbelow(n - i);
          result.push(pool[j]!);
          pool[j] = pool[n - i - 1]!;
        }
      } else {
        const selected = new Set<number>();
        for (let i = 0; i < k; i++) {
          let j = randbelow(n);
          while (selected.has(j)) j = randbelow(n);
          selected.add(j);
          result.push(population[j]!);
        }
      }
      return result;
    },
  };
}

/**
 * An {@link Rng} whose `sample` draws exactly what Python's `random.Random(seed).sample` draws, for
 * replaying River's KSWIN (which samples with `random.Random(seed)`). Only `sample` and `next` are real.
 */
export function pythonRng(seed: number): Rng {
  const py = pythonRandom(seed);
  const unsupported = (): never => {
    throw new Error('pythonRng: only next() and sample() are implemented');
  };
  return {
    next: py.random,
    int: unsupported,
    shuffle: unsupported,
    sample: (values, k) => py.sample(values, k),
    bootstrap: unsupported,
    state: () => ({ kind: 'lockstep.rng-state', formatVersion: 1, c: 0, s0: 0, s1: 0, s2: 0 }),
  };
}
