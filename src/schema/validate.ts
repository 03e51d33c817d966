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
  offset: number,
): [number, number, number] {
  let present = 0;
  let categorized = 0;
  let outside = 0;
  const at = (i: number) => offset + (rowIndex ? rowIndex[i]! : i);
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

/** What a stream has seen of one feature, summed over its batches. */
interface FeatureTotals {
  /** Some batch had the column (so the concatenated data has it). */
  column: boolean;
  /** Some batch had a present value in it (an excluded feature's UNEXPECTED_COLUMN). */
  value: boolean;
  present: number;
  categorized: number;
  outside: number;
  /** Rows of batches without the column (missing values if a batch has it); the first few rows. */
  pending: number;
  pendingRows: number[];
}

/**
 * Validation of data given in batches, one after another. Row-level findings go into one Findings as the
 * batches arrive, their rows counted from the stream's start; what judges the data as a whole (row bounds,
 * presence, domain mass, whether a column is missing, unexpected or new, and the rows counted for it)
 * waits for finish(), on the totals. So the batches B1..Bk give the report of B1 ∪ … ∪ Bk: the columns of
 * the concatenated data are the union of the batches' columns, so a batch without a column a later batch
 * has counts as that many missing values, not as a MISSING_COLUMN.
 */
class Stream {
  private rows = 0;
  /** Rows whose columns were checked: the rows less the BAD_ROWs. */
  private checked = 0;
  private readonly totals: FeatureTotals[];
  private readonly newColumns = new Set<string>();

  constructor(
    private readonly compiled: CompiledSchema,
    private readonly findings: Findings,
  ) {
    this.totals = compiled.rules.map(() => ({
      column: false,
      value: false,
      present: 0,
      categorized: 0,
      outside: 0,
      pending: 0,
      pendingRows: [],
    }));
  }

  add(read: ReadData): void {
    const { compiled, findings } = this;
    const { frame, rowIndex, badRows, rows } = read;
    const n = frame.length;
    const offset = this.rows;
    const at = (i: number) => offset + (rowIndex ? rowIndex[i]! : i);
    for (const { row, value } of badRows) findings.badRow(offset + row, value);
    for (const rule of compiled.rules) {
      const t = this.totals[rule.index]!;
      const column = frame.columns.get(rule.name);
      if (!rule.included) {
        if (column && hasPresentValue(column, n)) {
          t.value = true;
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
        if (n > 0 && !rule.nullable) {
          t.pending += n;
          for (let i = 0; i < n && t.pendingRows.length < compiled.maxExamples; i++)
            t.pendingRows.push(at(i));
          // Every row lacks the value; a nullable column may be absent row by row, so only those quarantine.
          // (partitionValid gives one batch: its missing column is the data's.)
          if (findings.mark) for (let i = 0; i < n; i++) findings.mark(at(i), 'MISSING_COLUMN', rule.name);
        }
        continue;
      }
      t.column = true;
      const [present, categorized, outside] = checkColumn(findings, rule, column, n, rowIndex, offset);
      t.present += present;
      t.categorized += categorized;
      t.outside += outside;
    }
    for (const name of frame.names) if (!compiled.byName.has(name)) this.newColumns.add(name);
    this.rows += rows;
    this.checked += n;
  }

  /** The report on everything added so far; `findings` is finished here (pass a copy to go on adding). */
  finish(findings: Findings): ValidationReport {
    const { compiled, rows, checked } = this;
    rowBounds(findings, compiled, rows);
    for (const rule of compiled.rules) {
      const t = this.totals[rule.index]!;
      if (!rule.included) {
        if (t.value) findings.column(rule, 'UNEXPECTED_COLUMN', rows);
        continue;
      }
      if (!t.column) {
        if (rule.columnRequired && checked > 0) findings.column(rule, 'MISSING_COLUMN', rows);
        continue;
      }
      findings.missingRows(rule, t.pending, t.pendingRows);
      presenceAndMass(findings, rule, checked, t.present, t.categorized, t.outside);
    }
    for (const name of this.newColumns) findings.newColumn(name, rows);
    return findings.report(rows);
  }
}

/** A streaming validator: what createValidator returns. */
export interface Validator {
  /** Validates the next batch (rows, an Arrow table, a record of columns or a Frame). */
  add(data: FrameInput): void;
  /** The report on all batches added so far, as validate on their concatenation; adding may go on. */
  report(): ValidationReport;
}

/**
 * A streaming validator: batches B1..Bk given to `add` one after another, then `report()`, give exactly
 * `validate(B1 ∪ … ∪ Bk, schema, options)` (same anomalies, counts, fractions, messages, and examples
 * with their rows counted from the stream's start), in memory bounded by one batch and the examples. Row-
 * level checks run per batch; presence, domain mass, row bounds and missing, unexpected and new columns
 * are judged in `report()` on the totals, as validate judges them on all the rows: a column absent from
 * some batches but not all is missing values in those batches' rows, not a MISSING_COLUMN.
 * O(rows × features) in all, O(features) for `report()`.
 * @example
 * const v = createValidator(inferSchema([{ n: 1 }, { n: 9 }], { inferRanges: true }));
 * v.add([{ n: 5 }]);
 * v.add([{ n: 5000 }]);
 * v.report().anomalies[0].examples // => [{ row: 1, value: 5000 }]
 * @throws LockstepError as validate: `INVALID_ARGUMENT` for a schema that is not one, an unknown option
 *   key or environment (at creation), data that cannot be read (in `add`); `INVALID_ARTIFACT` for a
 *   malformed or edited schema.
 */
export function createValidator(schema: SchemaArtifact, options?: ValidateOptions): Validator {
  return createValidatorAs('createValidator', schema, options);
}

function createValidatorAs(
  fn: string,
  schema: SchemaArtifact,
  options: ValidateOptions | undefined,
): Validator {
  const compiled = compileSchema(fn, schemaArgument(fn, schema), options);
  const findings = new Findings(compiled);
  const stream = new Stream(compiled, findings);
  return {
    add(data) {
      stream.add(readData(fn, data));
    },
    report: () => stream.finish(findings.copy()),
  };
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
  const validator = createValidatorAs(fn, schema, options);
  validator.add(data);
  return validator.report();
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
  const stream = new Stream(compiled, findings);
  stream.add(read);
  const report = stream.finish(findings);
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
    report,
  };
}
