// KSWIN: Kolmogorov–Smirnov windowing (Raab, Heusinger & Schleif 2020), as River's `drift.KSWIN` computes
// it, with the random draws taken from a seeded lockstep Rng.
import * as z from 'zod/mini';
import { checkArray, MAX_STRING, readOptions } from '../../core/check.js';
import { invalidArgument, isLockstepError, type LockstepError } from '../../core/errors.js';
import { MAX_ARRAY_ROWS } from '../../core/frame.js';
import { createRng, type Rng, type RngStateInput } from '../../core/rng.js';
// The two-sample KS test of lockstep/drift (exact p-values for the equal sizes KSWIN compares, as scipy).
import { ksTest } from '../ks-test.js';
import {
  badState,
  badValue,
  checkInt,
  checkInterval,
  type DetectorStateBase,
  type DriftDetector,
  type DriftSignal,
  fromOptions,
  fromState,
  frozenState,
  type ParamSource,
  parseState,
  signals,
} from './common.js';

/** KSWIN's parameters, with River's names (camelCased) and defaults. */
export interface KswinParams {
  /** Significance of the KS test, in (0, 1); keep it below 0.01. Default 0.005. */
  readonly alpha: number;
  /** Values in the sliding window, 2 to 2^20 (1,048,576). Default 100. */
  readonly windowSize: number;
  /** Values in each of the two samples compared; at most windowSize / 2. Default 30. */
  readonly statSize: number;
  /**
   * Seed of the draws (`createRng(seed)`), reseeded whenever the detector starts afresh, as River
   * reseeds `random.Random(seed)`. Default 0 (River's default, None, draws an unseeded generator;
   * lockstep never does). null when an `rng` was passed instead.
   */
  readonly seed: string | number | null;
}

export interface KswinOptions extends Partial<Omit<KswinParams, 'seed'>> {
  readonly seed?: string | number;
  /**
   * The generator to draw from, instead of `seed`. It is not rewound when the detector starts afresh.
   * Its position is saved with the state (`rng.state()`); resuming without passing `rng` again rebuilds
   * it with `createRng`, exact when the generator came from `createRng`.
   */
  readonly rng?: Rng;
  /** Values already collected, oldest first, to start with a full window (River's `window`). */
  readonly window?: readonly number[];
  /** Resume from `kswin.state()`; the parameters come from the state. */
  readonly state?: KswinState;
}

/** KSWIN's saved state: the window, oldest first, and the generator's position. */
export interface KswinState extends DetectorStateBase<'lockstep.drift.kswin', KswinParams> {
  readonly n: number;
  readonly window: readonly number[];
  readonly statistic: number;
  readonly pValue: number;
  readonly rng: RngStateInput;
}

/** A KSWIN detector: {@link DriftDetector} plus the last test's result. */
export interface Kswin extends DriftDetector<KswinState> {
  readonly params: KswinParams;
  /** The last KS test's statistic and p-value (0 before the window first fills, as River's p_value). */
  readonly statistic: number;
  readonly pValue: number;
  /** Values in the window now. */
  readonly windowLength: number;
}

const FN = 'createKswin';
const WHAT = 'KSWIN state';
const KEYS = ['alpha', 'windowSize', 'statSize', 'seed', 'rng', 'window', 'state'] as const;

/** Largest `windowSize`: the window is allocated up front, and each test draws from it. */
export const MAX_KSWIN_WINDOW = 1 << 20;

/**
 * KSWIN, Kolmogorov–Smirnov windowing. It keeps the last `windowSize` values Ψ; once Ψ is full, every
 * value it compares R, the last `statSize` values, with W, `statSize` values drawn without replacement
 * from the rest of Ψ, by the two-sample KS test, and reports drift when the p-value ≤ `alpha` and the
 * statistic D > 0.1 (River's rule; the paper's is D > sqrt(−ln(α) / r)). The next update starts afresh
 * with an empty window, as River's does. O(r log r) time and O(windowSize) memory per value.
 *
 * Reference: C. Raab, M. Heusinger, F.-M. Schleif, "Reactive soft prototype computing for concept drift
 * streams", Neurocomputing 416, 2020; River's `drift.KSWIN` (same parameters, defaults and rule; drawing
 * with River's generator, `random.Random(42)`, on River's documented stream both report drift at 1016).
 *
 * Input: any finite numbers. Resume with `createKswin({ state: kswin.state() })` (the state is frozen
 * plain JSON).
 * @example const kswin = createKswin({ seed: 7 }); for (const x of values) if (kswin.update(x).drift) alert() // => alert() when the recent values' distribution departs from the window's
 * @throws LockstepError `INVALID_ARGUMENT` for a parameter out of range (`windowSize` at most 2^20),
 *   statSize > windowSize / 2, both `seed` and `rng`, or an unknown option, naming the closest known key
 *   (and, from `update`, a value that is not finite);
 *   `INVALID_ARTIFACT` for a malformed `state`.
 */
export function createKswin(options?: KswinOptions): Kswin {
  const o = readOptions(FN, options, KEYS);
  if (o.rng !== undefined && o.seed !== undefined) {
    throw invalidArgument(FN, 'options', "must give 'seed' or 'rng', not both");
  }
  if (o.rng !== undefined && !isRng(o.rng)) {
    throw invalidArgument(FN, 'options.rng', 'must be an Rng from createRng', o.rng);
  }
  let params: KswinParams;
  let saved: KswinState | undefined;
  if (o.state !== undefined) {
    if (o.window !== undefined)
      throw invalidArgument(FN, 'options', "must not give 'window' when resuming from 'state'");
    saved = parseState(FN, WHAT, o.state, kswinSchema(), o);
    params = checkParams(fromState(FN, WHAT), saved.params);
    if (saved.window.length > params.windowSize) {
      throw badState(FN, WHAT, '$.window', `must hold at most windowSize (${params.windowSize}) values`);
    }
  } else {
    params = checkParams(fromOptions(FN), {
      alpha: o.alpha ?? 0.005,
      windowSize: o.windowSize ?? 100,
      statSize: o.statSize ?? 30,
      seed: o.rng !== undefined ? null : (o.seed ?? 0),
    });
  }
  const initial = saved === undefined && o.window !== undefined ? checkWindow(o.window) : undefined;
  const { alpha, windowSize, statSize, seed } = params;
  const sig = signals();
  // The positions W is drawn from: the window's first windowSize − statSize values (sample copies it).
  const candidates = Array.from({ length: windowSize - statSize }, (_, i) => i);
  const older = new Float64Array(statSize);
  const recent = new Float64Array(statSize);

  const buffer = new Float64Array(windowSize);
  let start = 0;
  let length = 0;
  let n = 0;
  let statistic = 0;
  let pValue = 0;
  let last: DriftSignal = sig.stable;
  let nDetections = 0;
  let rng: Rng = (o.rng as Rng | undefined) ?? (saved ? resumeRng(seed, saved.rng) : createRng(seed ?? 0));

  function push(x: number): void {
    if (length < windowSize) {
      buffer[(start + length) % windowSize] = x;
      length++;
    } else {
      buffer[start] = x;
      start = (start + 1) % windowSize;
    }
  }

  function clear(): void {
    start = 0;
    length = 0;
    n = 0;
    statistic = 0;
    pValue = 0;
    if (seed !== null) rng = createRng(seed);
  }

  if (saved) {
    for (const x of saved.window) push(x);
    ({ n, statistic, pValue, nDetections } = saved);
    last = saved.drift ? sig.drift : sig.stable;
  } else if (initial !== undefined) {
    for (let i = 0; i < initial.length; i++) push(initial[i]!);
  }

  return {
    params,
    update(x) {
      if (typeof x !== 'number' || !Number.isFinite(x))
        throw badValue('kswin.update', 'must be a finite number', x);
      if (last.drift) clear();
      n += 1;
      push(x);
      let drift = false;
      if (length >= windowSize) {
        const picks = rng.sample(candidates, statSize);
        for (let r = 0; r < statSize; r++) {
          older[r] = buffer[(start + picks[r]!) % windowSize]!;
          recent[r] = buffer[(start + windowSize - statSize + r) % windowSize]!;
        }
        ({ statistic, pValue } = ksTest(older, recent));
        drift = pValue <= alpha && statistic > 0.1;
      }
      if (drift) nDetections++;
      last = drift ? sig.drift : sig.stable;
      return last;
    },
    reset() {
      clear();
      last = sig.stable;
      nDetections = 0;
    },
    state() {
      const window: number[] = [];
      for (let i = 0; i < length; i++) window.push(buffer[(start + i) % windowSize]!);
      return frozenState({
        kind: 'lockstep.drift.kswin',
        formatVersion: 1,
        params: { ...params },
        drift: last.drift,
        warning: false,
        nDetections,
        n,
        window,
        statistic,
        pValue,
        rng: rng.state(),
      });
    },
    get drift() {
      return last.drift;
    },
    get warning() {
      return false;
    },
    get n() {
      return n;
    },
    get nDetections() {
      return nDetections;
    },
    get statistic() {
      return statistic;
    },
    get pValue() {
      return pValue;
    },
    get windowLength() {
      return length;
    },
  };
}

function checkParams(src: ParamSource, p: { readonly [K in keyof KswinParams]: unknown }): KswinParams {
  const windowSize = checkInt(src, 'windowSize', p.windowSize, 2, MAX_KSWIN_WINDOW);
  const statSize = checkInt(src, 'statSize', p.statSize, 1);
  if (2 * statSize > windowSize) {
    throw src.fail(
      'statSize',
      `must be at most windowSize / 2 (${Math.floor(windowSize / 2)}): W is drawn from the other windowSize − statSize values`,
      statSize,
    );
  }
  const { seed } = p;
  const okSeed =
    seed === null ||
    (typeof seed === 'string' && seed.length <= MAX_STRING) ||
    (typeof seed === 'number' && Number.isFinite(seed));
  if (!okSeed) {
    throw src.fail('seed', `must be a string of at most ${MAX_STRING} characters or a finite number`, seed);
  }
  return {
    alpha: checkInterval(src, 'alpha', p.alpha, 0, 1),
    windowSize,
    statSize,
    seed: seed as string | number | null,
  };
}

/** True for an object with the `sample` and `state` methods KSWIN calls (a throwing getter: false). */
function isRng(value: unknown): boolean {
  try {
    const r = value as Partial<Rng> | null;
    return (
      typeof r === 'object' && r !== null && typeof r.sample === 'function' && typeof r.state === 'function'
    );
  } catch {
    return false;
  }
}

/** The initial window, read once by index (a hole or a getter cannot slip a NaN in). */
function checkWindow(value: unknown): Float64Array {
  const must = 'must be an array of finite numbers';
  try {
    const list = checkArray(FN, 'options.window', value, MAX_ARRAY_ROWS);
    const out = new Float64Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (typeof x !== 'number' || !Number.isFinite(x))
        throw invalidArgument(FN, 'options.window', must, value);
      out[i] = x;
    }
    return out;
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(FN, 'options.window', 'must be readable (a getter or Proxy threw)');
  }
}

/** The generator of a saved state, rebuilt; a corrupted position is the state's fault, at `$.rng`. */
function resumeRng(seed: string | number | null, state: RngStateInput): Rng {
  try {
    return createRng(seed ?? 0, { state });
  } catch (error) {
    if (!isLockstepError(error)) throw error;
    const e = error as LockstepError;
    const inner = e.path === undefined ? '' : e.path.slice(1);
    throw badState(FN, WHAT, `$.rng${inner}`, e.issues[0]?.message ?? e.message);
  }
}

let schema: z.ZodMiniType<KswinState> | undefined;

function kswinSchema(): z.ZodMiniType<KswinState> {
  if (schema) return schema;
  const count = z.number().check(z.int(), z.nonnegative());
  const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));
  schema = z.object({
    kind: z.literal('lockstep.drift.kswin'),
    formatVersion: z.literal(1),
    params: z.object({
      alpha: z.number(),
      windowSize: z.number(),
      statSize: z.number(),
      seed: z.nullable(z.union([z.string(), z.number()])),
    }),
    drift: z.boolean(),
    warning: z.boolean(),
    nDetections: count,
    n: count,
    window: z.array(finite),
    statistic: z.number().check(z.gte(0), z.lte(1)),
    pValue: z.number().check(z.gte(0), z.lte(1)),
    rng: z.object({ c: finite, s0: finite, s1: finite, s2: finite }),
  }) as z.ZodMiniType<KswinState>;
  return schema;
}
