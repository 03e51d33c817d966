import { invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import { type Column, type Frame, type FrameInput, frameOf, takeRows, valueAt } from '../core/frame.js';
import { type SchemaArtifact, schemaArgument } from './artifact.js';
import {
  type AnomalyCode,
  type CompiledSchema,
  checkNumber,
  checkValue,
  compileSchema,
  Findings,
  MISSING,
  OK,
  OUTSIDE_DOMAIN,
  presenceAndMass,
  type Rule,
  rowBounds,
  type ValidateOptions,
  type ValidationReport,
  WRONG_TYPE,
} from './rules.js';

/** Data read for validation: object rows become a Frame; anything else is a BAD_ROW, never a crash. */
export interface ReadData {
  readonly frame: Frame;
  /** Original row index of each Frame row, when some rows were set aside as bad. */
  readonly rowIndex: Int32Array | undefined;
  readonly badRows: readonly { readonly row: number; readonly value: unknown }[];
  readonly rows: number;
}

export function readData(fn: string, data: FrameInput): ReadData {
  try {
    return readRows(fn, data);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    // A getter or Proxy that throws, or a shape frameOf does not expect: misuse, said as such.
    throw invalidArgument(fn, 'data', `could not be read (${(error as Error)?.name ?? 'an error'})`);
  }
}

function readRows(fn: string, data: FrameInput): ReadData {
  if (Array.isArray(data)) {
    let bad: { row: number; value: unknown }[] | undefined;
    for (let i = 0; i < data.length; i++) {
      const row = data[i];
      if (typeof row !== 'object' || row === null || Array.isArray(row))
        (bad ??= []).push({ row: i, value: row });
    }
    if (bad) {
      const badSet = new Set(bad.map((b) => b.row));
      const keep: unknown[] = [];
      const rowIndex = new Int32Array(data.length - bad.length);
      data.forEach((row, i) => {
        if (!badSet.has(i)) {
          rowIndex[keep.length] = i;
          keep.push(row);
        }
      });
      return { frame: frameOf(keep, fn), rowIndex, badRows: bad, rows: data.length };
    }
  }
  const frame = frameOf(data, fn);
  return { frame, rowIndex: undefined, badRows: [], rows: frame.length };
}

/** Checks every value of a column against its rule; returns [present, categorized, outside]. */
function checkColumn(
  findings: Findings,
  rule: Rule,
  column: Column,
  n: number,
  rowIndex: Int32Array | undefined,
): [number, number, number] {
  let present = 0;
  let categorized = 0;
  let outside = 0;
  const at = (i: number) => (rowIndex ? rowIndex[i]! : i);
  const note = (i: number, problem: number, value: unknown) => {
    if (problem === OK) {
      if (rule.domain) categorized++;
      return;
    }
    if (problem === OUTSIDE_DOMAIN) {
      categorized++;
      outside++;
    }
    findings.value(rule, problem, at(i), value);
  };
  const missing = (i: number) => {
    if (!rule.nullable) findings.value(rule, MISSING, at(i), undefined);
  };

  if (column.kind === 'numeric') {
    const { values, valid } = column;
    const timestamps = column.logical === 'timestamp';
    const numeric =
      rule.kind === 'numeric' || rule.kind === 'integer' || (rule.kind === 'timestamp' && !timestamps);
    for (let i = 0; i < n; i++) {
      if (valid !== undefined && valid[i] === 0) {
        missing(i);
        continue;
      }
      present++;
      const x = values[i]!;
      let problem: number;
      if (timestamps) {
        // Values that arrived as Dates (or Arrow timestamps): only a timestamp feature takes them.
        problem = rule.kind !== 'timestamp' || Number.isNaN(x) ? WRONG_TYPE : checkNumber(rule, x);
      } else problem = numeric ? checkNumber(rule, x) : checkValue(rule, x);
      if (problem !== OK || rule.domain) note(i, problem, timestamps ? new Date(x) : x);
    }
    return [present, categorized, outside];
  }
  if (column.kind === 'dictionary') {
    // Classify each distinct value once, then count rows by code.
    const verdicts = column.dictionary.map((entry) => checkValue(rule, entry));
    const { codes, dictionary } = column;
    for (let i = 0; i < n; i++) {
      const code = codes[i]!;
      if (code < 0) {
        missing(i);
        continue;
      }
      present++;
      const problem = verdicts[code]!;
      if (problem !== OK || rule.domain) note(i, problem, dictionary[code]);
    }
    return [present, categorized, outside];
  }
  for (let i = 0; i < n; i++) {
    const v = valueAt(column, i);
    if (v === undefined || v === null) {
      missing(i);
      continue;
    }
    present++;
    note(i, checkValue(rule, v), v);
  }
  return [present, categorized, outside];
}

function hasPresentValue(column: Column, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const v = valueAt(column, i);
    if (v !== undefined && v !== null) return true;
  }
  return false;
}

/** Validates read data against a compiled schema, adding to `findings`. */
export function validateFrame(compiled: CompiledSchema, read: ReadData, findings: Findings): void {
  const { frame, rowIndex, badRows, rows } = read;
  const n = frame.length;
  rowBounds(findings, compiled, rows);
  for (const { row, value } of badRows) findings.badRow(row, value);
  for (const rule of compiled.rules) {
    const column = frame.columns.get(rule.name);
    const at = (i: number) => (rowIndex ? rowIndex[i]! : i);
    if (!rule.included) {
      if (column && hasPresentValue(column, n)) {
        findings.column(rule, 'UNEXPECTED_COLUMN', rows);
        if (findings.mark) {
          for (let i = 0; i < n; i++) {
            const v = valueAt(column, i);
            if (v !== undefined && v !== null) findings.mark(at(i), 'UNEXPECTED_COLUMN', rule.name);
          }
        }
      }
      continue;
    }
    if (!column) {
      if (rule.columnRequired && n > 0) {
        findings.column(rule, 'MISSING_COLUMN', rows);
        // Every row lacks the value; a nullable column may be absent row by row, so only those quarantine.
        if (findings.mark && !rule.nullable)
          for (let i = 0; i < n; i++) findings.mark(at(i), 'MISSING_COLUMN', rule.name);
      }
      continue;
    }
    const [present, categorized, outside] = checkColumn(findings, rule, column, n, rowIndex);
    presenceAndMass(findings, rule, n, present, categorized, outside);
  }
  for (const name of frame.names) if (!compiled.byName.has(name)) findings.newColumn(name, rows);
}

/**
 * Validates a batch of data against a schema, TFDV-style: missing and unexpected columns, values of the
 * wrong type, missing values in non-nullable features, presence below the schema's thresholds, NaN and
 * ±Infinity where not allowed, values out of range, categories outside the domain, domain mass, row counts,
 * rows that are not objects. Each anomaly is a finding in core's shape: a stable code, the feature, a
 * severity, a one-line message, what was expected and received, the count and fraction of rows affected
 * and a few examples; a batch of a million bad rows gives
 * counts and examples, not a million objects. Columns are checked in tight loops (a dictionary column's
 * distinct values once each). O(rows × features).
 * @example validate([{ n: 5000 }], inferSchema([{ n: 1 }, { n: 9 }], { inferRanges: true })).anomalies[0].code // => 'OUT_OF_RANGE'
 * @throws LockstepError `INVALID_ARGUMENT` for a schema that is not one, an unknown option key (`env`
 *   names `environment`), or an unknown environment; `INVALID_ARTIFACT` for a malformed or edited schema.
 */
export function validate(
  data: FrameInput,
  schema: SchemaArtifact,
  options?: ValidateOptions,
): ValidationReport {
  return validateAs('validate', data, schema, options);
}

function validateAs(
  fn: string,
  data: FrameInput,
  schema: SchemaArtifact,
  options: ValidateOptions | undefined,
): ValidationReport {
  const compiled = compileSchema(fn, schemaArgument(fn, schema), options);
  const read = readData(fn, data);
  const findings = new Findings(compiled);
  validateFrame(compiled, read, findings);
  return findings.report(read.rows);
}

/**
 * validate, throwing when the data break the contract.
 * @throws LockstepError `INVALID_DATA` (`fn: 'assertValid'`, `arg: 'data'`) whose `issues` are the report's
 *   anomalies, when any has severity 'error'; otherwise as validate.
 */
export function assertValid(
  data: FrameInput,
  schema: SchemaArtifact,
  options?: ValidateOptions,
): ValidationReport {
  const report = validateAs('assertValid', data, schema, options);
  if (!report.ok) {
    const errors = report.anomalies.filter((a) => a.severity === 'error');
    const summary = errors
      .slice(0, 3)
      .map(
        (a) =>
          `${a.code}${a.feature !== undefined ? ` in ${JSON.stringify(a.feature)}` : ''} (${a.count} rows)`,
      )
      .join(', ');
    throw new LockstepError(
      'INVALID_DATA',
      `assertValid: argument 'data' breaks the schema: ${summary}${errors.length > 3 ? `, and ${errors.length - 3} more` : ''}`,
      { fn: 'assertValid', arg: 'data', issues: report.anomalies },
    );
  }
  return report;
}

/** One quarantined row and why. */
export interface QuarantineReason {
  /** The row's index in the input. */
  readonly row: number;
  readonly anomalies: readonly { readonly code: AnomalyCode; readonly feature: string }[];
}

export interface Partition {
  /** Rows that meet the contract, in input order. */
  readonly valid: Frame;
  /** Rows with at least one error-level problem, in input order. */
  readonly quarantined: Frame;
  /** Why each quarantined row was held back, in the same order as `quarantined`. */
  readonly reasons: readonly QuarantineReason[];
  /** Inputs that were not rows at all (not objects): kept as given, with their index. */
  readonly rejected: readonly { readonly row: number; readonly value: unknown }[];
  /** The full report, batch-level findings (presence, domain mass, row counts, new columns) included. */
  readonly report: ValidationReport;
}

/**
 * Data quarantine: splits a batch into the rows that meet the contract and the rows that break it, with
 * the reasons per row, so bad rows are held back from training and none is lost (valid + quarantined +
 * rejected = every input row). A row is quarantined for any row-level error (missing or wrong-typed value,
 * NaN or ±Infinity where not allowed, out of range, outside a strict domain, a feature present where the
 * environment excludes it); batch-level findings are in `report`, not held against single rows.
 * @example partitionValid(rows, schema, { environment: 'training' }).quarantined.length // => 0 for clean data
 * @throws LockstepError `INVALID_ARGUMENT` for a schema that is not one, an unknown option key (`env`
 *   names `environment`), or an unknown environment; `INVALID_ARTIFACT` for a malformed or edited schema.
 */
export function partitionValid(
  data: FrameInput,
  schema: SchemaArtifact,
  options?: ValidateOptions,
): Partition {
  const compiled = compileSchema('partitionValid', schemaArgument('partitionValid', schema), options);
  const read = readData('partitionValid', data);
  const problems = new Map<number, { code: AnomalyCode; feature: string }[]>();
  const findings = new Findings(compiled, (row, code, feature) => {
    const list = problems.get(row);
    if (list) list.push({ code, feature });
    else problems.set(row, [{ code, feature }]);
  });
  validateFrame(compiled, read, findings);
  const { frame, rowIndex } = read;
  const good: number[] = [];
  const bad: number[] = [];
  const reasons: QuarantineReason[] = [];
  for (let i = 0; i < frame.length; i++) {
    const row = rowIndex ? rowIndex[i]! : i;
    const found = problems.get(row);
    if (found) {
      bad.push(i);
      reasons.push({ row, anomalies: found });
    } else good.push(i);
  }
  return {
    valid: takeRows(frame, good),
    quarantined: takeRows(frame, bad),
    reasons,
    rejected: read.badRows,
    report: findings.report(read.rows),
  };
}
