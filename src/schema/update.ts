// TFDV's "fix the schema" workflow: widen a schema so that it accepts anomalies a person has reviewed and
// judged to be the data's truth rather than a bug (a new airport code, a longer delay, an optional field).
import { describe, invalidArgument } from '../core/errors.js';
import { type FeatureSchema, type SchemaArtifact, sealSchema } from './artifact.js';
import { ANOMALY_CODES, type Anomaly, type AnomalyCode, type ValidationReport } from './rules.js';

/** Which anomalies to accept: a list of codes, or a predicate. Default: every anomaly that can be fixed. */
export interface UpdateSchemaOptions {
  readonly accept?: readonly AnomalyCode[] | ((anomaly: Anomaly) => boolean);
}

/**
 * Why an anomaly was left alone. `NOT_FIXABLE`: no widening of the schema accepts it (or it needs a
 * person: a new feature, an environment change); `NOT_ACCEPTED`: `options.accept` declined it;
 * `UNKNOWN_FEATURE`: the schema has no such feature; `NOT_APPLICABLE`: it does not fit the feature (a
 * category anomaly on a numeric feature) or lacks the numbers the fix needs.
 */
export type SkipCode = 'NOT_FIXABLE' | 'NOT_ACCEPTED' | 'UNKNOWN_FEATURE' | 'NOT_APPLICABLE';

export interface SkippedAnomaly {
  readonly anomaly: Anomaly;
  readonly code: SkipCode;
  readonly reason: string;
}

export interface SchemaUpdate {
  /** The widened schema, sealed; a new object even when nothing was applied. */
  readonly schema: SchemaArtifact;
  /** Anomalies the new schema accepts, in input order. */
  readonly applied: readonly Anomaly[];
  /** Every other anomaly, in input order, with the reason. */
  readonly skipped: readonly SkippedAnomaly[];
}

// The observed numbers the presence and domain-mass fixes need travel on the anomaly (validate fills them).
type Observed = NonNullable<Anomaly['observed']>;
type ObservedMass = NonNullable<Anomaly['observedMass']>;

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

function observedPresence(anomaly: Anomaly): Observed | undefined {
  const o = anomaly.observed;
  return o && isCount(o.present) && isCount(o.rows) && o.present <= o.rows ? o : undefined;
}

function observedMass(anomaly: Anomaly): ObservedMass | undefined {
  const o = anomaly.observedMass;
  return o && isCount(o.inDomain) && isCount(o.checked) && o.inDomain <= o.checked ? o : undefined;
}

/**
 * k / n, lowered by an ulp or two where needed so that f * n <= k: validate's `present < f * rows` must be
 * false for the batch that was observed, and k / n then f * n can each round up (7 / 25 * 25 > 7).
 */
function shareAtMost(k: number, n: number): number {
  if (n === 0) return 0;
  let f = Math.min(1, k / n);
  while (f > 0 && f * n > k) f -= f * Number.EPSILON;
  return f;
}

type Fix = (f: FeatureSchema, anomaly: Anomaly) => FeatureSchema | string;

const NUMERIC_ONLY = 'applies to numeric, integer and timestamp features only';

const isNumericFeature = (f: FeatureSchema) =>
  f.type === 'numeric' || f.type === 'integer' || f.type === 'timestamp';

/** Presence lowered to what the batch showed: minFraction and minCount no higher than observed. */
function lowerPresence(f: FeatureSchema, observed: Observed | undefined): FeatureSchema {
  if (observed === undefined) return f;
  const minFraction = Math.min(f.presence.minFraction, shareAtMost(observed.present, observed.rows));
  const minCount = Math.min(f.presence.minCount, observed.present);
  return { ...f, presence: { minFraction, minCount } };
}

// Each code: its fix (the new feature, or why it does not apply), or why no fix exists. A Record, so a
// new AnomalyCode does not compile until someone decides how it is fixed.
const FIXES: Record<AnomalyCode, Fix | { readonly unfixable: string }> = {
  UNEXPECTED_CATEGORY: (f, anomaly) => {
    if (f.type !== 'categorical') return 'applies to categorical features only';
    if (f.categorical === undefined) return f; // no domain: any category is accepted already
    const listed = anomaly.values;
    if (!Array.isArray(listed) || listed.length === 0) return 'the anomaly lists no values';
    const total = listed.reduce((s, v) => s + v.count, 0);
    if (total < anomaly.count) {
      return `the anomaly lists ${listed.length} of the values outside the domain (${total} of ${anomaly.count} rows): adding only those would not accept the batch; review the feature (a domain this wide may not be one)`;
    }
    // The report shortens long strings to 77 characters and '...' (exampleOf): such a value is not the datum.
    const cut = listed.find(
      (v) => typeof v.value !== 'string' || (v.value.length === 80 && v.value.endsWith('...')),
    );
    if (cut !== undefined)
      return `the value ${describe(cut.value)} may have been shortened for the report; add the full value by hand`;
    const values = [...f.categorical.values];
    const known = new Set(values);
    for (const { value } of listed) {
      if (!known.has(value)) {
        known.add(value);
        values.push(value);
      }
    }
    return { ...f, categorical: { ...f.categorical, values } };
  },
  OUT_OF_RANGE: (f, anomaly) => {
    if (!isNumericFeature(f)) return NUMERIC_ONLY;
    const r = anomaly.range;
    if (!r || !Number.isFinite(r.min) || !Number.isFinite(r.max) || r.min > r.max)
      return 'the anomaly carries no finite range';
    const n = f.numeric ?? {};
    return {
      ...f,
      numeric: {
        ...n,
        ...(n.min !== undefined ? { min: Math.min(n.min, r.min) } : {}),
        ...(n.max !== undefined ? { max: Math.max(n.max, r.max) } : {}),
      },
    };
  },
  NAN_NOT_ALLOWED: (f) =>
    isNumericFeature(f) ? { ...f, numeric: { ...f.numeric, allowNaN: true } } : NUMERIC_ONLY,
  INFINITY_NOT_ALLOWED: (f) =>
    isNumericFeature(f) ? { ...f, numeric: { ...f.numeric, allowInfinity: true } } : NUMERIC_ONLY,
  // Nullable, and presence lowered too: presence is checked only for nullable features, so nullable alone
  // would trade MISSING_VALUE for LOW_PRESENCE on the very batch that was reviewed.
  MISSING_VALUE: (f, anomaly) => ({
    ...lowerPresence(f, observedPresence(anomaly)),
    nullable: true,
  }),
  LOW_PRESENCE: (f, anomaly) => {
    const observed = observedPresence(anomaly);
    if (observed === undefined)
      return 'the anomaly does not say how many rows had a value (observed): use an anomaly from validate';
    return lowerPresence(f, observed);
  },
  DOMAIN_MASS_LOW: (f, anomaly) => {
    if (f.type !== 'categorical' || f.categorical === undefined)
      return 'applies to categorical features with a domain only';
    const mass = observedMass(anomaly);
    if (mass === undefined)
      return 'the anomaly does not say the share inside the domain (observedMass): use an anomaly from validate';
    const m = f.categorical.minDomainMass ?? 1;
    return {
      ...f,
      categorical: { ...f.categorical, minDomainMass: Math.min(m, shareAtMost(mass.inDomain, mass.checked)) },
    };
  },
  MISSING_COLUMN: (f) => ({ ...f, nullable: true, presence: { minFraction: 0, minCount: 0 } }),
  UNEXPECTED_COLUMN: {
    unfixable:
      'the contract excludes this feature from the environment (inEnvironments / notInEnvironments); where a feature belongs is a contract change to make and review by hand, not a widening',
  },
  NEW_COLUMN: {
    unfixable:
      'a new column needs a new feature whose type and domain come from data: infer it (inferSchema on the data or their profile), review it, and add it by hand',
  },
  TYPE_MISMATCH: {
    unfixable:
      'values of another type are bad data or a change of type; if the data are right, change the feature’s type by hand',
  },
  BAD_ROW: { unfixable: 'rows that are not objects fit no schema; fix the data’s producer' },
  TOO_FEW_ROWS: {
    unfixable: 'row-count bounds are a deliberate contract on batch size; edit dataset.minRows by hand',
  },
  TOO_MANY_ROWS: {
    unfixable: 'row-count bounds are a deliberate contract on batch size; edit dataset.maxRows by hand',
  },
};

function acceptFilter(accept: UpdateSchemaOptions['accept']): (anomaly: Anomaly) => boolean {
  if (accept === undefined) return () => true;
  if (typeof accept === 'function') return (anomaly) => accept(anomaly) === true;
  if (!Array.isArray(accept))
    throw invalidArgument(
      'updateSchema',
      'options.accept',
      'must be an array of anomaly codes or a function',
      accept,
    );
  accept.forEach((code: unknown, i) => {
    if (!ANOMALY_CODES.includes(code as AnomalyCode))
      throw invalidArgument('updateSchema', `options.accept[${i}]`, 'must be an anomaly code', code);
  });
  const codes = new Set<string>(accept);
  return (anomaly) => codes.has(anomaly.code);
}

/**
 * Widens a schema to accept reviewed anomalies, TFDV's "fix the schema" workflow, and returns a new sealed
 * schema; the input is not changed. Fixes: UNEXPECTED_CATEGORY adds the anomaly's `values` to the domain
 * (existing values first, new ones in the anomaly's order); OUT_OF_RANGE widens min and max to its
 * `range`; NAN_NOT_ALLOWED and INFINITY_NOT_ALLOWED allow them; MISSING_VALUE makes the feature nullable
 * (and lowers presence to what the batch showed, else the same batch would fail LOW_PRESENCE);
 * LOW_PRESENCE lowers minFraction and minCount to what was observed; DOMAIN_MASS_LOW lowers minDomainMass
 * to the observed share; MISSING_COLUMN makes the feature nullable with presence 0. Never fixed:
 * NEW_COLUMN (a new feature needs inference: inferSchema), UNEXPECTED_COLUMN (environments are a contract
 * change), TYPE_MISMATCH, BAD_ROW, TOO_FEW_ROWS and TOO_MANY_ROWS. A fix applies whole or not at all: an
 * anomaly whose value list was truncated by the report is skipped, not half-applied. Nothing is dropped in
 * silence: every anomaly ends in `applied` or in `skipped` with a code and a reason. Pass the report
 * itself rather than its anomalies where you can: its `rows` makes the presence fix exact in every case.
 * `diffSchemas(schema, result.schema)` lists exactly the widenings made. O(anomalies × domain size).
 * @example updateSchema(schema, validate(rows, schema), { accept: ['UNEXPECTED_CATEGORY'] }).applied // => [{ code: 'UNEXPECTED_CATEGORY', feature: 'origin', values: [{ value: 'XYZ', count: 14 }], … }]
 * @throws LockstepError `INVALID_ARGUMENT` naming `schema`, `anomalies` or `options.accept` when one is malformed.
 */
export function updateSchema(
  schema: SchemaArtifact,
  anomalies: readonly Anomaly[] | ValidationReport,
  options: UpdateSchemaOptions = {},
): SchemaUpdate {
  if (
    typeof schema !== 'object' ||
    schema === null ||
    schema.kind !== 'lockstep.schema' ||
    !Array.isArray(schema.features)
  ) {
    throw invalidArgument(
      'updateSchema',
      'schema',
      'must be a lockstep.schema artifact (see parseSchema)',
      schema,
    );
  }
  let list: readonly Anomaly[];
  if (Array.isArray(anomalies)) list = anomalies;
  else if (
    typeof anomalies === 'object' &&
    anomalies !== null &&
    Array.isArray((anomalies as ValidationReport).anomalies)
  ) {
    list = (anomalies as ValidationReport).anomalies;
  } else {
    throw invalidArgument(
      'updateSchema',
      'anomalies',
      'must be a validation report or its anomalies array',
      anomalies,
    );
  }
  list.forEach((a, i) => {
    if (typeof a !== 'object' || a === null || typeof a.code !== 'string')
      throw invalidArgument(
        'updateSchema',
        `anomalies[${i}]`,
        'must be an anomaly (an object with a code)',
        a,
      );
  });
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('updateSchema', 'options', 'must be an object', options);
  const accepts = acceptFilter(options.accept);

  const features = [...schema.features];
  const index = new Map(features.map((f, i) => [f.name, i]));
  const applied: Anomaly[] = [];
  const skipped: SkippedAnomaly[] = [];
  for (const anomaly of list) {
    const fix = Object.hasOwn(FIXES, anomaly.code) ? FIXES[anomaly.code] : undefined;
    if (fix === undefined) {
      skipped.push({
        anomaly,
        code: 'NOT_FIXABLE',
        reason: `unknown anomaly code ${describe(anomaly.code)}`,
      });
      continue;
    }
    if (typeof fix !== 'function') {
      skipped.push({ anomaly, code: 'NOT_FIXABLE', reason: fix.unfixable });
      continue;
    }
    if (!accepts(anomaly)) {
      skipped.push({ anomaly, code: 'NOT_ACCEPTED', reason: 'options.accept declined it' });
      continue;
    }
    const i = typeof anomaly.feature === 'string' ? index.get(anomaly.feature) : undefined;
    if (i === undefined) {
      skipped.push({
        anomaly,
        code: 'UNKNOWN_FEATURE',
        reason: `the schema has no feature ${describe(anomaly.feature)}`,
      });
      continue;
    }
    const result = fix(features[i]!, anomaly);
    if (typeof result === 'string') {
      skipped.push({ anomaly, code: 'NOT_APPLICABLE', reason: result });
      continue;
    }
    features[i] = result;
    applied.push(anomaly);
  }
  const { fingerprint: _drop, ...body } = schema;
  return { schema: sealSchema({ ...body, features }), applied, skipped };
}
