// The comparator: reference against current, feature by feature, with a method chosen by type and size
// (and saying why), the missing-value share as a signal of its own, a data-set verdict, and, in skew and
// drift modes, anomalies in lockstep/schema's shape read against the schema's per-feature thresholds.
//
// Everything it reports is a core finding: anomalies (SKEW_HIGH, DRIFT_HIGH, MISSING_SHARE_CHANGED, and
// NO_SHARED_FEATURES when the two sides have no column in common) and skipped features (FEATURE_SKIPPED
// with a stable reasonCode). A method applies only to the features it fits: a method given for every
// feature is used where it fits and the automatic choice elsewhere (saying so in `reason`); one given for a
// feature, or by the schema, that cannot fit it is misuse and throws, naming compare and the feature.
import { checkChoice, checkStrings, didYouMean, readOptions } from '../core/check.js';
import { describe, invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { type Column, type FrameInput, frameOf, valueAt } from '../core/frame.js';
import { sealedKind } from '../core/freeze.js';
import type { FeatureSchema, SchemaArtifact } from '../schema/artifact.js';
import { claimsProfile, isProfile, type ProfileArtifact, sealedProfile } from '../stats/artifact.js';
import type { Sample } from './bins.js';
import { chiSquareTest } from './chi-square-test.js';
import { jensenShannon, lInfinity, psi, wasserstein } from './distances.js';
import { ksTest } from './ks-test.js';

/** Methods the comparator can apply to a feature. */
export type DriftMethod = 'ks' | 'chiSquare' | 'wasserstein' | 'jensenShannon' | 'psi' | 'lInfinity';

export interface CompareOptions {
  /**
   * The schema (one lockstep sealed or parsed: `inferSchema`, `sealSchema`, `parseSchema`): feature types,
   * and in skew or drift mode each feature's comparator and threshold.
   */
  readonly schema?: SchemaArtifact;
  /** With a schema: the environment compared; features it excludes are skipped (NOT_IN_ENVIRONMENT). */
  readonly environment?: string;
  /** 'skew' (training vs serving) or 'drift' (span vs span) read the schema's thresholds, as TFDV. */
  readonly mode?: 'compare' | 'skew' | 'drift';
  /** Features to compare (at most 2^20 distinct names). Default: every feature both sides have. */
  readonly features?: readonly string[];
  /** The method for every feature (used where it fits), or per feature, instead of the automatic choice. */
  readonly method?: DriftMethod | Readonly<Record<string, DriftMethod>>;
  /** The alarm threshold (≥ 0) for every feature, or per feature (p-value tests: the significance level). */
  readonly thresholds?: number | Readonly<Record<string, number>>;
  /** Samples at most this large (either side) get a statistical test; larger ones a distance. Default 1000. */
  readonly smallSample?: number;
  /** Absolute change in the share of missing values that counts as drift. Default 0.05. */
  readonly missingThreshold?: number;
  /** Share of drifted features at which the data set counts as drifted. Default 0.5. */
  readonly driftShare?: number;
}

export interface FeatureDrift {
  readonly feature: string;
  readonly type: 'numeric' | 'categorical';
  readonly method: DriftMethod;
  /** Why this method: the rule that chose it. */
  readonly reason: string;
  readonly statistic: number;
  /** For the statistical tests. */
  readonly pValue?: number;
  /** The alarm level: a p-value below it (tests) or a distance at or above it. */
  readonly threshold: number;
  readonly drifted: boolean;
  /** The bins or categories contributing most, for distances that have them. */
  readonly top: readonly {
    readonly label: string;
    readonly reference: number;
    readonly current: number;
    readonly contribution: number;
  }[];
  /** The share of missing values on each side, compared as its own signal. */
  readonly missing: { readonly reference: number; readonly current: number; readonly drifted: boolean };
  readonly n: { readonly reference: number; readonly current: number };
}

/** Stable codes of a {@link DriftAnomaly}. */
export type DriftAnomalyCode = 'SKEW_HIGH' | 'DRIFT_HIGH' | 'MISSING_SHARE_CHANGED' | 'NO_SHARED_FEATURES';

/**
 * A finding of `compare`, in core's finding shape with lockstep/schema's anomaly fields: `SKEW_HIGH` and
 * `DRIFT_HIGH` (error: a feature's statistic beyond the schema's threshold, in skew and drift modes),
 * `MISSING_SHARE_CHANGED` (warning: the missing share moved by more than `missingThreshold`) and
 * `NO_SHARED_FEATURES` (warning, no feature: the two sides have no column in common, so nothing was
 * compared).
 */
export interface DriftAnomaly extends Finding<DriftAnomalyCode> {
  /** The feature concerned; absent for the data-set-level NO_SHARED_FEATURES. */
  readonly feature?: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly expected: string;
  readonly received: string;
  /** Rows of the current side affected. */
  readonly count: number;
  readonly fraction: number;
  readonly examples: readonly { readonly row: number; readonly value: unknown }[];
}

/** Why a feature was skipped, as a stable code. */
export type SkipReason =
  | 'NO_COMPARATOR'
  | 'NOT_IN_ENVIRONMENT'
  | 'NO_DISTRIBUTION'
  | 'TYPES_DIFFER'
  | 'NO_VALUES'
  | 'PII';

/**
 * A feature `compare` did not compare: a finding (`code: 'FEATURE_SKIPPED'`, severity `info`) with the
 * stable `reasonCode` and the reason in words.
 */
export interface SkippedFeature extends Finding<'FEATURE_SKIPPED'> {
  readonly feature: string;
  readonly reasonCode: SkipReason;
  readonly reason: string;
}

export interface DriftReport {
  readonly mode: 'compare' | 'skew' | 'drift';
  readonly features: readonly FeatureDrift[];
  /** Features not compared, each a FEATURE_SKIPPED finding saying why. */
  readonly skipped: readonly SkippedFeature[];
  readonly dataset: {
    readonly compared: number;
    readonly drifted: number;
    readonly share: number;
    readonly datasetDrift: boolean;
    readonly driftShare: number;
  };
  readonly anomalies: readonly DriftAnomaly[];
}

/** One side of a feature: raw values or a profile. */
type Side =
  | {
      readonly kind: 'values';
      readonly type: 'numeric' | 'categorical';
      readonly values: (number | string | undefined)[];
      readonly rows: number;
    }
  | {
      readonly kind: 'profile';
      readonly type: 'numeric' | 'categorical' | undefined;
      readonly profile: ProfileArtifact;
      readonly rows: number;
      /** A PII feature's profile: counts only, or token frequencies. */
      readonly pii: 'counts' | 'tokens' | undefined;
    };

function columnSide(column: Column, rows: number): Side {
  const numeric = column.kind === 'numeric';
  const values = new Array<number | string | undefined>(rows);
  for (let i = 0; i < rows; i++) {
    const v = valueAt(column, i);
    values[i] = v === undefined || v === null ? undefined : numeric ? (v as number) : String(v);
  }
  return { kind: 'values', type: numeric ? 'numeric' : 'categorical', values, rows };
}

/** The features of one side, by name. */
interface Sides {
  readonly names: readonly string[];
  side(name: string): Side | undefined;
}

/**
 * One side of the comparison: a profile lockstep made or parsed (an unchecked one claiming to be a profile
 * is an INVALID_ARTIFACT pointing at parseProfile, never read), or data for `frameOf`.
 */
function sidesOf(input: unknown, fn: string, arg: string): Sides {
  if (isProfile(input) || claimsProfile(input)) {
    const profile = sealedProfile(fn, arg, input);
    return {
      names: profile.features.map((f) => f.name),
      side: (name) => {
        const f = profile.features.find((x) => x.name === name);
        if (!f) return undefined;
        const type =
          f.numeric && !f.categorical ? 'numeric' : f.categorical && !f.numeric ? 'categorical' : undefined;
        return { kind: 'profile', type, profile, rows: profile.rows, pii: f.pii };
      },
    };
  }
  const frame = frameOf(input as FrameInput, fn, undefined, arg);
  return {
    names: [...frame.names],
    side: (name) => {
      const column = frame.columns.get(name);
      return column ? columnSide(column, frame.length) : undefined;
    },
  };
}

function sampleOf(side: Side, name: string): Sample {
  return side.kind === 'profile' ? { profile: side.profile, feature: name } : (side.values as Sample);
}

function presentOf(side: Side & { kind: 'values' }): { present: (number | string)[]; missing: number } {
  const present: (number | string)[] = [];
  let missing = 0;
  for (const v of side.values) {
    if (v === undefined || (typeof v === 'number' && Number.isNaN(v))) missing++;
    else present.push(v);
  }
  return { present, missing };
}

function missingShare(side: Side, name: string): { share: number; present: number } {
  if (side.kind === 'values') {
    const { missing } = presentOf(side);
    return { share: side.rows === 0 ? 0 : missing / side.rows, present: side.rows - missing };
  }
  const f = side.profile.features.find((x) => x.name === name)!;
  const absent = f.missing + (f.numeric?.nan ?? 0);
  return { share: side.rows === 0 ? 0 : absent / side.rows, present: side.rows - absent };
}

const DEFAULT_THRESHOLD: Readonly<Record<DriftMethod, number>> = {
  ks: 0.05,
  chiSquare: 0.05,
  wasserstein: 0.1,
  jensenShannon: 0.1,
  psi: 0.2,
  lInfinity: 0.1,
};

const METHODS: readonly DriftMethod[] = [
  'ks',
  'chiSquare',
  'wasserstein',
  'jensenShannon',
  'psi',
  'lInfinity',
];

function isTest(method: DriftMethod): boolean {
  return method === 'ks' || method === 'chiSquare';
}

/** The feature type a method takes: KS and Wasserstein numbers, chi-square categories, the rest both. */
function fits(method: DriftMethod, type: 'numeric' | 'categorical'): boolean {
  if (method === 'ks' || method === 'wasserstein') return type === 'numeric';
  if (method === 'chiSquare') return type === 'categorical';
  return true;
}

function methodsFor(type: 'numeric' | 'categorical'): string {
  return METHODS.filter((m) => fits(m, type)).join(', ');
}

function choose(
  type: 'numeric' | 'categorical',
  raw: boolean,
  n: number,
  small: number,
): { method: DriftMethod; reason: string } {
  if (type === 'numeric') {
    if (raw && n <= small)
      return { method: 'ks', reason: `numeric, at most ${small} values a side: two-sample KS test` };
    return {
      method: 'wasserstein',
      reason: raw
        ? `numeric, more than ${small} values a side: Wasserstein distance in reference standard deviations (a p-value would flag trivial shifts at this size)`
        : 'numeric, from profiles: Wasserstein distance in reference standard deviations, from the quantile sketches',
    };
  }
  if (raw && n <= small)
    return {
      method: 'chiSquare',
      reason: `categorical, at most ${small} values a side: chi-square test of homogeneity`,
    };
  return {
    method: 'jensenShannon',
    reason: raw
      ? `categorical, more than ${small} values a side: Jensen-Shannon divergence in bits`
      : 'categorical, from profiles: Jensen-Shannon divergence in bits',
  };
}

function run(
  method: DriftMethod,
  ref: Side,
  cur: Side,
  name: string,
): { statistic: number; pValue?: number; top: FeatureDrift['top'] } {
  if (method === 'ks' || method === 'chiSquare') {
    // Raw values on both sides: checked by the caller (a test cannot run on a profile's sketch).
    const a = presentOf(ref as Side & { kind: 'values' }).present;
    const b = presentOf(cur as Side & { kind: 'values' }).present;
    if (method === 'ks') {
      const r = ksTest(Float64Array.from(a as number[]), Float64Array.from(b as number[]));
      return { statistic: r.statistic, pValue: r.pValue, top: [] };
    }
    const r = chiSquareTest(a as string[], b as string[]);
    return { statistic: r.statistic, pValue: r.pValue, top: [] };
  }
  const [sa, sb] = [sampleOf(ref, name), sampleOf(cur, name)];
  if (method === 'wasserstein')
    return { statistic: wasserstein(sa, sb, { normalize: 'std' }).value, top: [] };
  const d =
    method === 'psi' ? psi(sa, sb) : method === 'lInfinity' ? lInfinity(sa, sb) : jensenShannon(sa, sb);
  const top = [...d.bins]
    .sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution))
    .slice(0, 5)
    .map((b) => ({
      label: b.label,
      reference: b.reference,
      current: b.current,
      contribution: b.contribution,
    }));
  return { statistic: d.value, top };
}

/** An error from the method run on one feature, reported as compare's, naming the feature. */
function featureError(error: LockstepError, name: string): LockstepError {
  const inner = error.arg ?? '';
  const arg =
    inner === 'a' || inner.startsWith('reference')
      ? 'reference'
      : inner === 'b' || inner.startsWith('current')
        ? 'current'
        : 'options.method';
  return new LockstepError(error.code, `compare: feature ${describe(name)}: ${error.message}`, {
    fn: 'compare',
    arg,
    issues: error.issues,
  });
}

// ---------------------------------------------------------------------------------------------------
// Options: read once against the known keys, each value checked.

const KEYS = [
  'schema',
  'environment',
  'mode',
  'features',
  'method',
  'thresholds',
  'smallSample',
  'missingThreshold',
  'driftShare',
] as const;

/** Most features `options.features` (or a per-feature record) names. */
const MAX_FEATURES = 1 << 20;

/** An option for every feature (a plain value) or per feature (a record by feature name). */
interface PerFeature<T> {
  readonly all: T | undefined;
  readonly byFeature: ReadonlyMap<string, T> | undefined;
}

interface Checked {
  readonly schema: SchemaArtifact | undefined;
  readonly environment: string | undefined;
  readonly mode: 'compare' | 'skew' | 'drift';
  readonly features: readonly string[] | undefined;
  readonly method: PerFeature<DriftMethod>;
  readonly thresholds: PerFeature<number>;
  readonly small: number;
  readonly missingThreshold: number;
  readonly driftShare: number;
}

/**
 * A schema lockstep sealed or parsed (O(1) to know, and no zod in compare's bundle); an object claiming to
 * be a schema but unchecked is an INVALID_ARTIFACT pointing at parseSchema.
 */
function sealedSchema(fn: string, arg: string, value: unknown): SchemaArtifact {
  if (sealedKind(value) === 'lockstep.schema') return value as SchemaArtifact;
  let claimed = false;
  try {
    claimed =
      typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'lockstep.schema';
  } catch {
    claimed = false;
  }
  if (claimed) {
    const message =
      'must be a schema made by lockstep or checked by parseSchema: read a schema from JSON, storage or another process with parseSchema first';
    throw new LockstepError('INVALID_ARTIFACT', `${fn}: argument '${arg}' ${message}`, {
      fn,
      arg,
      path: '$',
      issues: [{ code: 'INVALID_FIELD', severity: 'error', message, path: '$' }],
    });
  }
  throw invalidArgument(fn, arg, 'must be a lockstep.schema artifact', value);
}

/** A number ≥ 0 (Infinity allowed: "always" or "never"), as compare's numeric options take. */
function nonNegative(fn: string, arg: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v >= 0)) throw invalidArgument(fn, arg, 'must be a number >= 0', v);
  return v;
}

function checkMethod(fn: string, arg: string, v: unknown): DriftMethod {
  return checkChoice(fn, arg, v, METHODS);
}

function checkThreshold(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw invalidArgument(fn, arg, 'must be a finite number >= 0', v);
  return v;
}

/** A record by feature name (own keys read once, at most MAX_FEATURES), each value checked. */
function readRecord<T>(
  fn: string,
  arg: string,
  value: unknown,
  check: (arg: string, v: unknown) => T,
): Map<string, T> {
  const out = new Map<string, T>();
  let keys: string[];
  try {
    keys = Object.keys(value as object);
  } catch {
    throw invalidArgument(fn, arg, 'must be a readable object (reading its keys threw)');
  }
  if (keys.length > MAX_FEATURES)
    throw invalidArgument(fn, arg, `must name at most ${MAX_FEATURES} features, got ${keys.length}`);
  for (const key of keys) {
    let v: unknown;
    try {
      v = (value as Record<string, unknown>)[key];
    } catch {
      throw invalidArgument(fn, `${arg}.${key.slice(0, 60)}`, 'must be readable (its getter threw)');
    }
    out.set(key, check(`${arg}.${key.slice(0, 60)}`, v));
  }
  return out;
}

function perFeature<T>(
  fn: string,
  arg: string,
  value: unknown,
  isAll: (v: unknown) => boolean,
  check: (arg: string, v: unknown) => T,
  what: string,
): PerFeature<T> {
  if (value === undefined) return { all: undefined, byFeature: undefined };
  if (isAll(value)) return { all: check(arg, value), byFeature: undefined };
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value))
    throw invalidArgument(fn, arg, `must be ${what}, or an object of them by feature name`, value);
  return { all: undefined, byFeature: readRecord(fn, arg, value, check) };
}

function readCompareOptions(fn: string, options: unknown): Checked {
  const o = readOptions(fn, options, KEYS);
  const mode =
    o.mode === undefined
      ? 'compare'
      : checkChoice<'compare' | 'skew' | 'drift'>(fn, 'options.mode', o.mode, ['compare', 'skew', 'drift']);
  const schema = o.schema === undefined ? undefined : sealedSchema(fn, 'options.schema', o.schema);
  if (mode !== 'compare' && !schema)
    throw invalidArgument(fn, 'options.schema', `is needed in ${mode} mode (it holds the thresholds)`);
  let environment: string | undefined;
  if (o.environment !== undefined) {
    if (typeof o.environment !== 'string' || o.environment.length > 1024)
      throw invalidArgument(
        fn,
        'options.environment',
        'must be a string of at most 1024 characters',
        o.environment,
      );
    if (!schema)
      throw invalidArgument(
        fn,
        'options.schema',
        'is needed with options.environment (it lists the environments)',
      );
    if (!schema.environments.includes(o.environment))
      throw invalidArgument(
        fn,
        'options.environment',
        `must be one of the schema's environments (${schema.environments.map((e) => JSON.stringify(e)).join(', ') || 'none'})`,
        o.environment,
      );
    environment = o.environment;
  }
  return {
    schema,
    environment,
    mode,
    features:
      o.features === undefined ? undefined : checkStrings(fn, 'options.features', o.features, MAX_FEATURES),
    method: perFeature(
      fn,
      'options.method',
      o.method,
      (v) => typeof v === 'string',
      (arg, v) => checkMethod(fn, arg, v),
      `one of ${METHODS.join(', ')}`,
    ),
    thresholds: perFeature(
      fn,
      'options.thresholds',
      o.thresholds,
      (v) => typeof v === 'number',
      (arg, v) => checkThreshold(fn, arg, v),
      'a number >= 0',
    ),
    small: nonNegative(fn, 'options.smallSample', o.smallSample, 1000),
    missingThreshold: nonNegative(fn, 'options.missingThreshold', o.missingThreshold, 0.05),
    driftShare: nonNegative(fn, 'options.driftShare', o.driftShare, 0.5),
  };
}

/** Throws unless every feature a per-feature record names is a feature of either side. */
function checkRecordNames(
  fn: string,
  arg: string,
  byFeature: ReadonlyMap<string, unknown> | undefined,
  known: ReadonlySet<string>,
): void {
  if (!byFeature) return;
  for (const key of byFeature.keys()) {
    if (known.has(key)) continue;
    throw invalidArgument(
      fn,
      arg,
      `names a feature neither side has: ${describe(key)}${didYouMean(key, [...known])}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Findings

function skippedFeature(feature: string, reasonCode: SkipReason, reason: string): SkippedFeature {
  return {
    code: 'FEATURE_SKIPPED',
    severity: 'info',
    message: `${describe(feature)} was not compared: ${reason}`,
    feature,
    reasonCode,
    reason,
  };
}

function namesText(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, 10).map((n) => JSON.stringify(n.length > 60 ? `${n.slice(0, 57)}...` : n));
  return `${shown.join(', ')}${names.length > 10 ? `, … (${names.length} in all)` : ''}`;
}

function noSharedFeatures(reference: readonly string[], current: readonly string[]): DriftAnomaly {
  const received = `reference: ${namesText(reference)}; current: ${namesText(current)}`;
  return {
    code: 'NO_SHARED_FEATURES',
    severity: 'warning',
    message: `reference and current have no feature in common, so nothing was compared (${received})`,
    expected: 'at least one feature both sides have',
    received,
    count: 0,
    fraction: 0,
    examples: [],
  };
}

/** The type the schema declares, read as compare reads it: undefined for text (no distribution). */
function declaredType(f: FeatureSchema): 'numeric' | 'categorical' | undefined {
  if (f.type === 'numeric' || f.type === 'integer' || f.type === 'timestamp') return 'numeric';
  return f.type === 'text' ? undefined : 'categorical';
}

function inEnvironment(f: FeatureSchema | undefined, environment: string | undefined): boolean {
  if (!f || environment === undefined) return true;
  if (f.notInEnvironments?.includes(environment)) return false;
  return f.inEnvironments === undefined || f.inEnvironments.includes(environment);
}

/**
 * Compares a reference (training data, last month) with current data (serving, this week), feature by
 * feature. With no method given, it chooses by type and size, as Evidently's defaults do, and says why:
 * samples of at most 1,000 values a side get a test (KS for numbers, chi-square for categories; drift when
 * p < 0.05); larger ones and profiles get an effect-size distance with a calibrated threshold (Wasserstein
 * in reference standard deviations ≥ 0.1; Jensen-Shannon in bits ≥ 0.1), so a 0.01σ shift on a million
 * rows is not an alarm and a 0.2σ shift is. The missing-value share is compared as its own signal. The data
 * set drifts when at least `driftShare` (half) of the features do. In `skew` and `drift` modes, features
 * with a `skew` or `drift` comparator in the schema are checked against its method and threshold (TFDV's
 * defaults: Jensen-Shannon for numbers, L-infinity for categories) and reported as anomalies.
 * A method given for every feature applies where it fits (KS and Wasserstein to numbers, chi-square to
 * categories, the rest to both) and the automatic choice elsewhere; features not compared are FEATURE_SKIPPED
 * findings with a reasonCode, and two sides without a column in common give a NO_SHARED_FEATURES warning.
 * Profiles must be ones lockstep made or parsed (`parseProfile`), and so must the schema (`parseSchema`).
 * @example compare(trainingRows, servingRows).dataset.datasetDrift // => false when the data look alike
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown option key (naming the closest), bad options,
 *   unknown features, a method that cannot fit a feature it is given for, or a test asked of profiles;
 *   `INVALID_ARTIFACT` for a profile or schema lockstep did not make or parse.
 */
export function compare(
  reference: FrameInput | ProfileArtifact,
  current: FrameInput | ProfileArtifact,
  options: CompareOptions = {},
): DriftReport {
  const fn = 'compare';
  const opts = readCompareOptions(fn, options);
  const { mode, schema, small, missingThreshold, driftShare } = opts;
  const ref = sidesOf(reference, fn, 'reference');
  const cur = sidesOf(current, fn, 'current');
  const known = new Set([...ref.names, ...cur.names]);
  checkRecordNames(fn, 'options.method', opts.method.byFeature, known);
  checkRecordNames(fn, 'options.thresholds', opts.thresholds.byFeature, known);
  const schemaIndex = new Map<string, number>();
  schema?.features.forEach((f, i) => {
    schemaIndex.set(f.name, i);
  });
  const curNames = new Set(cur.names);
  const names = opts.features ?? ref.names.filter((n) => curNames.has(n));
  const features: FeatureDrift[] = [];
  const skipped: SkippedFeature[] = [];
  const anomalies: DriftAnomaly[] = [];
  if (opts.features === undefined && names.length === 0)
    anomalies.push(noSharedFeatures(ref.names, cur.names));
  for (const name of names) {
    const a = ref.side(name);
    const b = cur.side(name);
    if (!a || !b) {
      const hint = didYouMean(name, a ? cur.names : ref.names);
      throw invalidArgument(
        fn,
        'options.features',
        `names a feature ${a ? 'current' : 'reference'} does not have: ${describe(name)}${hint}`,
      );
    }
    const at = schemaIndex.get(name);
    const declared = at === undefined ? undefined : schema!.features[at]!;
    if (!inEnvironment(declared, opts.environment)) {
      skipped.push(
        skippedFeature(
          name,
          'NOT_IN_ENVIRONMENT',
          `the schema leaves it out of environment ${describe(opts.environment)}`,
        ),
      );
      continue;
    }
    const comparator = mode === 'skew' ? declared?.skew : mode === 'drift' ? declared?.drift : undefined;
    if (mode !== 'compare' && !comparator) {
      skipped.push(skippedFeature(name, 'NO_COMPARATOR', `the schema gives it no ${mode} comparator`));
      continue;
    }
    // PII: a profile holds no values to compare, and raw data would put them in `top`. Two profiles of
    // the host's tokens compare as categories of tokens.
    const piiA = a.kind === 'profile' ? a.pii : undefined;
    const piiB = b.kind === 'profile' ? b.pii : undefined;
    const tokens = piiA === 'tokens' && piiB === 'tokens';
    if ((declared?.pii === true || piiA !== undefined || piiB !== undefined) && !tokens) {
      skipped.push(
        skippedFeature(
          name,
          'PII',
          'personal data: compared only as two profiles of tokens (profile option pii with a token function)',
        ),
      );
      continue;
    }
    const type = tokens ? 'categorical' : declared ? declaredType(declared) : (a.type ?? b.type);
    if (!type) {
      skipped.push(
        skippedFeature(name, 'NO_DISTRIBUTION', 'free text or mixed types: no distribution to compare'),
      );
      continue;
    }
    if ((a.type && a.type !== type) || (b.type && b.type !== type)) {
      const reason = declared
        ? `the schema declares it ${declared.type} (compared as ${type}), but ${a.type && a.type !== type ? 'reference' : 'current'} holds ${type === 'numeric' ? 'categories' : 'numbers'}`
        : 'numeric on one side, categorical on the other';
      skipped.push(skippedFeature(name, 'TYPES_DIFFER', reason));
      continue;
    }
    const ma = missingShare(a, name);
    const mb = missingShare(b, name);
    if (ma.present === 0 || mb.present === 0) {
      skipped.push(
        skippedFeature(
          name,
          'NO_VALUES',
          `no values present on the ${ma.present === 0 ? 'reference' : 'current'} side`,
        ),
      );
      continue;
    }
    const raw = a.kind === 'values' && b.kind === 'values';
    const auto = choose(type, raw, Math.max(ma.present, mb.present), small);
    const { method, reason } = methodFor(fn, name, type, raw, mode, auto, opts.method, comparator, at);
    const threshold =
      opts.thresholds.byFeature?.get(name) ??
      opts.thresholds.all ??
      comparator?.threshold ??
      DEFAULT_THRESHOLD[method];
    let result: ReturnType<typeof run>;
    try {
      result = run(method, a, b, name);
    } catch (error) {
      if (isLockstepError(error)) throw featureError(error as LockstepError, name);
      throw error;
    }
    const drifted = isTest(method) ? result.pValue! < threshold : result.statistic >= threshold;
    const missingDrifted = Math.abs(mb.share - ma.share) > missingThreshold;
    features.push({
      feature: name,
      type,
      method,
      reason,
      statistic: result.statistic,
      ...(result.pValue !== undefined ? { pValue: result.pValue } : {}),
      threshold,
      drifted,
      top: result.top,
      missing: { reference: ma.share, current: mb.share, drifted: missingDrifted },
      n: { reference: ma.present, current: mb.present },
    });
    const rows = b.rows;
    if (mode !== 'compare' && drifted) {
      const shown = +(isTest(method) ? result.pValue! : result.statistic).toPrecision(6);
      anomalies.push({
        code: mode === 'skew' ? 'SKEW_HIGH' : 'DRIFT_HIGH',
        feature: name,
        severity: 'error',
        message: isTest(method)
          ? `${describe(name)}: ${mode} by ${method}: p-value ${shown} is below the threshold ${threshold}`
          : `${describe(name)}: ${mode} by ${method} is ${shown}, at or above the threshold ${threshold}`,
        expected: `${method} below ${threshold}`,
        received: `${method} ${+result.statistic.toPrecision(6)}`,
        count: rows,
        fraction: 1,
        examples: [],
      });
    }
    if (missingDrifted) {
      const from = +ma.share.toFixed(4);
      const to = +mb.share.toFixed(4);
      anomalies.push({
        code: 'MISSING_SHARE_CHANGED',
        feature: name,
        severity: 'warning',
        message: `${describe(name)}: the share of missing values moved from ${from} to ${to}, by more than ${missingThreshold}`,
        expected: `missing share within ${missingThreshold} of ${from}`,
        received: `missing share ${to}`,
        count: Math.round(mb.share * rows),
        fraction: mb.share,
        examples: [],
      });
    }
  }
  const drifted = features.filter((f) => f.drifted).length;
  const share = features.length === 0 ? 0 : drifted / features.length;
  return {
    mode,
    features,
    skipped,
    dataset: {
      compared: features.length,
      drifted,
      share,
      datasetDrift: features.length > 0 && share >= driftShare,
      driftShare,
    },
    anomalies,
  };
}

/**
 * The method for one feature and why: the per-feature option, then the option for every feature where it
 * fits, then the schema's comparator, then the automatic (or TFDV default) choice. A method named for this
 * feature (per-feature option or schema) that cannot fit it throws, naming the feature.
 */
function methodFor(
  fn: string,
  name: string,
  type: 'numeric' | 'categorical',
  raw: boolean,
  mode: 'compare' | 'skew' | 'drift',
  auto: { method: DriftMethod; reason: string },
  option: PerFeature<DriftMethod>,
  comparator: { readonly method?: string } | undefined,
  schemaAt: number | undefined,
): { method: DriftMethod; reason: string } {
  const own = option.byFeature?.get(name);
  if (own !== undefined) {
    checkFits(fn, `options.method.${name.slice(0, 60)}`, undefined, own, name, type, raw);
    return { method: own, reason: `method ${own} set by options.method` };
  }
  const all = option.all;
  if (all !== undefined && fits(all, type)) {
    checkFits(fn, 'options.method', undefined, all, name, type, raw);
    return { method: all, reason: `method ${all} set by options.method` };
  }
  if (comparator?.method !== undefined) {
    const path = `$.features[${schemaAt}].${mode}.method`;
    if (!(METHODS as readonly string[]).includes(comparator.method))
      throw new LockstepError(
        'INVALID_ARGUMENT',
        `${fn}: argument 'options.schema' names a ${mode} method compare does not know for feature ${describe(name)} at ${path}: ${describe(comparator.method)} (known: ${METHODS.join(', ')})`,
        { fn, arg: 'options.schema', path },
      );
    const m = comparator.method as DriftMethod;
    checkFits(fn, 'options.schema', path, m, name, type, raw);
    return { method: m, reason: `method ${m} set by the schema's ${mode} comparator` };
  }
  const chosen =
    mode === 'compare'
      ? auto
      : {
          method: (type === 'numeric' ? 'jensenShannon' : 'lInfinity') as DriftMethod,
          reason: `TFDV's default ${mode} comparator for a ${type} feature: ${type === 'numeric' ? 'jensenShannon' : 'lInfinity'}`,
        };
  if (all !== undefined)
    return {
      method: chosen.method,
      reason: `options.method ${all} does not fit a ${type} feature: ${chosen.reason}`,
    };
  return chosen;
}

/** Throws unless `method` can run on this feature: its type, and raw values for a test. */
function checkFits(
  fn: string,
  arg: string,
  path: string | undefined,
  method: DriftMethod,
  name: string,
  type: 'numeric' | 'categorical',
  raw: boolean,
): void {
  let problem: string | undefined;
  if (!fits(method, type))
    problem = `${method} does not fit ${type} feature ${describe(name)} (it takes ${methodsFor(type)})`;
  else if (isTest(method) && !raw)
    problem = `${method} needs raw values on both sides, not profiles (feature ${describe(name)})`;
  if (problem === undefined) return;
  throw new LockstepError(
    'INVALID_ARGUMENT',
    `${fn}: argument '${arg}' ${problem}${path ? ` at ${path}` : ''}`,
    {
      fn,
      arg,
      ...(path ? { path } : {}),
    },
  );
}
