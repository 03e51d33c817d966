// A canary: a candidate model takes a share of the traffic, sticky by request key, and the rest stays on
// the baseline. The rule is sticky.ts's: the key's unit value murmur3(key, murmur3(salt, 0)) / 2^32 against
// the cumulative weights { candidate: weight, baseline: 1 − weight } in that order, so a key goes to the
// candidate exactly when its unit value is below the weight, and raising the weight (5 % → 10 %) keeps
// every key already on the candidate there. A rollout controller drives `setWeight`.
import { checkNumber, readOptions } from '../core/check.js';
import { type CompiledWeights, compileWeights } from '../core/weights.js';
import { createObserver } from './events.js';
import { createInstruments, type MetricAttributes, readNow } from './meter.js';
import { contextKey, keyOf, stickyPick, stickySeed } from './sticky.js';
import {
  checkModel,
  invoke,
  type Model,
  type ObserveOptions,
  type RouteContext,
  type Router,
} from './types.js';

/** A canary's two arms. */
export type CanaryVariant = 'baseline' | 'candidate';

/** Options of {@link canary}. */
export interface CanaryOptions<I, O> extends ObserveOptions {
  /** The model serving everything the canary does not take. */
  readonly baseline: Model<I, O>;
  /** The model under trial. */
  readonly candidate: Model<I, O>;
  /** The candidate's share of keys, in [0, 1]. */
  readonly weight: number;
  /** Names this canary's hash; another salt gives an independent assignment. Default `'canary'`. */
  readonly salt?: string;
}

/** What a canary has routed since it was built. */
export interface CanaryStats {
  readonly weight: number;
  readonly requests: { readonly baseline: number; readonly candidate: number };
  /** Calls whose model threw (the error reached the caller). */
  readonly errors: { readonly baseline: number; readonly candidate: number };
  /** Times an observer or the meter threw (swallowed). */
  readonly observerErrors: number;
}

/** A canary router: the shared `assign` and `route`, a run-time weight, and counts. */
export interface CanaryRouter<I, O> extends Router<I, O, CanaryVariant> {
  /** Sets the candidate's share, in [0, 1]; requests already started keep the arm they were given. */
  setWeight(weight: number): void;
  /** The candidate's current share. */
  readonly weight: number;
  stats(): CanaryStats;
}

const KNOWN = ['baseline', 'candidate', 'weight', 'salt', 'observe', 'meter', 'now'] as const;
// Index order of the compiled weights: the candidate first, so its arm is [0, weight).
const NAMES: readonly CanaryVariant[] = ['candidate', 'baseline'];

/**
 * A sticky canary between a baseline and a candidate model. A key goes to the candidate when
 * murmur3(key, murmur3(salt, 0)) / 2^32 < weight: the same as lockstep/split's
 * `assignSplit(key, { candidate: weight, baseline: 1 - weight }, { salt })`, so raising the weight never
 * moves a key back. `assign` is O(key length) and allocation-free for string keys; `route` rejects with
 * an INVALID_ARGUMENT naming `context.key` when the context has no key, and passes a model's error on.
 * Events: `assignment` per route, `error` when a model throws. Metrics: lockstep_router_requests and
 * lockstep_router_latency by variant.
 * @example const r = canary({ baseline: (x) => x + 1, candidate: (x) => x * 10, weight: 1 }); await r.route(4, { key: 'user-42' }) // => 40
 * @example canary({ baseline: () => 0, candidate: () => 1, weight: 0.5, salt: 'v1' }).assign('user-42') // => 'baseline' (unit value 0.79)
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown option, a model that is not a function, a weight
 *   outside [0, 1], a salt that is not a string, or a bad `observe`, `meter` or `now`.
 */
export function canary<I, O>(options: CanaryOptions<I, O>): CanaryRouter<I, O> {
  const fn = 'canary';
  const o = readOptions(fn, options, KNOWN);
  const baseline = checkModel(fn, 'options.baseline', o.baseline) as Model<I, O>;
  const candidate = checkModel(fn, 'options.candidate', o.candidate) as Model<I, O>;
  let weight = checkNumber(fn, 'options.weight', o.weight, { min: 0, max: 1 });
  const seed = stickySeed(fn, o.salt, 'canary');
  const observer = createObserver(fn, o.observe);
  const instruments = createInstruments(fn, o.meter, ['requests']);
  const now = readNow(fn, o.now);
  let weights = compile(weight);
  const models = [candidate, baseline];
  const attributes: readonly MetricAttributes[] = NAMES.map((variant) => ({ router: fn, variant }));
  const requests = [0, 0];
  const errors = [0, 0];

  return {
    assign(key) {
      return NAMES[stickyPick(weights, keyOf('canary.assign', key), seed)]!;
    },
    async route(input, context) {
      const { key, text } = contextKey('canary.route', context);
      const i = stickyPick(weights, text, seed);
      requests[i]!++;
      if (observer.on) observer.emit({ type: 'assignment', router: fn, key, variant: NAMES[i]! });
      const start = instruments.on ? now() : 0;
      if (instruments.on) instruments.add('requests', attributes[i]!);
      try {
        return await invoke(models[i]!, input, context as RouteContext);
      } catch (error) {
        errors[i]!++;
        if (observer.on)
          observer.emit({ type: 'error', router: fn, key, variant: NAMES[i]!, reason: 'error', error });
        throw error;
      } finally {
        if (instruments.on) instruments.latency(now() - start, attributes[i]!);
      }
    },
    setWeight(w) {
      weight = checkNumber('canary.setWeight', 'weight', w, { min: 0, max: 1 });
      weights = compile(weight);
    },
    get weight() {
      return weight;
    },
    stats() {
      return Object.freeze({
        weight,
        requests: Object.freeze({ baseline: requests[1]!, candidate: requests[0]! }),
        errors: Object.freeze({ baseline: errors[1]!, candidate: errors[0]! }),
        observerErrors: observer.errors + instruments.errors,
      });
    },
  };
}

/** The cumulative weights of a canary at `weight`: candidate [0, weight), baseline [weight, 1). */
function compile(weight: number): CompiledWeights {
  return compileWeights({ candidate: weight, baseline: 1 - weight }, 'canary');
}
