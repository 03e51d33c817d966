// One way for tests to catch a LockstepError: run the call, fail unless it throws (or rejects with) a
// LockstepError, check the fields the test names, and return the error for any further assertion.
//
//   const e = catchLockstep(() => parseSchema(json), { code: 'INVALID_ARTIFACT', path: '$.features' });
//   expect(e.message).toMatch(/…/);
//
// Every matcher is optional, and only the ones given are checked: `code`, `fn`, `arg` and `path` by
// equality with the error's structured fields, `message` by equality (a string) or a match (a RegExp),
// `issues` by deep equality (`toEqual`, so `expect.objectContaining` and friends work).
import { expect } from 'vitest';
import { LockstepError, type LockstepErrorCode } from '../../src/core/errors.js';

export interface LockstepErrorMatch {
  readonly code?: LockstepErrorCode;
  /** The whole message (a string), or a pattern it must match (a RegExp). */
  readonly message?: string | RegExp;
  /** The public function the error names, as `error.fn`. */
  readonly fn?: string;
  /** The argument at fault, as `error.arg` (`options.bins`). */
  readonly arg?: string;
  /** The JSON path inside that argument, as `error.path` (`$.features[3].numeric.min`). */
  readonly path?: string;
  /** The findings behind the error, compared with toEqual. */
  readonly issues?: unknown;
}

function checked(thrown: unknown, match: LockstepErrorMatch, what: string): LockstepError {
  if (!(thrown instanceof LockstepError)) {
    const shown = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    expect.fail(`expected ${what} a LockstepError, got ${shown}`);
  }
  const e = thrown;
  if (match.code !== undefined) expect(e.code, `code of: ${e.message}`).toBe(match.code);
  if (match.fn !== undefined) expect(e.fn, `fn of: ${e.message}`).toBe(match.fn);
  if (match.arg !== undefined) expect(e.arg, `arg of: ${e.message}`).toBe(match.arg);
  if (match.path !== undefined) expect(e.path, `path of: ${e.message}`).toBe(match.path);
  if (typeof match.message === 'string') expect(e.message).toBe(match.message);
  else if (match.message !== undefined) expect(e.message).toMatch(match.message);
  if (match.issues !== undefined) expect(e.issues, `issues of: ${e.message}`).toEqual(match.issues);
  return e;
}

/** The LockstepError `run` throws, after checking the fields in `match`; fails the test if it throws none. */
export function catchLockstep(run: () => unknown, match: LockstepErrorMatch = {}): LockstepError {
  try {
    run();
  } catch (thrown) {
    return checked(thrown, match, 'the call to throw');
  }
  return expect.fail('expected the call to throw a LockstepError, but it returned');
}

/**
 * The LockstepError `run` rejects with (or throws before its promise), after checking the fields in
 * `match`; fails the test if it settles without one.
 */
export async function rejectsLockstep(
  run: () => unknown,
  match: LockstepErrorMatch = {},
): Promise<LockstepError> {
  try {
    await run();
  } catch (thrown) {
    return checked(thrown, match, 'the call to reject with');
  }
  return expect.fail('expected the call to reject with a LockstepError, but it resolved');
}
