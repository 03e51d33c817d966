// Fallbacks and the circuit breaker. `withFallback(model, fallback)` answers from the fallback (a
// heuristic, the previous version) whenever the model cannot be trusted with a request, and counts why:
//   error    the model threw or rejected;
//   timeout  it had not answered after `timeoutMs` (its late answer is ignored);
//   invalid  its output failed `isValid` (default: a number must be finite, and every number in an array
//            or typed array must be finite), or isValid threw;
//   open     the circuit breaker refused the call (the model is not called);
//   paused   the model was paused by hand with `pause(reason)`, for a shock (the model is not called).
// Errors, timeouts and invalid outputs are failures for the breaker; an answer the model gave and
// `isValid` accepted is a success. A fallback that throws rejects the call: there is nothing left to ask.
//
// The breaker (createCircuitBreaker) is the usual three-state machine, on an injected clock:
//   closed    calls pass; the outcomes of the last `windowSize` calls are kept in a ring. It opens when the
//             window holds `failureThreshold` failures, or, with `failureRate`, when at least
//             `minimumCalls` outcomes are held and failures / outcomes reaches the rate.
//   open      calls are refused until `cooldownMs` have passed since it opened; then it is half-open.
//   halfOpen  `halfOpenRequests` trial calls pass (the rest are refused); one failure opens it again, and
//             as many successes as trials close it with an empty window.
import { checkFunction, checkInteger, checkNumber, readOptions } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import { type BreakerState, createObserver, type FallbackReason, type Observer } from './events.js';
import {
  createInstruments,
  type MetricAttributes,
  readNow,
  readTimeout,
  startTimer,
  stopTimer,
} from './meter.js';
import {
  checkModel,
  invoke,
  keyIn,
  type Model,
  type ObserveOptions,
  type RouteContext,
  readContext,
} from './types.js';

// ---------------------------------------------------------------------------------------------------
// The circuit breaker.

/** Options of {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Failures within the window that open the breaker. Default 5. */
  readonly failureThreshold?: number;
  /** How many of the most recent calls the window holds, 1 to 100,000. Default 20. */
  readonly windowSize?: number;
  /** Also open when failures / calls in the window reaches this rate, in (0, 1]. Default: no rate rule. */
  readonly failureRate?: number;
  /** Outcomes the window must hold before the rate rule applies, 1 to windowSize. Default min(10, windowSize). */
  readonly minimumCalls?: number;
  /** How long the breaker stays open before letting trial calls through, in the units of `now`. Default 30,000. */
  readonly cooldownMs?: number;
  /** Trial calls let through while half-open; that many successes close it. Default 1. */
  readonly halfOpenRequests?: number;
  /** The clock, in ms. Default `() => performance.now()`. */
  readonly now?: () => number;
  /** Receives a `breakerState` event at every change of state. */
  readonly observe?: ObserveOptions['observe'];
}

/** What a breaker has seen. */
export interface CircuitBreakerStats {
  readonly state: BreakerState;
  /** Outcomes and failures in the window now. */
  readonly windowCalls: number;
  readonly windowFailures: number;
  /** Times it opened. */
  readonly opened: number;
  /** Calls it refused (open, or half-open with its trials taken). */
  readonly rejected: number;
  readonly observerErrors: number;
}

/** A circuit breaker; `withFallback` takes one as its `breaker` option (or anything of this shape). */
export interface CircuitBreaker {
  /** The state now (an open breaker whose cooldown has passed reads, and becomes, half-open). */
  readonly state: BreakerState;
  /** Whether a call may go to the model now; a true answer while half-open takes one trial. */
  tryAcquire(): boolean;
  /** Records that a call the breaker let through succeeded. */
  recordSuccess(): void;
  /** Records that a call the breaker let through failed. */
  recordFailure(): void;
  /** Back to closed with an empty window. */
  reset(): void;
  stats(): CircuitBreakerStats;
}

const BREAKER_KNOWN = [
  'failureThreshold',
  'windowSize',
  'failureRate',
  'minimumCalls',
  'cooldownMs',
  'halfOpenRequests',
  'now',
  'observe',
] as const;

/**
 * A circuit breaker on an injected clock: closed until the last `windowSize` calls hold `failureThreshold`
 * failures (or reach `failureRate`), then open for `cooldownMs`, then half-open for `halfOpenRequests`
 * trial calls, which close it if they all succeed and reopen it at the first failure. O(1) a call, and
 * `windowSize` bytes. Events: `breakerState` at each change.
 * @example const b = createCircuitBreaker({ failureThreshold: 2, now: () => 0 }); b.recordFailure(); b.recordFailure(); b.state // => 'open'
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown option, a failureThreshold or halfOpenRequests
 *   that is not a positive integer, a windowSize outside [1, 100000], a failureRate outside (0, 1], a
 *   minimumCalls outside [1, windowSize], a negative cooldownMs, or a bad `now` or `observe`.
 */
export function createCircuitBreaker(options?: CircuitBreakerOptions): CircuitBreaker {
  const fn = 'createCircuitBreaker';
  const o = readOptions(fn, options, BREAKER_KNOWN);
  const windowSize =
    o.windowSize === undefined ? 20 : checkInteger(fn, 'options.windowSize', o.windowSize, 1, 100_000);
  const failureThreshold =
    o.failureThreshold === undefined
      ? Math.min(5, windowSize)
      : checkInteger(fn, 'options.failureThreshold', o.failureThreshold, 1, windowSize);
  const failureRate =
    o.failureRate === undefined
      ? undefined
      : checkNumber(fn, 'options.failureRate', o.failureRate, { min: 0, max: 1, minOpen: true });
  const minimumCalls =
    o.minimumCalls === undefined
      ? Math.min(10, windowSize)
      : checkInteger(fn, 'options.minimumCalls', o.minimumCalls, 1, windowSize);
  const cooldownMs =
    o.cooldownMs === undefined ? 30_000 : checkNumber(fn, 'options.cooldownMs', o.cooldownMs, { min: 0 });
  const halfOpenRequests =
    o.halfOpenRequests === undefined
      ? 1
      : checkInteger(fn, 'options.halfOpenRequests', o.halfOpenRequests, 1, 1_000_000);
  const now = readNow(fn, o.now);
  const observer: Observer = createObserver(fn, o.observe);

  const ring = new Uint8Array(windowSize);
  let next = 0; // where the next outcome goes
  let held = 0; // outcomes in the window
  let failures = 0; // failures in the window
  let state: BreakerState = 'closed';
  let openedAt = 0;
  let trials = 0; // trial calls let through while half-open
  let trialSuccesses = 0;
  let opened = 0;
  let rejected = 0;

  const clear = () => {
    ring.fill(0);
    next = 0;
    held = 0;
    failures = 0;
  };
  const become = (to: BreakerState) => {
    if (to === state) return;
    const from = state;
    state = to;
    if (to === 'open') {
      openedAt = now();
      opened++;
    } else if (to === 'halfOpen') {
      trials = 0;
      trialSuccesses = 0;
    } else clear();
    if (observer.on) observer.emit({ type: 'breakerState', router: 'breaker', from, to, at: now() });
  };
  const current = (): BreakerState => {
    if (state === 'open' && now() - openedAt >= cooldownMs) become('halfOpen');
    return state;
  };
  const push = (failed: 0 | 1) => {
    if (held === windowSize) failures -= ring[next]!;
    else held++;
    ring[next] = failed;
    failures += failed;
    next = (next + 1) % windowSize;
  };

  return {
    get state() {
      return current();
    },
    tryAcquire() {
      const s = current();
      if (s === 'closed') return true;
      if (s === 'halfOpen' && trials < halfOpenRequests) {
        trials++;
        return true;
      }
      rejected++;
      return false;
    },
    recordSuccess() {
      const s = current();
      if (s === 'closed') push(0);
      else if (s === 'halfOpen' && ++trialSuccesses >= halfOpenRequests) become('closed');
    },
    recordFailure() {
      const s = current();
      if (s === 'halfOpen') become('open');
      else if (s === 'closed') {
        push(1);
        if (
          failures >= failureThreshold ||
          (failureRate !== undefined && held >= minimumCalls && failures / held >= failureRate)
        )
          become('open');
      }
    },
    reset() {
      become('closed');
      clear();
    },
    stats() {
      return Object.freeze({
        state: current(),
        windowCalls: held,
        windowFailures: failures,
        opened,
        rejected,
        observerErrors: observer.errors,
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// withFallback.

/** Options of {@link withFallback}. */
export interface FallbackOptions<O> extends ObserveOptions {
  /** Abandon the model after this many ms and answer from the fallback. Default: no timeout. */
  readonly timeoutMs?: number;
  /** Whether an output may be returned. Default: finite when a number; every number finite in an array. */
  readonly isValid?: (output: O) => boolean;
  /** A circuit breaker (createCircuitBreaker) guarding the model; may be shared by several models. */
  readonly breaker?: CircuitBreaker;
}

/** Counts of a model with a fallback. */
export interface FallbackStats {
  /** Calls made (each answered by the model or its fallback, or rejected because the fallback threw). */
  readonly calls: number;
  /** Calls the model answered. */
  readonly served: number;
  readonly fallbacks: Readonly<Record<FallbackReason, number>>;
  /** Fallbacks that threw (the call rejected with the fallback's error). */
  readonly fallbackErrors: number;
  /** The pause reason while paused. */
  readonly paused: string | undefined;
  readonly observerErrors: number;
}

/** A model with a fallback: itself a model (so a router can route to it), with controls and counts. */
export interface FallbackModel<I, O> {
  (input: I, context?: RouteContext): Promise<O>;
  /** Sends every call to the fallback (reason `'paused'`) until `resume()`. */
  pause(reason?: string): void;
  resume(): void;
  /** The pause reason while paused, else undefined. */
  readonly paused: string | undefined;
  stats(): FallbackStats;
}

const FALLBACK_KNOWN = ['timeoutMs', 'isValid', 'breaker', 'observe', 'meter', 'now'] as const;
const REASONS: readonly FallbackReason[] = ['error', 'timeout', 'invalid', 'open', 'paused'];

type Outcome<O> = { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: unknown };
const TIMED_OUT = { ok: false, error: undefined, timeout: true } as const;

/**
 * The model, answered for by `fallback` when it throws, times out, returns an invalid output, is refused by
 * the circuit breaker or is paused; each fallback is counted by reason. The result is itself a model.
 * Default validity: a number must be finite, and every number in an array or typed array must be finite.
 * O(1) overhead a call (plus `isValid`). Events: `fallback` per fallback answer, `error` when the fallback
 * throws. Metrics: lockstep_router_requests, lockstep_router_fallbacks by reason, lockstep_router_latency.
 * @example const m = withFallback(() => Number.NaN, () => 0.5); [await m(1), m.stats().fallbacks.invalid] // => [0.5, 1]
 * @throws LockstepError `INVALID_ARGUMENT` for a model or fallback that is not a function, an unknown
 *   option, a timeoutMs outside (0, 2^31 − 1], an isValid that is not a function, a breaker without
 *   tryAcquire, recordSuccess and recordFailure, or a bad `observe`, `meter` or `now`; the returned model
 *   rejects with one for a context that is not an object.
 */
export function withFallback<I, O>(
  model: Model<I, O>,
  fallback: Model<I, O>,
  options?: FallbackOptions<O>,
): FallbackModel<I, O> {
  const fn = 'withFallback';
  const primary = checkModel(fn, 'model', model) as Model<I, O>;
  const backup = checkModel(fn, 'fallback', fallback) as Model<I, O>;
  const o = readOptions(fn, options, FALLBACK_KNOWN);
  const timeoutMs = o.timeoutMs === undefined ? undefined : readTimeout(fn, 'options.timeoutMs', o.timeoutMs);
  const isValid =
    o.isValid === undefined
      ? defaultIsValid
      : checkFunction<(x: O) => unknown>(fn, 'options.isValid', o.isValid);
  const breaker = readBreaker(fn, o.breaker);
  const observer = createObserver(fn, o.observe);
  const instruments = createInstruments(fn, o.meter, ['requests', 'fallbacks']);
  const now = readNow(fn, o.now);
  const modelAttributes: MetricAttributes = { router: 'fallback', variant: 'model' };
  const reasonAttributes = Object.fromEntries(
    REASONS.map((reason) => [reason, { router: 'fallback', reason }]),
  ) as unknown as Record<FallbackReason, MetricAttributes>;
  const fallbacks: Record<FallbackReason, number> = { error: 0, timeout: 0, invalid: 0, open: 0, paused: 0 };
  let calls = 0;
  let served = 0;
  let fallbackErrors = 0;
  let paused: string | undefined;

  const answerFromFallback = async (
    reason: FallbackReason,
    detail: unknown,
    input: I,
    context: RouteContext,
  ): Promise<O> => {
    fallbacks[reason]++;
    if (observer.on)
      observer.emit({ type: 'fallback', router: 'fallback', key: keyIn(context), reason, detail });
    if (instruments.on) instruments.add('fallbacks', reasonAttributes[reason]);
    try {
      return await invoke(backup, input, context);
    } catch (error) {
      fallbackErrors++;
      if (observer.on)
        observer.emit({
          type: 'error',
          router: 'fallback',
          key: keyIn(context),
          variant: 'fallback',
          reason: 'fallback',
          error,
        });
      throw error;
    }
  };

  const run = async (input: I, context?: RouteContext): Promise<O> => {
    const ctx = readContext(fn, context);
    calls++;
    if (paused !== undefined) return answerFromFallback('paused', paused, input, ctx);
    if (breaker !== undefined && !breaker.tryAcquire())
      return answerFromFallback('open', undefined, input, ctx);
    const start = instruments.on ? now() : 0;
    if (instruments.on) instruments.add('requests', modelAttributes);
    const outcome = await new Promise<Outcome<O> | typeof TIMED_OUT>((resolve) => {
      const timer =
        timeoutMs === undefined ? undefined : startTimer(timeoutMs, () => resolve(TIMED_OUT), false);
      invoke(primary, input, ctx).then(
        (value) => {
          if (timer !== undefined) stopTimer(timer);
          resolve({ ok: true, value });
        },
        (error: unknown) => {
          if (timer !== undefined) stopTimer(timer);
          resolve({ ok: false, error });
        },
      );
    });
    if (instruments.on && outcome !== TIMED_OUT) instruments.latency(now() - start, modelAttributes);
    if (outcome === TIMED_OUT) {
      breaker?.recordFailure();
      return answerFromFallback('timeout', timeoutMs, input, ctx);
    }
    if (!outcome.ok) {
      breaker?.recordFailure();
      return answerFromFallback('error', outcome.error, input, ctx);
    }
    let valid: boolean;
    try {
      valid = isValid(outcome.value) === true;
    } catch {
      valid = false;
    }
    if (!valid) {
      breaker?.recordFailure();
      return answerFromFallback('invalid', outcome.value, input, ctx);
    }
    breaker?.recordSuccess();
    served++;
    return outcome.value;
  };

  const wrapped = ((input: I, context?: RouteContext) => run(input, context)) as FallbackModel<I, O>;
  Object.defineProperties(wrapped, {
    pause: {
      value(reason?: unknown) {
        if (reason !== undefined && (typeof reason !== 'string' || reason.length > 1024))
          throw invalidArgument(
            'withFallback.pause',
            'reason',
            'must be a string of at most 1024 characters',
            reason,
          );
        paused = reason ?? 'paused';
      },
    },
    resume: {
      value() {
        paused = undefined;
      },
    },
    paused: {
      get() {
        return paused;
      },
    },
    stats: {
      value(): FallbackStats {
        return Object.freeze({
          calls,
          served,
          fallbacks: Object.freeze({ ...fallbacks }),
          fallbackErrors,
          paused,
          observerErrors: observer.errors + instruments.errors,
        });
      },
    },
  });
  return wrapped;
}

/** Default validity: a number must be finite; so must every number in an array or typed array. */
function defaultIsValid(output: unknown): boolean {
  if (typeof output === 'number') return Number.isFinite(output);
  if (Array.isArray(output) || (ArrayBuffer.isView(output) && !(output instanceof DataView))) {
    const a = output as ArrayLike<unknown>;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x === 'number' && !Number.isFinite(x)) return false;
    }
  }
  return true;
}

/** The `breaker` option: anything with tryAcquire, recordSuccess and recordFailure, read once. */
function readBreaker(fn: string, breaker: unknown): CircuitBreaker | undefined {
  if (breaker === undefined) return undefined;
  const must = 'must be a circuit breaker (createCircuitBreaker)';
  if (typeof breaker !== 'object' || breaker === null)
    throw invalidArgument(fn, 'options.breaker', must, breaker);
  const methods: Record<string, () => unknown> = {};
  for (const name of ['tryAcquire', 'recordSuccess', 'recordFailure'] as const) {
    let f: unknown;
    try {
      f = (breaker as Record<string, unknown>)[name];
    } catch {
      throw invalidArgument(fn, `options.breaker.${name}`, 'must be readable (its getter threw)');
    }
    if (typeof f !== 'function')
      throw invalidArgument(fn, `options.breaker.${name}`, `${must}: a function`, f);
    methods[name] = f.bind(breaker) as () => unknown;
  }
  // A breaker's methods run inside routing: one that throws is treated as refusing (tryAcquire) or ignored.
  return {
    get state() {
      return (breaker as CircuitBreaker).state;
    },
    tryAcquire() {
      try {
        return methods.tryAcquire!() === true;
      } catch {
        return false;
      }
    },
    recordSuccess() {
      try {
        methods.recordSuccess!();
      } catch {}
    },
    recordFailure() {
      try {
        methods.recordFailure!();
      } catch {}
    },
    reset() {},
    stats() {
      return (breaker as CircuitBreaker).stats();
    },
  };
}
