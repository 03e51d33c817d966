// An A/B test: every key is assigned one of several variants by sticky.ts's rule (its unit value under the
// test's salt against the cumulative weights, in the weights' declared order), and every routed request
// is one exposure event naming the key and its variant, for the analysis downstream.
//
// Weights that only grow one arm keep keys where they were (the cumulative rule); weights reshuffled any
// other way would move keys between arms mid-test. For that, an assignment store remembers each key's
// first variant: a route asks the store first and keeps what it remembers (when that variant still
// exists), and only a key it has never seen is hashed, then remembered. A store that fails is counted and
// the hash decides, so an outage of the store never fails a request. `assign(key)` is the pure hash
// decision and never consults the store (it is synchronous); `variantFor(key)` is the store-aware one.
import { checkFunction, objectKeys, readOptions } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import type { Promisable } from '../core/types.js';
import { type CompiledWeights, compileWeights } from '../core/weights.js';
import { createObserver } from './events.js';
import { createInstruments, type MetricAttributes, readNow } from './meter.js';
import { contextKey, type KeyText, keyOf, stickyPick, stickySeed, storeKeyOf } from './sticky.js';
import {
  checkModel,
  invoke,
  type Model,
  type ObserveOptions,
  type RouteContext,
  type Router,
} from './types.js';

/**
 * Where an A/B test remembers each key's first variant: any key-value store, synchronous or not (a Map,
 * Redis, a SQL table). Keys are strings: the request key's text (`42`, `42n` and `'42'` are one key),
 * bytes as `0x`-prefixed hex.
 */
export interface AssignmentStore {
  get(key: string): Promisable<string | undefined | null>;
  set(key: string, variant: string): Promisable<void>;
}

/** Options of {@link abTest}. */
export interface AbTestOptions<I, O, V extends string> extends ObserveOptions {
  /** The models, by variant name (names must not be integer-like: JavaScript would reorder them). */
  readonly variants: Readonly<Record<V, Model<I, O>>>;
  /** Each variant's share, summing to 1, in the order that defines the arms. Default: equal shares. */
  readonly weights?: Readonly<Record<V, number>>;
  /** Names this test's hash; another salt gives an independent assignment. Default `'abTest'`. */
  readonly salt?: string;
  /** Remembers each key's first variant, so reshuffled weights never move a key. */
  readonly store?: AssignmentStore;
}

/** What an A/B test has routed since it was built. */
export interface AbTestStats {
  /** Exposures (routed requests) by variant. */
  readonly exposures: Readonly<Record<string, number>>;
  /** Routes whose variant came from the store (the rest were hashed). */
  readonly fromStore: number;
  /** Store reads or writes that threw or rejected (the hash decided). */
  readonly storeErrors: number;
  /** Calls whose model threw (the error reached the caller), by variant. */
  readonly errors: Readonly<Record<string, number>>;
  readonly observerErrors: number;
}

/** An A/B test router: the pure `assign`, the store-aware `variantFor` and `route`, and counts. */
export interface AbTestRouter<I, O, V extends string> extends Router<I, O, V> {
  /** The key's variant, asking the store first when there is one (and remembering a new assignment). */
  variantFor(key: RouteKeyLike): Promise<V>;
  /** New weights for the same variants; with a store, keys already assigned keep their variant. */
  setWeights(weights: Readonly<Record<V, number>>): void;
  stats(): AbTestStats;
}

type RouteKeyLike = Parameters<Router<unknown, unknown>['assign']>[0];

const KNOWN = ['variants', 'weights', 'salt', 'store', 'observe', 'meter', 'now'] as const;

/**
 * A sticky A/B test over named variants. A key's variant is the first whose cumulative weight exceeds
 * murmur3(key, murmur3(salt, 0)) / 2^32 (lockstep/split's `assignSplit` rule), or, with a `store`, the
 * variant the store remembers for it. `assign` is O(key length + variants) and allocation-free for string
 * keys. Events: one `exposure` per route (variant, key, and whether the store decided), `error` for a
 * failing store or model. Metrics: lockstep_router_requests and lockstep_router_latency by variant.
 * @example const t = abTest({ variants: { a: () => 'A', b: () => 'B' }, weights: { a: 0, b: 1 } }); await t.route({}, { key: 7 }) // => 'B'
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown option, a variant that is not a function, weights
 *   that do not name exactly the variants or do not sum to 1, a salt that is not a string, a store without
 *   `get` and `set`, or a bad `observe`, `meter` or `now`.
 */
export function abTest<I, O, V extends string>(options: AbTestOptions<I, O, V>): AbTestRouter<I, O, V> {
  const fn = 'abTest';
  const o = readOptions(fn, options, KNOWN);
  const names = objectKeys(
    fn,
    'options.variants',
    o.variants,
    'must be an object of variant names to models',
  );
  if (names.length === 0) throw invalidArgument(fn, 'options.variants', 'must name at least one variant');
  const byName = new Map<string, Model<I, O>>();
  for (const name of names) {
    let model: unknown;
    try {
      model = (o.variants as Record<string, unknown>)[name];
    } catch {
      throw invalidArgument(fn, `options.variants.${name}`, 'must be readable (its getter threw)');
    }
    byName.set(name, checkModel(fn, `options.variants.${name}`, model) as Model<I, O>);
  }
  const compile = (w: unknown, f: string, arg: string) => {
    const weights =
      w === undefined
        ? compileWeights(Object.fromEntries(names.map((n) => [n, 1 / names.length])), f, arg)
        : compileWeights(w, f, arg);
    const missing = names.find((n) => !weights.names.includes(n));
    if (missing !== undefined || weights.names.length !== names.length) {
      throw invalidArgument(
        f,
        arg,
        `must give a weight to exactly the variants (${names.join(', ')})`,
        weights.names,
      );
    }
    return { weights, models: weights.names.map((n) => byName.get(n)!) };
  };
  let arms: { weights: CompiledWeights; models: Model<I, O>[] } = compile(o.weights, fn, 'options.weights');
  const seed = stickySeed(fn, o.salt, 'abTest');
  const store = readStore(fn, o.store);
  const observer = createObserver(fn, o.observe);
  const instruments = createInstruments(fn, o.meter, ['requests']);
  const now = readNow(fn, o.now);
  const attributes = new Map<string, MetricAttributes>(
    names.map((variant) => [variant, { router: fn, variant }]),
  );
  const exposures = new Map<string, number>(names.map((n) => [n, 0]));
  const errors = new Map<string, number>(names.map((n) => [n, 0]));
  let fromStore = 0;
  let storeErrors = 0;

  const storeFailed = (key: RouteKeyLike, variant: string, error: unknown) => {
    storeErrors++;
    if (observer.on) observer.emit({ type: 'error', router: fn, key, variant, reason: 'store', error });
  };

  /** The variant of a key: remembered by the store, else hashed (and remembered). */
  const decide = async (
    key: RouteKeyLike,
    text: KeyText,
  ): Promise<{ variant: string; model: Model<I, O>; source: 'store' | 'hash' }> => {
    const current = arms;
    if (store !== undefined) {
      const storeKey = storeKeyOf(text);
      let remembered: unknown;
      try {
        remembered = await store.get(storeKey);
      } catch (error) {
        storeFailed(key, '', error);
      }
      if (typeof remembered === 'string' && byName.has(remembered))
        return { variant: remembered, model: byName.get(remembered)!, source: 'store' };
      const i = stickyPick(current.weights, text, seed);
      const variant = current.weights.names[i]!;
      try {
        await store.set(storeKey, variant);
      } catch (error) {
        storeFailed(key, variant, error);
      }
      return { variant, model: current.models[i]!, source: 'hash' };
    }
    const i = stickyPick(current.weights, text, seed);
    return { variant: current.weights.names[i]!, model: current.models[i]!, source: 'hash' };
  };

  return {
    assign(key) {
      return arms.weights.names[stickyPick(arms.weights, keyOf('abTest.assign', key), seed)] as V;
    },
    async variantFor(key) {
      const text = keyOf('abTest.variantFor', key);
      return (await decide(key, text)).variant as V;
    },
    async route(input, context) {
      const { key, text } = contextKey('abTest.route', context);
      const { variant, model, source } = await decide(key, text);
      exposures.set(variant, exposures.get(variant)! + 1);
      if (source === 'store') fromStore++;
      if (observer.on) observer.emit({ type: 'exposure', router: fn, key, variant, source });
      const start = instruments.on ? now() : 0;
      if (instruments.on) instruments.add('requests', attributes.get(variant)!);
      try {
        return await invoke(model, input, context as RouteContext);
      } catch (error) {
        errors.set(variant, errors.get(variant)! + 1);
        if (observer.on) observer.emit({ type: 'error', router: fn, key, variant, reason: 'error', error });
        throw error;
      } finally {
        if (instruments.on) instruments.latency(now() - start, attributes.get(variant)!);
      }
    },
    setWeights(weights) {
      arms = compile(weights, 'abTest.setWeights', 'weights');
    },
    stats() {
      return Object.freeze({
        exposures: Object.freeze(Object.fromEntries(exposures)),
        fromStore,
        storeErrors,
        errors: Object.freeze(Object.fromEntries(errors)),
        observerErrors: observer.errors + instruments.errors,
      });
    },
  };
}

/** The `store` option: an object with `get` and `set` functions, read once. */
function readStore(fn: string, store: unknown): AssignmentStore | undefined {
  if (store === undefined) return undefined;
  if (typeof store !== 'object' || store === null)
    throw invalidArgument(
      fn,
      'options.store',
      'must be an assignment store ({ get(key), set(key, variant) })',
      store,
    );
  let get: unknown;
  let set: unknown;
  try {
    get = (store as AssignmentStore).get;
    set = (store as AssignmentStore).set;
  } catch {
    throw invalidArgument(fn, 'options.store', 'must be readable (its getter threw)');
  }
  const g = checkFunction<AssignmentStore['get']>(fn, 'options.store.get', get);
  const s = checkFunction<AssignmentStore['set']>(fn, 'options.store.set', set);
  return { get: (key) => g.call(store, key), set: (key, variant) => s.call(store, key, variant) };
}
