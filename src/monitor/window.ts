// A closed window, as plain data, and what it says. The rules, written once:
//
// - A window is its raw material only: exact counters (requests, errors, null predictions, latency sum,
//   schema anomalies, imputed and out-of-vocabulary features, label sums) and two lockstep/stats profiles
//   (the inputs, and the outputs: prediction, latencyMs, modelVersion). Everything a window says (its
//   metrics and findings) is computed from that material by `summarize`, so a window merged from many
//   replicas (`mergeWindows`: counters added, profiles merged with lockstep/stats' mergeProfiles) says
//   what one process that saw all the traffic would say: counts exactly, quantiles and distances within
//   the sketches' stated error.
// - Metrics are numbers or null (null: nothing to measure, such as performance before any label). Names
//   are dotted, and are what alert rules name: `errorRate`, `latency.p95`, `drift.delay`, … (the full
//   list in docs/monitor.md and METRIC_HELP below).
// - Drift is lockstep/drift's `compare(baseline, window)` on profiles (Wasserstein in reference standard
//   deviations for numeric features, Jensen–Shannon in bits for categorical ones); skew, with a schema,
//   is `compare(baseline, window, { schema, mode: 'skew' })`, TFDV's skew comparators.
import { checkInteger, checkNumber, checkObject, objectKeys } from '../core/check.js';
import { describe, invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import type { Finding, Severity } from '../core/finding.js';
import { deepFreeze } from '../core/freeze.js';
import { type CompareOptions, compare, type FeatureDrift } from '../drift/compare.js';
import type { SchemaArtifact } from '../schema/artifact.js';
import type { FeatureProfile, ProfileArtifact } from '../stats/artifact.js';
import { mergeProfiles } from '../stats/profile.js';
import { quantiles } from '../stats/read.js';
import { addLabelSums, emptyLabelSums, type LabelSums, type LabelTask, labelMetrics } from './labels.js';

export const WINDOW_KIND = 'lockstep.monitor.window';

/** Requests that had one schema anomaly code on one feature, in a window. */
export interface SchemaCount {
  readonly code: string;
  /** The feature, or null for an anomaly of the whole row (BAD_ROW). */
  readonly feature: string | null;
  readonly severity: Severity;
  readonly count: number;
}

/** A window's exact counters: they add, so windows from many replicas merge exactly. */
export interface WindowCounts {
  readonly requests: number;
  readonly errors: number;
  /** Predictions that were null, undefined or NaN. */
  readonly nullPredictions: number;
  /** Requests that gave a latency, and the sum of those latencies (ms). */
  readonly latencyCount: number;
  readonly latencySumMs: number;
  /** Requests with at least one error-severity schema anomaly. */
  readonly schemaInvalid: number;
  /** By code, then feature. */
  readonly schema: readonly SchemaCount[];
  /** Requests whose transform filled a missing input (by transform feature), `[feature, count]` by name. */
  readonly imputed: readonly (readonly [string, number])[];
  /** Requests whose category went to an out-of-vocabulary bucket (by transform feature). */
  readonly outOfVocabulary: readonly (readonly [string, number])[];
  readonly labels: LabelSums;
}

/** A closed window: plain JSON, deeply frozen; what replicas publish and `mergeWindows` merges. */
export interface MonitorWindow {
  readonly kind: 'lockstep.monitor.window';
  readonly formatVersion: 1;
  /** Count windows: 0, 1, 2, … per monitor. Time windows: ⌊start / ms⌋, the same on every replica. */
  readonly index: number;
  /** Epoch ms: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly counts: WindowCounts;
  readonly profiles: {
    /** The inputs' profile: the baseline's features. */
    readonly inputs: ProfileArtifact;
    /** The outputs' profile: features `prediction`, `latencyMs` and `modelVersion`. */
    readonly outputs: ProfileArtifact;
  };
}

/** What a window says: its metrics (numbers or null) and findings, in core's finding shape. */
export interface WindowSummary {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  /** True for the window still open (a snapshot's `current`). */
  readonly partial: boolean;
  readonly requests: number;
  /** By dotted name, as alert rules name them: `errorRate`, `latency.p95`, `drift.delay`, … */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** Per input feature: lockstep/drift's comparison of the window with the baseline. */
  readonly drift: readonly FeatureDrift[];
  readonly findings: readonly Finding[];
}

/** What summarize needs besides the window. */
export interface SummaryContext {
  readonly baseline: ProfileArtifact;
  readonly schema: SchemaArtifact | undefined;
  readonly environment: string | undefined;
  readonly predictionBaseline: ProfileArtifact | undefined;
  readonly task: LabelTask;
  readonly labels: boolean;
  readonly modelCreatedAt: number | undefined;
  readonly features: readonly string[];
  /** Known categories of categorical features (schema domain, else exact baseline frequencies). */
  readonly domains: ReadonlyMap<string, ReadonlySet<string>>;
  /** Transform features, whose imputed and out-of-vocabulary shares are reported even when 0. */
  readonly transformFeatures: readonly string[];
  /** Drift thresholds: compare's `thresholds` option. */
  readonly thresholds: CompareOptions['thresholds'];
}

/** Latency quantiles reported: p50, p95, p99. */
export const LATENCY_QUANTILES: readonly [string, number][] = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
];

/** Unseen categories listed per feature in a finding. */
const MAX_UNSEEN_LISTED = 10;

function featureOf(p: ProfileArtifact, name: string): FeatureProfile | undefined {
  return p.features.find((f) => f.name === name);
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** The drift report, or a finding saying why there is none. */
function tryCompare(
  reference: ProfileArtifact,
  current: ProfileArtifact,
  options: CompareOptions,
  findings: Finding[],
  what: string,
): ReturnType<typeof compare> | undefined {
  try {
    return compare(reference, current, options);
  } catch (error) {
    if (!isLockstepError(error)) throw error;
    findings.push({
      code: 'COMPARISON_FAILED',
      severity: 'warning',
      message: `${what} could not be compared: ${error.message}`,
      reason: error.message,
    } as Finding);
    return undefined;
  }
}

/** The metrics and findings of `w`. O(features × sketch size). */
export function summarize(w: MonitorWindow, ctx: SummaryContext, partial = false): WindowSummary {
  const c = w.counts;
  const n = c.requests;
  const metrics: Record<string, number | null> = {};
  const findings: Finding[] = [];
  metrics.requests = n;
  const seconds = (w.end - w.start) / 1000;
  metrics.throughput = seconds > 0 ? n / seconds : null;
  metrics.errorRate = ratio(c.errors, n);
  metrics['prediction.nullRatio'] = ratio(c.nullPredictions, n);
  const outputs = w.profiles.outputs;
  const prediction = featureOf(outputs, 'prediction');
  metrics['prediction.mean'] =
    prediction?.numeric && prediction.numeric.count > 0 ? prediction.numeric.mean : null;
  const latency = featureOf(outputs, 'latencyMs');
  const hasLatency = latency?.numeric !== undefined && latency.numeric.count > 0;
  const qs = hasLatency
    ? quantiles(
        outputs,
        'latencyMs',
        LATENCY_QUANTILES.map(([, p]) => p),
      )
    : undefined;
  LATENCY_QUANTILES.forEach(([name], i) => {
    metrics[`latency.${name}`] = qs === undefined ? null : qs[i]!;
  });
  metrics['latency.mean'] = ratio(c.latencySumMs, c.latencyCount);
  metrics['model.ageSeconds'] = ctx.modelCreatedAt === undefined ? null : (w.end - ctx.modelCreatedAt) / 1000;

  // Inputs: drift against the baseline, skew by the schema's comparators, missing and unseen shares.
  const inputs = w.profiles.inputs;
  const report = tryCompare(
    ctx.baseline,
    inputs,
    ctx.thresholds === undefined ? {} : { thresholds: ctx.thresholds },
    findings,
    'the inputs',
  );
  for (const name of ctx.features) metrics[`drift.${name}`] = null;
  for (const d of report?.features ?? []) {
    metrics[`drift.${d.feature}`] = d.statistic;
    if (d.drifted)
      findings.push({
        code: 'FEATURE_DRIFT',
        severity: 'warning',
        message: `"${d.feature}": ${d.method} ${round(d.statistic)} against the baseline (drift at ${d.pValue === undefined ? '≥' : 'p <'} ${d.threshold})`,
        feature: d.feature,
        method: d.method,
        statistic: d.statistic,
        threshold: d.threshold,
      } as Finding);
  }
  for (const a of report?.anomalies ?? []) findings.push(a);
  metrics['drift.share'] =
    report === undefined || report.dataset.compared === 0 ? null : report.dataset.share;
  if (ctx.schema !== undefined) {
    const skew = tryCompare(
      ctx.baseline,
      inputs,
      {
        schema: ctx.schema,
        mode: 'skew',
        ...(ctx.environment === undefined ? {} : { environment: ctx.environment }),
      },
      findings,
      'the inputs (skew)',
    );
    for (const d of skew?.features ?? []) metrics[`skew.${d.feature}`] = d.statistic;
    for (const a of skew?.anomalies ?? []) if (a.code === 'SKEW_HIGH') findings.push(a);
  }
  for (const name of ctx.features) {
    const f = featureOf(inputs, name);
    metrics[`missing.${name}`] = f === undefined ? null : ratio(f.missing, inputs.rows);
    const domain = ctx.domains.get(name);
    if (domain === undefined) continue;
    const cat = f?.categorical;
    if (cat === undefined || cat.count === 0) {
      metrics[`unseen.${name}`] = null;
      continue;
    }
    let unseen = 0;
    const listed: (readonly [string, number])[] = [];
    for (const [value, count] of cat.frequencies) {
      if (domain.has(value)) continue;
      unseen += count;
      if (listed.length < MAX_UNSEEN_LISTED) listed.push([value, count]);
    }
    metrics[`unseen.${name}`] = unseen / cat.count;
    if (unseen > 0)
      findings.push({
        code: 'UNSEEN_CATEGORY',
        severity: 'warning',
        message: `"${name}": ${unseen} of ${cat.count} values are categories the baseline never had (${listed
          .slice(0, 3)
          .map(([v]) => JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v))
          .join(', ')}${listed.length > 3 ? ', …' : ''})`,
        feature: name,
        count: unseen,
        fraction: unseen / cat.count,
        values: listed,
        exact: cat.frequencyError === 0,
      } as Finding);
  }

  // Outputs: prediction drift against a prediction baseline.
  if (ctx.predictionBaseline !== undefined) {
    const pd = tryCompare(
      ctx.predictionBaseline,
      outputs,
      { features: ['prediction'] },
      findings,
      'the predictions',
    );
    const d = pd?.features[0];
    metrics['prediction.drift'] = d === undefined ? null : d.statistic;
    if (d?.drifted)
      findings.push({
        code: 'PREDICTION_DRIFT',
        severity: 'warning',
        message: `predictions: ${d.method} ${round(d.statistic)} against the prediction baseline (drift at ${d.threshold})`,
        method: d.method,
        statistic: d.statistic,
        threshold: d.threshold,
      } as Finding);
  }

  // Transform fallbacks and schema anomalies.
  const shares = (prefix: string, pairs: readonly (readonly [string, number])[]) => {
    for (const name of ctx.transformFeatures) metrics[`${prefix}.${name}`] = ratio(0, n);
    for (const [name, count] of pairs) metrics[`${prefix}.${name}`] = ratio(count, n);
  };
  shares('imputed', c.imputed);
  shares('outOfVocabulary', c.outOfVocabulary);
  for (const [name, count] of c.imputed)
    if (count > 0)
      findings.push({
        code: 'FEATURE_IMPUTED',
        severity: 'info',
        message: `"${name}": missing and filled by the transform in ${count} of ${n} requests`,
        feature: name,
        count,
        fraction: ratio(count, n),
      } as Finding);
  metrics['schema.invalidRatio'] = ctx.schema === undefined ? null : ratio(c.schemaInvalid, n);
  for (const s of c.schema)
    findings.push({
      code: s.code,
      severity: s.severity,
      message: `${s.feature === null ? 'row' : JSON.stringify(s.feature)}: ${s.code} in ${s.count} of ${n} requests`,
      ...(s.feature === null ? {} : { feature: s.feature }),
      count: s.count,
      fraction: ratio(s.count, n),
    } as Finding);

  if (ctx.labels) Object.assign(metrics, labelMetrics(ctx.task, c.labels));
  if (n > 0 && c.errors > 0)
    findings.push({
      code: 'REQUEST_ERRORS',
      severity: 'warning',
      message: `${c.errors} of ${n} requests failed`,
      count: c.errors,
      fraction: c.errors / n,
    } as Finding);
  if (n > 0 && c.nullPredictions > 0)
    findings.push({
      code: 'NULL_PREDICTIONS',
      severity: 'warning',
      message: `${c.nullPredictions} of ${n} predictions were null or NaN`,
      count: c.nullPredictions,
      fraction: c.nullPredictions / n,
    } as Finding);
  return deepFreeze({
    index: w.index,
    start: w.start,
    end: w.end,
    partial,
    requests: n,
    metrics,
    drift: report?.features ?? [],
    findings,
  });
}

function round(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 1e4) / 1e4) : String(x);
}

// ---------------------------------------------------------------------------------------------------
// Merging windows from many replicas.

const WINDOW_KEYS = ['kind', 'formatVersion', 'index', 'start', 'end', 'counts', 'profiles'] as const;
const COUNT_KEYS = [
  'requests',
  'errors',
  'nullPredictions',
  'latencyCount',
  'latencySumMs',
  'schemaInvalid',
  'schema',
  'imputed',
  'outOfVocabulary',
  'labels',
] as const;
const LABEL_KEYS: readonly (keyof LabelSums)[] = [
  'scored',
  'unscored',
  'unmatched',
  'evicted',
  'correct',
  'error',
  'absoluteError',
  'squaredError',
  'logLoss',
];
/** Most entries a window's schema, imputed or out-of-vocabulary list may hold when read. */
const MAX_ENTRIES = 1 << 16;

/** Reads one field of an object, once; a throwing getter is an INVALID_ARGUMENT naming it. */
function field(fn: string, arg: string, o: object, key: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    throw invalidArgument(fn, `${arg}.${key}`, 'must be readable (its getter threw)');
  }
}

function readKnown(fn: string, arg: string, v: unknown, keys: readonly string[]): Record<string, unknown> {
  const list = objectKeys(fn, arg, v);
  for (const k of list)
    if (!keys.includes(k)) throw invalidArgument(fn, arg, `has an unknown key ${describe(k)}`);
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of keys) out[k] = field(fn, arg, v as object, k);
  return out;
}

function readPairs(fn: string, arg: string, v: unknown): [string, number][] {
  if (!Array.isArray(v) || v.length > MAX_ENTRIES)
    throw invalidArgument(fn, arg, `must be an array of at most ${MAX_ENTRIES} [name, count] pairs`, v);
  const out: [string, number][] = [];
  for (let i = 0; i < v.length; i++) {
    const pair = field(fn, arg, v, String(i));
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string')
      throw invalidArgument(fn, `${arg}[${i}]`, 'must be a [name, count] pair', pair);
    out.push([pair[0], checkInteger(fn, `${arg}[${i}][1]`, pair[1], 0)]);
  }
  return out;
}

/** A window given to mergeWindows, checked (its profiles checked by mergeProfiles). */
function readWindow(fn: string, arg: string, v: unknown): MonitorWindow {
  checkObject(fn, arg, v, 'must be a lockstep.monitor.window (a closed window of a monitor)');
  const o = readKnown(fn, arg, v, WINDOW_KEYS);
  if (o.kind !== WINDOW_KIND)
    throw invalidArgument(fn, `${arg}.kind`, `must be ${JSON.stringify(WINDOW_KIND)}`, o.kind);
  if (o.formatVersion !== 1) throw invalidArgument(fn, `${arg}.formatVersion`, 'must be 1', o.formatVersion);
  const index = checkInteger(fn, `${arg}.index`, o.index, 0);
  const start = checkNumber(fn, `${arg}.start`, o.start);
  const end = checkNumber(fn, `${arg}.end`, o.end, { min: start });
  const c = readKnown(fn, `${arg}.counts`, o.counts, COUNT_KEYS);
  const int = (k: string) => checkInteger(fn, `${arg}.counts.${k}`, c[k], 0);
  const schemaList = c.schema;
  if (!Array.isArray(schemaList) || schemaList.length > MAX_ENTRIES)
    throw invalidArgument(
      fn,
      `${arg}.counts.schema`,
      `must be an array of at most ${MAX_ENTRIES} entries`,
      schemaList,
    );
  const schema: SchemaCount[] = [];
  for (let i = 0; i < schemaList.length; i++) {
    const at = `${arg}.counts.schema[${i}]`;
    const s = readKnown(fn, at, field(fn, `${arg}.counts.schema`, schemaList, String(i)), [
      'code',
      'feature',
      'severity',
      'count',
    ]);
    if (typeof s.code !== 'string' || s.code.length > 64)
      throw invalidArgument(fn, `${at}.code`, 'must be a code', s.code);
    if (s.feature !== null && typeof s.feature !== 'string')
      throw invalidArgument(fn, `${at}.feature`, 'must be a string or null', s.feature);
    if (s.severity !== 'error' && s.severity !== 'warning' && s.severity !== 'info')
      throw invalidArgument(fn, `${at}.severity`, "must be 'error', 'warning' or 'info'", s.severity);
    schema.push({
      code: s.code,
      feature: s.feature,
      severity: s.severity,
      count: checkInteger(fn, `${at}.count`, s.count, 0),
    });
  }
  const l = readKnown(fn, `${arg}.counts.labels`, c.labels, LABEL_KEYS);
  const labels = emptyLabelSums();
  for (const k of LABEL_KEYS)
    labels[k] =
      k === 'error'
        ? checkNumber(fn, `${arg}.counts.labels.${k}`, l[k])
        : checkNumber(fn, `${arg}.counts.labels.${k}`, l[k], { min: 0 });
  const p = readKnown(fn, `${arg}.profiles`, o.profiles, ['inputs', 'outputs']);
  return {
    kind: WINDOW_KIND,
    formatVersion: 1,
    index,
    start,
    end,
    counts: {
      requests: int('requests'),
      errors: int('errors'),
      nullPredictions: int('nullPredictions'),
      latencyCount: int('latencyCount'),
      latencySumMs: checkNumber(fn, `${arg}.counts.latencySumMs`, c.latencySumMs, { min: 0 }),
      schemaInvalid: int('schemaInvalid'),
      schema,
      imputed: readPairs(fn, `${arg}.counts.imputed`, c.imputed),
      outOfVocabulary: readPairs(fn, `${arg}.counts.outOfVocabulary`, c.outOfVocabulary),
      labels,
    },
    profiles: p as unknown as MonitorWindow['profiles'],
  };
}

function addPairs(into: Map<string, number>, pairs: readonly (readonly [string, number])[]): void {
  for (const [k, v] of pairs) into.set(k, (into.get(k) ?? 0) + v);
}

/** Pairs by name, in UTF-16 order: a canonical order, so merging is commutative byte for byte. */
export function sortedPairs(m: ReadonlyMap<string, number>): [string, number][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Schema counts by code, then feature (null first). */
export function sortedSchema(list: SchemaCount[]): SchemaCount[] {
  return list.sort((a, b) =>
    a.code !== b.code
      ? a.code < b.code
        ? -1
        : 1
      : a.feature === b.feature
        ? 0
        : a.feature === null
          ? -1
          : b.feature === null
            ? 1
            : a.feature < b.feature
              ? -1
              : 1,
  );
}

/**
 * The window of a fleet: closed windows of the same period from many replicas (published as JSON and read
 * back, or as the monitors gave them) merged into one, as one monitor that saw every request would have
 * closed it. Counters are added exactly; the input and output profiles are merged with lockstep/stats'
 * `mergeProfiles` (exact counts, quantiles within the KLL sketch's error). The result spans from the
 * earliest start to the latest end, with the first window's index; pass it to a monitor's `summarize`
 * for its metrics and findings. O(windows × profile size).
 * @example mergeWindows(a.windows()[0], b.windows()[0]).counts.requests // => a's requests plus b's
 * @throws LockstepError `INVALID_ARGUMENT` for no window, or for one that is not a monitor window (naming
 *   the field at fault); `INVALID_ARTIFACT` for a profile inside that is malformed; `INVALID_ARGUMENT` for
 *   profiles of different sketch sizes.
 */
export function mergeWindows(...windows: MonitorWindow[]): MonitorWindow {
  const fn = 'mergeWindows';
  if (windows.length === 0) throw invalidArgument(fn, 'windows', 'must hold at least one window');
  if (windows.length > 1_000_000)
    throw invalidArgument(fn, 'windows', `must hold at most 1000000 windows, got ${windows.length}`);
  const read = windows.map((w, i) => readWindow(fn, `windows[${i}]`, w));
  const schema = new Map<string, SchemaCount>();
  const imputed = new Map<string, number>();
  const oov = new Map<string, number>();
  const labels = emptyLabelSums();
  let requests = 0;
  let errors = 0;
  let nullPredictions = 0;
  let latencyCount = 0;
  let latencySumMs = 0;
  let schemaInvalid = 0;
  for (const w of read) {
    const c = w.counts;
    requests += c.requests;
    errors += c.errors;
    nullPredictions += c.nullPredictions;
    latencyCount += c.latencyCount;
    latencySumMs += c.latencySumMs;
    schemaInvalid += c.schemaInvalid;
    for (const s of c.schema) {
      const key = `${s.code}\u0000${s.feature ?? ''}\u0000${s.feature === null ? 0 : 1}`;
      const had = schema.get(key);
      schema.set(key, had === undefined ? s : { ...had, count: had.count + s.count });
    }
    addPairs(imputed, c.imputed);
    addPairs(oov, c.outOfVocabulary);
    addLabelSums(labels, c.labels);
  }
  const profilesOf = (side: 'inputs' | 'outputs') =>
    mergeProfiles(
      ...read.map((w, i) => {
        const p = field(fn, `windows[${i}].profiles`, w.profiles, side);
        return p as ProfileArtifact;
      }),
    );
  let inputs: ProfileArtifact;
  let outputs: ProfileArtifact;
  try {
    inputs = profilesOf('inputs');
    outputs = profilesOf('outputs');
  } catch (error) {
    if (error instanceof LockstepError && error.fn === 'mergeProfiles')
      throw new LockstepError(error.code, error.message.replace(/^mergeProfiles/, fn), {
        fn,
        arg: 'windows',
        path: error.path,
        issues: error.issues,
      });
    throw error;
  }
  return deepFreeze({
    kind: WINDOW_KIND,
    formatVersion: 1,
    index: read[0]!.index,
    start: read.reduce((m, w) => Math.min(m, w.start), Number.POSITIVE_INFINITY),
    end: read.reduce((m, w) => Math.max(m, w.end), Number.NEGATIVE_INFINITY),
    counts: {
      requests,
      errors,
      nullPredictions,
      latencyCount,
      latencySumMs,
      schemaInvalid,
      schema: sortedSchema([...schema.values()]),
      imputed: sortedPairs(imputed),
      outOfVocabulary: sortedPairs(oov),
      labels,
    },
    profiles: { inputs, outputs },
  });
}
