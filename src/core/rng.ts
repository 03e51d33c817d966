import { aleaDouble, aleaSeed } from './alea.js';
import { describe, invalidArgument, LockstepError } from './errors.js';

/** The serialisable state of an Rng: save it with `rng.state()`, resume with `createRng(seed, { state })`. */
export interface RngState {
  readonly c: number;
  readonly s0: number;
  readonly s1: number;
  readonly s2: number;
}

/** A seeded random stream. The same seed gives the same sequence in Node and every browser. */
export interface Rng {
  /** A float in [0, 1) with 53 random bits. */
  next(): number;
  /** An integer in [0, high), or in [low, high) when given two arguments. */
  int(lowOrHigh: number, high?: number): number;
  /** A shuffled copy of `values` (Fisher–Yates); the input is not changed. */
  shuffle<T>(values: readonly T[]): T[];
  /** `k` distinct elements of `values`, in the order drawn. */
  sample<T>(values: readonly T[], k: number): T[];
  /** `size` (default `values.length`) elements of `values` drawn with replacement: a bootstrap resample. */
  bootstrap<T>(values: readonly T[], size?: number): T[];
  /** The generator's state, a plain JSON object, for checkpointing a run mid-stream. */
  state(): RngState;
}

function checkIntArg(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw invalidArgument(fn, arg, 'must be a safe integer', v);
  return v;
}

/**
 * A seeded random number generator: Alea (Baagøe 2010), draw for draw the sequence of seedrandom's
 * `alea(String(seed))`, a pure-JS generator whose output depends only on the seed, never on the platform.
 * Numbers seed as their decimal string.
 * `next` costs two Alea steps (53 bits); `int(n)` is `floor(next() · n)`, bias below n / 2^53.
 * @example createRng('run-42').int(10) // => 6
 * @throws LockstepError `INVALID_ARGUMENT` for a seed that is not a string or a finite number, or a
 *   malformed `state`.
 */
export function createRng(seed: string | number, options: { state?: RngState } = {}): Rng {
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw invalidArgument('createRng', 'seed', 'must be a string or a finite number', seed);
  }
  const { state } = options;
  if (state !== undefined) {
    const ok =
      typeof state === 'object' &&
      state !== null &&
      (['c', 's0', 's1', 's2'] as const).every(
        (k) => typeof state[k] === 'number' && Number.isFinite(state[k]),
      );
    if (!ok) throw invalidArgument('createRng', 'options.state', 'must be a state from rng.state()', state);
  }
  const s = state ? { c: state.c, s0: state.s0, s1: state.s1, s2: state.s2 } : aleaSeed(String(seed));
  const next = (): number => aleaDouble(s);
  const below = (n: number): number => Math.floor(next() * n);

  return {
    next,
    int(lowOrHigh, high) {
      const lo = high === undefined ? 0 : checkIntArg('rng.int', 'low', lowOrHigh);
      const hi = checkIntArg('rng.int', 'high', high === undefined ? lowOrHigh : high);
      if (hi <= lo) throw invalidArgument('rng.int', 'high', `must be greater than low (${lo})`, hi);
      return lo + below(hi - lo);
    },
    shuffle(values) {
      const out = values.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = below(i + 1);
        const t = out[i]!;
        out[i] = out[j]!;
        out[j] = t;
      }
      return out;
    },
    sample(values, k) {
      checkIntArg('rng.sample', 'k', k);
      if (k < 0 || k > values.length) {
        throw new LockstepError(
          'INVALID_ARGUMENT',
          `rng.sample: argument 'k' must be between 0 and ${values.length} (the number of values), got ${describe(k)}`,
        );
      }
      const pool = values.slice();
      const n = pool.length;
      for (let i = 0; i < k; i++) {
        const j = i + below(n - i);
        const t = pool[i]!;
        pool[i] = pool[j]!;
        pool[j] = t;
      }
      pool.length = k;
      return pool;
    },
    bootstrap(values, size = values.length) {
      checkIntArg('rng.bootstrap', 'size', size);
      if (size < 0) throw invalidArgument('rng.bootstrap', 'size', 'must be at least 0', size);
      if (values.length === 0 && size > 0) {
        throw invalidArgument('rng.bootstrap', 'values', 'must not be empty when size > 0', values);
      }
      const out = new Array<(typeof values)[number]>(size);
      for (let i = 0; i < size; i++) out[i] = values[below(values.length)]!;
      return out;
    },
    state() {
      return { c: s.c, s0: s.s0, s1: s.s1, s2: s.s2 };
    },
  };
}
