// The values a transform cannot encode (or fit), as core findings: one BatchIssue per row and feature, with
// a stable code, and the INVALID_DATA error that lists them. `apply`, `applyBatch` and fitting all report
// through here, so a bad value reads the same whichever path met it.
import { describe, LockstepError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { BatchIssueCode } from './read.js';

export type { BatchIssueCode } from './read.js';

/**
 * One value a transform could not encode or fit: core's finding shape (`code`, `severity: 'error'`, a
 * one-line `message`, the `feature`), the `row` (0-based; 0 for `apply`), the `problem` in words and the
 * `value` itself (absent for a missing value).
 */
export interface BatchIssue extends Finding<BatchIssueCode> {
  readonly feature: string;
  readonly row: number;
  readonly problem: string;
  readonly value?: unknown;
}

/** The issue for `value` at `row` of `feature`. */
export function batchIssue(
  row: number,
  feature: string,
  code: BatchIssueCode,
  problem: string,
  value: unknown,
): BatchIssue {
  const message = `row ${row}: feature '${feature}' ${problem}${shown(value)}`;
  return value === undefined
    ? { code, severity: 'error', message, feature, row, problem }
    : { code, severity: 'error', message, feature, row, problem, value };
}

/** ", got <value>" for a value, nothing for a missing one. */
export function shown(value: unknown): string {
  return value === undefined ? '' : `, got ${describe(value)}`;
}

/**
 * The INVALID_DATA error for `bad` values of argument `arg`, `what` saying what could not be done to them
 * ("the transform cannot encode"); `issues` lists the first ones in row order (at least one).
 */
export function batchError(
  fn: string,
  arg: string,
  bad: number,
  what: string,
  issues: readonly BatchIssue[],
  listed: number,
  showValue = true,
): LockstepError {
  const first = issues[0]!;
  return new LockstepError(
    'INVALID_DATA',
    `${fn}: argument '${arg}' has ${bad} value${bad === 1 ? '' : 's'} ${what}; first: row ${first.row}, feature '${first.feature}' ${first.problem}${showValue ? shown(first.value) : ''}`,
    { fn, arg, issues: issues.slice(0, listed) },
  );
}
