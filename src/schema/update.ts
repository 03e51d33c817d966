// TFDV's "fix the schema" workflow: widen a schema so that it accepts anomalies a person has reviewed and
// judged to be the data's truth rather than a bug (a new airport code, a longer delay, an optional field).
import { checkArray, checkFunction, readOptions } from '../core/check.js';
import { describe, invalidArgument } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import {
  type FeatureSchema,
  SCHEMA_LIMITS,
  type SchemaArtifact,
  schemaArgument,
  sealBody,
} from './artifact.js';
import { ANOMALY_CODES, type Anomaly, type AnomalyCode, type ValidationReport } from './rules.js';

/** Which anomalies to accept: a list of codes, or a predicate. Default: every anomaly that can be fixed. */
export interface UpdateSchemaOptions {
  readonly accept?: readonly AnomalyCode[] | ((anomaly: Anomaly) => boolean);
}

const UPDATE_KEYS: readonly (keyof UpdateSchemaOptions)[] = ['accept'];

/** Anomalies one update takes at most (a report lists one per code and feature, so far fewer in practice). */
const MAX_ANOMALIES = 1_000_000;

/**
 * Why an anomaly was left alone. `NOT_FIXABLE`: no widening of the schema accepts it (or it needs a
 * person: a new feature, an environment change); `NOT_ACCEPTED`: `options.accept` declined it;
 * `UNKNOWN_FEATURE`: the schema has no such feature; `NOT_APPLICABLE`: it does not fit the feature (a
 * category anomaly on a numeric feature) or lacks the numbers the fix needs.
 */
export type SkipCode = 'NOT_FIXABLE' | 'NOT_ACCEPTED' | 'UNKNOWN_FEATURE' | 'NOT_APPLICABLE';

/**
 * An anomaly the update left alone, as a finding: the skip's `code`, severity `info` when
 * `options.accept` declined it and `warning` otherwise (the new schema still rejects what it reports), a
 * `message` naming the anomaly and why, the anomaly's `feature`, the `reason` and the `anomaly` itself.
 */
export interface SkippedAnomaly extends Finding<SkipCode> {
  readonly severity: 'warning' | 'info';
  readonly anomaly: Anomaly;
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

/**
 * What the fixes read of an anomaly, each field read once and checked for its type: an anomaly may come
 * from anywhere (JSON, a hand-made list), and a malformed field makes its fix not applicable, never a
 * TypeError.
 */
interface Read {
  readonly code: string;
  readonly feature: unknown;
  readonly count: number;
  readonly values: readonly { readonly value: unknown; readonly count: number }[] | undefined;
  readonly range: { readonly min: number; readonly max: number } | undefined;
  readonly observed: Observed | undefined;
  readonly observedMass: ObservedMass | undefined;
}

/** Most values an UNEXPECTED_CATEGORY anomaly lists that a fix reads (validate lists at most 100). */
const MAX_LISTED = SCHEMA_LIMITS.values;

function readPair<A extends string, B extends string>(
  v: unknown,
  a: A,
  b: B,
): { readonly [K in A | B]: number } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const x = (v as Record<string, unknown>)[a];
  const y = (v as Record<string, unknown>)[b];
  return typeof x === 'number' && typeof y === 'number'
    ? ({ [a]: x, [b]: y } as { readonly [K in A | B]: number })
    : undefined;
}

function readAnomaly(i: number, a: unknown): Read {
  const fn = 'updateSchema';
  const must = 'must be an anomaly (an object with a code)';
  if (typeof a !== 'object' || a === null || Array.isArray(a))
    throw invalidArgument(fn, `anomalies[${i}]`, must, a);
  try {
    const r = a as Record<string, unknown>;
    const code = r.code;
    if (typeof code !== 'string') throw invalidArgument(fn, `anomalies[${i}]`, must, a);
    const listed = r.values;
    let values: { value: unknown; count: number }[] | undefined;
    if (Array.isArray(listed) && listed.length <= MAX_LISTED) {
      values = [];
      for (let j = 0; j < listed.length; j++) {
        const item = listed[j];
        const value =
          typeof item === 'object' && item !== null ? (item as { value?: unknown }).value : undefined;
        const count =
          typeof item === 'object' && item !== null ? (item as { count?: unknown }).count : undefined;
        values.push({ value, count: typeof count === 'number' ? count : Number.NaN });
      }
    }
    const presence = readPair(r.observed, 'present', 'rows');
    const mass = readPair(r.observedMass, 'inDomain', 'checked');
    return {
      code,
      feature: r.feature,
      count: typeof r.count === 'number' ? r.count : Number.NaN,
      values,
      range: readPair(r.range, 'min', 'max'),
      observed:
        presence && isCount(presence.present) && isCount(presence.rows) && presence.present <= presence.rows
          ? presence
          : undefined,
      observedMass:
        mass && isCount(mass.inDomain) && isCount(mass.checked) && mass.inDomain <= mass.checked
          ? mass
          : undefined,
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'LockstepError') throw error;
    throw invalidArgument(fn, `anomalies[${i}]`, 'must be readable (a getter or proxy threw)');
  }
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

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

type Fix = (f: FeatureSchema, anomaly: Read) => FeatureSchema | string;

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
    if (listed === undefined || listed.length === 0) return 'the anomaly lists no values';
    const total = listed.reduce((s, v) => s + v.count, 0);
    if (!Number.isFinite(total) || !Number.isFinite(anomaly.count))
      return 'the anomaly does not count its values (each value needs a count)';
    if (total < anomaly.count) {
      return `the anomaly lists ${listed.length} of the values outside the domain (${total} of ${anomaly.count} rows): adding only those would not accept the batch; review the feature (a domain this wide may not be one)`;
    }
    // The report shortens long strings to 77 characters and '...' (exampleOf): such a value is not the datum.
    const cut = listed.find(
      (v) => typeof v.value !== 'string' || (v.value.length === 80 && v.value.endsWith('...')),
    );
    if (cut !== undefined)
      return `the value ${describe(cut.value)} may have been shortened for the report; add the full value by hand`;
    const long = listed.find((v) => (v.value as string).length > SCHEMA_LIMITS.value);
    if (long !== undefined)
      return `the value ${describe(long.value)} is longer than a domain value may be (${SCHEMA_LIMITS.value} characters)`;
    const values = [...f.categorical.values];
    const known = new Set(values);
    for (const { value } of listed) {
      if (!known.has(value as string)) {
        known.add(value as string);
        values.push(value as string);
      }
    }
    if (values.length > SCHEMA_LIMITS.values)
      return `the domain would hold ${values.length} values, more than a domain may (${SCHEMA_LIMITS.values}); review the feature (a domain this wide may not be one)`;
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
        // `+ 0`: -0 written as 0, as JSON will, so the schema equals what parseSchema reads back.
        ...(n.min !== undefined ? { min: Math.min(n.min, r.min) + 0 } : {}),
        ...(n.max !== undefined ? { max: Math.max(n.max, r.max) + 0 } : {}),
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
    ...lowerPresence(f, anomaly.observed),
    nullable: true,
  }),
  LOW_PRESENCE: (f, anomaly) => {
    const observed = anomaly.observed;
    if (observed === undefined)
      return 'the anomaly does not say how many rows had a value (observed): use an anomaly from validate';
    return lowerPresence(f, observed);
  },
  DOMAIN_MASS_LOW: (f, anomaly) => {
    if (f.type !== 'categorical' || f.categorical === undefined)
      return 'applies to categorical features with a domain only';
    const mass = anomaly.observedMass;
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

function acceptFilter(accept: unknown): (anomaly: Anomaly) => boolean {
  const fn = 'updateSchema';
  if (accept === undefined) return () => true;
  if (typeof accept === 'function') {
    const predicate = checkFunction<(anomaly: Anomaly) => unknown>(fn, 'options.accept', accept);
    return (anomaly) => predicate(anomaly) === true;
  }
  if (!Array.isArray(accept))
    throw invalidArgument(fn, 'options.accept', 'must be an array of anomaly codes or a function', accept);
  const list = checkArray(fn, 'options.accept', accept, ANOMALY_CODES.length * 4);
  for (let i = 0; i < list.length; i++) {
    if (!ANOMALY_CODES.includes(list[i] as AnomalyCode))
      throw invalidArgument(fn, `options.accept[${i}]`, 'must be an anomaly code', list[i]);
  }
  const codes = new Set<unknown>(list);
  return (anomaly) => codes.has(anomaly.code);
}

/** A skipped anomaly as a finding. */
function skip(anomaly: Anomaly, read: Read, code: SkipCode, reason: string): SkippedAnomaly {
  const feature = typeof read.feature === 'string' ? read.feature : undefined;
  const what = read.code.length <= 64 ? read.code : describe(read.code);
  return {
    code,
    severity: code === 'NOT_ACCEPTED' ? 'info' : 'warning',
    message: `${what}${feature !== undefined ? ` in ${describe(feature)}` : ''} not applied: ${reason}`,
    ...(feature !== undefined ? { feature } : {}),
    anomaly,
    reason,
  };
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
 * `diffSchemas(schema, result.schema)` lists exactly the widenings made. Each skipped anomaly is a finding
 * (code, severity, message, feature) carrying the anomaly and the reason. O(anomalies × domain size).
 * @example updateSchema(schema, validate(rows, schema), { accept: ['UNEXPECTED_CATEGORY'] }).applied // => [{ code: 'UNEXPECTED_CATEGORY', feature: 'origin', values: [{ value: 'XYZ', count: 14 }], … }]
 * @throws LockstepError `INVALID_ARGUMENT` naming `schema`, `anomalies` or `options` (an unknown key, or
 *   `options.accept` malformed) when one is malformed; `INVALID_ARTIFACT` for a malformed or edited schema.
 */
export function updateSchema(
  schema: SchemaArtifact,
  anomalies: readonly Anomaly[] | ValidationReport,
  options?: UpdateSchemaOptions,
): SchemaUpdate {
  const fn = 'updateSchema';
  const checked = schemaArgument(fn, schema);
  let given: unknown;
  if (Array.isArray(anomalies)) given = anomalies;
  else if (typeof anomalies === 'object' && anomalies !== null) {
    try {
      given = (anomalies as ValidationReport).anomalies;
    } catch {
      throw invalidArgument(fn, 'anomalies', 'must be readable (a getter or proxy threw)');
    }
  }
  if (!Array.isArray(given))
    throw invalidArgument(fn, 'anomalies', 'must be a validation report or its anomalies array', anomalies);
  const list = checkArray(fn, 'anomalies', given, MAX_ANOMALIES) as readonly Anomaly[];
  // A loop, not map: map skips the holes of a sparse array, and a hole is no anomaly.
  const reads: Read[] = [];
  for (let i = 0; i < list.length; i++) reads.push(readAnomaly(i, list[i]));
  const o = readOptions(fn, options, UPDATE_KEYS);
  const accepts = acceptFilter(o.accept);

  const features = [...checked.features];
  const index = new Map(features.map((f, i) => [f.name, i]));
  const applied: Anomaly[] = [];
  const skipped: SkippedAnomaly[] = [];
  for (let k = 0; k < list.length; k++) {
    const anomaly = list[k]!;
    const read = reads[k]!;
    const fix = Object.hasOwn(FIXES, read.code) ? FIXES[read.code as AnomalyCode] : undefined;
    if (fix === undefined) {
      skipped.push(skip(anomaly, read, 'NOT_FIXABLE', `unknown anomaly code ${describe(read.code)}`));
      continue;
    }
    if (typeof fix !== 'function') {
      skipped.push(skip(anomaly, read, 'NOT_FIXABLE', fix.unfixable));
      continue;
    }
    if (!accepts(anomaly)) {
      skipped.push(skip(anomaly, read, 'NOT_ACCEPTED', 'options.accept declined it'));
      continue;
    }
    const i = typeof read.feature === 'string' ? index.get(read.feature) : undefined;
    if (i === undefined) {
      skipped.push(
        skip(anomaly, read, 'UNKNOWN_FEATURE', `the schema has no feature ${describe(read.feature)}`),
      );
      continue;
    }
    const result = fix(features[i]!, read);
    if (typeof result === 'string') {
      skipped.push(skip(anomaly, read, 'NOT_APPLICABLE', result));
      continue;
    }
    features[i] = result;
    applied.push(anomaly);
  }
  const { fingerprint: _drop, ...body } = checked;
  return { schema: sealBody(fn, { ...body, features }), applied, skipped };
}
