// Metrics and time for the router, without depending on OpenTelemetry: a factory's `meter` option takes
// anything shaped like @opentelemetry/api's Meter (`createCounter(name, options)` → `{ add(value,
// attributes) }`, `createHistogram(name, options)` → `{ record(value, attributes) }`), never required.
// The instruments are made once, when the router is built, and every add or record is guarded: a meter
// that throws never breaks routing (the error is counted in the router's `observerErrors`).
//
// Instruments (attributes in brackets):
//   lockstep_router_requests            counter    requests routed [router, variant]
//   lockstep_router_fallbacks           counter    fallback answers [router, reason]
//   lockstep_router_shadow_comparisons  counter    shadow comparisons [router, candidate, match]
//   lockstep_router_shadow_dropped      counter    mirrored calls dropped at maxConcurrent [router, candidate]
//   lockstep_router_latency             histogram  model latency, ms by default [router, variant]
//
// Time is read only through the `now` option (default `performance.now()`, milliseconds), and timers
// through globalThis.setTimeout and clearTimeout, so the router runs unchanged in a browser and tests pin
// the clock.
import { checkFunction, checkNumber } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';

/** Attributes of a measurement, as OpenTelemetry takes them. */
export type MetricAttributes = Readonly<Record<string, string | number | boolean>>;

/** The part of an OpenTelemetry Counter the router uses. */
export interface CounterLike {
  add(value: number, attributes?: MetricAttributes): void;
}

/** The part of an OpenTelemetry Histogram the router uses. */
export interface HistogramLike {
  record(value: number, attributes?: MetricAttributes): void;
}

/** The part of an OpenTelemetry Meter the router uses: pass `metrics.getMeter('my-service')` as is. */
export interface MeterLike {
  createCounter(name: string, options?: { description?: string; unit?: string }): CounterLike;
  createHistogram(name: string, options?: { description?: string; unit?: string }): HistogramLike;
}

/** The counters a router may record. */
export type CounterName = 'requests' | 'fallbacks' | 'shadowComparisons' | 'shadowDropped';

const COUNTERS: Readonly<Record<CounterName, readonly [string, string]>> = {
  requests: ['lockstep_router_requests', 'Requests routed'],
  fallbacks: ['lockstep_router_fallbacks', 'Requests answered by a fallback'],
  shadowComparisons: ['lockstep_router_shadow_comparisons', 'Shadow outputs compared with the primary'],
  shadowDropped: ['lockstep_router_shadow_dropped', 'Mirrored calls dropped at maxConcurrent'],
};

/** A router's instruments, each guarded. Internal. */
export interface Instruments {
  readonly on: boolean;
  add(counter: CounterName, attributes: MetricAttributes, value?: number): void;
  latency(value: number, attributes: MetricAttributes): void;
  /** How many times the meter or an instrument threw. */
  readonly errors: number;
}

/** The instruments of a factory's `meter` option (undefined: none), made once here. Internal. */
export function createInstruments(
  fn: string,
  meter: unknown,
  counters: readonly CounterName[],
  arg = 'options.meter',
): Instruments {
  let errors = 0;
  if (meter === undefined)
    return {
      on: false,
      add() {},
      latency() {},
      get errors() {
        return errors;
      },
    };
  if (typeof meter !== 'object' || meter === null)
    throw invalidArgument(fn, arg, 'must be an OpenTelemetry Meter (createCounter, createHistogram)', meter);
  let createCounter: unknown;
  let createHistogram: unknown;
  try {
    createCounter = (meter as MeterLike).createCounter;
    createHistogram = (meter as MeterLike).createHistogram;
  } catch {
    throw invalidArgument(fn, arg, 'must be readable (its getter threw)');
  }
  checkFunction(fn, `${arg}.createCounter`, createCounter);
  checkFunction(fn, `${arg}.createHistogram`, createHistogram);
  const made: Partial<Record<CounterName, CounterLike>> = {};
  let histogram: HistogramLike | undefined;
  try {
    for (const name of counters) {
      const [metric, description] = COUNTERS[name];
      made[name] = instrument(
        fn,
        `${arg}.createCounter`,
        (createCounter as MeterLike['createCounter']).call(meter, metric, { description }),
        'add',
      ) as CounterLike;
    }
    histogram = instrument(
      fn,
      `${arg}.createHistogram`,
      (createHistogram as MeterLike['createHistogram']).call(meter, 'lockstep_router_latency', {
        description: 'Model latency',
        unit: 'ms',
      }),
      'record',
    ) as HistogramLike;
  } catch (error) {
    if (error instanceof Error && error.name === 'LockstepError') throw error;
    throw invalidArgument(fn, arg, 'must make instruments (createCounter or createHistogram threw)');
  }
  return {
    on: true,
    add(counter, attributes, value = 1) {
      const c = made[counter];
      if (c === undefined) return;
      try {
        c.add(value, attributes);
      } catch {
        errors++;
      }
    },
    latency(value, attributes) {
      if (Number.isNaN(value)) return;
      try {
        histogram?.record(value, attributes);
      } catch {
        errors++;
      }
    },
    get errors() {
      return errors;
    },
  };
}

/** An instrument a meter returned, with its method bound once (checked to be a function). */
function instrument(fn: string, arg: string, made: unknown, method: 'add' | 'record'): object {
  if (typeof made !== 'object' || made === null)
    throw invalidArgument(fn, arg, `must return an instrument with ${method}()`, made);
  const f = (made as Record<string, unknown>)[method];
  if (typeof f !== 'function') throw invalidArgument(fn, arg, `must return an instrument with ${method}()`);
  return { [method]: (f as (...a: unknown[]) => void).bind(made) };
}

// ---------------------------------------------------------------------------------------------------
// Time.

/** The default clock: `performance.now()`, milliseconds since the page or process began. */
function performanceNow(): number {
  return performance.now();
}

/**
 * The `now` option: a function returning a number (undefined: `performance.now`), guarded so that a clock
 * that throws or returns a non-number reads as NaN (and a NaN latency is not recorded) instead of failing a
 * route. Internal.
 */
export function readNow(fn: string, now: unknown, arg = 'options.now'): () => number {
  if (now === undefined) return performanceNow;
  const f = checkFunction<() => unknown>(fn, arg, now);
  return () => {
    try {
      const t = f();
      return typeof t === 'number' ? t : Number.NaN;
    } catch {
      return Number.NaN;
    }
  };
}

/** Longest timeout a timer takes: setTimeout fires at once for anything above 2^31 − 1 ms. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** A timeout option in milliseconds: a finite number in (0, 2^31 − 1]. Internal. */
export function readTimeout(fn: string, arg: string, v: unknown): number {
  return checkNumber(fn, arg, v, { min: 0, max: MAX_TIMEOUT_MS, minOpen: true });
}

/** A cancellable timer handle. */
export type TimerHandle = ReturnType<typeof globalThis.setTimeout>;

/**
 * Starts a timer through globalThis.setTimeout. A `detached` one (a shadow call nobody awaits) is unref'd
 * where the host can (Node), so an abandoned call's timer never keeps a process alive; a timer a caller is
 * waiting on (withFallback's) is not, or the process could exit with the caller's promise pending. Internal.
 */
export function startTimer(ms: number, callback: () => void, detached: boolean): TimerHandle {
  const handle = globalThis.setTimeout(callback, ms);
  if (detached) (handle as { unref?: () => void }).unref?.();
  return handle;
}

/** Cancels a timer from startTimer. Internal. */
export function stopTimer(handle: TimerHandle): void {
  globalThis.clearTimeout(handle);
}
