/** Stable error codes carried by every {@link LockstepError}. */
export type LockstepErrorCode = 'INVALID_ARGUMENT' | 'INVALID_DATA' | 'INVALID_ARTIFACT' | 'MISSING_KEY';

/**
 * The one error type lockstep throws. `code` is stable and machine-readable; the message names the
 * function and the argument at fault, e.g. `assignSplit: argument 'splits' must sum to 1, got 0.9`.
 * `issues` carries the findings behind the error where there are several (rows with a missing key, …).
 */
export class LockstepError extends Error {
  override readonly name = 'LockstepError';
  readonly code: LockstepErrorCode;
  readonly issues: readonly unknown[];

  constructor(code: LockstepErrorCode, message: string, issues: readonly unknown[] = []) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}

/** Throws `INVALID_ARGUMENT` for `fn`'s argument `arg`: "fn: argument 'arg' must …". */
export function invalidArgument(
  fn: string,
  arg: string,
  must: string,
  ...got: [] | [unknown]
): LockstepError {
  const shown = got.length > 0 ? `, got ${describe(got[0])}` : '';
  return new LockstepError('INVALID_ARGUMENT', `${fn}: argument '${arg}' ${must}${shown}`);
}

/** A short, safe rendering of any value for an error message (never throws, never huge). */
export function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map(describe).join(', ');
    return `[${shown}${value.length > 8 ? ', ...' : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Uint8Array).length ?? ''})`;
  return 'an object';
}
