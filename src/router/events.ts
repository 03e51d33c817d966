// Every decision a router makes can be observed as a plain event: an `observe(event)` option on each
// factory receives one frozen object per decision, discriminated by `type`. Events are built only when an
// observer is given (routing without one allocates none), and an observer that throws never breaks routing:
// the error is swallowed and counted (`observerErrors` in each router's stats).
import { checkFunction } from '../core/check.js';
import type { RouteKey } from './types.js';

/** Which factory made a router: the `router` field of its events and the attribute of its metrics. */
export type RouterKind = 'canary' | 'shadow' | 'blueGreen' | 'abTest' | 'fallback' | 'breaker';

/** A request was assigned to a variant (canary and blueGreen; abTest reports an exposure instead). */
export interface AssignmentEvent {
  readonly type: 'assignment';
  readonly router: RouterKind;
  readonly key: RouteKey | undefined;
  readonly variant: string;
}

/** An A/B test exposed a request to a variant: one per routed request. `source` says how it was decided. */
export interface ExposureEvent {
  readonly type: 'exposure';
  readonly router: 'abTest';
  readonly key: RouteKey;
  readonly variant: string;
  /** `'store'`: the assignment store's remembered variant; `'hash'`: the sticky hash (then stored). */
  readonly source: 'store' | 'hash';
}

/** A shadow candidate answered and its output was compared with the primary's. */
export interface ShadowComparisonEvent {
  readonly type: 'shadowComparison';
  readonly router: 'shadow';
  readonly key: RouteKey;
  readonly candidate: string;
  readonly match: boolean;
  /** The difference the comparison measured, or undefined when it measures none (a boolean compare). */
  readonly difference: number | undefined;
  /** The candidate's latency in the units of the router's `now` (milliseconds by default). */
  readonly latency: number;
}

/** A mirrored call was not made: `maxConcurrent` calls of that candidate were already in flight. */
export interface ShadowDroppedEvent {
  readonly type: 'shadowDropped';
  readonly router: 'shadow';
  readonly key: RouteKey;
  readonly candidate: string;
}

/** Why a fallback answered: the model threw, timed out, returned an invalid output, the breaker was open, or the model was paused by hand. */
export type FallbackReason = 'error' | 'timeout' | 'invalid' | 'open' | 'paused';

/** `withFallback` answered from its fallback. */
export interface FallbackEvent {
  readonly type: 'fallback';
  readonly router: 'fallback';
  readonly key: RouteKey | undefined;
  readonly reason: FallbackReason;
  /** What the model threw (reason `'error'`), the invalid output (`'invalid'`), the pause reason (`'paused'`). */
  readonly detail: unknown;
}

/**
 * Something failed without failing the caller: a model threw (`'error'`), a shadow candidate timed out
 * (`'timeout'`), a shadow comparison threw (`'compare'`), an assignment store failed (`'store'`), or a
 * fallback itself threw (`'fallback'`).
 */
export interface ErrorEvent {
  readonly type: 'error';
  readonly router: RouterKind;
  readonly key: RouteKey | undefined;
  /** The variant or candidate involved. */
  readonly variant: string;
  readonly reason: 'error' | 'timeout' | 'compare' | 'store' | 'fallback';
  readonly error: unknown;
}

/** A circuit breaker changed state. */
export interface BreakerStateEvent {
  readonly type: 'breakerState';
  readonly router: 'breaker';
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** When, by the breaker's `now`. */
  readonly at: number;
}

/** A blue-green router switched its active side. */
export interface SwitchEvent {
  readonly type: 'switch';
  readonly router: 'blueGreen';
  readonly from: 'blue' | 'green';
  readonly to: 'blue' | 'green';
}

/** A circuit breaker's state: closed (calls pass), open (calls refused), half-open (a few trial calls pass). */
export type BreakerState = 'closed' | 'open' | 'halfOpen';

/** Every event a router emits, discriminated by `type`. */
export type RouterEvent =
  | AssignmentEvent
  | ExposureEvent
  | ShadowComparisonEvent
  | ShadowDroppedEvent
  | FallbackEvent
  | ErrorEvent
  | BreakerStateEvent
  | SwitchEvent;

/** An observer as a router holds it: `on` says whether to build events at all. Internal. */
export interface Observer {
  readonly on: boolean;
  /** Freezes and delivers `event`; a throwing observer is swallowed and counted. */
  emit(event: RouterEvent): void;
  /** How many times the observer threw. */
  readonly errors: number;
}

/** The observer of a factory's `observe` option (undefined: none). Internal. */
export function createObserver(fn: string, observe: unknown, arg = 'options.observe'): Observer {
  const f = observe === undefined ? undefined : checkFunction<(event: RouterEvent) => void>(fn, arg, observe);
  let errors = 0;
  return {
    on: f !== undefined,
    emit(event) {
      if (f === undefined) return;
      try {
        f(Object.freeze(event));
      } catch {
        errors++;
      }
    },
    get errors() {
      return errors;
    },
  };
}
