// The seeded random stream every random choice in lockstep goes through (shuffles, samples, bootstraps,
// KSWIN's draws, tfjs epoch orders). Its saved state is a small artifact-like object, `kind:
// 'lockstep.rng-state'` and `formatVersion: 1` with Alea's four numbers, read back by
// `createRng(seed, { state })`. States written before the state carried `kind` and `formatVersion` (plain
// `{ c, s0, s1, s2 }`, as KSWIN states embed them) still resume: both fields are optional on read. A state
// is checked before it is used: Alea's carry is an integer in [0, 2091639) and each lag a multiple of
// 2^-32 in [0, 1), which every state the generator reaches satisfies; anything else was edited or
// corrupted, and resuming from it would draw numbers outside [0, 1).

import { type AleaState, aleaDouble, aleaSeed } from './alea.js';
import { type ArtifactIssue, artifactIssue, invalidArtifact } from './artifact.js';
import { readOptions } from './check.js';
import { describe, invalidArgument, LockstepError } from './errors.js';

/** The kind of a saved RNG state. */
export const RNG_STATE_KIND = 'lockstep.rng-state';

/** The serialisable state of an Rng: save it with `rng.state()`, resume with `createRng(seed, { state })`. */
export interface RngState {
  readonly kind: 'lockstep.rng-state';
  readonly formatVersion: 1;
  /** Alea's carry: an integer in [0, 2091639). */
  readonly c: number;
  /** Alea's three lags: multiples of 2^-32 in [0, 1). */
  readonly s0: number;
  readonly s1: number;
  readonly s2: number;
}

/** What createRng resumes from: a state from `rng.state()`, or one saved without `kind` and `formatVersion`. */
export type RngStateInput = Omit<RngState, 'kind' | 'formatVersion'> & {
  readonly kind?: 'lockstep.rng-state';
  readonly formatVersion?: 1;
};

/** createRng's options; no other key is accepted. */
export interface RngOptions {
  /** Resume from a saved `rng.state()` instead of the seed's start. */
  readonly state?: RngStateInput;
}

/** A seeded random stream. The same seed gives the same sequence in Node and every browser. */
export interface Rng {
  /** A float in [0, 1) with 53 random bits. */
  next(): number;
  /** An integer in [0, high), or in [low, high) when given two arguments (high − low at most 2^53). */
  int(lowOrHigh: number, high?: number): number;
  /** A shuffled copy of `values` (Fisher–Yates); the input is not changed. At most 2^25 values. */
  shuffle<T>(values: readonly T[]): T[];
  /** `k` distinct elements of `values`, in the order drawn. At most 2^25 values. */
  sample<T>(values: readonly T[], k: number): T[];
  /**
   * `size` (default `values.length`) elements of `values` drawn with replacement: a bootstrap resample.
   * At most 2^25 values and a size of at most 2^25.
   */
  bootstrap<T>(values: readonly T[], size?: number): T[];
  /** The generator's state, a frozen plain JSON object, for checkpointing a run mid-stream. */
  state(): RngState;
}

/** Most values shuffle, sample and bootstrap read, and most bootstrap draws: 2^25 (33,554,432). */
export const MAX_RNG_ITEMS = 33_554_432;
/** Longest string seed: 65,536 UTF-16 units. */
export const MAX_SEED_LENGTH = 65_536;

const OPTION_KEYS: readonly 'state'[] = ['state'];
const STATE_KEYS: readonly string[] = ['kind', 'formatVersion', 'c', 's0', 's1', 's2'];
const LAGS: readonly ('s0' | 's1' | 's2')[] = ['s0', 's1', 's2'];
/** Alea's multiplier: the carry of a state it reaches is below it. */
const ALEA_MULTIPLIER = 2091639;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function checkIntArg(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw invalidArgument(fn, arg, 'must be a safe integer', v);
  return v;
}

/**
 * A copy of `values` (an array or a typed array of at most MAX_RNG_ITEMS items), read once: a Proxy or
 * getter that throws is an INVALID_ARGUMENT, and the generator never touches the caller's array.
 */
function copyValues<T>(fn: string, values: unknown): T[] {
  const typed = ArrayBuffer.isView(values) && !(values instanceof DataView);
  if (!Array.isArray(values) && !typed) {
    throw invalidArgument(fn, 'values', 'must be an array (or a typed array)', values);
  }
  try {
    const n = (values as ArrayLike<T>).length;
    if (!Number.isSafeInteger(n) || n > MAX_RNG_ITEMS) {
      throw invalidArgument(fn, 'values', `must hold at most ${MAX_RNG_ITEMS} values, got ${describe(n)}`);
    }
    // The typed array's own slice (a typed array comes back as one), never a method the caller defined.
    return typed
      ? (Object.getPrototypeOf(Int8Array.prototype) as { slice(this: unknown): T[] }).slice.call(values)
      : (Array.prototype.slice.call(values) as T[]);
  } catch (error) {
    if (error instanceof LockstepError) throw error;
    throw invalidArgument(fn, 'values', 'must be readable (a getter or Proxy threw)');
  }
}

/**
 * Reads a saved state: `kind` and `formatVersion` optional (states saved before they existed), Alea's
 * four numbers in the ranges the generator keeps them in.
 * @throws LockstepError `INVALID_ARTIFACT` naming `createRng`, `options.state` and the JSON path.
 */
function readState(state: unknown): AleaState {
  const fail = (issues: ArtifactIssue[]) =>
    invalidArtifact('createRng', RNG_STATE_KIND, issues, 'options.state');
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw fail([artifactIssue('$', `must be a state from rng.state(), got ${describe(state)}`)]);
  }
  const s: Record<string, unknown> = {};
  try {
    for (const key of Object.keys(state)) {
      if (!STATE_KEYS.includes(key)) {
        throw fail([artifactIssue(`$.${key.slice(0, 60)}`, 'is not a field of an RNG state')]);
      }
      s[key] = (state as Record<string, unknown>)[key];
    }
  } catch (error) {
    if (error instanceof LockstepError) throw error;
    throw fail([artifactIssue('$', 'could not be read (a getter or proxy threw)')]);
  }
  const issues: ArtifactIssue[] = [];
  if (s.kind !== undefined && s.kind !== RNG_STATE_KIND) {
    issues.push(artifactIssue('$.kind', `must be "${RNG_STATE_KIND}", got ${describe(s.kind)}`));
  }
  if (s.formatVersion !== undefined && s.formatVersion !== 1) {
    const newer = typeof s.formatVersion === 'number' && s.formatVersion > 1;
    issues.push(
      artifactIssue(
        '$.formatVersion',
        newer
          ? `is ${describe(s.formatVersion)}, newer than this version of lockstep reads (1); upgrade lockstep`
          : `must be 1, got ${describe(s.formatVersion)}`,
      ),
    );
  }
  const c = s.c;
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= ALEA_MULTIPLIER) {
    issues.push(artifactIssue('$.c', `must be an integer in [0, ${ALEA_MULTIPLIER}), got ${describe(c)}`));
  }
  for (const lag of LAGS) {
    const v = s[lag];
    if (typeof v !== 'number' || !(v >= 0 && v < 1) || !Number.isInteger(v * TWO_POW_32)) {
      issues.push(artifactIssue(`$.${lag}`, `must be a multiple of 2^-32 in [0, 1), got ${describe(v)}`));
    }
  }
  if (issues.length > 0) throw fail(issues);
  return { c: c as number, s0: s.s0 as number, s1: s.s1 as number, s2: s.s2 as number };
}

/**
 * A seeded random number generator: Alea (Baagøe 2010), draw for draw the sequence of seedrandom's
 * `alea(String(seed))`, a pure-JS generator whose output depends only on the seed, never on the platform.
 * Numbers seed as their decimal string; a string seed is at most 65,536 characters.
 * `next` costs two Alea steps (53 bits); `int(n)` is `floor(next() · n)`, bias below n / 2^53.
 * `rng.state()` saves the position (`kind: 'lockstep.rng-state'`, `formatVersion: 1`); `createRng(seed,
 * { state })` resumes from it exactly, and also from a state saved without `kind` and `formatVersion`.
 * @example createRng('run-42').int(10) // => 6
 * @throws LockstepError `INVALID_ARGUMENT` for a seed that is not a string or a finite number, options
 *   that are not an object or hold an unknown key; `INVALID_ARTIFACT` (with the JSON path) for a `state`
 *   that is not one rng.state() writes (edited or corrupted).
 */
export function createRng(seed: string | number, options?: RngOptions): Rng {
  if (typeof seed === 'string') {
    if (seed.length > MAX_SEED_LENGTH) {
      throw invalidArgument(
        'createRng',
        'seed',
        `must be at most ${MAX_SEED_LENGTH} characters long, got ${seed.length}`,
      );
    }
  } else if (!(typeof seed === 'number' && Number.isFinite(seed))) {
    throw invalidArgument('createRng', 'seed', 'must be a string or a finite number', seed);
  }
  const { state } = readOptions('createRng', options, OPTION_KEYS);
  const s = state !== undefined ? readState(state) : aleaSeed(String(seed));
  const next = (): number => aleaDouble(s);
  // Clamped: for n close to 2^53, next() · n can round up to n.
  const below = (n: number): number => Math.min(Math.floor(next() * n), n - 1);

  return {
    next,
    int(lowOrHigh, high) {
      const lo = high === undefined ? 0 : checkIntArg('rng.int', 'low', lowOrHigh);
      const hi = checkIntArg('rng.int', 'high', high === undefined ? lowOrHigh : high);
      if (hi <= lo) throw invalidArgument('rng.int', 'high', `must be greater than low (${lo})`, hi);
      if (hi - lo > TWO_POW_53)
        throw invalidArgument('rng.int', 'high', `must be at most 2^53 above low (${lo})`, hi);
      return lo + below(hi - lo);
    },
    shuffle<T>(values: readonly T[]): T[] {
      const out = copyValues<T>('rng.shuffle', values);
      for (let i = out.length - 1; i > 0; i--) {
        const j = below(i + 1);
        const t = out[i]!;
        out[i] = out[j]!;
        out[j] = t;
      }
      return out;
    },
    sample<T>(values: readonly T[], k: number): T[] {
      const pool = copyValues<T>('rng.sample', values);
      checkIntArg('rng.sample', 'k', k);
      const n = pool.length;
      if (k < 0 || k > n) {
        throw new LockstepError(
          'INVALID_ARGUMENT',
          `rng.sample: argument 'k' must be between 0 and ${n} (the number of values), got ${describe(k)}`,
          { fn: 'rng.sample', arg: 'k' },
        );
      }
      for (let i = 0; i < k; i++) {
        const j = i + below(n - i);
        const t = pool[i]!;
        pool[i] = pool[j]!;
        pool[j] = t;
      }
      if (Array.isArray(pool)) {
        pool.length = k;
        return pool;
      }
      return (pool as unknown as { subarray(a: number, b: number): T[] }).subarray(0, k);
    },
    bootstrap<T>(values: readonly T[], size?: number): T[] {
      const from = copyValues<T>('rng.bootstrap', values);
      const count = size === undefined ? from.length : checkIntArg('rng.bootstrap', 'size', size);
      if (count < 0) throw invalidArgument('rng.bootstrap', 'size', 'must be at least 0', count);
      if (count > MAX_RNG_ITEMS) {
        throw invalidArgument('rng.bootstrap', 'size', `must be at most ${MAX_RNG_ITEMS}`, count);
      }
      if (from.length === 0 && count > 0) {
        throw invalidArgument('rng.bootstrap', 'values', 'must not be empty when size > 0', values);
      }
      const out = new Array<T>(count);
      for (let i = 0; i < count; i++) out[i] = from[below(from.length)]!;
      return out;
    },
    state(): RngState {
      return Object.freeze({ kind: RNG_STATE_KIND, formatVersion: 1, c: s.c, s0: s.s0, s1: s.s1, s2: s.s2 });
    },
  };
}
