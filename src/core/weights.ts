// Cumulative-weight assignment, the one rule every weighted choice goes through (lockstep/split's splits,
// and the router's canary and A/B arms): names keep their declared order, each gets the interval
// [sum of the weights before it, that sum plus its own weight) of [0, 1), and a unit value (core/hash-key.ts)
// goes to the first name whose upper bound exceeds it. So raising one weight (a canary from 5 % to 10 %)
// moves units only out of the names declared after it, never back, and the first 5 % stay where they were.
// A unit lost to rounding above the last upper bound goes to the last name with a positive weight.

import { objectKeys } from './check.js';
import { invalidArgument, LockstepError } from './errors.js';

/** Split names with their weights, in declared order; the weights sum to 1. */
export type SplitWeights<S extends string = string> = Readonly<Record<S, number>>;

/** Validated weights: names in declared order and their cumulative upper bounds. */
export interface CompiledWeights {
  readonly names: readonly string[];
  readonly upper: Float64Array;
  /** Index of the last split with a positive weight: where a unit lost to rounding at the top goes. */
  readonly last: number;
}

const TOLERANCE = 1e-9;

/** Checks `splits` (non-empty, finite, non-negative, summing to 1 within 1e-9) and compiles them. */
export function compileWeights(splits: unknown, fn: string, arg = 'splits'): CompiledWeights {
  const names = objectKeys(fn, arg, splits, 'must be an object of split names to weights');
  if (names.length === 0) throw invalidArgument(fn, arg, 'must name at least one split', splits);
  // JavaScript lists integer-like keys ('0', '10') in numeric order, not as declared, so the declared
  // order another language would use cannot be known: refuse such names rather than disagree silently.
  const indexLike = names.find((name) => {
    const first = name.charCodeAt(0);
    return first >= 48 && first <= 57 && /^(0|[1-9]\d*)$/.test(name);
  });
  if (indexLike !== undefined) {
    throw invalidArgument(
      fn,
      arg,
      'must not use integer-like split names (JavaScript orders them numerically, not as declared); use names such as "arm0"',
      indexLike,
    );
  }
  const upper = new Float64Array(names.length);
  let sum = 0;
  let last = -1;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    let w: unknown;
    try {
      w = (splits as Record<string, unknown>)[name];
    } catch {
      throw invalidArgument(fn, `${arg}.${shortName(name)}`, 'must be readable (its getter threw)');
    }
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw invalidArgument(fn, `${arg}.${shortName(name)}`, 'must be a finite number >= 0', w);
    }
    sum += w;
    upper[i] = sum;
    if (w > 0) last = i;
  }
  if (Math.abs(sum - 1) > TOLERANCE) {
    throw new LockstepError(
      'INVALID_ARGUMENT',
      `${fn}: argument '${arg}' must have weights summing to 1 (within ${TOLERANCE}), got ${shownWeights(names, splits as Record<string, number>)} summing to ${sum}`,
      { fn, arg },
    );
  }
  return { names, upper, last };
}

/** A split name as it appears in an argument path: at most 60 characters. */
function shortName(name: string): string {
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}

/** The weights as JSON for a message, the first 8 of them (each already read once and checked finite). */
function shownWeights(names: readonly string[], splits: Readonly<Record<string, number>>): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(names.length, 8); i++) {
    let w: unknown;
    try {
      w = splits[names[i]!];
    } catch {
      w = '?';
    }
    parts.push(`${JSON.stringify(shortName(names[i]!))}:${typeof w === 'number' ? JSON.stringify(w) : '?'}`);
  }
  return `{${parts.join(',')}${names.length > 8 ? ',...' : ''}}`;
}

/** Index of the split a unit value falls in: the first whose cumulative weight exceeds it. */
export function pickIndex(w: CompiledWeights, unit: number): number {
  const { upper } = w;
  for (let i = 0; i < upper.length; i++) if (unit < upper[i]!) return i;
  return w.last;
}
