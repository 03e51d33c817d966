// One shape for everything lockstep finds in data, models and artifacts: schema anomalies, drift
// results, transform issues, schema and transform changes, gate checks and skipped comparisons. Each
// module's finding type extends `Finding` with its own typed values (`expected`, `received`, `count`,
// `before`, `after`, …) and a stable `code`, so lockstep/report and lockstep/monitor can render and count
// any finding without knowing which module made it. A finding is data; only misuse throws.

/**
 * The one severity scale. `error`: the data or artifact breaks the contract (a validation fails on it);
 * `warning`: worth a look, not a failure; `info`: recorded for review, changes nothing.
 */
export type Severity = 'error' | 'warning' | 'info';

/** The severities from worst to mildest. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** What every finding carries. Module types add their values as further readonly fields. */
export interface Finding<C extends string = string> {
  /** Stable, upper-case, machine-readable: `UNEXPECTED_CATEGORY`, `DRIFT_HIGH`, `FEATURE_REMOVED`. */
  readonly code: C;
  readonly severity: Severity;
  /** One line for people, e.g. `"origin": 14 values outside the domain (1 of 312 values expected)`. */
  readonly message: string;
  /** The feature (column) concerned, where there is one. */
  readonly feature?: string;
  /** Where in an artifact or argument, as a JSON path (`$.features[3].numeric.min`), where there is one. */
  readonly path?: string;
}

/** The fields every finding has; the rest are its values. */
const BASE_FIELDS: readonly string[] = ['code', 'severity', 'message', 'feature', 'path'];

/**
 * True for a value with the finding shape: a string `code`, a known `severity` and a string `message`.
 * @example isFinding({ code: 'X', severity: 'info', message: 'x' }) // => true
 */
export function isFinding(value: unknown): value is Finding {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Record<string, unknown>;
  return (
    typeof f.code === 'string' &&
    typeof f.message === 'string' &&
    (f.severity === 'error' || f.severity === 'warning' || f.severity === 'info')
  );
}

/**
 * A finding's own values: every field but code, severity, message, feature and path, in field order.
 * @example findingValues({ code: 'X', severity: 'info', message: 'x', count: 3 }) // => [['count', 3]]
 */
export function findingValues(finding: Finding): readonly (readonly [string, unknown])[] {
  return Object.entries(finding).filter(([key]) => !BASE_FIELDS.includes(key));
}

/**
 * The worst severity among findings, or undefined when there are none.
 * @example worstSeverity([{ code: 'A', severity: 'info', message: '' }, { code: 'B', severity: 'warning', message: '' }]) // => 'warning'
 */
export function worstSeverity(findings: readonly Finding[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const f of findings) {
    if (f.severity === 'error') return 'error';
    if (f.severity === 'warning' || worst === undefined) worst = f.severity;
  }
  return worst;
}
