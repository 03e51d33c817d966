import type { Finding } from './finding.js';

/**
 * Stable error codes carried by every {@link LockstepError}. `INVALID_ARGUMENT`: misuse (a wrong type, an
 * unknown option, a value out of range); `INVALID_DATA`: data that breaks a rule the call enforces;
 * `INVALID_ARTIFACT`: a malformed, edited or corrupted artifact; `MISSING_KEY`: rows without the key or
 * time a split needs. Storage (the registry): `NOT_FOUND`: no such model, version, alias or artifact;
 * `CONFLICT`: a compare-and-set lost (the state was not what the caller expected) or a lock stayed busy;
 * `FORBIDDEN`: the authorisation hook denied a write; `INTEGRITY`: stored bytes no longer match their
 * SHA-256 digest (tampered or truncated), so they are never returned.
 */
export type LockstepErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_DATA'
  | 'INVALID_ARTIFACT'
  | 'MISSING_KEY'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'INTEGRITY';

/** Where an error happened and what was found, as structured fields (the message says the same in words). */
export interface LockstepErrorDetails {
  /** The public function (or method, `profiler.merge`) that was misused. */
  readonly fn?: string;
  /** The argument at fault, with the option path where there is one: `options.bins`, `json`. */
  readonly arg?: string;
  /** Inside that argument, the JSON path of the first problem: `$.features[3].numeric.min`. */
  readonly path?: string;
  /** The findings behind the error where there are several (every bad row, every artifact problem). */
  readonly issues?: readonly Finding[];
}

/**
 * The one error type lockstep throws. `code` is stable and machine-readable; the message names the
 * function and the argument at fault, e.g. `assignSplit: argument 'splits' must sum to 1, got 0.9`, and
 * `fn`, `arg` and `path` say the same as fields, so no caller has to read the message. `issues` carries
 * the findings behind the error, in core's one finding shape.
 */
export class LockstepError extends Error {
  override readonly name = 'LockstepError';
  readonly code: LockstepErrorCode;
  readonly fn: string | undefined;
  readonly arg: string | undefined;
  readonly path: string | undefined;
  readonly issues: readonly Finding[];

  constructor(
    code: LockstepErrorCode,
    message: string,
    // TRANSITION (issue 10): a bare array is the old `issues` argument, kept until every module passes
    // findings in `details.issues`; then this overload goes.
    details: LockstepErrorDetails | readonly object[] = {},
  ) {
    super(message);
    this.code = code;
    const d: LockstepErrorDetails = Array.isArray(details)
      ? { issues: details as readonly Finding[] }
      : (details as LockstepErrorDetails);
    this.fn = d.fn;
    this.arg = d.arg;
    this.path = d.path;
    this.issues = d.issues ?? [];
  }
}

/** True for a LockstepError (also one from another copy of lockstep loaded in the same process). */
export function isLockstepError(error: unknown): error is LockstepError {
  return error instanceof LockstepError || (error instanceof Error && error.name === 'LockstepError');
}

/** Throws `INVALID_ARGUMENT` for `fn`'s argument `arg`: "fn: argument 'arg' must …". */
export function invalidArgument(
  fn: string,
  arg: string,
  must: string,
  ...got: [] | [unknown]
): LockstepError {
  const shown = got.length > 0 ? `, got ${describe(got[0])}` : '';
  return new LockstepError('INVALID_ARGUMENT', `${fn}: argument '${arg}' ${must}${shown}`, { fn, arg });
}

/**
 * The same error reported by another function or argument: a helper checked a value for `from`, and the
 * public function is `fn` (its argument `arg`). Fields and message are rebuilt, never patched by regex.
 */
export function rethrownAs(error: LockstepError, fn: string, arg?: string): LockstepError {
  const oldHead = error.arg === undefined ? `${error.fn}:` : `${error.fn}: argument '${error.arg}'`;
  const newArg = arg ?? error.arg;
  const newHead = newArg === undefined ? `${fn}:` : `${fn}: argument '${newArg}'`;
  const message =
    error.fn !== undefined && error.message.startsWith(oldHead)
      ? newHead + error.message.slice(oldHead.length)
      : error.message;
  return new LockstepError(error.code, message, {
    fn,
    arg: newArg,
    path: error.path,
    issues: error.issues,
  });
}

/** A short, safe rendering of any value for an error message (never throws, never huge). */
export function describe(value: unknown): string {
  try {
    return describeValue(value, 0);
  } catch {
    return 'an unreadable value';
  }
}

function describeValue(value: unknown, depth: number): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    if (depth > 1) return `an array of ${value.length}`;
    const shown: string[] = [];
    for (let i = 0; i < Math.min(value.length, 8); i++) shown.push(describeValue(value[i], depth + 1));
    return `[${shown.join(', ')}${value.length > 8 ? ', ...' : ''}]`;
  }
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as { length?: number }).length;
    return `${Object.prototype.toString.call(value).slice(8, -1)}(${length ?? value.byteLength})`;
  }
  return 'an object';
}
