// The wall clock, read here and nowhere else in lockstep's library code: a public factory takes `now` (epoch
// milliseconds) as an option and falls back to this default, so tests pin time and hosts bring their own.
import { checkFunction } from './check.js';
import { invalidArgument } from './errors.js';

/** The default clock: epoch milliseconds. */
export const wallClock = (): number => Date.now();

/**
 * The clock a factory was given as `options.now` (default {@link wallClock}), as a function that reads it
 * and refuses anything but epoch milliseconds: a finite number within a JavaScript Date's range. The error
 * names `caller` (the method reading it; default `fn`) and `options.now`.
 * @throws LockstepError `INVALID_ARGUMENT` naming `fn` when `now` is given and is not a function.
 */
export function readEpochClock(fn: string, now: unknown): (caller?: string) => number {
  const clock = now === undefined ? wallClock : checkFunction<() => unknown>(fn, 'options.now', now);
  return (caller = fn) => {
    const t = clock();
    if (typeof t !== 'number' || !Number.isFinite(t) || Math.abs(t) > 8.64e15)
      throw invalidArgument(caller, 'options.now', 'must return epoch milliseconds (a finite number)', t);
    return t;
  };
}
