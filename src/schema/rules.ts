// The schema compiled for one environment into per-feature rules, the one classification of a value that
// both the batch path (validate) and the single-row path (compileValidator) apply, and the accumulator
// that turns problems into anomaly reports. Keeping one rule set is how the two paths agree.
import { checkInteger, checkString, readOptions } from '../core/check.js';
import { describe, invalidArgument } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { isDate } from '../core/frame.js';
import { parseTimestamp } from '../core/timestamp.js';
import type { FeatureKind, FeatureSchema, SchemaArtifact } from './artifact.js';
import { redactedDescription } from './redact.js';

/** Stable anomaly codes. */
export type AnomalyCode =
  | 'TOO_FEW_ROWS'
  | 'TOO_MANY_ROWS'
  | 'BAD_ROW'
  | 'MISSING_COLUMN'
  | 'UNEXPECTED_COLUMN'
  | 'NEW_COLUMN'
  | 'MISSING_VALUE'
  | 'LOW_PRESENCE'
  | 'TYPE_MISMATCH'
  | 'NAN_NOT_ALLOWED'
  | 'INFINITY_NOT_ALLOWED'
  | 'OUT_OF_RANGE'
  | 'UNEXPECTED_CATEGORY'
  | 'DOMAIN_MASS_LOW';

/**
 * One finding, in core's finding shape: a stable `code`, the `severity`, a one-line `message` naming the
 * feature, what was expected and what was received, and the values: how often, where, and what arrived.
 */
export interface Anomaly extends Finding<AnomalyCode> {
  /** The feature (column) concerned; absent for data-set-level findings. */
  readonly feature?: string;
  readonly severity: 'error' | 'warning';
  /** One line for people: `"origin": expected 1 of 3 values, received values outside the domain in 2 of 4 rows, e.g. "XYZ"`. */
  readonly message: string;
  readonly expected: string;
  readonly received: string;
  /** Rows affected (for column- and data-set-level findings, the rows of the batch). */
  readonly count: number;
  readonly fraction: number;
  /** Up to `maxExamples` rows and their values (long strings shortened, objects described). */
  readonly examples: readonly { readonly row: number; readonly value: unknown }[];
  /** UNEXPECTED_CATEGORY: the values outside the domain with their counts (up to 100, most frequent first). */
  readonly values?: readonly { readonly value: string; readonly count: number }[];
  /** OUT_OF_RANGE: the smallest and largest value received. */
  readonly range?: { readonly min: number; readonly max: number };
  /** MISSING_VALUE, LOW_PRESENCE: rows with a value, of the rows checked (the batch less its BAD_ROWs). */
  readonly observed?: { readonly present: number; readonly rows: number };
  /** DOMAIN_MASS_LOW: values inside the domain, of the values checked against it. */
  readonly observedMass?: { readonly inDomain: number; readonly checked: number };
}

export interface ValidationReport {
  /** True when no anomaly has severity 'error'. */
  readonly ok: boolean;
  readonly rows: number;
  readonly anomalies: readonly Anomaly[];
}

export interface ValidateOptions {
  /** The environment to check against (`training`, `serving`, …); features outside it must be absent. */
  readonly environment?: string;
  /** Examples kept per anomaly, at most 1,000. Default 5. */
  readonly maxExamples?: number;
}

/** The options validate, assertValid, partitionValid and compileValidator know. */
export const VALIDATE_KEYS: readonly (keyof ValidateOptions)[] = ['environment', 'maxExamples'];

/** Examples an anomaly may keep at most (`maxExamples`): they are held in memory per anomaly. */
export const MAX_EXAMPLES = 1000;

/**
 * Codes that judge a batch, not a row: a single request is never held to them (compileValidator and toZod
 * leave them out), and partitionValid never quarantines a row for them. MISSING_COLUMN is batch-level
 * only for a nullable feature (a batch lacking the column entirely; a request may simply lack the value).
 */
export const BATCH_CODES: readonly AnomalyCode[] = [
  'TOO_FEW_ROWS',
  'TOO_MANY_ROWS',
  'LOW_PRESENCE',
  'DOMAIN_MASS_LOW',
];

/** A value's problem, in the order checks run; OK means none. */
export const OK = 0;
export const MISSING = 1;
export const WRONG_TYPE = 2;
export const NAN = 3;
export const INFINITE = 4;
export const NOT_INTEGER = 5;
export const BELOW = 6;
export const ABOVE = 7;
export const OUTSIDE_DOMAIN = 8;

export interface Rule {
  readonly name: string;
  readonly feature: FeatureSchema;
  readonly index: number;
  readonly kind: FeatureKind;
  /** False when the environment excludes the feature: it must then be absent. */
  readonly included: boolean;
  readonly nullable: boolean;
  /** Whether a batch without this column is an anomaly. */
  readonly columnRequired: boolean;
  readonly min: number;
  readonly max: number;
  readonly allowNaN: boolean;
  readonly allowInfinity: boolean;
  readonly domain: ReadonlySet<string> | undefined;
  readonly minDomainMass: number;
  /** A PII feature: its values are described by type and length only, never shown. */
  readonly pii: boolean;
}

export interface CompiledSchema {
  readonly schema: SchemaArtifact;
  readonly environment: string | undefined;
  readonly rules: readonly Rule[];
  readonly byName: ReadonlyMap<string, Rule>;
  readonly maxExamples: number;
}

function includedIn(f: FeatureSchema, environment: string | undefined): boolean {
  if (environment === undefined) return true;
  if (f.notInEnvironments?.includes(environment)) return false;
  return f.inEnvironments === undefined || f.inEnvironments.includes(environment);
}

/**
 * Compiles a checked schema (sealed or parsed: the caller makes sure) for an environment, reading the
 * options strictly (`known`: the keys the public function takes).
 */
export function compileSchema(
  fn: string,
  schema: SchemaArtifact,
  options: unknown,
  known: readonly (keyof ValidateOptions)[] = VALIDATE_KEYS,
): CompiledSchema {
  const o = readOptions(fn, options, known);
  const environment =
    o.environment === undefined ? undefined : checkString(fn, 'options.environment', o.environment, 1024);
  const maxExamples =
    o.maxExamples === undefined ? 5 : checkInteger(fn, 'options.maxExamples', o.maxExamples, 0, MAX_EXAMPLES);
  if (environment !== undefined && !schema.environments.includes(environment)) {
    throw invalidArgument(
      fn,
      'options.environment',
      `must be one of the schema's environments (${schema.environments.map((e) => JSON.stringify(e)).join(', ') || 'none'})`,
      environment,
    );
  }
  const rules = schema.features.map((f, index): Rule => {
    const numeric = f.numeric ?? {};
    const presence = f.presence;
    return {
      name: f.name,
      feature: f,
      index,
      kind: f.type,
      included: includedIn(f, environment),
      nullable: f.nullable,
      columnRequired: !f.nullable || presence.minCount > 0 || presence.minFraction > 0,
      min: numeric.min ?? Number.NEGATIVE_INFINITY,
      max: numeric.max ?? Number.POSITIVE_INFINITY,
      allowNaN: numeric.allowNaN ?? false,
      allowInfinity: numeric.allowInfinity ?? false,
      domain: f.categorical ? new Set(f.categorical.values) : undefined,
      minDomainMass: f.categorical?.minDomainMass ?? 1,
      pii: f.pii === true,
    };
  });
  return { schema, environment, rules, byName: new Map(rules.map((r) => [r.name, r])), maxExamples };
}

/** The number a timestamp value stands for (epoch ms), or NaN when it is not a timestamp. */
function timestampOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseTimestamp(value);
  if (isDate(value)) return value.getTime();
  return Number.NaN;
}

/** Checks a number against a numeric, integer or timestamp rule. */
export function checkNumber(rule: Rule, x: number): number {
  if (Number.isNaN(x)) return rule.allowNaN ? OK : NAN;
  if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY)
    return rule.allowInfinity ? OK : INFINITE;
  if (rule.kind === 'integer' && Math.floor(x) !== x) return NOT_INTEGER;
  if (x < rule.min) return BELOW;
  if (x > rule.max) return ABOVE;
  return OK;
}

/** Checks a category (already in string form) against the domain. */
export function checkCategory(rule: Rule, value: string): number {
  return rule.domain === undefined || rule.domain.has(value) ? OK : OUTSIDE_DOMAIN;
}

/**
 * A checker specialised to one rule: the same classification as checkValue, without dispatching on the
 * rule's kind for every value (the request path calls it once per feature per request).
 */
export function checkerFor(rule: Rule): (value: unknown) => number {
  switch (rule.kind) {
    case 'numeric':
    case 'integer':
      return (value) =>
        typeof value === 'number'
          ? checkNumber(rule, value)
          : typeof value === 'bigint'
            ? checkNumber(rule, Number(value))
            : WRONG_TYPE;
    case 'categorical': {
      const domain = rule.domain;
      return (value) => {
        if (typeof value === 'string') return domain === undefined || domain.has(value) ? OK : OUTSIDE_DOMAIN;
        return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean'
          ? checkCategory(rule, String(value))
          : WRONG_TYPE;
      };
    }
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? OK : WRONG_TYPE);
    case 'text':
      return (value) => (typeof value === 'string' ? OK : WRONG_TYPE);
    default:
      return (value) => checkValue(rule, value);
  }
}

/** The one classification of a present value (not null or undefined) under a rule. */
export function checkValue(rule: Rule, value: unknown): number {
  switch (rule.kind) {
    case 'numeric':
    case 'integer':
      if (typeof value === 'number') return checkNumber(rule, value);
      if (typeof value === 'bigint') return checkNumber(rule, Number(value));
      return WRONG_TYPE;
    case 'timestamp': {
      let t: number;
      if (typeof value === 'number') t = value;
      else if (isDate(value)) {
        t = (value as Date).getTime();
        if (Number.isNaN(t)) return WRONG_TYPE; // an invalid Date
      } else if (typeof value === 'string') {
        t = parseTimestamp(value);
        if (Number.isNaN(t)) return WRONG_TYPE; // text that is not a timestamp
      } else return WRONG_TYPE;
      return checkNumber(rule, t);
    }
    case 'categorical':
      if (typeof value === 'string') return checkCategory(rule, value);
      if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean')
        return checkCategory(rule, String(value));
      return WRONG_TYPE;
    case 'boolean':
      return typeof value === 'boolean' ? OK : WRONG_TYPE;
    case 'text':
      return typeof value === 'string' ? OK : WRONG_TYPE;
  }
}

/** What a value is, for `received` texts. */
export function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (isDate(value)) return 'Date';
  return typeof value;
}

/** A value shortened for an example: long strings cut, objects described, never megabytes. */
export function exampleOf(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 77)}...` : value;
  if (value === null || typeof value !== 'object') return value;
  try {
    if (isDate(value)) return value;
  } catch {
    return 'an unreadable value'; // a Proxy whose traps throw
  }
  return describe(value);
}

interface Bucket {
  code: AnomalyCode;
  feature: string | undefined;
  severity: 'error' | 'warning';
  expected: string;
  received: string;
  count: number;
  examples: { row: number; value: unknown }[];
  values: Map<string, number> | undefined;
  min: number;
  max: number;
  /** DOMAIN_MASS_LOW: the observed mass. */
  mass: { inDomain: number; checked: number } | undefined;
  order: number;
}

/** Every anomaly code, in the order a report lists them (a feature's findings in the middle run). */
export const ANOMALY_CODES: readonly AnomalyCode[] = [
  'TOO_FEW_ROWS',
  'TOO_MANY_ROWS',
  'BAD_ROW',
  'MISSING_COLUMN',
  'UNEXPECTED_COLUMN',
  'MISSING_VALUE',
  'LOW_PRESENCE',
  'TYPE_MISMATCH',
  'NAN_NOT_ALLOWED',
  'INFINITY_NOT_ALLOWED',
  'OUT_OF_RANGE',
  'UNEXPECTED_CATEGORY',
  'DOMAIN_MASS_LOW',
  'NEW_COLUMN',
];

function expectedOf(rule: Rule): string {
  const f = rule.feature;
  switch (rule.kind) {
    case 'numeric':
    case 'integer':
    case 'timestamp': {
      const range =
        f.numeric?.min !== undefined || f.numeric?.max !== undefined
          ? ` in [${f.numeric?.min ?? '-Infinity'}, ${f.numeric?.max ?? 'Infinity'}]`
          : '';
      return `${rule.kind === 'integer' ? 'an integer' : rule.kind === 'timestamp' ? 'a timestamp (Date, epoch ms or ISO-8601 text)' : 'a number'}${range}`;
    }
    case 'categorical':
      return rule.domain ? `1 of ${rule.domain.size} values` : 'a category (string)';
    case 'boolean':
      return 'a boolean';
    case 'text':
      return 'a string';
  }
}

/** A value shown in a message: short, quoted if text, a Date as ISO text. */
function shown(value: unknown): string {
  if (isDate(value)) {
    const t = (value as Date).getTime();
    return Number.isNaN(t) ? 'an invalid Date' : (value as Date).toISOString();
  }
  return describe(value);
}

/** Codes whose count is of rows with a bad value (the rest count the batch, or rows lacking a column). */
const ROW_CODES: readonly AnomalyCode[] = [
  'BAD_ROW',
  'MISSING_VALUE',
  'TYPE_MISMATCH',
  'NAN_NOT_ALLOWED',
  'INFINITY_NOT_ALLOWED',
  'OUT_OF_RANGE',
  'UNEXPECTED_CATEGORY',
];

/**
 * The anomaly's one line: where (the feature, or the batch), what was expected and what was received,
 * and for row-level problems how many rows and an example: `"delay": expected a number in [0, 100],
 * received values outside the range in 2 of 40 rows, from -5 to 250`.
 */
function messageOf(a: Omit<Anomaly, 'message'>, rows: number): string {
  const where = a.feature !== undefined ? describe(a.feature) : 'batch';
  const head = `${where}: expected ${a.expected}, received ${a.received}`;
  if (!ROW_CODES.includes(a.code)) return head;
  const detail =
    a.range !== undefined
      ? `, from ${a.range.min} to ${a.range.max}`
      : a.values !== undefined && a.values.length > 0
        ? `, e.g. ${shown(a.values[0]!.value)}`
        : a.examples.length > 0 && a.code !== 'MISSING_VALUE'
          ? `, e.g. ${shown(a.examples[0]!.value)}`
          : '';
  return `${head} in ${a.count} of ${rows} rows${detail}`;
}

/** Collects problems into anomalies, in a fixed order, keeping counts, examples and value summaries. */
export class Findings {
  private readonly buckets = new Map<string, Bucket>();
  private readonly newColumns: string[] = [];

  /**
   * @param mark called for each row-level problem of severity 'error' (partitionValid quarantines by it).
   */
  constructor(
    private readonly compiled: CompiledSchema,
    readonly mark?: (row: number, code: AnomalyCode, feature: string) => void,
  ) {}

  private bucket(
    code: AnomalyCode,
    rule: Rule | undefined,
    feature: string | undefined,
    expected: string,
    received: string,
    severity: 'error' | 'warning',
  ): Bucket {
    const key = `${code}\u0000${feature ?? ''}`;
    let b = this.buckets.get(key);
    if (!b) {
      const order = rule
        ? rule.index * ANOMALY_CODES.length + ANOMALY_CODES.indexOf(code)
        : code === 'BAD_ROW'
          ? -1
          : -2;
      b = {
        code,
        feature,
        severity,
        expected,
        received,
        count: 0,
        examples: [],
        values: undefined,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        mass: undefined,
        order,
      };
      this.buckets.set(key, b);
    }
    return b;
  }

  private missingBucket(rule: Rule): Bucket {
    return this.bucket(
      'MISSING_VALUE',
      rule,
      rule.name,
      'a value (the feature is not nullable)',
      'missing',
      'error',
    );
  }

  /** A problem found in one value of `rule`'s feature at `row`. */
  value(rule: Rule, problem: number, row: number, value: unknown, times = 1): void {
    let b: Bucket;
    switch (problem) {
      case MISSING:
        b = this.missingBucket(rule);
        break;
      case WRONG_TYPE:
      case NOT_INTEGER:
        b = this.bucket(
          'TYPE_MISMATCH',
          rule,
          rule.name,
          expectedOf(rule),
          'values of another type',
          'error',
        );
        break;
      case NAN:
        b = this.bucket('NAN_NOT_ALLOWED', rule, rule.name, 'no NaN', 'NaN', 'error');
        break;
      case INFINITE:
        b = this.bucket('INFINITY_NOT_ALLOWED', rule, rule.name, 'finite numbers', '±Infinity', 'error');
        break;
      case BELOW:
      case ABOVE:
        b = this.bucket(
          'OUT_OF_RANGE',
          rule,
          rule.name,
          expectedOf(rule),
          'values outside the range',
          'error',
        );
        break;
      default: {
        b = this.bucket(
          'UNEXPECTED_CATEGORY',
          rule,
          rule.name,
          expectedOf(rule),
          'values outside the domain',
          rule.minDomainMass < 1 ? 'warning' : 'error',
        );
        const key = rule.pii ? redactedDescription(value) : typeof value === 'string' ? value : String(value);
        b.values ??= new Map();
        if (b.values.has(key) || b.values.size < 100) b.values.set(key, (b.values.get(key) ?? 0) + times);
      }
    }
    b.count += times;
    if ((problem === BELOW || problem === ABOVE) && !rule.pii) {
      const x = rule.kind === 'timestamp' ? timestampOf(value) : Number(value);
      if (x < b.min) b.min = x;
      if (x > b.max) b.max = x;
    }
    if (b.examples.length < this.compiled.maxExamples)
      b.examples.push({ row, value: rule.pii ? redactedDescription(value) : exampleOf(value) });
    if (this.mark && b.severity === 'error') this.mark(row, b.code, rule.name);
  }

  /** A whole column that should be there and is not, or should not be there and is. */
  column(rule: Rule, code: 'MISSING_COLUMN' | 'UNEXPECTED_COLUMN', rows: number): void {
    const env = this.compiled.environment;
    const b =
      code === 'MISSING_COLUMN'
        ? this.bucket(
            code,
            rule,
            rule.name,
            `a column ${JSON.stringify(rule.name)}${env ? ` in ${env}` : ''}`,
            'no such column',
            'error',
          )
        : this.bucket(
            code,
            rule,
            rule.name,
            `no column ${JSON.stringify(rule.name)} in ${env}`,
            'a column with values',
            'error',
          );
    b.count = rows;
  }

  /** A column the schema does not know. */
  newColumn(name: string, rows: number): void {
    if (this.newColumns.includes(name)) return;
    this.newColumns.push(name);
    const b = this.bucket(
      'NEW_COLUMN',
      undefined,
      name,
      'only the schema’s features',
      `a column ${JSON.stringify(name)} the schema does not list`,
      'warning',
    );
    b.count = rows;
    b.order = Number.MAX_SAFE_INTEGER - 1000 + this.newColumns.length;
  }

  /** A batch-level shortfall: LOW_PRESENCE or DOMAIN_MASS_LOW (with the observed mass). */
  shortfall(
    rule: Rule,
    code: 'LOW_PRESENCE' | 'DOMAIN_MASS_LOW',
    expected: string,
    received: string,
    count: number,
    mass?: { inDomain: number; checked: number },
  ): void {
    const b = this.bucket(code, rule, rule.name, expected, received, 'error');
    b.count = count;
    b.mass = mass;
  }

  /** Too few or too many rows. */
  rowCount(code: 'TOO_FEW_ROWS' | 'TOO_MANY_ROWS', expected: string, rows: number): void {
    const b = this.bucket(code, undefined, undefined, expected, `${rows} rows`, 'error');
    b.count = rows;
  }

  /** A row that is not an object (or, `unreadable`, an object whose properties throw when read). */
  badRow(row: number, value: unknown, unreadable = false): void {
    const b = this.bucket(
      'BAD_ROW',
      undefined,
      undefined,
      'an object',
      unreadable ? 'an object whose properties could not be read' : 'values that are not objects',
      'error',
    );
    b.count++;
    if (b.examples.length < this.compiled.maxExamples) b.examples.push({ row, value: exampleOf(value) });
  }

  /**
   * `count` missing values of `rule`'s feature found after the fact (createValidator: rows of batches that
   * lacked a column a later batch has), `rows` the first of them: merged in row order with the examples
   * already kept, so the bucket is what value(rule, MISSING, …) row by row would have left.
   */
  missingRows(rule: Rule, count: number, rows: readonly number[]): void {
    if (count === 0) return;
    const b = this.missingBucket(rule);
    b.count += count;
    b.examples = [...b.examples, ...rows.map((row) => ({ row, value: exampleOf(undefined) }))]
      .sort((x, y) => x.row - y.row)
      .slice(0, this.compiled.maxExamples);
  }

  /** A copy to finish a report on while this one goes on collecting (createValidator's report()). */
  copy(): Findings {
    const c = new Findings(this.compiled, this.mark);
    for (const [key, b] of this.buckets) {
      c.buckets.set(key, {
        ...b,
        examples: [...b.examples],
        values: b.values && new Map(b.values),
        mass: b.mass && { ...b.mass },
      });
    }
    c.newColumns.push(...this.newColumns);
    return c;
  }

  count(code: AnomalyCode, feature: string): number {
    return this.buckets.get(`${code}\u0000${feature}`)?.count ?? 0;
  }

  report(rows: number): ValidationReport {
    // Rows whose columns were checked: the batch less the rows that were not objects.
    const checked = rows - (this.buckets.get('BAD_ROW\u0000')?.count ?? 0);
    const anomalies = [...this.buckets.values()]
      .sort((a, b) => a.order - b.order)
      .map((b): Anomaly => {
        const out: { -readonly [K in keyof Anomaly]: Anomaly[K] } = {
          code: b.code,
          ...(b.feature !== undefined ? { feature: b.feature } : {}),
          severity: b.severity,
          message: '',
          expected: b.expected,
          received: b.received,
          count: b.count,
          fraction: rows === 0 ? 0 : b.count / rows,
          examples: b.examples,
        };
        if (b.values) {
          out.values = [...b.values]
            .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
            .map(([value, count]) => ({ value: exampleOf(value) as string, count }));
        }
        // A PII feature's range would be two of its values: left out (b.min stays +Infinity).
        if (b.code === 'OUT_OF_RANGE' && b.min <= b.max) out.range = { min: b.min, max: b.max };
        if (b.code === 'MISSING_VALUE' || b.code === 'LOW_PRESENCE')
          out.observed = { present: checked - b.count, rows: checked };
        if (b.mass) out.observedMass = { ...b.mass };
        out.message = messageOf(out, rows);
        return out;
      });
    return { ok: !anomalies.some((a) => a.severity === 'error'), rows, anomalies };
  }
}

/** Batch-level checks that follow from per-feature counts: presence and domain mass. */
export function presenceAndMass(
  findings: Findings,
  rule: Rule,
  rows: number,
  present: number,
  categorized: number,
  outside: number,
): void {
  const { minFraction, minCount } = rule.feature.presence;
  if (rule.nullable && (present < minCount || present < minFraction * rows)) {
    findings.shortfall(
      rule,
      'LOW_PRESENCE',
      `present in at least ${minCount} rows and ${+(minFraction * 100).toFixed(2)}% of rows`,
      `present in ${present} of ${rows} rows`,
      rows - present,
    );
  }
  if (
    rule.domain &&
    rule.minDomainMass < 1 &&
    categorized > 0 &&
    categorized - outside < rule.minDomainMass * categorized
  ) {
    findings.shortfall(
      rule,
      'DOMAIN_MASS_LOW',
      `at least ${+(rule.minDomainMass * 100).toFixed(2)}% of values in the domain`,
      `${+(((categorized - outside) / categorized) * 100).toFixed(2)}% in the domain`,
      outside,
      { inDomain: categorized - outside, checked: categorized },
    );
  }
}

/** Data-set-level checks: row counts. */
export function rowBounds(findings: Findings, compiled: CompiledSchema, rows: number): void {
  const { minRows, maxRows } = compiled.schema.dataset;
  if (minRows !== undefined && rows < minRows)
    findings.rowCount('TOO_FEW_ROWS', `at least ${minRows} rows`, rows);
  if (maxRows !== undefined && rows > maxRows)
    findings.rowCount('TOO_MANY_ROWS', `at most ${maxRows} rows`, rows);
}
