// The serving monitor: one factory, `createMonitor`, whose `observe` is called on every request. The rules,
// written once:
//
// - The hot path does only what must happen per request, in O(features) with no allocation for an
//   ordinary request: read the observation's fields once, store each input value and the prediction,
//   latency and model version in the window's preallocated chunk (columns.ts), add to a handful of
//   counters, and, when asked for, run the schema's single-row validator (which allocates nothing for a
//   valid row), remember the key for its label, and hash the key for sampled logging. Everything else
//   (profiles, drift, skew, quantiles, alert rules) is computed when a window closes, or for the window
//   still open when a snapshot is asked for. Memory is bounded by the sketch sizes, the chunk, the
//   windows kept (`window.keep`), the pending label keys (`labels.maxPending`) and the distinct feature
//   names counted, however long the process runs.
// - Windows tumble: by count (`window: { requests }`, a window closes after that many requests) or by time
//   (`window: { ms }`, aligned to multiples of `ms` since the epoch, so every replica's window i covers
//   the same period and their windows merge). A time window closes when an observation, `tick()` or a
//   snapshot finds the clock past its end; periods with no requests make no windows. The clock is
//   `options.now` (default Date.now), read once per observation with time windows or sampled logging,
//   and only at window edges otherwise.
// - A closed window is data (window.ts): exact counters and two profiles, which is what replicas publish
//   and `mergeWindows` merges. Its summary (metrics and findings) is what alert rules judge (alerts.ts).
// - Callbacks (`onWindow`, `onAlert`, the log sink) run after the monitor's state is complete, so one that
//   throws cannot leave a window half closed; its error reaches the caller of observe, tick or
//   closeWindow.
// - Sampled logging is lockstep/split's sampleByKey rule: a request is logged when
//   murmur3(key, murmur3(salt, 0)) / 2^32 < rate, through core's hash-key rules, so it logs the same keys
//   as sampleByKey(key, rate, { salt }) in every replica and language.
import {
  checkFunction,
  checkInteger,
  checkNumber,
  checkObject,
  checkString,
  checkStrings,
  didYouMean,
  objectKeys,
  readOptions,
} from '../core/check.js';
import { wallClock } from '../core/clock.js';
import { invalidArgument, isLockstepError, LockstepError, rethrownAs } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { deepFreeze } from '../core/freeze.js';
import { type HashKey, keyText, saltSeed, unitOf } from '../core/hash-key.js';
import type { SchemaArtifact } from '../schema/artifact.js';
import { REDACTED, redact } from '../schema/redact.js';
import { compileValidator, type RowValidator } from '../schema/row-validator.js';
import type { ProfileArtifact } from '../stats/artifact.js';
import { isProfile, SKETCH_RANGES, sealedProfile } from '../stats/artifact.js';
import type { PiiToken, SketchSizes } from '../stats/feature.js';
import { createProfiler, type PiiOption } from '../stats/profile.js';
import {
  type AlertEvent,
  type AlertRule,
  type AlertStatus,
  type CompiledRule,
  compileRules,
  firingFindings,
  initialState,
  judge,
  type RuleState,
  statusOf,
} from './alerts.js';
import {
  bufferProfile,
  CHUNK_ROWS,
  createProfileBuffer,
  flushBuffer,
  type ProfileBuffer,
  putValue,
  resetProfileBuffer,
} from './columns.js';
import {
  addPending,
  createPending,
  emptyLabelSums,
  type LabelAccumulator,
  type LabelTask,
  type PendingTable,
  scoreLabel,
  takePending,
} from './labels.js';
import { type Family, formatFamilies, type Sample } from './prometheus.js';
import {
  LATENCY_QUANTILES,
  type MonitorWindow,
  mergeWindows,
  type SchemaCount,
  type SummaryContext,
  sortedPairs,
  sortedSchema,
  summarize,
  WINDOW_KIND,
  type WindowSummary,
} from './window.js';

/** How windows tumble: after `requests` requests, or every `ms` milliseconds; `keep` closed windows are kept. */
export interface WindowOptions {
  /** A window closes after this many requests (an integer in [1, 2^30]). */
  readonly requests?: number;
  /** A window covers [i·ms, (i+1)·ms) of the clock (an integer in [1, 2^40]). Default 60,000 (a minute). */
  readonly ms?: number;
  /** Closed windows kept for `windows()`, `snapshot()` and `windowProfiles()`, in [1, 10,000]. Default 24. */
  readonly keep?: number;
}

/** Delayed labels: what they are, and how many predictions may wait for theirs. */
export interface LabelOptions {
  /** `'binary'` (default: probabilities and 0/1 labels), `'regression'` or `'classification'`. */
  readonly task?: LabelTask;
  /**
   * Keys waiting for a label, at most, in [1, 2^24]: a prediction waits while fewer than this many keyed
   * requests came after it, then is evicted (counted). Default 100,000.
   */
  readonly maxPending?: number;
}

/** What the log sink receives for a sampled request. */
export interface LoggedRequest {
  readonly key: HashKey;
  readonly input: unknown;
  readonly features: unknown;
  readonly prediction: unknown;
  /** The clock when it was observed (epoch ms). */
  readonly at: number;
}

/** Hash-sampled logging of served requests (lockstep/split's sampleByKey rule). */
export interface LogOptions {
  /** Share of keys logged, in [0, 1]. */
  readonly rate: number;
  /** The sample's salt (as sampleByKey's). Default ''. */
  readonly salt?: string;
  readonly sink: (request: LoggedRequest) => void;
}

/** The model being served, as plain data (a registry version's fields): its age is a metric. */
export interface MonitorModel {
  readonly version?: string;
  /** When it was created: an ISO-8601 string or epoch milliseconds. */
  readonly createdAt: string | number;
}

/** What a transform's `apply(…, { explain: true })` says about a request, read by shape. */
export interface FeatureExplanation {
  readonly missing?: readonly { readonly feature: string }[];
  readonly outOfVocabulary?: readonly { readonly feature: string }[];
}

export interface MonitorOptions {
  /** The training profile (lockstep/stats, made or parsed by lockstep): drift is measured against it. */
  readonly baseline: ProfileArtifact;
  /** Input features monitored (baseline features). Default: every feature of the baseline. */
  readonly features?: readonly string[];
  /** A schema (sealed or parsed by lockstep): each request is validated, and skew uses its comparators. */
  readonly schema?: SchemaArtifact;
  /** The schema environment requests are checked against (`'serving'`). */
  readonly environment?: string;
  /** A fitted transform (lockstep/transform's artifact, read by shape): its features' fallbacks are reported. */
  readonly transform?: { readonly features: readonly { readonly name: string }[] };
  /** A profile of predictions (a feature named `prediction`): `prediction.drift` compares with it. */
  readonly predictionBaseline?: ProfileArtifact;
  readonly window?: WindowOptions;
  readonly alerts?: readonly AlertRule[];
  readonly onAlert?: (event: AlertEvent) => void;
  /** Called with each closed window and its summary (publish the window for the fleet here). */
  readonly onWindow?: (window: MonitorWindow, summary: WindowSummary) => void;
  /** Join delayed labels by request key. Off unless given. */
  readonly labels?: LabelOptions;
  readonly log?: LogOptions;
  readonly model?: MonitorModel;
  /** Drift thresholds (lockstep/drift compare's `thresholds`): one for all features, or per feature. */
  readonly thresholds?: number | Readonly<Record<string, number>>;
  /** Sketch sizes of the window profiles. Default: the baseline's (so windows merge with it). */
  readonly sketches?: Partial<SketchSizes>;
  /** The clock, epoch milliseconds. Default Date.now. */
  readonly now?: () => number;
  /**
   * PII features besides the schema's (`pii: true`), or token functions for them: lockstep/stats'
   * profile option. Their window profiles keep counts (and tokens) only, sampled logs redact them (with a
   * schema, unlisted columns are dropped from logs too), and no drift or unseen-category finding shows
   * their values.
   */
  readonly pii?: PiiOption;
}

/** One request, as the service saw it. Every field is optional. */
export interface Observation {
  /** The request's raw input row. */
  readonly input?: object;
  /** The transformed features: a Float32Array, or `apply(…, { explain: true })`'s explanation. */
  readonly features?: unknown;
  /** The model's output: a number, a class, or null when it gave none. */
  readonly prediction?: unknown;
  readonly latencyMs?: number;
  /** Anything but undefined, null and false marks the request as failed (pass the caught error). */
  readonly error?: unknown;
  readonly modelVersion?: string;
  /** The request key: labels join by it, and sampled logging hashes it. */
  readonly key?: HashKey;
}

/** A closed window's profiles: what the fleet merges with lockstep/stats' mergeProfiles. */
export interface WindowProfiles {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly inputs: ProfileArtifact;
  readonly outputs: ProfileArtifact;
}

/** Cumulative counts since the monitor was created. */
export interface MonitorTotals {
  readonly requests: number;
  readonly errors: number;
  readonly nullPredictions: number;
  readonly latencyCount: number;
  readonly latencySumMs: number;
  readonly labels: number;
  readonly unmatchedLabels: number;
  readonly pendingLabels: number;
  readonly evictedKeys: number;
  readonly logged: number;
  readonly windows: number;
}

/** `snapshot()`: plain, deeply frozen data for dashboards and reports. */
export interface MonitorSnapshot {
  readonly kind: 'lockstep.monitor.snapshot';
  readonly formatVersion: 1;
  /** The clock when it was taken. */
  readonly at: number;
  readonly model: {
    readonly version: string | null;
    readonly createdAt: number;
    readonly ageSeconds: number;
  } | null;
  readonly totals: MonitorTotals;
  /** Closed windows kept, oldest first. */
  readonly windows: readonly WindowSummary[];
  /** The window still open, summarised so far (`partial: true`); null before its first request. */
  readonly current: WindowSummary | null;
  readonly alerts: readonly AlertStatus[];
  /** The findings of the latest closed window, then the current one's. */
  readonly findings: readonly Finding[];
}

export interface Monitor {
  /** Records one request. O(features); allocates nothing for an ordinary request. */
  observe(observation: Observation): void;
  /** Joins a delayed label to the prediction observed with `key`; true when one was pending. */
  label(key: HashKey, value: number | boolean | string): boolean;
  /** Closes the windows the clock has passed (time windows); call it from a timer in a quiet service. */
  tick(): void;
  /** Closes the current window now, if it has any request; returns it. */
  closeWindow(): MonitorWindow | undefined;
  /** Closed windows kept, oldest first: plain frozen data, ready to publish and merge. */
  windows(): readonly MonitorWindow[];
  /** The closed windows' profiles, oldest first. */
  windowProfiles(): readonly WindowProfiles[];
  /** The metrics and findings of any window (one of this monitor's, or merged from a fleet). */
  summarize(window: MonitorWindow): WindowSummary;
  snapshot(): MonitorSnapshot;
  /** Prometheus text exposition format 0.0.4 (serve with PROMETHEUS_CONTENT_TYPE). */
  metricsText(): string;
}

const FN = 'createMonitor';
const OPTION_KEYS = [
  'baseline',
  'features',
  'schema',
  'environment',
  'transform',
  'predictionBaseline',
  'window',
  'alerts',
  'onAlert',
  'onWindow',
  'labels',
  'log',
  'model',
  'thresholds',
  'sketches',
  'now',
  'pii',
] as const;
const WINDOW_KEYS = ['requests', 'ms', 'keep'] as const;
const LABEL_KEYS = ['task', 'maxPending'] as const;
const LOG_KEYS = ['rate', 'salt', 'sink'] as const;
const MODEL_KEYS = ['version', 'createdAt'] as const;
const SKETCH_KEYS = ['quantileK', 'distinctP', 'frequentCapacity'] as const;
const OBSERVATION_KEYS = ['input', 'features', 'prediction', 'latencyMs', 'error', 'modelVersion', 'key'];
const OUTPUT_FEATURES = ['prediction', 'latencyMs', 'modelVersion'];

/** Distinct transform feature names counted for imputation and out-of-vocabulary (the rest are not). */
const MAX_COUNTED_NAMES = 4096;
/** Longest explanation list read from one request. */
const MAX_EXPLAINED = 100_000;
/** Longest model version string. */
const MAX_VERSION = 1024;

/** Metrics every monitor has, by name (for checking alert rules). */
const FIXED_METRICS = [
  'requests',
  'throughput',
  'errorRate',
  'prediction.nullRatio',
  'prediction.mean',
  'prediction.drift',
  'latency.p50',
  'latency.p95',
  'latency.p99',
  'latency.mean',
  'model.ageSeconds',
  'drift.share',
  'schema.invalidRatio',
  'labels.count',
  'labels.unmatched',
  'labels.evicted',
  'performance.accuracy',
  'performance.meanError',
  'performance.mae',
  'performance.brier',
  'performance.logLoss',
  'performance.rmse',
];
const FEATURE_METRICS = ['drift', 'skew', 'missing', 'unseen'];
const TRANSFORM_METRICS = ['imputed', 'outOfVocabulary'];

/** The observation's fields, read once (module-level scratch: observe is synchronous and not re-entrant). */
let oInput: unknown;
let oFeatures: unknown;
let oPrediction: unknown;
let oLatency: unknown;
let oError: unknown;
let oVersion: unknown;
let oKey: unknown;

function readObservation(observation: unknown): void {
  const fn = 'monitor.observe';
  if (typeof observation !== 'object' || observation === null || Array.isArray(observation))
    throw invalidArgument(fn, 'observation', 'must be an object', observation);
  try {
    // Strict keys, as options are: a misspelled field would otherwise be silently unmonitored.
    for (const k in observation) {
      if (
        k !== 'input' &&
        k !== 'prediction' &&
        k !== 'latencyMs' &&
        k !== 'key' &&
        k !== 'error' &&
        k !== 'features' &&
        k !== 'modelVersion'
      )
        throw k;
    }
    const o = observation as Observation;
    oInput = o.input;
    oFeatures = o.features;
    oPrediction = o.prediction;
    oLatency = o.latencyMs;
    oError = o.error;
    oVersion = o.modelVersion;
    oKey = o.key;
  } catch (thrown) {
    if (typeof thrown === 'string') {
      // An unknown key: readOptions says which and suggests the closest.
      readOptions(fn, observation, OBSERVATION_KEYS, 'observation');
    }
    throw invalidArgument(fn, 'observation', 'must be readable (a getter or Proxy threw)');
  }
}

function sizesOf(baseline: ProfileArtifact, value: unknown): SketchSizes {
  const out = { ...baseline.sketches };
  if (value === undefined) return out;
  const o = readOptions(FN, value, SKETCH_KEYS, 'options.sketches');
  for (const key of SKETCH_KEYS) {
    if (o[key] === undefined) continue;
    const [lo, hi] = SKETCH_RANGES[key];
    out[key] = checkInteger(FN, `options.sketches.${key}`, o[key], lo, hi);
  }
  return out;
}

function checkProfile(arg: string, value: unknown): ProfileArtifact {
  if (value === undefined) throw invalidArgument(FN, arg, 'is required: a lockstep.profile artifact');
  if (!isProfile(value)) return sealedProfile(FN, arg, value);
  return value;
}

function timeOf(arg: string, v: unknown): number {
  if (typeof v === 'number') return checkNumber(FN, arg, v);
  if (typeof v === 'string' && v.length <= 64) {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  throw invalidArgument(FN, arg, 'must be an ISO-8601 date string or epoch milliseconds', v);
}

/** Domains for unseen categories: the schema's, else the baseline's exact frequencies. */
function domainsOf(
  baseline: ProfileArtifact,
  schema: SchemaArtifact | undefined,
  features: readonly string[],
  pii: ReadonlySet<string>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const name of features) {
    if (pii.has(name)) continue; // its window profile lists no values to check (nor should a finding)
    const declared = schema?.features.find((f) => f.name === name)?.categorical?.values;
    if (declared !== undefined && declared.length > 0) {
      out.set(name, new Set(declared));
      continue;
    }
    const f = baseline.features.find((x) => x.name === name);
    const cat = f?.categorical;
    if ((f?.type === 'categorical' || f?.type === 'boolean') && cat !== undefined && cat.frequencyError === 0)
      out.set(name, new Set(cat.frequencies.map(([v]) => v)));
  }
  return out;
}

/** The mutable counters of the open window. */
interface Live {
  index: number;
  start: number;
  end: number;
  requests: number;
  errors: number;
  nullPredictions: number;
  latencyCount: number;
  latencySumMs: number;
  schemaInvalid: number;
  schema: Map<string, { code: string; feature: string | null; severity: 'error' | 'warning'; count: number }>;
  imputed: Map<string, number>;
  outOfVocabulary: Map<string, number>;
  labels: LabelAccumulator;
}

function freshLive(index: number, start: number, end: number): Live {
  return {
    index,
    start,
    end,
    requests: 0,
    errors: 0,
    nullPredictions: 0,
    latencyCount: 0,
    latencySumMs: 0,
    schemaInvalid: 0,
    schema: new Map(),
    imputed: new Map(),
    outOfVocabulary: new Map(),
    labels: emptyLabelSums(),
  };
}

/** A byte key as a pending-table key: its bytes, in a form no string key can take (a lone surrogate first). */
function bytesKey(bytes: Uint8Array): string {
  return `\uDC00${bytes.join(',')}`;
}

/** Whether the open window has anything to report: a request, or a label. */
function active(l: Live): boolean {
  const s = l.labels;
  return l.requests > 0 || s.scored + s.unscored + s.unmatched + s.evicted > 0;
}

function countName(map: Map<string, number>, name: unknown): void {
  if (typeof name !== 'string' || name.length > 1024) return;
  const had = map.get(name);
  if (had !== undefined) map.set(name, had + 1);
  else if (map.size < MAX_COUNTED_NAMES) map.set(name, 1);
}

/** Reads one explanation list (`missing` or `outOfVocabulary`) into counts. */
function countExplained(map: Map<string, number>, list: unknown, arg: string): void {
  if (list === undefined) return;
  if (!Array.isArray(list) || list.length > MAX_EXPLAINED)
    throw invalidArgument(
      'monitor.observe',
      arg,
      `must be an array of at most ${MAX_EXPLAINED} { feature } entries`,
      list,
    );
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    if (typeof entry === 'object' && entry !== null) countName(map, (entry as { feature?: unknown }).feature);
  }
}

/**
 * A monitor for a model in production: call `observe` on every request and it keeps rolling windows (by
 * count or time) of input and prediction profiles, and per window measures input drift and skew against
 * the training profile, prediction drift, null predictions, missing and imputed features, unseen
 * categories, schema anomalies, error rate, latency p50/p95/p99, throughput, model age and, as labels
 * arrive, real performance; judges alert rules with `for` and hysteresis; and exposes it all as Prometheus
 * text and as a frozen JSON snapshot. Windows are data that merge across replicas (mergeWindows).
 * observe is O(features) and allocates nothing for an ordinary request; drift is computed when a window
 * closes (O(features × sketch size)). Anchors: Evidently's test suites, whylogs' rolling profiles,
 * NannyML, Prometheus conventions.
 * @example const m = createMonitor({ baseline: profile([{ x: 1 }, { x: 2 }]), window: { requests: 2 } }); m.observe({ input: { x: 1 }, prediction: 0.2 }); m.observe({ input: { x: 9 }, prediction: null }); m.snapshot().windows[0].metrics['prediction.nullRatio'] // => 0.5
 * @throws LockstepError `INVALID_ARGUMENT` for a missing or unusable baseline, bad options or an unknown
 *   option key (naming the closest known one), an alert rule on a metric the monitor cannot produce;
 *   `INVALID_ARTIFACT` for a profile or schema lockstep did not make or parse (parse it first).
 */
export function createMonitor(options: MonitorOptions): Monitor {
  checkObject(FN, 'options', options, 'must be an options object with at least a baseline profile');
  const o = readOptions(FN, options, OPTION_KEYS);
  const baseline = checkProfile('options.baseline', o.baseline);
  const baselineNames = baseline.features.map((f) => f.name);
  let features = baselineNames;
  if (o.features !== undefined) {
    features = [...checkStrings(FN, 'options.features', o.features, 100_000)];
    features.forEach((name, i) => {
      if (!baselineNames.includes(name))
        throw invalidArgument(
          FN,
          `options.features[${i}]`,
          `must name a feature of the baseline${didYouMean(name, baselineNames)}`,
          name,
        );
    });
  }
  let schema: SchemaArtifact | undefined;
  let validator: RowValidator | undefined;
  const environment =
    o.environment === undefined ? undefined : checkString(FN, 'options.environment', o.environment, 1024);
  if (o.schema !== undefined) {
    schema = o.schema as SchemaArtifact;
    try {
      validator = compileValidator(schema, environment === undefined ? {} : { environment });
    } catch (error) {
      if (error instanceof LockstepError)
        throw new LockstepError(
          error.code,
          error.message.replace(/^compileValidator: argument '(\w+)'/, `${FN}: argument 'options.$1'`),
          {
            fn: FN,
            arg: error.arg === 'schema' ? 'options.schema' : `options.${error.arg ?? 'schema'}`,
            path: error.path,
            issues: error.issues,
          },
        );
      throw error;
    }
  } else if (environment !== undefined)
    throw invalidArgument(FN, 'options.environment', 'needs options.schema');
  let transformFeatures: string[] = [];
  if (o.transform !== undefined) {
    const t = checkObject(
      FN,
      'options.transform',
      o.transform,
      'must be a fitted transform (lockstep.transform)',
    );
    let list: unknown;
    try {
      list = t.features;
    } catch {
      throw invalidArgument(FN, 'options.transform.features', 'must be readable (its getter threw)');
    }
    if (!Array.isArray(list) || list.length > MAX_COUNTED_NAMES)
      throw invalidArgument(
        FN,
        'options.transform.features',
        `must be an array of at most ${MAX_COUNTED_NAMES} features`,
        list,
      );
    transformFeatures = list.map((f: unknown, i) => {
      let name: unknown;
      try {
        name = typeof f === 'object' && f !== null ? (f as { name?: unknown }).name : undefined;
      } catch {
        name = undefined;
      }
      return checkString(FN, `options.transform.features[${i}].name`, name, 1024);
    });
    transformFeatures = [...new Set(transformFeatures)];
  }
  const predictionBaseline =
    o.predictionBaseline === undefined
      ? undefined
      : checkProfile('options.predictionBaseline', o.predictionBaseline);
  if (predictionBaseline !== undefined && !predictionBaseline.features.some((f) => f.name === 'prediction'))
    throw invalidArgument(
      FN,
      'options.predictionBaseline',
      `must have a feature named "prediction"${didYouMean(
        'prediction',
        predictionBaseline.features.map((f) => f.name),
      )}`,
    );

  // Windows.
  const w = o.window === undefined ? {} : readOptions(FN, o.window, WINDOW_KEYS, 'options.window');
  if (w.requests !== undefined && w.ms !== undefined)
    throw invalidArgument(FN, 'options.window', "must have one of 'requests' and 'ms', not both");
  const windowRequests =
    w.requests === undefined
      ? undefined
      : checkInteger(FN, 'options.window.requests', w.requests, 1, 2 ** 30);
  const windowMs =
    windowRequests !== undefined
      ? undefined
      : w.ms === undefined
        ? 60_000
        : checkInteger(FN, 'options.window.ms', w.ms, 1, 2 ** 40);
  const keep = w.keep === undefined ? 24 : checkInteger(FN, 'options.window.keep', w.keep, 1, 10_000);

  // Labels, logging, model, clock, callbacks.
  let task: LabelTask = 'binary';
  let pending: PendingTable | undefined;
  if (o.labels !== undefined) {
    const l = readOptions(FN, o.labels, LABEL_KEYS, 'options.labels');
    if (l.task !== undefined) {
      if (l.task !== 'binary' && l.task !== 'regression' && l.task !== 'classification')
        throw invalidArgument(
          FN,
          'options.labels.task',
          "must be 'binary', 'regression' or 'classification'",
          l.task,
        );
      task = l.task;
    }
    const max =
      l.maxPending === undefined
        ? 100_000
        : checkInteger(FN, 'options.labels.maxPending', l.maxPending, 1, 1 << 24);
    pending = createPending(max);
  }
  let logRate = 0;
  let logSeed = 0;
  let sink: ((r: LoggedRequest) => void) | undefined;
  if (o.log !== undefined) {
    const l = readOptions(FN, o.log, LOG_KEYS, 'options.log');
    if (l.rate === undefined)
      throw invalidArgument(FN, 'options.log.rate', 'is required: a number in [0, 1]');
    logRate = checkNumber(FN, 'options.log.rate', l.rate, { min: 0, max: 1 });
    logSeed = l.salt === undefined ? 0 : saltSeed(l.salt, FN, 'options.log.salt');
    if (l.sink === undefined) throw invalidArgument(FN, 'options.log.sink', 'is required: a function');
    sink = checkFunction<(r: LoggedRequest) => void>(FN, 'options.log.sink', l.sink);
  }
  let model: { version: string | null; createdAt: number } | undefined;
  if (o.model !== undefined) {
    const m = readOptions(FN, o.model, MODEL_KEYS, 'options.model');
    model = {
      version:
        m.version === undefined ? null : checkString(FN, 'options.model.version', m.version, MAX_VERSION),
      createdAt: timeOf('options.model.createdAt', m.createdAt),
    };
  }
  const nowFn = o.now === undefined ? wallClock : checkFunction<() => number>(FN, 'options.now', o.now);
  const onAlert =
    o.onAlert === undefined
      ? undefined
      : checkFunction<(e: AlertEvent) => void>(FN, 'options.onAlert', o.onAlert);
  const onWindow =
    o.onWindow === undefined
      ? undefined
      : checkFunction<(w: MonitorWindow, s: WindowSummary) => void>(FN, 'options.onWindow', o.onWindow);
  let thresholds: SummaryContext['thresholds'];
  if (typeof o.thresholds === 'number')
    thresholds = checkNumber(FN, 'options.thresholds', o.thresholds, { min: 0 });
  else if (o.thresholds !== undefined) {
    const keys = objectKeys(
      FN,
      'options.thresholds',
      o.thresholds,
      'must be a number or a record of numbers by feature',
    );
    const out: Record<string, number> = {};
    for (const k of keys) {
      if (!features.includes(k))
        throw invalidArgument(
          FN,
          `options.thresholds.${k}`,
          `must name a monitored feature${didYouMean(k, features)}`,
        );
      let v: unknown;
      try {
        v = (o.thresholds as Record<string, unknown>)[k];
      } catch {
        throw invalidArgument(FN, `options.thresholds.${k}`, 'must be readable (its getter threw)');
      }
      Object.defineProperty(out, k, {
        value: checkNumber(FN, `options.thresholds.${k}`, v, { min: 0 }),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    thresholds = out;
  }
  const sizes = sizesOf(baseline, o.sketches);

  // PII: the schema's features marked pii, and options.pii (checked as createProfiler checks it).
  const pii = new Map<string, true | { readonly token: PiiToken }>();
  for (const f of schema?.features ?? []) if (f.pii === true) pii.set(f.name, true);
  if (o.pii !== undefined) {
    try {
      createProfiler({ pii: o.pii as PiiOption });
    } catch (error) {
      if (!isLockstepError(error)) throw error;
      const from = `${error.fn}:`;
      throw error.message.startsWith(from)
        ? new LockstepError(error.code, `${FN}:${error.message.slice(from.length)}`, {
            fn: FN,
            arg: error.arg,
            path: error.path,
            issues: error.issues,
          })
        : rethrownAs(error, FN);
    }
    if (Array.isArray(o.pii)) for (const name of o.pii as string[]) pii.set(name, true);
    else
      for (const [name, entry] of Object.entries(o.pii as Record<string, true | { token: PiiToken }>))
        pii.set(name, entry === true ? true : { token: entry.token });
  }
  const piiNames: ReadonlySet<string> = new Set(pii.keys());
  const piiOption: PiiOption | undefined = pii.size === 0 ? undefined : Object.fromEntries(pii);
  /** A logged input with PII values replaced (and, with a schema, unlisted columns dropped, as redact does). */
  const redactInput = (input: object): Record<string, unknown> => {
    const row = input as Record<string, unknown>;
    const out =
      schema !== undefined
        ? redact(row, schema)
        : Object.fromEntries(Object.keys(row).map((k) => [k, row[k]]));
    for (const name of piiNames) {
      const v = Object.hasOwn(out, name) ? out[name] : undefined;
      if (v !== undefined && v !== null)
        Object.defineProperty(out, name, {
          value: REDACTED,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return out;
  };

  const checkMetric = (metric: string, arg: string) => {
    if (FIXED_METRICS.includes(metric)) return;
    const dot = metric.indexOf('.');
    const prefix = dot < 0 ? metric : metric.slice(0, dot);
    const name = metric.slice(dot + 1);
    if (dot > 0 && FEATURE_METRICS.includes(prefix)) {
      if (features.includes(name)) return;
      throw invalidArgument(
        FN,
        arg,
        `names a feature that is not monitored${didYouMean(name, features)}`,
        metric,
      );
    }
    if (dot > 0 && TRANSFORM_METRICS.includes(prefix)) {
      if (transformFeatures.length === 0 || transformFeatures.includes(name)) return;
      throw invalidArgument(
        FN,
        arg,
        `names a feature the transform does not have${didYouMean(name, transformFeatures)}`,
        metric,
      );
    }
    const known = [...FIXED_METRICS, ...features.map((f) => `drift.${f}`)];
    throw invalidArgument(FN, arg, `must be a window metric${didYouMean(metric, known)}`, metric);
  };
  const rules: CompiledRule[] = o.alerts === undefined ? [] : compileRules(FN, o.alerts, checkMetric);
  const ruleStates: RuleState[] = rules.map(initialState);

  const context: SummaryContext = {
    baseline,
    schema,
    environment,
    predictionBaseline,
    task,
    labels: pending !== undefined,
    modelCreatedAt: model?.createdAt,
    features,
    domains: domainsOf(baseline, schema, features, piiNames),
    transformFeatures,
    thresholds,
  };

  // ---- State -------------------------------------------------------------------------------------
  const timed = windowMs !== undefined;
  const readNow = (fn: string): number => {
    const t = nowFn();
    if (typeof t !== 'number' || !Number.isFinite(t))
      throw invalidArgument(fn, 'options.now', 'must return a finite number (epoch ms)', t);
    return t;
  };
  let inputs: ProfileBuffer = createProfileBuffer(features, sizes, piiOption);
  let outputs: ProfileBuffer = createProfileBuffer(OUTPUT_FEATURES, sizes);
  const inputColumns = inputs.columns;
  const outputColumns = outputs.columns;
  const nFeatures = features.length;
  let live: Live = freshLive(0, 0, 0);
  let opened = false; // the live window has its start (and, for time windows, its index and end)
  let countIndex = 0;
  const closed: MonitorWindow[] = [];
  const summaries: WindowSummary[] = [];
  const totals = {
    requests: 0,
    errors: 0,
    nullPredictions: 0,
    latencyCount: 0,
    latencySumMs: 0,
    labels: 0,
    unmatchedLabels: 0,
    evictedKeys: 0,
    logged: 0,
    windows: 0,
    schema: new Map<string, { code: string; feature: string | null; count: number }>(),
  };

  const open = (t: number) => {
    if (timed) {
      const index = Math.floor(t / windowMs);
      live = freshLive(index, index * windowMs, (index + 1) * windowMs);
    } else live = freshLive(countIndex, t, Number.POSITIVE_INFINITY);
    opened = true;
  };

  /** The live window as data (flushing its chunks). */
  const liveWindow = (end: number): MonitorWindow => ({
    kind: WINDOW_KIND,
    formatVersion: 1,
    index: live.index,
    start: live.start,
    end,
    counts: {
      requests: live.requests,
      errors: live.errors,
      nullPredictions: live.nullPredictions,
      latencyCount: live.latencyCount,
      latencySumMs: live.latencySumMs,
      schemaInvalid: live.schemaInvalid,
      schema: sortedSchema([...live.schema.values()].map((s) => ({ ...s }) as SchemaCount)),
      imputed: sortedPairs(live.imputed),
      outOfVocabulary: sortedPairs(live.outOfVocabulary),
      labels: { ...live.labels },
    },
    profiles: { inputs: bufferProfile(inputs), outputs: bufferProfile(outputs) },
  });

  /** Closes the live window at `end`; returns it and the callbacks to run. */
  const close = (end: number, calls: (() => void)[]): MonitorWindow => {
    const window = deepFreeze(liveWindow(end));
    const summary = summarize(window, context);
    const events = judge(ruleStates, summary.metrics, window.index, window.start, window.end);
    const alerts = firingFindings(ruleStates);
    const final =
      alerts.length === 0 ? summary : deepFreeze({ ...summary, findings: [...summary.findings, ...alerts] });
    closed.push(window);
    summaries.push(final);
    if (closed.length > keep) {
      closed.shift();
      summaries.shift();
    }
    totals.windows++;
    for (const s of live.schema.values()) {
      const key = `${s.code}\u0000${s.feature ?? '\u0001'}`;
      const had = totals.schema.get(key);
      if (had === undefined) totals.schema.set(key, { code: s.code, feature: s.feature, count: s.count });
      else had.count += s.count;
    }
    totals.requests += live.requests;
    totals.errors += live.errors;
    totals.nullPredictions += live.nullPredictions;
    totals.latencyCount += live.latencyCount;
    totals.latencySumMs += live.latencySumMs;
    totals.labels += live.labels.scored + live.labels.unscored;
    totals.unmatchedLabels += live.labels.unmatched;
    totals.evictedKeys += live.labels.evicted;
    inputs = resetProfileBuffer(inputs, sizes);
    outputs = resetProfileBuffer(outputs, sizes);
    countIndex++;
    opened = false;
    live = freshLive(0, 0, 0);
    if (onWindow !== undefined) calls.push(() => onWindow(window, final));
    if (onAlert !== undefined) for (const e of events) calls.push(() => onAlert(e));
    return window;
  };

  const runCalls = (calls: (() => void)[]) => {
    let first: { error: unknown } | undefined;
    for (const call of calls) {
      try {
        call();
      } catch (error) {
        first ??= { error };
      }
    }
    if (first !== undefined) throw first.error;
  };

  /** Closes the time window if the clock `t` has passed it; returns the callbacks to run. */
  const rollTo = (t: number, calls: (() => void)[]) => {
    if (opened && t >= live.end) {
      if (active(live)) close(live.end, calls);
      else opened = false;
    }
  };

  // ---- The hot path ------------------------------------------------------------------------------
  const noCalls: (() => void)[] = [];
  const observe = (observation: Observation): void => {
    const fn = 'monitor.observe';
    readObservation(observation);
    const input = oInput;
    const explained = oFeatures;
    const prediction = oPrediction;
    const latency = oLatency;
    const error = oError;
    const version = oVersion;
    const key = oKey;
    oInput = oFeatures = oPrediction = oLatency = oError = oVersion = oKey = undefined;
    // Checks first: a refused observation changes nothing.
    if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input)))
      throw invalidArgument(fn, 'observation.input', 'must be an object (the request row)', input);
    if (
      latency !== undefined &&
      (typeof latency !== 'number' || !(latency >= 0) || latency === Number.POSITIVE_INFINITY)
    )
      throw invalidArgument(fn, 'observation.latencyMs', 'must be a finite number of at least 0', latency);
    if (version !== undefined && (typeof version !== 'string' || version.length > MAX_VERSION))
      throw invalidArgument(
        fn,
        'observation.modelVersion',
        `must be a string of at most ${MAX_VERSION} characters`,
        version,
      );
    let keyString: string | undefined;
    let keyHashed: string | Uint8Array = '';
    if (key !== undefined) {
      keyHashed = keyText(key, fn, 'observation.key');
      keyString = typeof keyHashed === 'string' ? keyHashed : bytesKey(keyHashed);
    }
    let missingList: unknown;
    let oovList: unknown;
    if (explained !== undefined && !ArrayBuffer.isView(explained)) {
      if (typeof explained !== 'object' || explained === null || Array.isArray(explained))
        throw invalidArgument(
          fn,
          'observation.features',
          "must be a Float32Array or apply's explanation",
          explained,
        );
      try {
        missingList = (explained as FeatureExplanation).missing;
        oovList = (explained as FeatureExplanation).outOfVocabulary;
      } catch {
        throw invalidArgument(fn, 'observation.features', 'must be readable (a getter or Proxy threw)');
      }
      if (missingList !== undefined && (!Array.isArray(missingList) || missingList.length > MAX_EXPLAINED))
        throw invalidArgument(
          fn,
          'observation.features.missing',
          'must be an array of { feature } entries',
          missingList,
        );
      if (oovList !== undefined && (!Array.isArray(oovList) || oovList.length > MAX_EXPLAINED))
        throw invalidArgument(
          fn,
          'observation.features.outOfVocabulary',
          'must be an array of { feature } entries',
          oovList,
        );
    }
    const t = timed || sink !== undefined ? readNow(fn) : 0;
    let calls = noCalls;
    if (timed && opened && t >= live.end) {
      calls = [];
      rollTo(t, calls);
    }
    if (!opened) open(timed ? t : readNow(fn));

    // Inputs: one value a feature into the chunk.
    const row = inputs.rows;
    if (input === undefined) for (let j = 0; j < nFeatures; j++) inputColumns[j]!.tags[row] = 0;
    else {
      try {
        for (let j = 0; j < nFeatures; j++)
          putValue(inputColumns[j]!, row, (input as Record<string, unknown>)[features[j]!]);
      } catch {
        throw invalidArgument(fn, 'observation.input', 'must be readable (a getter or Proxy threw)');
      }
    }
    inputs.rows = row + 1;
    if (row + 1 === CHUNK_ROWS) flushBuffer(inputs);
    const out = outputs.rows;
    putValue(outputColumns[0]!, out, prediction);
    putValue(outputColumns[1]!, out, latency);
    putValue(outputColumns[2]!, out, version);
    outputs.rows = out + 1;
    if (out + 1 === CHUNK_ROWS) flushBuffer(outputs);

    // Counters.
    const l = live;
    l.requests++;
    if (error !== undefined && error !== null && error !== false) l.errors++;
    if (prediction === undefined || prediction === null || Number.isNaN(prediction)) l.nullPredictions++;
    if (latency !== undefined) {
      l.latencyCount++;
      l.latencySumMs += latency as number;
    }
    if (validator !== undefined && input !== undefined) {
      const report = validator(input);
      if (report.anomalies.length > 0) {
        if (!report.ok) l.schemaInvalid++;
        for (const a of report.anomalies) {
          const feature = a.feature ?? null;
          const k = `${a.code}\u0000${feature ?? '\u0001'}`;
          const had = l.schema.get(k);
          if (had !== undefined) had.count++;
          else l.schema.set(k, { code: a.code, feature, severity: a.severity, count: 1 });
        }
      }
    }
    if (missingList !== undefined && (missingList as unknown[]).length > 0)
      countExplained(l.imputed, missingList, 'observation.features.missing');
    if (oovList !== undefined && (oovList as unknown[]).length > 0)
      countExplained(l.outOfVocabulary, oovList, 'observation.features.outOfVocabulary');
    if (keyString !== undefined) {
      if (pending !== undefined) l.labels.evicted += addPending(pending, keyString, prediction);
      if (sink !== undefined && unitOf(keyHashed, logSeed) < logRate) {
        totals.logged++;
        if (calls === noCalls) calls = [];
        let shown: unknown = input;
        if (piiNames.size > 0 && input !== undefined) {
          try {
            shown = Object.freeze(redactInput(input));
          } catch {
            throw invalidArgument(fn, 'observation.input', 'must be readable (a getter or Proxy threw)');
          }
        }
        const logged = Object.freeze({
          key: key as HashKey,
          input: shown,
          features: explained,
          prediction,
          at: t,
        });
        calls.push(() => sink(logged));
      }
    }
    if (!timed && l.requests === windowRequests) {
      if (calls === noCalls) calls = [];
      close(readNow(fn), calls);
    }
    if (calls !== noCalls) runCalls(calls);
  };

  const label = (key: HashKey, value: number | boolean | string): boolean => {
    const fn = 'monitor.label';
    if (pending === undefined)
      throw new LockstepError(
        'INVALID_ARGUMENT',
        `${fn}: labels are off; pass options.labels to createMonitor`,
        {
          fn,
          arg: 'key',
        },
      );
    const text = keyText(key, fn);
    const keyString = typeof text === 'string' ? text : bytesKey(text);
    let y: number | string;
    if (task === 'binary') {
      if (value === true || value === 1) y = 1;
      else if (value === false || value === 0) y = 0;
      else throw invalidArgument(fn, 'value', 'must be 0, 1, false or true for a binary task', value);
    } else if (task === 'regression') {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw invalidArgument(fn, 'value', 'must be a finite number for a regression task', value);
      y = value;
    } else {
      if (typeof value === 'string') {
        if (value.length > 1 << 16)
          throw invalidArgument(fn, 'value', 'must be at most 65536 characters long');
        y = value;
      } else if (typeof value === 'number' || typeof value === 'boolean') y = String(value);
      else throw invalidArgument(fn, 'value', 'must be a string, a number or a boolean class', value);
    }
    const calls: (() => void)[] = [];
    if (timed) {
      const t = readNow(fn);
      rollTo(t, calls);
      if (!opened) open(t);
    } else if (!opened) open(readNow(fn));
    const taken = takePending(pending, keyString);
    if (!taken.found) live.labels.unmatched++;
    else scoreLabel(live.labels, task, taken.prediction, y);
    runCalls(calls);
    return taken.found;
  };

  const tick = (): void => {
    if (!timed) return;
    const calls: (() => void)[] = [];
    rollTo(readNow('monitor.tick'), calls);
    runCalls(calls);
  };

  const closeWindow = (): MonitorWindow | undefined => {
    if (!opened || !active(live)) return undefined;
    const calls: (() => void)[] = [];
    const t = readNow('monitor.closeWindow');
    const window = close(timed ? Math.min(live.end, Math.max(t, live.start)) : t, calls);
    runCalls(calls);
    return window;
  };

  const summarizeWindow = (window: MonitorWindow): WindowSummary => {
    const fn = 'monitor.summarize';
    // Checked as mergeWindows checks a window (its profiles parsed when they were not made by lockstep).
    let checked: MonitorWindow;
    try {
      checked = mergeOne(window);
    } catch (error) {
      if (error instanceof LockstepError)
        throw new LockstepError(
          error.code,
          error.message.replace(/^mergeWindows: argument 'windows\[0\]/, `${fn}: argument 'window`),
          {
            fn,
            arg: error.arg?.replace(/^windows(\[0\])?/, 'window'),
            path: error.path,
            issues: error.issues,
          },
        );
      throw error;
    }
    return summarize(checked, context);
  };

  const currentSummary = (t: number): WindowSummary | null => {
    if (!opened || !active(live)) return null;
    return summarize(
      deepFreeze(liveWindow(timed ? Math.min(t, live.end) : Math.max(t, live.start))),
      context,
      true,
    );
  };

  const modelView = (t: number) =>
    model === undefined
      ? null
      : { version: model.version, createdAt: model.createdAt, ageSeconds: (t - model.createdAt) / 1000 };

  const totalsView = (): MonitorTotals => ({
    requests: totals.requests + live.requests,
    errors: totals.errors + live.errors,
    nullPredictions: totals.nullPredictions + live.nullPredictions,
    latencyCount: totals.latencyCount + live.latencyCount,
    latencySumMs: totals.latencySumMs + live.latencySumMs,
    labels: totals.labels + live.labels.scored + live.labels.unscored,
    unmatchedLabels: totals.unmatchedLabels + live.labels.unmatched,
    pendingLabels: pending?.slots.size ?? 0,
    evictedKeys: totals.evictedKeys + live.labels.evicted,
    logged: totals.logged,
    windows: totals.windows,
  });

  const snapshot = (): MonitorSnapshot => {
    const calls: (() => void)[] = [];
    const t = readNow('monitor.snapshot');
    if (timed) rollTo(t, calls);
    const current = currentSummary(t);
    const last = summaries[summaries.length - 1];
    const snap: MonitorSnapshot = deepFreeze({
      kind: 'lockstep.monitor.snapshot' as const,
      formatVersion: 1 as const,
      at: t,
      model: modelView(t),
      totals: totalsView(),
      windows: [...summaries],
      current,
      alerts: ruleStates.map(statusOf),
      findings: [...(last?.findings ?? []), ...(current?.findings ?? [])],
    });
    runCalls(calls);
    return snap;
  };

  const metricsText = (): string => {
    const calls: (() => void)[] = [];
    const t = readNow('monitor.metricsText');
    if (timed) rollTo(t, calls);
    const text = formatFamilies(families(t, summaries[summaries.length - 1], totalsView()));
    runCalls(calls);
    return text;
  };

  const families = (t: number, last: WindowSummary | undefined, tot: MonitorTotals): Family[] => {
    const m = last?.metrics;
    const gauge = (name: string, help: string, samples: Sample[]): Family => ({
      name,
      help,
      type: 'gauge',
      samples,
    });
    const counter = (name: string, help: string, value: number): Family => ({
      name,
      help,
      type: 'counter',
      samples: [{ value }],
    });
    const value = (metric: string): Sample[] => {
      const v = m?.[metric];
      return v === undefined || v === null ? [] : [{ value: v }];
    };
    const perFeature = (prefix: string, names: readonly string[]): Sample[] => {
      const out: Sample[] = [];
      for (const name of names) {
        const v = m?.[`${prefix}.${name}`];
        if (v !== undefined && v !== null) out.push({ labels: [['feature', name]], value: v });
      }
      return out;
    };
    const seen = (prefix: string) => {
      const names = new Set(transformFeatures);
      for (const k of Object.keys(m ?? {}))
        if (k.startsWith(`${prefix}.`)) names.add(k.slice(prefix.length + 1));
      return [...names];
    };
    const latencySamples: Sample[] = [];
    for (const [name, p] of LATENCY_QUANTILES) {
      const v = m?.[`latency.${name}`];
      if (v !== undefined && v !== null)
        latencySamples.push({ labels: [['quantile', String(p)]], value: v / 1000 });
    }
    latencySamples.push(
      { suffix: '_sum', value: tot.latencySumMs / 1000 },
      { suffix: '_count', value: tot.latencyCount },
    );
    const schemaSamples: Sample[] = [];
    const schemaTotals = new Map(totals.schema);
    for (const s of live.schema.values()) {
      const key = `${s.code}\u0000${s.feature ?? '\u0001'}`;
      const had = schemaTotals.get(key);
      schemaTotals.set(key, { code: s.code, feature: s.feature, count: (had?.count ?? 0) + s.count });
    }
    for (const s of [...schemaTotals.values()].sort((a, b) =>
      a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
    ))
      schemaSamples.push({
        labels: [
          ['code', s.code],
          ['feature', s.feature ?? ''],
        ],
        value: s.count,
      });
    return [
      counter('lockstep_requests_total', 'Requests observed.', tot.requests),
      counter('lockstep_request_errors_total', 'Requests that failed.', tot.errors),
      counter(
        'lockstep_predictions_null_total',
        'Predictions that were null, undefined or NaN.',
        tot.nullPredictions,
      ),
      {
        name: 'lockstep_latency_seconds',
        help: 'Request latency: quantiles of the last closed window; sum and count since start.',
        type: 'summary',
        samples: latencySamples,
      },
      gauge('lockstep_window_requests', 'Requests in the last closed window.', value('requests')),
      gauge(
        'lockstep_window_end_timestamp_seconds',
        'End of the last closed window, Unix time.',
        last === undefined ? [] : [{ value: last.end / 1000 }],
      ),
      gauge(
        'lockstep_throughput_requests_per_second',
        'Requests per second in the last closed window.',
        value('throughput'),
      ),
      gauge(
        'lockstep_error_ratio',
        'Share of requests that failed in the last closed window.',
        value('errorRate'),
      ),
      gauge(
        'lockstep_prediction_null_ratio',
        'Share of null or NaN predictions in the last closed window.',
        value('prediction.nullRatio'),
      ),
      gauge(
        'lockstep_prediction_mean',
        'Mean numeric prediction in the last closed window.',
        value('prediction.mean'),
      ),
      gauge(
        'lockstep_prediction_drift',
        'Drift of the predictions against the prediction baseline (last closed window).',
        value('prediction.drift'),
      ),
      gauge(
        'lockstep_feature_drift',
        'Drift of each input feature against the training profile (Wasserstein in reference standard deviations, or Jensen-Shannon in bits), last closed window.',
        perFeature('drift', features),
      ),
      gauge(
        'lockstep_feature_drift_share',
        'Share of compared input features that drifted, last closed window.',
        value('drift.share'),
      ),
      gauge(
        'lockstep_feature_skew',
        "Training-serving skew of each input feature by the schema's skew comparator, last closed window.",
        perFeature('skew', features),
      ),
      gauge(
        'lockstep_feature_missing_ratio',
        'Share of requests missing each input feature, last closed window.',
        perFeature('missing', features),
      ),
      gauge(
        'lockstep_feature_unseen_ratio',
        'Share of values of each categorical feature that the baseline never had, last closed window.',
        perFeature('unseen', features),
      ),
      gauge(
        'lockstep_feature_imputed_ratio',
        'Share of requests whose transform filled a missing input, by transform feature, last closed window.',
        perFeature('imputed', seen('imputed')),
      ),
      gauge(
        'lockstep_feature_out_of_vocabulary_ratio',
        'Share of requests whose category went to an out-of-vocabulary bucket, by transform feature, last closed window.',
        perFeature('outOfVocabulary', seen('outOfVocabulary')),
      ),
      gauge(
        'lockstep_schema_invalid_ratio',
        'Share of requests with a schema error, last closed window.',
        value('schema.invalidRatio'),
      ),
      {
        name: 'lockstep_schema_anomalies_total',
        help: 'Schema anomalies by code and feature since start.',
        type: 'counter',
        samples: schemaSamples,
      },
      gauge(
        'lockstep_model_age_seconds',
        'Age of the model being served.',
        model === undefined
          ? []
          : [
              {
                labels: model.version === null ? [] : [['version', model.version]],
                value: (t - model.createdAt) / 1000,
              },
            ],
      ),
      ...(pending === undefined
        ? []
        : [
            counter('lockstep_labels_total', 'Labels joined to a prediction since start.', tot.labels),
            counter(
              'lockstep_labels_unmatched_total',
              'Labels whose key was not pending since start.',
              tot.unmatchedLabels,
            ),
            counter(
              'lockstep_label_keys_evicted_total',
              'Pending keys evicted before their label came, since start.',
              tot.evictedKeys,
            ),
            gauge('lockstep_label_keys_pending', 'Keys waiting for their label.', [
              { value: tot.pendingLabels },
            ]),
            gauge(
              'lockstep_accuracy_ratio',
              'Accuracy on the labels of the last closed window.',
              value('performance.accuracy'),
            ),
            gauge(
              'lockstep_brier_score',
              'Brier score on the labels of the last closed window.',
              value('performance.brier'),
            ),
            gauge(
              'lockstep_log_loss',
              'Log loss on the labels of the last closed window.',
              value('performance.logLoss'),
            ),
            gauge(
              'lockstep_prediction_error_mean',
              'Mean of prediction minus label, last closed window.',
              value('performance.meanError'),
            ),
            gauge(
              'lockstep_prediction_absolute_error_mean',
              'Mean absolute error, last closed window.',
              value('performance.mae'),
            ),
            gauge(
              'lockstep_prediction_error_rms',
              'Root mean squared error, last closed window.',
              value('performance.rmse'),
            ),
          ]),
      gauge(
        'lockstep_alerts_firing',
        'Alert rules firing (1) or not (0).',
        ruleStates.map((s) => ({
          labels: [['rule', s.rule.name]] as const,
          value: s.state === 'firing' ? 1 : 0,
        })),
      ),
    ];
  };

  const monitor: Monitor = {
    observe,
    label,
    tick,
    closeWindow,
    windows: () => Object.freeze([...closed]),
    windowProfiles: () =>
      Object.freeze(
        closed.map((w) =>
          Object.freeze({
            index: w.index,
            start: w.start,
            end: w.end,
            inputs: w.profiles.inputs,
            outputs: w.profiles.outputs,
          }),
        ),
      ),
    summarize: summarizeWindow,
    snapshot,
    metricsText,
  };
  return Object.freeze(monitor);
}

/** A window checked (and its profiles parsed) as mergeWindows checks one. */
function mergeOne(window: MonitorWindow): MonitorWindow {
  return mergeWindows(window);
}
