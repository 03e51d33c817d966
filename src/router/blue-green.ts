// Blue-green: two deployments, one active. Every request is routed to the side that is active when it
// arrives (read once, synchronously, before the model is called), so `switchTo` is atomic: requests after
// it go to the new side, requests in flight finish on the side they started on, and no request ever sees
// half a switch. `inFlight` in the stats says when the old side has drained. Switching back is the same
// single assignment, so it is as instant as switching over.
import { checkChoice, readOptions } from '../core/check.js';
import { createObserver } from './events.js';
import { createInstruments, type MetricAttributes, readNow } from './meter.js';
import {
  checkModel,
  invoke,
  keyIn,
  type Model,
  type ObserveOptions,
  type Router,
  readContext,
} from './types.js';

/** The two sides. */
export type BlueGreenSide = 'blue' | 'green';

/** Options of {@link blueGreen}. */
export interface BlueGreenOptions<I, O> extends ObserveOptions {
  readonly blue: Model<I, O>;
  readonly green: Model<I, O>;
  /** The side serving at first. Default `'blue'`. */
  readonly active?: BlueGreenSide;
}

/** What a blue-green router has routed since it was built. */
export interface BlueGreenStats {
  readonly active: BlueGreenSide;
  readonly requests: { readonly blue: number; readonly green: number };
  /** Requests started and not yet settled, by the side they started on. */
  readonly inFlight: { readonly blue: number; readonly green: number };
  /** Calls whose model threw (the error reached the caller). */
  readonly errors: { readonly blue: number; readonly green: number };
  /** Switches that changed the active side. */
  readonly switches: number;
  readonly observerErrors: number;
}

/** A blue-green router: the shared `assign` and `route`, the switch, and counts. */
export interface BlueGreenRouter<I, O> extends Router<I, O, BlueGreenSide> {
  /** Makes `side` active for every request that starts from now on. Switching to the active side is a no-op. */
  switchTo(side: BlueGreenSide): void;
  /** Switches to the side that was active before the last switch (the instant rollback). */
  switchBack(): void;
  readonly active: BlueGreenSide;
  stats(): BlueGreenStats;
}

const KNOWN = ['blue', 'green', 'active', 'observe', 'meter', 'now'] as const;
const SIDES: readonly BlueGreenSide[] = ['blue', 'green'];

/**
 * A blue-green router: every request goes to the active side, read once when it arrives; `switchTo` and
 * `switchBack` change the side atomically (one assignment), and in-flight requests finish where they
 * started. `assign` ignores its key (every key goes to the active side). O(1) a decision. Events:
 * `assignment` per route, `switch` per change of side, `error` when a model throws. Metrics:
 * lockstep_router_requests and lockstep_router_latency by side.
 * @example const r = blueGreen({ blue: () => 'v1', green: () => 'v2' }); r.switchTo('green'); await r.route(null) // => 'v2'
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown option, a model that is not a function, an
 *   `active` other than 'blue' or 'green', or a bad `observe`, `meter` or `now`.
 */
export function blueGreen<I, O>(options: BlueGreenOptions<I, O>): BlueGreenRouter<I, O> {
  const fn = 'blueGreen';
  const o = readOptions(fn, options, KNOWN);
  const models = [checkModel(fn, 'options.blue', o.blue), checkModel(fn, 'options.green', o.green)] as Model<
    I,
    O
  >[];
  let active = o.active === undefined ? 0 : SIDES.indexOf(checkChoice(fn, 'options.active', o.active, SIDES));
  let previous = 1 - active;
  const observer = createObserver(fn, o.observe);
  const instruments = createInstruments(fn, o.meter, ['requests']);
  const now = readNow(fn, o.now);
  const attributes: readonly MetricAttributes[] = SIDES.map((variant) => ({ router: fn, variant }));
  const requests = [0, 0];
  const inFlight = [0, 0];
  const errors = [0, 0];
  let switches = 0;

  const to = (side: number) => {
    if (side === active) return;
    const from = active;
    previous = active;
    active = side;
    switches++;
    if (observer.on) observer.emit({ type: 'switch', router: fn, from: SIDES[from]!, to: SIDES[side]! });
  };

  return {
    assign() {
      return SIDES[active]!;
    },
    async route(input, context) {
      // The side is read once, here, before any await: this request finishes on it whatever switches next.
      const ctx = readContext('blueGreen.route', context);
      const i = active;
      requests[i]!++;
      inFlight[i]!++;
      if (observer.on) observer.emit({ type: 'assignment', router: fn, key: keyIn(ctx), variant: SIDES[i]! });
      const start = instruments.on ? now() : 0;
      if (instruments.on) instruments.add('requests', attributes[i]!);
      try {
        return await invoke(models[i]!, input, ctx);
      } catch (error) {
        errors[i]!++;
        if (observer.on)
          observer.emit({
            type: 'error',
            router: fn,
            key: keyIn(ctx),
            variant: SIDES[i]!,
            reason: 'error',
            error,
          });
        throw error;
      } finally {
        inFlight[i]!--;
        if (instruments.on) instruments.latency(now() - start, attributes[i]!);
      }
    },
    switchTo(side) {
      to(SIDES.indexOf(checkChoice('blueGreen.switchTo', 'side', side, SIDES)));
    },
    switchBack() {
      to(previous);
    },
    get active() {
      return SIDES[active]!;
    },
    stats() {
      return Object.freeze({
        active: SIDES[active]!,
        requests: Object.freeze({ blue: requests[0]!, green: requests[1]! }),
        inFlight: Object.freeze({ blue: inFlight[0]!, green: inFlight[1]! }),
        errors: Object.freeze({ blue: errors[0]!, green: errors[1]! }),
        switches,
        observerErrors: observer.errors + instruments.errors,
      });
    },
  };
}
