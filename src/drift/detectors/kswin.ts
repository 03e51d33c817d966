// KSWIN: Kolmogorov–Smirnov windowing (Raab, Heusinger & Schleif 2020), as River's `drift.KSWIN` computes
// it, with the random draws taken from a seeded lockstep Rng.
import * as z from 'zod/mini';
import { invalidArgument } from '../../core/errors.js';
import { createRng, type Rng, type RngStateInput } from '../../core/rng.js';
// The two-sample KS test of lockstep/drift (exact p-values for the equal sizes KSWIN compares, as scipy).
import { ksTest } from '../ks-test.js';
import {
  badState,
  badValue,
  checkInt,
  checkInterval,
  checkOptions,
  type DetectorStateBase,
  type DriftDetector,
  type DriftSignal,
  parseState,
  signals,
} from './common.js';

/** KSWIN's parameters, with River's names (camelCased) and defaults. */
export interface KswinParams {
  /** Significance of the KS test, in (0, 1); keep it below 0.01. Default 0.005. */
  readonly alpha: number;
  /** Values in the sliding window. Default 100. */
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
const KEYS = ['alpha', 'windowSize', 'statSize', 'seed', 'rng', 'window', 'state'];

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
 * Input: any finite numbers. Resume with `createKswin({ state: kswin.state() })`.
 * @example const kswin = createKswin({ seed: 7 }); for (const x of values) if (kswin.update(x).drift) alert() // => alert() when the recent values' distribution departs from the window's
 * @throws LockstepError `INVALID_ARGUMENT` for a parameter out of range, statSize > windowSize / 2, both
 *   `seed` and `rng`, or an unknown option (and, from `update`, a value that is not finite);
 *   `INVALID_ARTIFACT` for a malformed `state`.
 */
export function createKswin(options?: KswinOptions): Kswin {
  const o = checkOptions<KswinOptions>(FN, options, KEYS);
  if (o.rng !== undefined && o.seed !== undefined) {
    throw invalidArgument(FN, 'options', "must give 'seed' or 'rng', not both");
  }
  if (
    o.rng !== undefined &&
    (typeof o.rng !== 'object' || o.rng === null || typeof o.rng.sample !== 'function')
  ) {
    throw invalidArgument(FN, 'rng', 'must be an Rng from createRng', o.rng);
  }
  let params: KswinParams;
  let saved: KswinState | undefined;
  if (o.state !== undefined) {
    if (o.window !== undefined)
      throw invalidArgument(FN, 'options', "must not give 'window' when resuming from 'state'");
    saved = parseState(FN, 'KSWIN state', o.state, kswinSchema(), o);
    params = checkParams(saved.params);
    if (saved.window.length > params.windowSize) {
      throw badState(
        FN,
        'KSWIN state',
        '$.window',
        `must hold at most windowSize (${params.windowSize}) values`,
      );
    }
  } else {
    params = checkParams({
      alpha: o.alpha ?? 0.005,
      windowSize: o.windowSize ?? 100,
      statSize: o.statSize ?? 30,
      seed: o.rng !== undefined ? null : (o.seed ?? 0),
    });
  }
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
  let rng: Rng = o.rng ?? (saved ? createRng(seed ?? 0, { state: saved.rng }) : createRng(seed ?? 0));

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
  } else if (o.window !== undefined) {
    if (!Array.isArray(o.window) || !o.window.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw invalidArgument(FN, 'window', 'must be an array of finite numbers', o.window);
    }
    for (const x of o.window) push(x);
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
      return {
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
      };
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

function checkParams(p: KswinParams): KswinParams {
  const windowSize = checkInt(FN, 'windowSize', p.windowSize, 2);
  const statSize = checkInt(FN, 'statSize', p.statSize, 1);
  if (2 * statSize > windowSize) {
    throw invalidArgument(
      FN,
      'statSize',
      `must be at most windowSize / 2 (${Math.floor(windowSize / 2)}): W is drawn from the other windowSize − statSize values`,
      statSize,
    );
  }
  const { seed } = p;
  if (seed !== null && typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw invalidArgument(FN, 'seed', 'must be a string or a finite number', seed);
  }
  return { alpha: checkInterval(FN, 'alpha', p.alpha, 0, 1), windowSize, statSize, seed };
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
