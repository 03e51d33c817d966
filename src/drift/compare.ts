// The comparator: reference against current, feature by feature, with a method chosen by type and size
// (and saying why), the missing-value share as a signal of its own, a data-set verdict, and, in skew and
// drift modes, anomalies in lockstep/schema's shape read against the schema's per-feature thresholds.
import { describe, invalidArgument } from '../core/errors.js';
import { type Column, type FrameInput, frameOf, valueAt } from '../core/frame.js';
import type { SchemaArtifact } from '../schema/artifact.js';
import type { Anomaly } from '../schema/rules.js';
import { isProfile, type ProfileArtifact } from '../stats/artifact.js';
import type { Sample } from './bins.js';
import { chiSquareTest } from './chi-square-test.js';
import { jensenShannon, lInfinity, psi, wasserstein } from './distances.js';
import { ksTest } from './ks-test.js';

/** Methods the comparator can apply to a feature. */
export type DriftMethod = 'ks' | 'chiSquare' | 'wasserstein' | 'jensenShannon' | 'psi' | 'lInfinity';

export interface CompareOptions {
  /** The schema: feature types, and in skew or drift mode each feature's comparator and threshold. */
  readonly schema?: SchemaArtifact;
  readonly environment?: string;
  /** 'skew' (training vs serving) or 'drift' (span vs span) read the schema's thresholds, as TFDV. */
  readonly mode?: 'compare' | 'skew' | 'drift';
  /** Features to compare. Default: every feature both sides have. */
  readonly features?: readonly string[];
  /** The method for every feature, or per feature, instead of the automatic choice. */
  readonly method?: DriftMethod | Readonly<Record<string, DriftMethod>>;
  /** The alarm threshold for every feature, or per feature (p-value tests: the significance level). */
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

/** A finding in lockstep/schema's anomaly shape (its fields, with drift's own codes). */
export type DriftAnomaly = Pick<
  Anomaly,
  'severity' | 'expected' | 'received' | 'count' | 'fraction' | 'examples'
> & {
  readonly code: 'SKEW_HIGH' | 'DRIFT_HIGH' | 'MISSING_SHARE_CHANGED';
  readonly feature: string;
};

export interface DriftReport {
  readonly mode: 'compare' | 'skew' | 'drift';
  readonly features: readonly FeatureDrift[];
  readonly skipped: readonly { readonly feature: string; readonly reason: string }[];
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

function sidesOf(
  input: FrameInput | ProfileArtifact,
  fn: string,
  arg: string,
): { names: string[]; side: (name: string) => Side | undefined } {
  if (isProfile(input)) {
    return {
      names: input.features.map((f) => f.name),
      side: (name) => {
        const f = input.features.find((x) => x.name === name);
        if (!f) return undefined;
        const type =
          f.numeric && !f.categorical ? 'numeric' : f.categorical && !f.numeric ? 'categorical' : undefined;
        return { kind: 'profile', type, profile: input, rows: input.rows };
      },
    };
  }
  let frame: ReturnType<typeof frameOf>;
  try {
    frame = frameOf(input, fn);
  } catch (error) {
    throw invalidArgument(fn, arg, `must be data or a lockstep.profile (${(error as Error).message})`);
  }
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

const DEFAULT_THRESHOLD: Record<DriftMethod, number> = {
  ks: 0.05,
  chiSquare: 0.05,
  wasserstein: 0.1,
  jensenShannon: 0.1,
  psi: 0.2,
  lInfinity: 0.1,
};

function isTest(method: DriftMethod): boolean {
  return method === 'ks' || method === 'chiSquare';
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
    if (ref.kind !== 'values' || cur.kind !== 'values') {
      throw invalidArgument(
        'compare',
        'options.method',
        `${method} needs raw values on both sides, not profiles`,
        method,
      );
    }
    const a = presentOf(ref).present;
    const b = presentOf(cur).present;
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

function perFeature<T>(
  option: T | Readonly<Record<string, T>> | undefined,
  name: string,
  isValue: (x: unknown) => x is T,
): T | undefined {
  if (option === undefined) return undefined;
  if (isValue(option)) return option;
  const record = option as Readonly<Record<string, T>>;
  return Object.hasOwn(record, name) ? record[name] : undefined;
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
 * @example compare(trainingRows, servingRows).dataset.datasetDrift // => false when the data look alike
 * @throws LockstepError `INVALID_ARGUMENT` for bad options, unknown features, or a test asked of profiles.
 */
export function compare(
  reference: FrameInput | ProfileArtifact,
  current: FrameInput | ProfileArtifact,
  options: CompareOptions = {},
): DriftReport {
  const fn = 'compare';
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(fn, 'options', 'must be an object', options);
  const mode = options.mode ?? 'compare';
  if (mode !== 'compare' && mode !== 'skew' && mode !== 'drift')
    throw invalidArgument(fn, 'options.mode', "must be 'compare', 'skew' or 'drift'", mode);
  if (mode !== 'compare' && !options.schema)
    throw invalidArgument(fn, 'options.schema', `is needed in ${mode} mode (it holds the thresholds)`);
  const small = options.smallSample ?? 1000;
  const missingThreshold = options.missingThreshold ?? 0.05;
  const driftShare = options.driftShare ?? 0.5;
  for (const [arg, v] of [
    ['options.smallSample', small],
    ['options.missingThreshold', missingThreshold],
    ['options.driftShare', driftShare],
  ] as const) {
    if (typeof v !== 'number' || !(v >= 0)) throw invalidArgument(fn, arg, 'must be a number >= 0', v);
  }
  const ref = sidesOf(reference, fn, 'reference');
  const cur = sidesOf(current, fn, 'current');
  const schemaFeatures = new Map((options.schema?.features ?? []).map((f) => [f.name, f]));
  const names = options.features ?? ref.names.filter((n) => cur.names.includes(n));
  const features: FeatureDrift[] = [];
  const skipped: { feature: string; reason: string }[] = [];
  const anomalies: DriftAnomaly[] = [];
  for (const name of names) {
    const a = ref.side(name);
    const b = cur.side(name);
    if (!a || !b) {
      if (options.features)
        throw invalidArgument(
          fn,
          'options.features',
          `names a feature ${a ? 'current' : 'reference'} does not have: ${describe(name)}`,
        );
      continue;
    }
    const declared = schemaFeatures.get(name);
    const type: 'numeric' | 'categorical' | undefined = declared
      ? declared.type === 'numeric' || declared.type === 'integer' || declared.type === 'timestamp'
        ? 'numeric'
        : declared.type === 'text'
          ? undefined
          : 'categorical'
      : (a.type ?? b.type);
    if (!type || (a.type && b.type && a.type !== b.type)) {
      skipped.push({
        feature: name,
        reason: type
          ? `numeric on one side, categorical on the other`
          : 'free text or mixed types: no distribution to compare',
      });
      continue;
    }
    const comparator = mode === 'skew' ? declared?.skew : mode === 'drift' ? declared?.drift : undefined;
    if (mode !== 'compare' && !comparator) {
      skipped.push({ feature: name, reason: `the schema gives it no ${mode} comparator` });
      continue;
    }
    const ma = missingShare(a, name);
    const mb = missingShare(b, name);
    if (ma.present === 0 || mb.present === 0) {
      skipped.push({
        feature: name,
        reason: `no values present on the ${ma.present === 0 ? 'reference' : 'current'} side`,
      });
      continue;
    }
    const raw = a.kind === 'values' && b.kind === 'values';
    const forced = perFeature(options.method, name, (x): x is DriftMethod => typeof x === 'string');
    const schemaMethod = comparator?.method as DriftMethod | undefined;
    const auto = choose(type, raw, Math.max(ma.present, mb.present), small);
    const method =
      forced ??
      schemaMethod ??
      (mode === 'compare' ? auto.method : type === 'numeric' ? 'jensenShannon' : 'lInfinity');
    const reason = forced
      ? `method ${method} set by options.method`
      : schemaMethod
        ? `method ${method} set by the schema's ${mode} comparator`
        : mode === 'compare'
          ? auto.reason
          : `TFDV's default ${mode} comparator for a ${type} feature: ${method}`;
    const threshold =
      perFeature(options.thresholds, name, (x): x is number => typeof x === 'number') ??
      comparator?.threshold ??
      DEFAULT_THRESHOLD[method];
    const result = run(method, a, b, name);
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
      anomalies.push({
        code: mode === 'skew' ? 'SKEW_HIGH' : 'DRIFT_HIGH',
        feature: name,
        severity: 'error',
        expected: `${method} below ${threshold}`,
        received: `${method} ${+result.statistic.toPrecision(6)}`,
        count: rows,
        fraction: 1,
        examples: [],
      });
    }
    if (missingDrifted) {
      anomalies.push({
        code: 'MISSING_SHARE_CHANGED',
        feature: name,
        severity: 'warning',
        expected: `missing share within ${missingThreshold} of ${+ma.share.toFixed(4)}`,
        received: `missing share ${+mb.share.toFixed(4)}`,
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
