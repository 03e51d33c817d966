// Schema diffs: what changed between two versions of the contract, as plain data a reviewer can read like a
// code diff, with a `breaking` flag on each change saying whether data valid before may now be invalid.
import type { Finding } from '../core/finding.js';
import {
  type Comparator,
  type FeatureKind,
  type FeatureSchema,
  type Presence,
  type SchemaArtifact,
  schemaArgument,
} from './artifact.js';

/**
 * Stable codes of {@link SchemaChange}. Data-set level: `ENVIRONMENTS_CHANGED` (the schema's environment
 * list), `DATASET_CHANGED` (minRows / maxRows), `VERSION_CHANGED` and `DESCRIPTION_CHANGED` (info).
 * Per feature: `FEATURE_ADDED`, `FEATURE_REMOVED`, `TYPE_CHANGED`, `ENVIRONMENTS_CHANGED` (inEnvironments /
 * notInEnvironments), `NULLABLE_CHANGED`, `PRESENCE_CHANGED`, `RANGE_WIDENED`, `RANGE_NARROWED`,
 * `NAN_ALLOWED_CHANGED`, `INFINITY_ALLOWED_CHANGED`, `DOMAIN_WIDENED`, `DOMAIN_NARROWED`,
 * `DOMAIN_MASS_CHANGED`, `SKEW_THRESHOLD_CHANGED`, `DRIFT_THRESHOLD_CHANGED` (method or threshold of the
 * comparator), `DESCRIPTION_CHANGED` (info) and `PII_CHANGED` (a feature marked or unmarked `pii`: what
 * profiles keep and logs show, never what validates; a warning, for a reviewer).
 */
export type SchemaChangeCode =
  | 'FEATURE_ADDED'
  | 'FEATURE_REMOVED'
  | 'TYPE_CHANGED'
  | 'ENVIRONMENTS_CHANGED'
  | 'DATASET_CHANGED'
  | 'NULLABLE_CHANGED'
  | 'PRESENCE_CHANGED'
  | 'RANGE_WIDENED'
  | 'RANGE_NARROWED'
  | 'NAN_ALLOWED_CHANGED'
  | 'INFINITY_ALLOWED_CHANGED'
  | 'DOMAIN_WIDENED'
  | 'DOMAIN_NARROWED'
  | 'DOMAIN_MASS_CHANGED'
  | 'SKEW_THRESHOLD_CHANGED'
  | 'DRIFT_THRESHOLD_CHANGED'
  | 'VERSION_CHANGED'
  | 'DESCRIPTION_CHANGED'
  | 'PII_CHANGED';

/** What every change carries: core's finding shape (code, severity, message, feature), and its direction. */
interface ChangeBase extends Finding<SchemaChangeCode> {
  /** The feature concerned; absent for data-set-level changes. */
  readonly feature?: string;
  /**
   * On core's one scale: `warning` for a change of the contract (what validates or what alarms), worth a
   * reviewer's look; `info` for one that changes neither (descriptions, the version label).
   */
  readonly severity: 'warning' | 'info';
  /** Whether data valid under the old schema may be invalid under the new one. */
  readonly breaking: boolean;
  /** Whether the change makes the contract accept (or tolerate) more, or less; absent when neither fits. */
  readonly direction?: 'widened' | 'narrowed';
  /** One line for people: `"delay": range widened: [0, 100] → [-5, 100]`. */
  readonly message: string;
}

/** A numeric range; `null` is an open bound. */
export interface RangeBounds {
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * One difference between two schemas. `before` and `after` hold the old and new value of what changed
 * (`null` where it is absent); the rest are details. A change that moves some bounds one way and others
 * the other way (a range shifted, presence with one threshold up and one down) is reported as two changes,
 * one per direction, so that each has one direction and one `breaking` flag.
 */
export type SchemaChange =
  | (ChangeBase & {
      readonly code: 'FEATURE_ADDED';
      readonly feature: string;
      readonly before: null;
      readonly after: FeatureSchema;
      /** Whether a batch must carry the column (not nullable, or presence above 0): breaking when true. */
      readonly required: boolean;
    })
  | (ChangeBase & {
      readonly code: 'FEATURE_REMOVED';
      readonly feature: string;
      readonly before: FeatureSchema;
      readonly after: null;
    })
  | (ChangeBase & {
      readonly code: 'TYPE_CHANGED';
      readonly feature: string;
      readonly before: FeatureKind;
      readonly after: FeatureKind;
    })
  | (ChangeBase & {
      readonly code: 'NULLABLE_CHANGED' | 'NAN_ALLOWED_CHANGED' | 'INFINITY_ALLOWED_CHANGED';
      readonly feature: string;
      readonly before: boolean;
      readonly after: boolean;
    })
  | (ChangeBase & {
      readonly code: 'PRESENCE_CHANGED';
      readonly feature: string;
      readonly before: Presence;
      readonly after: Presence;
      /** The thresholds that moved in this change's direction. */
      readonly fields: readonly ('minFraction' | 'minCount')[];
    })
  | (ChangeBase & {
      readonly code: 'RANGE_WIDENED' | 'RANGE_NARROWED';
      readonly feature: string;
      readonly before: RangeBounds;
      readonly after: RangeBounds;
      /** The bounds that moved in this change's direction. */
      readonly fields: readonly ('min' | 'max')[];
    })
  | (ChangeBase & {
      readonly code: 'DOMAIN_WIDENED' | 'DOMAIN_NARROWED';
      readonly feature: string;
      /** The domain's values; `null` when the feature has no domain (any category). */
      readonly before: readonly string[] | null;
      readonly after: readonly string[] | null;
      /** The values added (WIDENED) or removed (NARROWED); empty when the domain itself appears or goes. */
      readonly values: readonly string[];
    })
  | (ChangeBase & {
      readonly code: 'DOMAIN_MASS_CHANGED';
      readonly feature: string;
      readonly before: number;
      readonly after: number;
    })
  | (ChangeBase & {
      readonly code: 'ENVIRONMENTS_CHANGED';
      readonly feature?: undefined;
      readonly before: readonly string[];
      readonly after: readonly string[];
      readonly added: readonly string[];
      readonly removed: readonly string[];
    })
  | (ChangeBase & {
      readonly code: 'ENVIRONMENTS_CHANGED';
      readonly feature: string;
      readonly before: FeatureEnvironments;
      readonly after: FeatureEnvironments;
      /** Environments of both schemas where the feature is now checked and was excluded before. */
      readonly included: readonly string[];
      /** Environments of both schemas where the feature is now excluded and was checked before. */
      readonly excluded: readonly string[];
    })
  | (ChangeBase & {
      readonly code: 'SKEW_THRESHOLD_CHANGED' | 'DRIFT_THRESHOLD_CHANGED';
      readonly feature: string;
      readonly before: Comparator | null;
      readonly after: Comparator | null;
    })
  | (ChangeBase & {
      readonly code: 'DATASET_CHANGED';
      readonly feature?: undefined;
      readonly before: RowBounds;
      readonly after: RowBounds;
      readonly fields: readonly ('minRows' | 'maxRows')[];
    })
  | (ChangeBase & {
      readonly code: 'VERSION_CHANGED';
      readonly feature?: undefined;
      readonly before: string | null;
      readonly after: string | null;
    })
  | (ChangeBase & {
      readonly code: 'DESCRIPTION_CHANGED';
      readonly before: string | null;
      readonly after: string | null;
    })
  | (ChangeBase & {
      readonly code: 'PII_CHANGED';
      readonly feature: string;
      readonly before: boolean;
      readonly after: boolean;
    });

/** A feature's environment lists; `null` where the list is absent. */
export interface FeatureEnvironments {
  readonly inEnvironments: readonly string[] | null;
  readonly notInEnvironments: readonly string[] | null;
}

/** A schema's row-count bounds; `null` where there is none. */
export interface RowBounds {
  readonly minRows: number | null;
  readonly maxRows: number | null;
}

const NUMERIC_TYPES: readonly FeatureKind[] = ['numeric', 'integer', 'timestamp'];

const q = (s: string) => JSON.stringify(s);
const list = (values: readonly string[], max = 10) =>
  values.length <= max
    ? values.map(q).join(', ')
    : `${values.slice(0, max).map(q).join(', ')}, and ${values.length - max} more`;
const bound = (x: number | null, open: string) => (x === null ? open : String(x));
const range = (r: RangeBounds) => `[${bound(r.min, '-Infinity')}, ${bound(r.max, 'Infinity')}]`;
const nullable = <T>(x: T | undefined): T | null => (x === undefined ? null : x);

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

function minus(a: readonly string[], b: readonly string[]): string[] {
  const s = new Set(b);
  return a.filter((x) => !s.has(x));
}

/** Whether validate requires the column in a batch (mirrors compileSchema's `columnRequired`). */
function required(f: FeatureSchema): boolean {
  return !f.nullable || f.presence.minCount > 0 || f.presence.minFraction > 0;
}

function includedIn(f: FeatureSchema, env: string): boolean {
  if (f.notInEnvironments?.includes(env)) return false;
  return f.inEnvironments === undefined || f.inEnvironments.includes(env);
}

function sameComparator(x: Comparator | undefined, y: Comparator | undefined): boolean {
  return x === undefined || y === undefined ? x === y : x.method === y.method && x.threshold === y.threshold;
}

/** Type changes under which every value valid before stays valid. */
function typeWidens(a: FeatureKind, b: FeatureSchema): boolean {
  if (a === 'integer' && b.type === 'numeric') return true;
  // A categorical feature without a domain takes any string, and booleans as 'true' / 'false'.
  return (a === 'text' || a === 'boolean') && b.type === 'categorical' && b.categorical === undefined;
}

/** Emits one change per direction for a set of bounds where lower (or higher) means looser. */
function directions<F extends string>(
  moves: readonly { field: F; widened: boolean | undefined }[],
): { widened: F[]; narrowed: F[] } {
  const widened: F[] = [];
  const narrowed: F[] = [];
  for (const m of moves) {
    if (m.widened === true) widened.push(m.field);
    else if (m.widened === false) narrowed.push(m.field);
  }
  return { widened, narrowed };
}

/** undefined when equal; true when `after` is looser. Lower bounds: lower or absent is looser. */
function lowerBoundMove(before: number | null, after: number | null): boolean | undefined {
  if (before === after) return undefined;
  if (after === null) return true;
  if (before === null) return false;
  return after < before;
}

function upperBoundMove(before: number | null, after: number | null): boolean | undefined {
  if (before === after) return undefined;
  if (after === null) return true;
  if (before === null) return false;
  return after > before;
}

function flagChange(
  out: SchemaChange[],
  code: 'NULLABLE_CHANGED' | 'NAN_ALLOWED_CHANGED' | 'INFINITY_ALLOWED_CHANGED',
  feature: string,
  before: boolean,
  after: boolean,
  what: string,
): void {
  if (before === after) return;
  out.push({
    code,
    feature,
    severity: 'warning',
    breaking: !after,
    direction: after ? 'widened' : 'narrowed',
    before,
    after,
    message: `${q(feature)}: ${what} ${after ? 'now allowed' : 'no longer allowed'}`,
  });
}

function comparatorChange(
  out: SchemaChange[],
  code: 'SKEW_THRESHOLD_CHANGED' | 'DRIFT_THRESHOLD_CHANGED',
  feature: string,
  before: Comparator | undefined,
  after: Comparator | undefined,
): void {
  if (sameComparator(before, after)) return;
  // A higher threshold (or no comparator) alarms less: looser. A new method has no direction.
  const direction =
    after === undefined
      ? 'widened'
      : before === undefined
        ? 'narrowed'
        : before.method !== after.method
          ? undefined
          : after.threshold > before.threshold
            ? 'widened'
            : 'narrowed';
  const show = (c: Comparator | undefined) =>
    c === undefined ? 'none' : `${c.method === undefined ? '' : `${c.method} `}> ${c.threshold}`;
  out.push({
    code,
    feature,
    severity: 'warning',
    breaking: false,
    ...(direction ? { direction } : {}),
    before: nullable(before),
    after: nullable(after),
    message: `${q(feature)}: ${code === 'SKEW_THRESHOLD_CHANGED' ? 'skew' : 'drift'} alarm ${show(before)} → ${show(after)}`,
  });
}

function descriptionChange(
  out: SchemaChange[],
  feature: string | undefined,
  before: string | undefined,
  after: string | undefined,
): void {
  if (before === after) return;
  out.push({
    code: 'DESCRIPTION_CHANGED',
    ...(feature !== undefined ? { feature } : {}),
    severity: 'info',
    breaking: false,
    before: nullable(before),
    after: nullable(after),
    message: `${feature !== undefined ? q(feature) : 'schema'}: description ${before === undefined ? 'added' : after === undefined ? 'removed' : 'changed'}`,
  });
}

function featureChanges(
  out: SchemaChange[],
  a: FeatureSchema,
  b: FeatureSchema,
  commonEnvs: readonly string[],
): void {
  const name = b.name;
  const at = q(name);

  if (a.type !== b.type) {
    const widens = typeWidens(a.type, b);
    const narrows = a.type === 'numeric' && b.type === 'integer';
    out.push({
      code: 'TYPE_CHANGED',
      feature: name,
      severity: 'warning',
      breaking: !widens,
      ...(widens ? { direction: 'widened' as const } : narrows ? { direction: 'narrowed' as const } : {}),
      before: a.type,
      after: b.type,
      message: `${at}: type ${a.type} → ${b.type}`,
    });
  }

  // Environments: compared as sets (order changes nothing); an empty notInEnvironments is an absent one.
  const envA: FeatureEnvironments = {
    inEnvironments: nullable(a.inEnvironments),
    notInEnvironments: nullable(a.notInEnvironments),
  };
  const envB: FeatureEnvironments = {
    inEnvironments: nullable(b.inEnvironments),
    notInEnvironments: nullable(b.notInEnvironments),
  };
  const sameIn =
    envA.inEnvironments === null || envB.inEnvironments === null
      ? envA.inEnvironments === envB.inEnvironments
      : sameSet(envA.inEnvironments, envB.inEnvironments);
  if (!sameIn || !sameSet(envA.notInEnvironments ?? [], envB.notInEnvironments ?? [])) {
    const included = commonEnvs.filter((e) => !includedIn(a, e) && includedIn(b, e));
    const excluded = commonEnvs.filter((e) => includedIn(a, e) && !includedIn(b, e));
    const parts = [
      ...(included.length ? [`now checked in ${list(included)}`] : []),
      ...(excluded.length ? [`now excluded from ${list(excluded)}`] : []),
    ];
    out.push({
      code: 'ENVIRONMENTS_CHANGED',
      feature: name,
      severity: 'warning',
      // Newly excluded: a batch carrying the column breaks; newly checked: one lacking a required column.
      breaking: excluded.length > 0 || (included.length > 0 && required(b)),
      before: envA,
      after: envB,
      included,
      excluded,
      message: `${at}: environments changed${parts.length ? ` (${parts.join('; ')})` : ' (same environments checked)'}`,
    });
  }

  flagChange(out, 'NULLABLE_CHANGED', name, a.nullable, b.nullable, 'missing values');

  const pa = a.presence;
  const pb = b.presence;
  const presence = directions([
    { field: 'minFraction' as const, widened: lowerBoundMove(pa.minFraction, pb.minFraction) },
    { field: 'minCount' as const, widened: lowerBoundMove(pa.minCount, pb.minCount) },
  ]);
  for (const [dir, fields] of [
    ['widened', presence.widened],
    ['narrowed', presence.narrowed],
  ] as const) {
    if (fields.length === 0) continue;
    out.push({
      code: 'PRESENCE_CHANGED',
      feature: name,
      severity: 'warning',
      breaking: dir === 'narrowed',
      direction: dir,
      before: pa,
      after: pb,
      fields,
      message: `${at}: presence ${dir === 'widened' ? 'relaxed' : 'tightened'}: ${fields.map((f) => `${f} ${pa[f]} → ${pb[f]}`).join(', ')}`,
    });
  }

  if (NUMERIC_TYPES.includes(a.type) && NUMERIC_TYPES.includes(b.type)) {
    const ra: RangeBounds = { min: nullable(a.numeric?.min), max: nullable(a.numeric?.max) };
    const rb: RangeBounds = { min: nullable(b.numeric?.min), max: nullable(b.numeric?.max) };
    const moves = directions([
      { field: 'min' as const, widened: lowerBoundMove(ra.min, rb.min) },
      { field: 'max' as const, widened: upperBoundMove(ra.max, rb.max) },
    ]);
    for (const [code, fields] of [
      ['RANGE_WIDENED', moves.widened],
      ['RANGE_NARROWED', moves.narrowed],
    ] as const) {
      if (fields.length === 0) continue;
      const widened = code === 'RANGE_WIDENED';
      out.push({
        code,
        feature: name,
        severity: 'warning',
        breaking: !widened,
        direction: widened ? 'widened' : 'narrowed',
        before: ra,
        after: rb,
        fields,
        message: `${at}: range ${widened ? 'widened' : 'narrowed'}: ${range(ra)} → ${range(rb)}`,
      });
    }
    flagChange(
      out,
      'NAN_ALLOWED_CHANGED',
      name,
      a.numeric?.allowNaN ?? false,
      b.numeric?.allowNaN ?? false,
      'NaN',
    );
    flagChange(
      out,
      'INFINITY_ALLOWED_CHANGED',
      name,
      a.numeric?.allowInfinity ?? false,
      b.numeric?.allowInfinity ?? false,
      '±Infinity',
    );
  }

  if (a.type === 'categorical' && b.type === 'categorical') {
    const da = a.categorical?.values ?? null;
    const db = b.categorical?.values ?? null;
    const push = (code: 'DOMAIN_WIDENED' | 'DOMAIN_NARROWED', values: readonly string[], text: string) =>
      out.push({
        code,
        feature: name,
        severity: 'warning',
        breaking: code === 'DOMAIN_NARROWED',
        direction: code === 'DOMAIN_WIDENED' ? 'widened' : 'narrowed',
        before: da,
        after: db,
        values,
        message: `${at}: ${text}`,
      });
    if (da !== null && db !== null) {
      const added = minus(db, da);
      const removed = minus(da, db);
      if (added.length) push('DOMAIN_WIDENED', added, `domain widened by ${list(added)}`);
      if (removed.length) push('DOMAIN_NARROWED', removed, `domain narrowed by ${list(removed)}`);
      const ma = a.categorical?.minDomainMass ?? 1;
      const mb = b.categorical?.minDomainMass ?? 1;
      if (ma !== mb) {
        out.push({
          code: 'DOMAIN_MASS_CHANGED',
          feature: name,
          severity: 'warning',
          breaking: mb > ma,
          direction: mb < ma ? 'widened' : 'narrowed',
          before: ma,
          after: mb,
          message: `${at}: minimum domain mass ${ma} → ${mb}`,
        });
      }
    } else if (da !== null) {
      push('DOMAIN_WIDENED', [], `domain of ${da.length} values removed: any category is accepted`);
    } else if (db !== null) {
      push('DOMAIN_NARROWED', [], `domain of ${db.length} values added: other categories are rejected`);
    }
  }

  comparatorChange(out, 'SKEW_THRESHOLD_CHANGED', name, a.skew, b.skew);
  comparatorChange(out, 'DRIFT_THRESHOLD_CHANGED', name, a.drift, b.drift);
  descriptionChange(out, name, a.description, b.description);
  const piiBefore = a.pii === true;
  const piiAfter = b.pii === true;
  if (piiBefore !== piiAfter)
    out.push({
      code: 'PII_CHANGED',
      feature: name,
      severity: 'warning',
      breaking: false,
      before: piiBefore,
      after: piiAfter,
      message: `${q(name)}: ${piiAfter ? 'marked pii: profiles keep counts only, logs redact it' : 'no longer pii: profiles, anomalies and logs will show its values'}`,
    });
}

/**
 * The changes from schema `a` to schema `b`, for reviewing a schema change like code. Each change is plain
 * data with a stable `code`, the `feature` (absent at data-set level), `before` and `after`, a `direction`
 * where one applies, and `breaking`: whether data valid under `a` may be invalid under `b` (a narrowed
 * range or domain, a tightened presence, a feature now required, NaN no longer allowed, …). Order:
 * data-set-level changes, then features in `b`'s order with removed features at their place in `a`, each
 * feature's changes in the order of {@link SchemaChangeCode}. Compared by meaning: `reason`, `fingerprint`
 * and the order of features, domain values and environment lists are ignored, and absent fields equal
 * their defaults (allowNaN false, minDomainMass 1). Skew and drift comparators never break data (they
 * alarm, they do not validate). Adding an optional feature does not break (data without the column stay
 * valid); removing one does not either (its column becomes a NEW_COLUMN warning). O(features + values).
 * @example diffSchemas(schema, sealSchema({ ...schema, dataset: { minRows: 100 } })) // => [{ code: 'DATASET_CHANGED', breaking: true, fields: ['minRows'], … }]
 * Each change is a finding on core's scale: `severity` `warning` for contract changes, `info` for the rest.
 * @throws LockstepError `INVALID_ARGUMENT` naming `a` or `b` when it is not a schema artifact;
 *   `INVALID_ARTIFACT` when one is malformed or was edited without being sealed again.
 */
export function diffSchemas(a: SchemaArtifact, b: SchemaArtifact): SchemaChange[] {
  return diffChecked(schemaArgument('diffSchemas', a, 'a'), schemaArgument('diffSchemas', b, 'b'));
}

function diffChecked(a: SchemaArtifact, b: SchemaArtifact): SchemaChange[] {
  const out: SchemaChange[] = [];

  // Data-set level: environments, row bounds, version, description.
  if (!sameSet(a.environments, b.environments)) {
    const added = minus(b.environments, a.environments);
    const removed = minus(a.environments, b.environments);
    out.push({
      code: 'ENVIRONMENTS_CHANGED',
      severity: 'warning',
      // Validating in an environment the schema no longer has throws.
      breaking: removed.length > 0,
      ...(removed.length === 0
        ? { direction: 'widened' as const }
        : added.length === 0
          ? { direction: 'narrowed' as const }
          : {}),
      before: a.environments,
      after: b.environments,
      added,
      removed,
      message: `environments: ${[...(added.length ? [`added ${list(added)}`] : []), ...(removed.length ? [`removed ${list(removed)}`] : [])].join('; ')}`,
    });
  }
  const ra: RowBounds = { minRows: nullable(a.dataset.minRows), maxRows: nullable(a.dataset.maxRows) };
  const rb: RowBounds = { minRows: nullable(b.dataset.minRows), maxRows: nullable(b.dataset.maxRows) };
  const rows = directions([
    { field: 'minRows' as const, widened: lowerBoundMove(ra.minRows, rb.minRows) },
    { field: 'maxRows' as const, widened: upperBoundMove(ra.maxRows, rb.maxRows) },
  ]);
  for (const [dir, fields] of [
    ['widened', rows.widened],
    ['narrowed', rows.narrowed],
  ] as const) {
    if (fields.length === 0) continue;
    out.push({
      code: 'DATASET_CHANGED',
      severity: 'warning',
      breaking: dir === 'narrowed',
      direction: dir,
      before: ra,
      after: rb,
      fields,
      message: `dataset: ${fields.map((f) => `${f} ${bound(ra[f], 'none')} → ${bound(rb[f], 'none')}`).join(', ')}`,
    });
  }
  if (a.version !== b.version) {
    out.push({
      code: 'VERSION_CHANGED',
      severity: 'info',
      breaking: false,
      before: nullable(a.version),
      after: nullable(b.version),
      message: `version ${a.version === undefined ? 'none' : q(a.version)} → ${b.version === undefined ? 'none' : q(b.version)}`,
    });
  }
  descriptionChange(out, undefined, a.description, b.description);

  // Features: b's order, each removed feature placed after the feature that preceded it in a.
  const inA = new Map(a.features.map((f) => [f.name, f]));
  const inB = new Set(b.features.map((f) => f.name));
  const removedAfter = new Map<string | undefined, FeatureSchema[]>();
  let anchor: string | undefined;
  for (const f of a.features) {
    if (inB.has(f.name)) anchor = f.name;
    else {
      const group = removedAfter.get(anchor);
      if (group) group.push(f);
      else removedAfter.set(anchor, [f]);
    }
  }
  const removed = (after: string | undefined) => {
    for (const f of removedAfter.get(after) ?? []) {
      out.push({
        code: 'FEATURE_REMOVED',
        feature: f.name,
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: f,
        after: null,
        message: `${q(f.name)}: feature removed (its column is now a NEW_COLUMN)`,
      });
    }
  };
  const common = a.environments.filter((e) => b.environments.includes(e));
  removed(undefined);
  for (const fb of b.features) {
    const fa = inA.get(fb.name);
    if (fa === undefined) {
      const req = required(fb);
      out.push({
        code: 'FEATURE_ADDED',
        feature: fb.name,
        severity: 'warning',
        breaking: req,
        ...(req ? { direction: 'narrowed' as const } : {}),
        before: null,
        after: fb,
        required: req,
        message: `${q(fb.name)}: feature added (${fb.type}, ${req ? 'required' : 'optional'})`,
      });
    } else featureChanges(out, fa, fb, common);
    removed(fb.name);
  }
  return out;
}
