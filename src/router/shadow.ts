// Shadow traffic, done so that mirroring costs the caller nothing and its answers are not thrown away.
//
// - The primary answers the caller. `route` resolves with the primary's output (or rejects with its error)
//   as soon as the primary settles; candidates never delay it and their outputs or errors never reach it.
// - Mirroring is sticky: a request is mirrored when its key's unit value under the shadow's salt is below
//   `sampleRate` (sticky.ts's rule), so every replica mirrors the same requests, and the requests mirrored
//   at 1 % are among those mirrored at 5 %.
// - Candidates are detached: each is started on a later macrotask (globalThis.setTimeout(0)), after the
//   primary has been called and `route` has returned, so even a candidate that blocks synchronously runs
//   after the caller has its promise. Every error a candidate throws or rejects with is caught and counted.
// - Memory is bounded: each candidate has at most `maxConcurrent` calls in flight (scheduled or running);
//   a mirrored call beyond that is dropped and counted, and a call still running after `timeoutMs` is
//   abandoned (its slot freed, counted as a timeout, its late answer ignored), so a hung candidate holds at
//   most `maxConcurrent` calls and the router keeps a fixed amount of state per candidate.
// - Every candidate output is compared with the primary's (`compare`), and the comparisons are kept:
//   per candidate, the match rate and a summary of the differences and of the latency (ShadowSummary: all-
//   time count, mean, min and max, and quantiles of the last 512 values, a fixed ring buffer).
import { checkChoice, checkInteger, checkNumber, objectKeys, readOptions } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import { createObserver } from './events.js';
import {
  createInstruments,
  type MetricAttributes,
  readNow,
  readTimeout,
  startTimer,
  stopTimer,
} from './meter.js';
import { contextKey, keyOf, stickySeed, stickyUnit } from './sticky.js';
import {
  checkModel,
  invoke,
  type Model,
  type ObserveOptions,
  type RouteContext,
  type RouteKey,
  type Router,
} from './types.js';

/**
 * How a candidate's output is compared with the primary's:
 * - `'exact'`: deep equality of JSON-like values (numbers by value, NaN equal to NaN, arrays and typed
 *   arrays item by item, plain objects key by key); difference 0 or 1.
 * - `{ tolerance }`: numbers or numeric arrays of the same length, each |p − c| ≤ absolute + relative · |p|
 *   (a number `tolerance` is absolute); difference max |p − c|.
 * - `{ topK: k }`: score arrays whose k highest indices (ties to the lower index) agree; difference
 *   1 − |overlap| / k.
 * - a function `(primary, candidate) => boolean | number`: a boolean is the match; a number is the
 *   difference, a match when 0.
 */
export type ShadowCompare =
  | 'exact'
  | { readonly tolerance: number | { readonly absolute?: number; readonly relative?: number } }
  | { readonly topK: number }
  | ((primary: unknown, candidate: unknown) => boolean | number);

/** Options of {@link shadow}. */
export interface ShadowOptions<I, O> extends ObserveOptions {
  /** The model whose output the caller gets. */
  readonly primary: Model<I, O>;
  /** Models given the same input and context, by name; their outputs are compared, never returned. */
  readonly candidates: Readonly<Record<string, Model<I, unknown>>>;
  /** Share of keys mirrored, in [0, 1], sticky by key. Default 1. */
  readonly sampleRate?: number;
  /** Names the sampling hash (independent of any canary's). Default `'shadow'`. */
  readonly salt?: string;
  /** A candidate call still running after this many ms is abandoned and counted as a timeout. Default 1000. */
  readonly timeoutMs?: number;
  /** Most calls of one candidate in flight; beyond, a mirrored call is dropped and counted. Default 16. */
  readonly maxConcurrent?: number;
  /** How outputs are compared. Default `'exact'`. */
  readonly compare?: ShadowCompare;
}

/**
 * A fixed-memory summary of a stream of numbers: count, mean, min and max over everything seen, and the
 * median, 90th and 99th percentiles (nearest rank) of the last 512 values. NaN where nothing was seen.
 */
export interface ShadowSummary {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** One candidate's record. */
export interface ShadowCandidateStats {
  /** Calls started (mirrored and not dropped). */
  readonly calls: number;
  /** Outputs compared with the primary's. */
  readonly compared: number;
  readonly matches: number;
  /** matches / compared (NaN before the first comparison). */
  readonly matchRate: number;
  /** The differences the comparison measured (see ShadowCompare). */
  readonly differences: ShadowSummary;
  /** Latency of the calls that answered, in the units of `now`. */
  readonly latency: ShadowSummary;
  /** Calls that threw or rejected. */
  readonly errors: number;
  /** Calls abandoned after `timeoutMs`. */
  readonly timeouts: number;
  /** Mirrored calls not made because `maxConcurrent` were in flight. */
  readonly dropped: number;
  /** Comparisons that threw, or a compare function that returned neither a boolean nor a number. */
  readonly compareErrors: number;
  /** Answers not compared because the primary failed. */
  readonly uncompared: number;
  /** Calls scheduled or running now. */
  readonly inFlight: number;
}

/** What a shadow router has mirrored and compared since it was built (a frozen snapshot). */
export interface ShadowStats {
  readonly requests: number;
  readonly mirrored: number;
  /** Requests whose primary threw (the error reached the caller). */
  readonly primaryErrors: number;
  readonly observerErrors: number;
  readonly candidates: Readonly<Record<string, ShadowCandidateStats>>;
}

/** Whether a key's requests are mirrored to the candidates. */
export type ShadowDecision = 'mirrored' | 'primary';

/** A shadow router: `assign` says whether a key is mirrored; `route` answers from the primary. */
export interface ShadowRouter<I, O> extends Router<I, O, ShadowDecision> {
  stats(): ShadowStats;
}

const KNOWN = [
  'primary',
  'candidates',
  'sampleRate',
  'salt',
  'timeoutMs',
  'maxConcurrent',
  'compare',
  'observe',
  'meter',
  'now',
] as const;

/** How many recent values a summary keeps for its quantiles. */
const WINDOW = 512;

interface Candidate {
  readonly name: string;
  readonly model: Model<unknown, unknown>;
  readonly differences: Summary;
  readonly latency: Summary;
  readonly attributes: MetricAttributes;
  readonly candidateAttributes: MetricAttributes;
  readonly matched: MetricAttributes;
  readonly mismatched: MetricAttributes;
  calls: number;
  compared: number;
  matches: number;
  errors: number;
  timeouts: number;
  dropped: number;
  compareErrors: number;
  uncompared: number;
  inFlight: number;
}

/**
 * A shadow router: the primary answers every request; for a sticky `sampleRate` share of keys, the
 * candidates get the same input, detached, and their outputs are compared with the primary's and summarised
 * per candidate (`stats()`). The caller's promise settles with the primary's outcome alone, as soon as the
 * primary settles. A request is mirrored when murmur3(key, murmur3(salt, 0)) / 2^32 < sampleRate. At most
 * `maxConcurrent` calls a candidate are in flight (the rest dropped and counted); `timeoutMs` abandons a
 * slow one. `assign` is O(key length). Events: `shadowComparison`, `shadowDropped`, `error` (a candidate
 * threw or timed out, a comparison threw). Metrics: lockstep_router_requests,
 * lockstep_router_shadow_comparisons, lockstep_router_shadow_dropped, lockstep_router_latency.
 * @example const s = shadow({ primary: (x) => x * 2, candidates: { next: (x) => x + x } }); await s.route(21, { key: 'req-1' }) // => 42
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown option, a model that is not a function, no
 *   candidates, a sampleRate outside [0, 1], a timeoutMs outside (0, 2^31 − 1], a maxConcurrent that is
 *   not an integer in [1, 1,000,000], a bad compare, or a bad salt, `observe`, `meter` or `now`.
 */
export function shadow<I, O>(options: ShadowOptions<I, O>): ShadowRouter<I, O> {
  const fn = 'shadow';
  const o = readOptions(fn, options, KNOWN);
  const primary = checkModel(fn, 'options.primary', o.primary) as Model<I, O>;
  const names = objectKeys(fn, 'options.candidates', o.candidates, 'must be an object of names to models');
  if (names.length === 0) throw invalidArgument(fn, 'options.candidates', 'must name at least one candidate');
  const candidates: Candidate[] = names.map((name) => {
    let model: unknown;
    try {
      model = (o.candidates as Record<string, unknown>)[name];
    } catch {
      throw invalidArgument(fn, `options.candidates.${name}`, 'must be readable (its getter threw)');
    }
    return {
      name,
      model: checkModel(fn, `options.candidates.${name}`, model),
      differences: new Summary(),
      latency: new Summary(),
      attributes: { router: fn, variant: name },
      candidateAttributes: { router: fn, candidate: name },
      matched: { router: fn, candidate: name, match: true },
      mismatched: { router: fn, candidate: name, match: false },
      calls: 0,
      compared: 0,
      matches: 0,
      errors: 0,
      timeouts: 0,
      dropped: 0,
      compareErrors: 0,
      uncompared: 0,
      inFlight: 0,
    };
  });
  const sampleRate =
    o.sampleRate === undefined ? 1 : checkNumber(fn, 'options.sampleRate', o.sampleRate, { min: 0, max: 1 });
  const seed = stickySeed(fn, o.salt, 'shadow');
  const timeoutMs = o.timeoutMs === undefined ? 1000 : readTimeout(fn, 'options.timeoutMs', o.timeoutMs);
  const maxConcurrent =
    o.maxConcurrent === undefined
      ? 16
      : checkInteger(fn, 'options.maxConcurrent', o.maxConcurrent, 1, 1_000_000);
  const compare = comparator(fn, o.compare);
  const observer = createObserver(fn, o.observe);
  const instruments = createInstruments(fn, o.meter, ['requests', 'shadowComparisons', 'shadowDropped']);
  const now = readNow(fn, o.now);
  const primaryAttributes: MetricAttributes = { router: fn, variant: 'primary' };
  let requests = 0;
  let mirrored = 0;
  let primaryErrors = 0;

  /** Compares a candidate's output with the primary's once the primary has settled. */
  const record = (c: Candidate, key: RouteKey, out: unknown, latency: number, primaryCall: Promise<O>) => {
    primaryCall.then(
      (expected) => {
        let result: Comparison;
        try {
          result = compare(expected, out);
        } catch (error) {
          c.compareErrors++;
          if (observer.on)
            observer.emit({ type: 'error', router: fn, key, variant: c.name, reason: 'compare', error });
          return;
        }
        c.compared++;
        if (result.match) c.matches++;
        if (result.difference !== undefined) c.differences.add(result.difference);
        if (observer.on)
          observer.emit({
            type: 'shadowComparison',
            router: fn,
            key,
            candidate: c.name,
            match: result.match,
            difference: result.difference,
            latency,
          });
        if (instruments.on) instruments.add('shadowComparisons', result.match ? c.matched : c.mismatched);
      },
      () => {
        c.uncompared++;
      },
    );
  };

  /** Starts one detached candidate call, or drops it at the cap. Never throws, never rejects. */
  const mirror = (c: Candidate, key: RouteKey, input: I, context: RouteContext, primaryCall: Promise<O>) => {
    if (c.inFlight >= maxConcurrent) {
      c.dropped++;
      if (observer.on) observer.emit({ type: 'shadowDropped', router: fn, key, candidate: c.name });
      if (instruments.on) instruments.add('shadowDropped', c.candidateAttributes);
      return;
    }
    c.inFlight++;
    startTimer(
      0,
      () => {
        c.calls++;
        let done = false;
        const started = now();
        const timer = startTimer(
          timeoutMs,
          () => {
            if (done) return;
            done = true;
            c.inFlight--;
            c.timeouts++;
            if (observer.on)
              observer.emit({
                type: 'error',
                router: fn,
                key,
                variant: c.name,
                reason: 'timeout',
                error: undefined,
              });
          },
          true,
        );
        invoke(c.model, input, context).then(
          (out) => {
            if (done) return;
            done = true;
            stopTimer(timer);
            c.inFlight--;
            const latency = now() - started;
            c.latency.add(latency);
            if (instruments.on) instruments.latency(latency, c.attributes);
            record(c, key, out, latency, primaryCall);
          },
          (error: unknown) => {
            if (done) return;
            done = true;
            stopTimer(timer);
            c.inFlight--;
            c.errors++;
            if (observer.on)
              observer.emit({ type: 'error', router: fn, key, variant: c.name, reason: 'error', error });
          },
        );
      },
      true,
    );
  };

  return {
    assign(key) {
      return stickyUnit(keyOf('shadow.assign', key), seed) < sampleRate ? 'mirrored' : 'primary';
    },
    async route(input, context) {
      const { key, text } = contextKey('shadow.route', context);
      const ctx = context as RouteContext;
      requests++;
      const start = instruments.on ? now() : 0;
      if (instruments.on) instruments.add('requests', primaryAttributes);
      const primaryCall = invoke(primary, input, ctx);
      if (stickyUnit(text, seed) < sampleRate) {
        mirrored++;
        for (const c of candidates) mirror(c, key, input, ctx, primaryCall);
      }
      try {
        return await primaryCall;
      } catch (error) {
        primaryErrors++;
        if (observer.on)
          observer.emit({ type: 'error', router: fn, key, variant: 'primary', reason: 'error', error });
        throw error;
      } finally {
        if (instruments.on) instruments.latency(now() - start, primaryAttributes);
      }
    },
    stats() {
      const byName: Record<string, ShadowCandidateStats> = Object.create(null);
      for (const c of candidates) {
        byName[c.name] = Object.freeze({
          calls: c.calls,
          compared: c.compared,
          matches: c.matches,
          matchRate: c.compared === 0 ? Number.NaN : c.matches / c.compared,
          differences: c.differences.summary(),
          latency: c.latency.summary(),
          errors: c.errors,
          timeouts: c.timeouts,
          dropped: c.dropped,
          compareErrors: c.compareErrors,
          uncompared: c.uncompared,
          inFlight: c.inFlight,
        });
      }
      return Object.freeze({
        requests,
        mirrored,
        primaryErrors,
        observerErrors: observer.errors + instruments.errors,
        candidates: Object.freeze(byName),
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The summary: fixed memory whatever the traffic.

class Summary {
  private count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private readonly recent = new Float64Array(WINDOW);

  add(x: number): void {
    if (Number.isNaN(x)) return;
    this.recent[this.count % WINDOW] = x;
    this.count++;
    this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  summary(): ShadowSummary {
    const n = this.count;
    if (n === 0)
      return Object.freeze({
        count: 0,
        mean: Number.NaN,
        min: Number.NaN,
        max: Number.NaN,
        p50: Number.NaN,
        p90: Number.NaN,
        p99: Number.NaN,
      });
    const sorted = this.recent.slice(0, Math.min(n, WINDOW)).sort();
    const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
    return Object.freeze({
      count: n,
      mean: this.sum / n,
      min: this.min,
      max: this.max,
      p50: rank(0.5),
      p90: rank(0.9),
      p99: rank(0.99),
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Comparisons.

interface Comparison {
  readonly match: boolean;
  readonly difference: number | undefined;
}

type Comparator = (primary: unknown, candidate: unknown) => Comparison;

const MATCH: Comparison = { match: true, difference: 0 };
const MISMATCH: Comparison = { match: false, difference: 1 };
const INCOMPARABLE: Comparison = { match: false, difference: undefined };

/** The `compare` option, checked once. */
function comparator(fn: string, compare: unknown): Comparator {
  const arg = 'options.compare';
  if (compare === undefined || compare === 'exact') return (p, c) => (deepEqual(p, c) ? MATCH : MISMATCH);
  if (typeof compare === 'function') {
    const f = compare as (p: unknown, c: unknown) => unknown;
    return (p, c) => {
      const r = f(p, c);
      if (typeof r === 'boolean') return r ? { match: true, difference: undefined } : INCOMPARABLE;
      if (typeof r === 'number' && !Number.isNaN(r)) return { match: r === 0, difference: r };
      throw new TypeError('compare returned neither a boolean nor a number');
    };
  }
  if (typeof compare === 'string') checkChoice(fn, arg, compare, ['exact']);
  const keys = objectKeys(fn, arg, compare, "must be 'exact', { tolerance }, { topK } or a function");
  if (keys.length !== 1 || (keys[0] !== 'tolerance' && keys[0] !== 'topK'))
    throw invalidArgument(fn, arg, "must be 'exact', { tolerance }, { topK } or a function", compare);
  const o = readOptions(fn, compare, ['tolerance', 'topK'] as const, arg);
  if (o.topK !== undefined) {
    const k = checkInteger(fn, `${arg}.topK`, o.topK, 1, 1_000_000);
    return (p, c) => topKAgreement(p, c, k);
  }
  let absolute = 0;
  let relative = 0;
  if (typeof o.tolerance === 'number')
    absolute = checkNumber(fn, `${arg}.tolerance`, o.tolerance, { min: 0 });
  else {
    const t = readOptions(fn, o.tolerance, ['absolute', 'relative'] as const, `${arg}.tolerance`);
    if (t.absolute !== undefined)
      absolute = checkNumber(fn, `${arg}.tolerance.absolute`, t.absolute, { min: 0 });
    if (t.relative !== undefined)
      relative = checkNumber(fn, `${arg}.tolerance.relative`, t.relative, { min: 0 });
  }
  return (p, c) => withinTolerance(p, c, absolute, relative);
}

/** A number as a one-item list, a numeric array or typed array as itself, anything else undefined. */
function numbers(v: unknown): ArrayLike<number> | undefined {
  if (typeof v === 'number') return [v];
  if (
    ArrayBuffer.isView(v) &&
    !(v instanceof DataView) &&
    typeof (v as unknown as ArrayLike<unknown>)[0] !== 'bigint'
  )
    return v as unknown as ArrayLike<number>;
  if (!Array.isArray(v)) return undefined;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') return undefined;
  return v as number[];
}

function withinTolerance(p: unknown, c: unknown, absolute: number, relative: number): Comparison {
  const a = numbers(p);
  const b = numbers(c);
  if (a === undefined || b === undefined || a.length !== b.length || typeof p !== typeof c)
    return INCOMPARABLE;
  let match = true;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const d = Math.abs(x - y);
    if (!(d <= absolute + relative * Math.abs(x))) match = false;
    if (Number.isNaN(d)) return INCOMPARABLE;
    if (d > worst) worst = d;
  }
  return { match, difference: Number.isFinite(worst) ? worst : undefined };
}

/** Indices of the k highest scores (NaN lowest; ties to the lower index). O(n · k). */
function topIndices(scores: ArrayLike<number>, k: number): number[] {
  const chosen: number[] = [];
  const taken = new Uint8Array(scores.length);
  for (let r = 0; r < Math.min(k, scores.length); r++) {
    let best = -1;
    for (let i = 0; i < scores.length; i++) {
      if (taken[i] === 1) continue;
      const s = scores[i]!;
      if (best === -1 || s > scores[best]! || (Number.isNaN(scores[best]!) && !Number.isNaN(s))) best = i;
    }
    taken[best] = 1;
    chosen.push(best);
  }
  return chosen;
}

function topKAgreement(p: unknown, c: unknown, k: number): Comparison {
  const a = numbers(p);
  const b = numbers(c);
  if (a === undefined || b === undefined || a.length !== b.length || a.length === 0) return INCOMPARABLE;
  const top = topIndices(a, k);
  const other = new Set(topIndices(b, k));
  let overlap = 0;
  for (const i of top) if (other.has(i)) overlap++;
  const difference = 1 - overlap / top.length;
  return { match: overlap === top.length, difference };
}

/** Deep equality of JSON-like values, iterative (no recursion to overflow). NaN equals NaN; -0 equals 0. */
function deepEqual(x: unknown, y: unknown): boolean {
  const stack: [unknown, unknown][] = [[x, y]];
  let steps = 0;
  while (stack.length > 0) {
    if (++steps > 10_000_000) return false;
    const [a, b] = stack.pop()!;
    if (a === b) continue;
    if (typeof a === 'number' && typeof b === 'number') {
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      return false;
    }
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Array.isArray(a) || ArrayBuffer.isView(a)) {
      if (Array.isArray(a) !== Array.isArray(b) || ArrayBuffer.isView(a) !== ArrayBuffer.isView(b))
        return false;
      const la = a as ArrayLike<unknown>;
      const lb = b as ArrayLike<unknown>;
      if (la.length !== lb.length) return false;
      for (let i = 0; i < la.length; i++) stack.push([la[i], lb[i]]);
      continue;
    }
    if (Array.isArray(b) || ArrayBuffer.isView(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (!Object.hasOwn(b, k)) return false;
      stack.push([(a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]]);
    }
  }
  return true;
}
