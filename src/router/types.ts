// The shapes every router strategy shares. The router knows nothing of tensors, transforms or profiles: a
// model is a function from an input and a context to an output (or a promise of one), and a router is a
// small object with a synchronous decision (`assign`) and an asynchronous call (`route`).
import { invalidArgument } from '../core/errors.js';
import type { HashKey } from '../core/hash-key.js';
import type { Promisable } from '../core/types.js';
import type { RouterEvent } from './events.js';
import type { MeterLike } from './meter.js';

/**
 * A request key: a string (hashed as UTF-8), a finite number or a bigint (hashed as its decimal string, so
 * `42` and `'42'` route alike), or bytes. Sticky strategies hash it, so the same key gets the same answer
 * on every replica.
 */
export type RouteKey = HashKey;

/**
 * What a router passes to a model beside the input: the request's `key` (required by the sticky strategies
 * canary, shadow and abTest) and anything else the caller wants its models to see (a deadline, a tenant).
 * The router passes the caller's object through unchanged.
 */
export interface RouteContext {
  readonly key?: RouteKey;
  readonly [name: string]: unknown;
}

/** A model: a function from an input and its context to an output, synchronous or asynchronous. */
export type Model<I = unknown, O = unknown> = (input: I, context: RouteContext) => Promisable<O>;

/**
 * What every strategy exposes: `assign(key)`, the pure decision (which variant this key gets, with no
 * model called and nothing counted), and `route(input, context)`, which calls the chosen model.
 */
export interface Router<I, O, V extends string = string> {
  /** The variant `key` goes to now. Synchronous, allocation-free for string keys, under 1 µs. */
  assign(key: RouteKey): V;
  /** Calls the model the request's key is assigned to and resolves with its output. */
  route(input: I, context?: RouteContext): Promise<O>;
}

/**
 * Calls a model and always returns a promise: a synchronous throw becomes a rejection, a thenable is
 * adopted. Internal.
 */
export function invoke<I, O>(model: Model<I, O>, input: I, context: RouteContext): Promise<O> {
  return new Promise<O>((resolve) => resolve(model(input, context)));
}

/** The options every factory takes for watching it: events, metrics and the clock. */
export interface ObserveOptions {
  /** Receives every decision as a frozen event (see RouterEvent); a throwing observer is swallowed and counted. */
  readonly observe?: (event: RouterEvent) => void;
  /** An OpenTelemetry Meter (or anything of its shape) to record counters and a latency histogram on. */
  readonly meter?: MeterLike;
  /** The clock latencies (and breaker cooldowns) are read from, in ms. Default `() => performance.now()`. */
  readonly now?: () => number;
}

/** A model argument: a function, or INVALID_ARGUMENT naming `arg`. Internal. */
export function checkModel(fn: string, arg: string, v: unknown): Model {
  if (typeof v !== 'function')
    throw invalidArgument(fn, arg, 'must be a model: a function (input, context) => output', v);
  return v as Model;
}

/**
 * The context of a route that needs no key: undefined becomes `{}`, anything else must be an object.
 * Internal.
 */
export function readContext(fn: string, context: unknown): RouteContext {
  if (context === undefined) return {};
  if (typeof context !== 'object' || context === null)
    throw invalidArgument(fn, 'context', 'must be an object ({ key, ... }) or undefined', context);
  return context as RouteContext;
}

/** The context's key for an event, or undefined (a throwing getter is ignored: events never throw). Internal. */
export function keyIn(context: RouteContext): RouteContext['key'] {
  try {
    return context.key;
  } catch {
    return undefined;
  }
}
