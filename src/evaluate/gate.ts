// gate(): may a candidate model serve? Every check is data (core's finding shape, with `passed`,
// `expected`, `received`, the metric and the slice), and the gate passes only when every check does.
// The result is an artifact, `lockstep.gate` (formatVersion 1, fingerprinted, deeply frozen), so it can be
// stored with the model version it judged and read back with parseGate.
//
// The checks, written once:
//  - NOT_WORSE: for each compared metric, overall and in every slice that has at least minRows rows in
//    both evaluations, the candidate is not worse than the baseline beyond `tolerance` (absolute, per
//    metric or one for all). With `intervals` (default), a difference counts only when the two intervals
//    are apart by more than the tolerance: for a higher-is-better metric the check fails when the
//    candidate's upper bound is below the baseline's lower bound − tolerance (lower-is-better: the
//    candidate's lower bound above the baseline's upper bound + tolerance); where either side has no
//    interval its value stands in. So a small slice's noise, on either side, is not read as a
//    regression. A metric undefined in the candidate but defined in the baseline fails; undefined in
//    both passes.
//  - FLOOR: the candidate's overall value is at least the floor (at most, for lower-is-better metrics).
//  - INPUT_WIDTH: the model's input width equals the transform's output width.
//  - SCHEMA_FINGERPRINT: the schema the model was trained with is the one serving uses.
//  - LATENCY_BUDGET: the measured latency is within the budget.
//  - HISTORY_DROP and HISTORY_DECLINE: the baseline's metric over its last versions (oldest first) shows
//    no sudden drop (the last step worse by more than maxDrop) and no slow decline (the least-squares
//    slope times the span worse by more than maxDecline).
import * as z from 'zod/mini';
import {
  type ArtifactKind,
  artifactIssue,
  defineArtifact,
  invalidArtifact,
  type ParseArtifactOptions,
  readParseOptions,
} from '../core/artifact.js';
import {
  checkArray,
  checkBoolean,
  checkInteger,
  checkNumber,
  checkObject,
  checkString,
  readOptions,
} from '../core/check.js';
import { invalidArgument, isLockstepError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { LOWER_IS_BETTER, type MetricName, TASK_METRICS } from './evaluate.js';

export const GATE_KIND = 'lockstep.gate';

export type GateCheckCode =
  | 'NOT_WORSE'
  | 'FLOOR'
  | 'INPUT_WIDTH'
  | 'SCHEMA_FINGERPRINT'
  | 'LATENCY_BUDGET'
  | 'HISTORY_DROP'
  | 'HISTORY_DECLINE';

/** One check of a gate: core's finding shape (severity `error` when it failed, else `info`). */
export interface GateCheck extends Finding<GateCheckCode> {
  readonly passed: boolean;
  readonly metric?: string;
  /** The slice's name (as evaluate() writes it); absent for the whole batch. */
  readonly slice?: string;
  /** The line the value had to meet (a number; a string for fingerprints; null when undefined). */
  readonly expected: number | string | null;
  readonly received: number | string | null;
}

/** The gate artifact. */
export interface Gate {
  readonly kind: typeof GATE_KIND;
  readonly formatVersion: 1;
  /** What was judged against what, as given in `options.refs` (`flights/4`, `heuristic`); absent when not given. */
  readonly refs?: GateRefs;
  readonly passed: boolean;
  readonly checks: readonly GateCheck[];
  readonly fingerprint: string;
}

/** Names of the two models a gate compared: registry refs (`flights/4`) or any label (`heuristic`). */
export interface GateRefs {
  readonly candidate?: string;
  readonly baseline?: string;
}

/** An evaluation as gate reads it: evaluate()'s result, or the same from JSON. */
export interface GateEvaluation {
  readonly metrics: Readonly<
    Record<
      string,
      { readonly value: number | null; readonly low?: number | null; readonly high?: number | null }
    >
  >;
  readonly slices?: readonly {
    readonly slice: string;
    readonly count: number;
    readonly metrics: GateEvaluation['metrics'];
  }[];
}

export interface GateRules {
  /** Metrics compared with the baseline. Default: every metric both evaluations hold. */
  readonly metrics?: readonly MetricName[];
  /** Worsening allowed, absolute: one number for all metrics or one per metric (default 0), at least 0. */
  readonly tolerance?: number | Readonly<Partial<Record<MetricName, number>>>;
  /** Slices with fewer rows (in either evaluation) are not compared. Default 30. */
  readonly minRows?: number;
  /** Compare with the candidate's interval bound rather than its value. Default true. */
  readonly intervals?: boolean;
  /** Absolute floors of the candidate's overall metrics (ceilings for lower-is-better ones). */
  readonly floors?: Readonly<Partial<Record<MetricName, number>>>;
  /** Latency budget in milliseconds, checked against `model.latencyMs`. */
  readonly latencyBudgetMs?: number;
  /** Largest worsening of the last step of a history. Default 0.01. */
  readonly maxDrop?: number;
  /** Largest worsening over a history by its least-squares trend. Default 0.02. */
  readonly maxDecline?: number;
}

/** Facts about the candidate model for the infrastructure checks. */
export interface GateModel {
  readonly inputWidth?: number;
  readonly transformOutputWidth?: number;
  readonly schemaFingerprint?: string;
  readonly expectedSchemaFingerprint?: string;
  readonly latencyMs?: number;
}

export interface GateOptions {
  readonly candidate: GateEvaluation;
  readonly baseline?: GateEvaluation;
  readonly rules?: GateRules;
  readonly model?: GateModel;
  /** The baseline's metric over its last versions, oldest first (at most 1000 values each). */
  readonly history?: Readonly<Partial<Record<MetricName, readonly number[]>>>;
  /**
   * Which models these are (`{ candidate: 'flights/4', baseline: 'flights/3' }`), kept in the artifact so it
   * says what it judged; `promote` refuses a gate whose candidate is another version. At most 256 characters
   * each, no control characters.
   */
  readonly refs?: GateRefs;
}

const FN = 'gate';
const ALL_METRICS: readonly string[] = [
  ...new Set([...TASK_METRICS.binary, ...TASK_METRICS.multiclass, ...TASK_METRICS.regression]),
];
const MAX_CHECKS = 1_000_000;
const MAX_REF = 256;

let kind: ArtifactKind<Gate> | undefined;
function gateKind(): ArtifactKind<Gate> {
  kind ??= defineArtifact<Gate>({
    kind: GATE_KIND,
    formatVersion: 1,
    shape: () => {
      const value = z.union([z.number(), z.string().check(z.maxLength(1024)), z.null()]);
      const check = z.strictObject({
        code: z.enum([
          'NOT_WORSE',
          'FLOOR',
          'INPUT_WIDTH',
          'SCHEMA_FINGERPRINT',
          'LATENCY_BUDGET',
          'HISTORY_DROP',
          'HISTORY_DECLINE',
        ]),
        severity: z.enum(['error', 'info']),
        message: z.string().check(z.maxLength(4096)),
        passed: z.boolean(),
        metric: z.optional(z.string().check(z.maxLength(64))),
        slice: z.optional(z.string().check(z.maxLength(1 << 16))),
        expected: value,
        received: value,
      });
      return z.strictObject({
        kind: z.literal(GATE_KIND),
        formatVersion: z.literal(1),
        refs: z.optional(
          z.strictObject({
            candidate: z.optional(z.string().check(z.maxLength(MAX_REF))),
            baseline: z.optional(z.string().check(z.maxLength(MAX_REF))),
          }),
        ),
        passed: z.boolean(),
        checks: z.array(check).check(z.maxLength(MAX_CHECKS)),
        fingerprint: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
      }) as unknown as z.ZodMiniType<Gate>;
    },
    check: (gate, report) => {
      const all = gate.checks.every((c) => c.passed);
      if (gate.passed !== all) report('$.passed', `must be ${all}: true exactly when every check passed`);
      gate.checks.forEach((c, i) => {
        if ((c.severity === 'error') === c.passed)
          report(
            `$.checks[${i}].severity`,
            `must be ${c.passed ? 'info' : 'error'} for a check that ${c.passed ? 'passed' : 'failed'}`,
          );
      });
    },
  });
  return kind;
}

/**
 * Reads a gate artifact (JSON text or a parsed value) and checks it: shape, `passed` agreeing with the
 * checks, and the fingerprint. Returns it deeply frozen.
 * @example parseGate(JSON.stringify(gate({ candidate: { metrics: { rocAuc: { value: 0.9 } } }, rules: { floors: { rocAuc: 0.8 } } }))).passed // => true
 * `options.limits` bounds the artifact before anything reads it (maxBytes, maxDepth, maxArray, maxString,
 * maxNodes; DEFAULT_ARTIFACT_LIMITS for any left out); a hostile one is refused with the limit it broke.
 * @throws LockstepError `INVALID_ARTIFACT` with the JSON path of the first problem; `INVALID_ARGUMENT` for
 *   an unknown option or a limit that is not a positive integer.
 */
export function parseGate(json: unknown, options?: ParseArtifactOptions): Gate {
  const limits = readParseOptions('parseGate', options);
  try {
    return gateKind().parse(json, 'parseGate', 'json', limits);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    // A Proxy or throwing getter read before zod's guarded parse (core reads formatVersion first).
    throw invalidArtifact('parseGate', GATE_KIND, [
      artifactIssue('$', 'could not be read (a getter or proxy threw)'),
    ]);
  }
}

function readRefs(v: unknown): GateRefs | undefined {
  if (v === undefined) return undefined;
  const r = readOptions(FN, v, ['candidate', 'baseline'], 'options.refs');
  const out: { candidate?: string; baseline?: string } = {};
  for (const key of ['candidate', 'baseline'] as const) {
    if (r[key] === undefined) continue;
    const text = checkString(FN, `options.refs.${key}`, r[key], MAX_REF, true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(text))
      throw invalidArgument(FN, `options.refs.${key}`, 'must not contain control characters', text);
    out[key] = text;
  }
  return out;
}

/** A number or NaN (null and undefined read as NaN), or INVALID_ARGUMENT. */
function readValue(arg: string, v: unknown): number {
  if (v === null || v === undefined) return Number.NaN;
  if (typeof v !== 'number') throw invalidArgument(FN, arg, 'must be a number or null', v);
  return v;
}

interface ReadMetric {
  readonly value: number;
  readonly low: number;
  readonly high: number;
}
interface ReadEvaluation {
  readonly metrics: Map<string, ReadMetric>;
  readonly slices: Map<string, { count: number; metrics: Map<string, ReadMetric> }>;
}

function readMetrics(arg: string, v: unknown): Map<string, ReadMetric> {
  const o = checkObject(FN, arg, v);
  const out = new Map<string, ReadMetric>();
  for (const name of Object.keys(o)) {
    if (!ALL_METRICS.includes(name))
      throw invalidArgument(FN, `${arg}`, `holds an unknown metric ${JSON.stringify(name.slice(0, 64))}`);
    const m = checkObject(FN, `${arg}.${name}`, o[name]);
    out.set(name, {
      value: readValue(`${arg}.${name}.value`, m.value),
      low: readValue(`${arg}.${name}.low`, m.low),
      high: readValue(`${arg}.${name}.high`, m.high),
    });
  }
  return out;
}

function readEvaluation(arg: string, v: unknown): ReadEvaluation {
  try {
    const o = checkObject(FN, arg, v);
    const metrics = readMetrics(`${arg}.metrics`, o.metrics);
    const slices = new Map<string, { count: number; metrics: Map<string, ReadMetric> }>();
    if (o.slices !== undefined) {
      const list = checkArray(FN, `${arg}.slices`, o.slices, 100_000);
      for (let i = 0; i < list.length; i++) {
        const s = checkObject(FN, `${arg}.slices[${i}]`, list[i]);
        const name = checkString(FN, `${arg}.slices[${i}].slice`, s.slice);
        slices.set(name, {
          count: checkInteger(FN, `${arg}.slices[${i}].count`, s.count, 0),
          metrics: readMetrics(`${arg}.slices[${i}].metrics`, s.metrics),
        });
      }
    }
    return { metrics, slices };
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(FN, arg, 'must be readable (reading it threw)');
  }
}

/** Runs `read`, turning anything but a LockstepError thrown while reading `arg` into one naming it. */
function guard<T>(arg: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(FN, arg, 'must be readable (reading it threw)');
  }
}

function readPerMetric(arg: string, v: unknown, min: number): Map<string, number> {
  return guard(arg, () => readPerMetricUnguarded(arg, v, min));
}

function readPerMetricUnguarded(arg: string, v: unknown, min: number): Map<string, number> {
  const o = checkObject(FN, arg, v);
  const out = new Map<string, number>();
  for (const name of Object.keys(o)) {
    if (!ALL_METRICS.includes(name))
      throw invalidArgument(FN, arg, `holds an unknown metric ${JSON.stringify(name.slice(0, 64))}`);
    out.set(name, checkNumber(FN, `${arg}.${name}`, o[name], { min }));
  }
  return out;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
const fmt = (x: number | null): string => (x === null ? 'undefined' : String(Math.round(x * 1e6) / 1e6));

/**
 * Judges a candidate model: not worse than the baseline beyond a tolerance overall and in every slice
 * with at least minRows rows (by the intervals of both), absolute floors, input width, schema
 * fingerprint, latency budget, and the baseline's metric history (see the rules at the top of this
 * file and docs/evaluate.md). Returns a `lockstep.gate` artifact whose `passed` is true exactly when every
 * check passed. O(metrics × slices + history).
 * @example gate({ candidate: { metrics: { rocAuc: { value: 0.84, low: 0.8, high: 0.88 } } }, baseline: { metrics: { rocAuc: { value: 0.86 } } } }).passed // => true (0.88 is above 0.86)
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown key (in options, rules or model), an
 *   evaluation that is not one (metrics without numbers, an unknown metric), a negative tolerance, a
 *   non-finite floor, budget or width, a history that is not finite numbers or longer than 1000.
 */
export function gate(options: GateOptions): Gate {
  const o = readOptions(FN, options, ['candidate', 'baseline', 'rules', 'model', 'history', 'refs']);
  if (o.candidate === undefined) throw invalidArgument(FN, 'options.candidate', 'is required');
  const candidate = readEvaluation('options.candidate', o.candidate);
  const baseline = o.baseline === undefined ? undefined : readEvaluation('options.baseline', o.baseline);
  const r = readOptions(
    FN,
    o.rules,
    ['metrics', 'tolerance', 'minRows', 'intervals', 'floors', 'latencyBudgetMs', 'maxDrop', 'maxDecline'],
    'options.rules',
  );
  let compared: string[] | undefined;
  if (r.metrics !== undefined) {
    const list = guard('options.rules.metrics', () => [
      ...checkArray(FN, 'options.rules.metrics', r.metrics, ALL_METRICS.length),
    ]);
    compared = list.map((m, i) => {
      if (typeof m !== 'string' || !ALL_METRICS.includes(m))
        throw invalidArgument(FN, `options.rules.metrics[${i}]`, 'must be a metric name', m);
      return m;
    });
  }
  const tolerance =
    r.tolerance === undefined
      ? new Map<string, number>()
      : typeof r.tolerance === 'number'
        ? new Map(
            ALL_METRICS.map((m) => [m, checkNumber(FN, 'options.rules.tolerance', r.tolerance, { min: 0 })]),
          )
        : readPerMetric('options.rules.tolerance', r.tolerance, 0);
  const minRows = r.minRows === undefined ? 30 : checkInteger(FN, 'options.rules.minRows', r.minRows, 0);
  const intervals =
    r.intervals === undefined ? true : checkBoolean(FN, 'options.rules.intervals', r.intervals);
  const floors =
    r.floors === undefined
      ? new Map<string, number>()
      : readPerMetric('options.rules.floors', r.floors, -Infinity);
  const budget =
    r.latencyBudgetMs === undefined
      ? undefined
      : checkNumber(FN, 'options.rules.latencyBudgetMs', r.latencyBudgetMs, { min: 0 });
  const maxDrop =
    r.maxDrop === undefined ? 0.01 : checkNumber(FN, 'options.rules.maxDrop', r.maxDrop, { min: 0 });
  const maxDecline =
    r.maxDecline === undefined ? 0.02 : checkNumber(FN, 'options.rules.maxDecline', r.maxDecline, { min: 0 });
  const m = readOptions(
    FN,
    o.model,
    ['inputWidth', 'transformOutputWidth', 'schemaFingerprint', 'expectedSchemaFingerprint', 'latencyMs'],
    'options.model',
  );

  const checks: GateCheck[] = [];
  const push = (c: Omit<GateCheck, 'severity'>) =>
    checks.push({ ...c, severity: c.passed ? 'info' : 'error' } as GateCheck);
  const lower = (name: string) => (LOWER_IS_BETTER as readonly string[]).includes(name);

  const compare = (
    name: string,
    cand: ReadMetric | undefined,
    base: ReadMetric,
    slice: string | undefined,
  ) => {
    const tol = tolerance.get(name) ?? 0;
    const where = slice === undefined ? '' : ` in slice ${slice}`;
    const baseBound = intervals ? (lower(name) ? base.high : base.low) : Number.NaN;
    const reference = Number.isNaN(baseBound) ? base.value : baseBound;
    const line = lower(name) ? reference + tol : reference - tol;
    const value = cand?.value ?? Number.NaN;
    const bound = intervals && cand !== undefined ? (lower(name) ? cand.low : cand.high) : value;
    const seen = Number.isNaN(bound) ? value : bound;
    let passed: boolean;
    if (Number.isNaN(base.value)) passed = true;
    else if (Number.isNaN(value)) passed = false;
    else passed = lower(name) ? seen <= line : seen >= line;
    push({
      code: 'NOT_WORSE',
      message: `${name}${where}: ${fmt(num(value))}${seen !== value ? ` (interval bound ${fmt(num(seen))})` : ''} ${passed ? 'is not' : 'is'} worse than the baseline's ${fmt(num(base.value))} beyond the tolerance ${tol}`,
      passed,
      metric: name,
      ...(slice === undefined ? {} : { slice }),
      expected: num(line),
      received: num(value),
    });
  };

  if (baseline !== undefined) {
    const names = compared ?? [...candidate.metrics.keys()].filter((n) => baseline.metrics.has(n));
    for (const name of names) {
      const base = baseline.metrics.get(name);
      if (base !== undefined) compare(name, candidate.metrics.get(name), base, undefined);
    }
    for (const [slice, c] of candidate.slices) {
      const b = baseline.slices.get(slice);
      if (b === undefined || c.count < minRows || b.count < minRows) continue;
      for (const name of names) {
        const base = b.metrics.get(name);
        if (base !== undefined) compare(name, c.metrics.get(name), base, slice);
      }
    }
  }
  for (const [name, floor] of floors) {
    const value = candidate.metrics.get(name)?.value ?? Number.NaN;
    const passed = !Number.isNaN(value) && (lower(name) ? value <= floor : value >= floor);
    push({
      code: 'FLOOR',
      message: `${name} is ${fmt(num(value))}, ${lower(name) ? 'at most' : 'at least'} ${floor} required`,
      passed,
      metric: name,
      expected: floor,
      received: num(value),
    });
  }
  if (m.inputWidth !== undefined || m.transformOutputWidth !== undefined) {
    const a = checkInteger(FN, 'options.model.inputWidth', m.inputWidth, 0);
    const b = checkInteger(FN, 'options.model.transformOutputWidth', m.transformOutputWidth, 0);
    push({
      code: 'INPUT_WIDTH',
      message: `the model takes ${a} inputs and the transform writes ${b}`,
      passed: a === b,
      expected: b,
      received: a,
    });
  }
  if (m.schemaFingerprint !== undefined || m.expectedSchemaFingerprint !== undefined) {
    const a = checkString(FN, 'options.model.schemaFingerprint', m.schemaFingerprint, 1024);
    const b = checkString(FN, 'options.model.expectedSchemaFingerprint', m.expectedSchemaFingerprint, 1024);
    push({
      code: 'SCHEMA_FINGERPRINT',
      message:
        a === b
          ? 'the model was trained on the serving schema'
          : 'the model was trained on another schema than the serving one',
      passed: a === b,
      expected: b,
      received: a,
    });
  }
  if (budget !== undefined || m.latencyMs !== undefined) {
    if (budget === undefined)
      throw invalidArgument(FN, 'options.rules.latencyBudgetMs', 'is required with options.model.latencyMs');
    const latency = checkNumber(FN, 'options.model.latencyMs', m.latencyMs, { min: 0 });
    push({
      code: 'LATENCY_BUDGET',
      message: `latency ${latency} ms against a budget of ${budget} ms`,
      passed: latency <= budget,
      expected: budget,
      received: latency,
    });
  }
  if (o.history !== undefined) {
    const h = guard('options.history', () => {
      const raw = checkObject(FN, 'options.history', o.history);
      const copy: Record<string, unknown> = Object.create(null);
      for (const key of Object.keys(raw)) copy[key] = raw[key];
      return copy;
    });
    for (const name of Object.keys(h)) {
      if (!ALL_METRICS.includes(name))
        throw invalidArgument(
          FN,
          'options.history',
          `holds an unknown metric ${JSON.stringify(name.slice(0, 64))}`,
        );
      const values = guard(`options.history.${name}`, () =>
        checkArray(FN, `options.history.${name}`, h[name], 1000).map((x, i) =>
          checkNumber(FN, `options.history.${name}[${i}]`, x),
        ),
      );
      const sign = lower(name) ? -1 : 1; // worsening as a positive number
      if (values.length >= 2) {
        const drop = sign * (values[values.length - 2]! - values[values.length - 1]!);
        push({
          code: 'HISTORY_DROP',
          message: `${name} moved by ${fmt(-sign * drop)} at the baseline's last version (largest drop allowed ${maxDrop})`,
          passed: drop <= maxDrop,
          metric: name,
          expected: maxDrop,
          received: drop,
        });
      }
      if (values.length >= 3) {
        const n = values.length;
        const mx = (n - 1) / 2;
        const my = values.reduce((a, b) => a + b, 0) / n;
        let sxy = 0;
        let sxx = 0;
        values.forEach((y, x) => {
          sxy += (x - mx) * (y - my);
          sxx += (x - mx) ** 2;
        });
        const decline = sign * -((sxy / sxx) * (n - 1));
        push({
          code: 'HISTORY_DECLINE',
          message: `${name} trends by ${fmt(-sign * decline)} over the baseline's last ${n} versions (largest decline allowed ${maxDecline})`,
          passed: decline <= maxDecline,
          metric: name,
          expected: maxDecline,
          received: decline,
        });
      }
    }
  }
  const refs = readRefs(o.refs);
  return gateKind().seal({
    kind: GATE_KIND,
    formatVersion: 1,
    ...(refs === undefined ? {} : { refs }),
    passed: checks.every((c) => c.passed),
    checks,
  });
}
