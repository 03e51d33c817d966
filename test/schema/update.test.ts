import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { type FeatureSchema, parseSchema, type SchemaBody, sealSchema } from '../../src/schema/artifact.js';
import { diffSchemas } from '../../src/schema/diff.js';
import type { Anomaly, AnomalyCode } from '../../src/schema/rules.js';
import { updateSchema } from '../../src/schema/update.js';
import { validate } from '../../src/schema/validate.js';

const full = { minFraction: 1, minCount: 1 };

const body: SchemaBody = {
  kind: 'lockstep.schema',
  formatVersion: 1,
  environments: ['training', 'serving'],
  dataset: {},
  features: [
    {
      name: 'origin',
      type: 'categorical',
      nullable: false,
      presence: full,
      categorical: { values: ['JFK', 'LAX'] },
    },
    { name: 'delay', type: 'numeric', nullable: false, presence: full, numeric: { min: 0, max: 100 } },
    {
      name: 'carrier',
      type: 'categorical',
      nullable: false,
      presence: full,
      categorical: { values: ['AA', 'DL'], minDomainMass: 0.9 },
    },
    { name: 'note', type: 'text', nullable: true, presence: { minFraction: 0.8, minCount: 2 } },
    { name: 'label', type: 'integer', nullable: false, presence: full, notInEnvironments: ['serving'] },
  ],
};
const base = sealSchema(body);

const good = { origin: 'JFK', delay: 10, carrier: 'AA', note: 'ok', label: 1 };

/** n good rows, with `patch(i)` merged into row i (a key set to undefined is dropped). */
function rows(
  n: number,
  patch: (i: number) => Record<string, unknown> = () => ({}),
): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const row: Record<string, unknown> = { ...good, ...patch(i) };
    for (const k of Object.keys(row)) if (row[k] === undefined) delete row[k];
    return row;
  });
}

const feature = (schema: { features: readonly FeatureSchema[] }, name: string) =>
  schema.features.find((f) => f.name === name)!;

const codesOf = (anomalies: readonly Anomaly[]) => anomalies.map((a) => `${a.code}:${a.feature ?? ''}`);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('updateSchema: each fix makes its anomaly go away', () => {
  it('UNEXPECTED_CATEGORY adds the values, existing first, new ones in the anomaly’s order', () => {
    const data = rows(10, (i) => (i < 3 ? { origin: 'SFO' } : i === 3 ? { origin: 'BOS' } : {}));
    const report = validate(data, base);
    expect(codesOf(report.anomalies)).toEqual(['UNEXPECTED_CATEGORY:origin']);
    const { schema, applied, skipped } = updateSchema(base, report);
    expect(applied).toEqual(report.anomalies);
    expect(skipped).toEqual([]);
    expect(feature(schema, 'origin').categorical).toEqual({ values: ['JFK', 'LAX', 'SFO', 'BOS'] });
    expect(validate(data, schema).anomalies).toEqual([]);
  });

  it('OUT_OF_RANGE widens min and max to the range received, and only the bound broken', () => {
    const data = rows(6, (i) => (i === 0 ? { delay: -5 } : i === 1 ? { delay: 250 } : {}));
    const report = validate(data, base);
    expect(report.anomalies.map((a) => [a.code, a.range])).toEqual([['OUT_OF_RANGE', { min: -5, max: 250 }]]);
    const { schema } = updateSchema(base, report);
    expect(feature(schema, 'delay').numeric).toEqual({ min: -5, max: 250 });
    expect(validate(data, schema).anomalies).toEqual([]);

    const above = rows(3, (i) => (i === 0 ? { delay: 130 } : {}));
    const widened = updateSchema(base, validate(above, base)).schema;
    expect(feature(widened, 'delay').numeric).toEqual({ min: 0, max: 130 });
    expect(validate(above, widened).ok).toBe(true);
  });

  it('NAN_NOT_ALLOWED allows NaN', () => {
    const data = rows(4, (i) => (i === 2 ? { delay: Number.NaN } : {}));
    const report = validate(data, base);
    expect(codesOf(report.anomalies)).toEqual(['NAN_NOT_ALLOWED:delay']);
    const { schema } = updateSchema(base, report);
    expect(feature(schema, 'delay').numeric).toEqual({ min: 0, max: 100, allowNaN: true });
    expect(validate(data, schema).anomalies).toEqual([]);
  });

  it('INFINITY_NOT_ALLOWED allows ±Infinity', () => {
    const data = rows(4, (i) => (i === 2 ? { delay: Number.NEGATIVE_INFINITY } : {}));
    const report = validate(data, base);
    expect(codesOf(report.anomalies)).toEqual(['INFINITY_NOT_ALLOWED:delay']);
    const { schema } = updateSchema(base, report);
    expect(feature(schema, 'delay').numeric).toEqual({ min: 0, max: 100, allowInfinity: true });
    expect(validate(data, schema).anomalies).toEqual([]);
  });

  it('MISSING_VALUE makes the feature nullable and lowers presence to what the batch showed', () => {
    const data = rows(10, (i) => (i < 2 ? { delay: null } : {}));
    const report = validate(data, base);
    expect(codesOf(report.anomalies)).toEqual(['MISSING_VALUE:delay']);
    const { schema } = updateSchema(base, report.anomalies);
    expect(feature(schema, 'delay')).toMatchObject({
      nullable: true,
      presence: { minFraction: 0.8, minCount: 1 },
    });
    // Nullable alone would trade MISSING_VALUE for LOW_PRESENCE on the same batch.
    expect(validate(data, schema).anomalies).toEqual([]);
  });

  it('LOW_PRESENCE lowers minFraction and minCount to what was observed', () => {
    const data = rows(10, (i) => (i < 5 ? { note: undefined } : {}));
    const report = validate(data, base);
    expect(codesOf(report.anomalies)).toEqual(['LOW_PRESENCE:note']);
    const { schema } = updateSchema(base, report.anomalies);
    expect(feature(schema, 'note').presence).toEqual({ minFraction: 0.5, minCount: 2 });
    expect(validate(data, schema).anomalies).toEqual([]);
  });

  it('LOW_PRESENCE: a fraction that rounds up (7 of 25) is lowered until the same batch passes', () => {
    expect((7 / 25) * 25).toBeGreaterThan(7); // the case the guard is for
    const data = rows(25, (i) => (i >= 7 ? { note: null } : {}));
    const report = validate(data, base);
    expect(codesOf(report.anomalies)).toEqual(['LOW_PRESENCE:note']);
    const { schema } = updateSchema(base, report);
    const { minFraction } = feature(schema, 'note').presence;
    expect(minFraction).toBeLessThan(7 / 25);
    expect(minFraction).toBeGreaterThan(7 / 25 - 1e-15);
    expect(validate(data, schema).anomalies).toEqual([]);
  });

  it('LOW_PRESENCE with no missing rows (minCount above the batch) is fixed from the observed counts', () => {
    const strict = sealSchema({
      ...body,
      features: body.features.map((f) =>
        f.name === 'note' ? { ...f, presence: { minFraction: 0.5, minCount: 20 } } : f,
      ),
    });
    const data = rows(10);
    const report = validate(data, strict);
    expect(report.anomalies.map((a) => [a.code, a.count, a.fraction, a.observed])).toEqual([
      ['LOW_PRESENCE', 0, 0, { present: 10, rows: 10 }],
    ]);
    const fromArray = updateSchema(strict, report.anomalies);
    expect(fromArray.applied).toEqual(report.anomalies);
    expect(feature(fromArray.schema, 'note').presence).toEqual({ minFraction: 0.5, minCount: 10 });
    const fromReport = updateSchema(strict, report);
    expect(fromReport.applied).toEqual(report.anomalies);
    expect(feature(fromReport.schema, 'note').presence).toEqual({ minFraction: 0.5, minCount: 10 });
    expect(validate(data, fromReport.schema).anomalies).toEqual([]);
  });

  it('DOMAIN_MASS_LOW lowers minDomainMass to the observed share', () => {
    const data = rows(10, (i) => (i < 2 ? { carrier: 'UA' } : {}));
    const report = validate(data, base);
    expect(report.anomalies.map((a) => [a.code, a.severity])).toEqual([
      ['UNEXPECTED_CATEGORY', 'warning'],
      ['DOMAIN_MASS_LOW', 'error'],
    ]);
    const { schema, applied, skipped } = updateSchema(base, report, { accept: ['DOMAIN_MASS_LOW'] });
    expect(applied.map((a) => a.code)).toEqual(['DOMAIN_MASS_LOW']);
    expect(skipped.map((s) => [s.anomaly.code, s.code])).toEqual([['UNEXPECTED_CATEGORY', 'NOT_ACCEPTED']]);
    expect(feature(schema, 'carrier').categorical).toEqual({ values: ['AA', 'DL'], minDomainMass: 0.8 });
    const again = validate(data, schema);
    expect(codesOf(again.anomalies)).toEqual(['UNEXPECTED_CATEGORY:carrier']);
    expect(again.ok).toBe(true);
  });

  it('MISSING_COLUMN makes the feature nullable with presence 0', () => {
    const data = rows(5, () => ({ delay: undefined }));
    const report = validate(data, base);
    expect(codesOf(report.anomalies)).toEqual(['MISSING_COLUMN:delay']);
    const { schema } = updateSchema(base, report);
    expect(feature(schema, 'delay')).toMatchObject({
      nullable: true,
      presence: { minFraction: 0, minCount: 0 },
    });
    expect(validate(data, schema).anomalies).toEqual([]);
    // The column may still come, and its values are still checked.
    expect(
      codesOf(
        validate(
          rows(2, () => ({ delay: 500 })),
          schema,
        ).anomalies,
      ),
    ).toEqual(['OUT_OF_RANGE:delay']);
  });

  it('fixes several anomalies at once and the result parses as a sealed schema', () => {
    const data = rows(20, (i) =>
      i === 0
        ? { origin: 'SFO', delay: Number.NaN }
        : i === 1
          ? { delay: 900, note: null }
          : i < 12
            ? { note: null }
            : {},
    );
    const report = validate(data, base);
    expect(codesOf(report.anomalies)).toEqual([
      'UNEXPECTED_CATEGORY:origin',
      'NAN_NOT_ALLOWED:delay',
      'OUT_OF_RANGE:delay',
      'LOW_PRESENCE:note',
    ]);
    const { schema, applied } = updateSchema(base, report);
    expect(applied).toEqual(report.anomalies);
    expect(parseSchema(JSON.stringify(schema))).toEqual(schema);
    expect(validate(data, schema).anomalies).toEqual([]);
  });
});

describe('updateSchema: what it leaves alone', () => {
  it('skips the anomalies no widening fixes, each with its reason', () => {
    const withBounds = sealSchema({ ...body, dataset: { minRows: 50 } });
    const data: unknown[] = [...rows(3, (i) => (i === 0 ? { delay: 'late', extra: 1 } : {})), 42];
    const report = validate(data as Record<string, unknown>[], withBounds, { environment: 'serving' });
    expect(codesOf(report.anomalies)).toEqual([
      'TOO_FEW_ROWS:',
      'BAD_ROW:',
      'TYPE_MISMATCH:delay',
      'UNEXPECTED_COLUMN:label',
      'NEW_COLUMN:extra',
    ]);
    const { schema, applied, skipped } = updateSchema(withBounds, report);
    expect(applied).toEqual([]);
    expect(skipped.map((s) => [s.anomaly.code, s.code])).toEqual([
      ['TOO_FEW_ROWS', 'NOT_FIXABLE'],
      ['BAD_ROW', 'NOT_FIXABLE'],
      ['TYPE_MISMATCH', 'NOT_FIXABLE'],
      ['UNEXPECTED_COLUMN', 'NOT_FIXABLE'],
      ['NEW_COLUMN', 'NOT_FIXABLE'],
    ]);
    const reasons = Object.fromEntries(skipped.map((s) => [s.anomaly.code, s.reason]));
    expect(reasons.NEW_COLUMN).toMatch(/inferSchema/);
    expect(reasons.UNEXPECTED_COLUMN).toMatch(/inEnvironments \/ notInEnvironments/);
    expect(reasons.TOO_FEW_ROWS).toMatch(/dataset\.minRows/);
    expect(schema.fingerprint).toBe(withBounds.fingerprint);
    expect(diffSchemas(withBounds, schema)).toEqual([]);
  });

  it('names unknown features and anomalies that do not fit the feature', () => {
    const anomaly = (
      code: AnomalyCode,
      featureName: string | undefined,
      extra: Partial<Anomaly> = {},
    ): Anomaly => ({
      code,
      ...(featureName !== undefined ? { feature: featureName } : {}),
      severity: 'error',
      message: '',
      expected: '',
      received: '',
      count: 1,
      fraction: 0.1,
      examples: [],
      ...extra,
    });
    const input = [
      anomaly('NAN_NOT_ALLOWED', 'gone'),
      anomaly('MISSING_VALUE', undefined),
      anomaly('NAN_NOT_ALLOWED', 'origin'),
      anomaly('UNEXPECTED_CATEGORY', 'delay', { values: [{ value: 'x', count: 1 }] }),
      anomaly('OUT_OF_RANGE', 'delay'),
      anomaly('UNEXPECTED_CATEGORY', 'origin', { count: 300, values: [{ value: 'A', count: 200 }] }),
      anomaly('UNEXPECTED_CATEGORY', 'origin', { values: [{ value: `${'x'.repeat(77)}...`, count: 1 }] }),
    ];
    const { applied, skipped, schema } = updateSchema(base, input);
    expect(applied).toEqual([]);
    expect(skipped.map((s) => s.code)).toEqual([
      'UNKNOWN_FEATURE',
      'UNKNOWN_FEATURE',
      'NOT_APPLICABLE',
      'NOT_APPLICABLE',
      'NOT_APPLICABLE',
      'NOT_APPLICABLE',
      'NOT_APPLICABLE',
    ]);
    expect(skipped.map((s) => s.anomaly)).toEqual(input);
    expect(skipped[0]!.reason).toBe('the schema has no feature "gone"');
    expect(skipped[2]!.reason).toMatch(/numeric, integer and timestamp features only/);
    expect(skipped[3]!.reason).toMatch(/categorical features only/);
    expect(skipped[4]!.reason).toMatch(/no finite range/);
    expect(skipped[5]!.reason).toMatch(/lists 1 of the values outside the domain \(200 of 300 rows\)/);
    expect(skipped[6]!.reason).toMatch(/shortened/);
    expect(schema.fingerprint).toBe(base.fingerprint);
  });

  it('uses observed numbers when the anomaly carries them (the proposed Anomaly fields)', () => {
    const mass = {
      code: 'DOMAIN_MASS_LOW',
      feature: 'carrier',
      severity: 'error',
      message: '',
      expected: '',
      received: '',
      count: 2,
      fraction: 0.2,
      examples: [],
      observedMass: { inDomain: 6, checked: 8 },
    } as Anomaly;
    const presence = {
      ...mass,
      code: 'LOW_PRESENCE',
      feature: 'note',
      count: 0,
      fraction: 0,
      observed: { present: 3, rows: 6 },
    } as Anomaly;
    const { schema, applied } = updateSchema(base, [mass, presence]);
    expect(applied).toEqual([mass, presence]);
    expect(feature(schema, 'carrier').categorical?.minDomainMass).toBe(0.75);
    expect(feature(schema, 'note').presence).toEqual({ minFraction: 0.5, minCount: 2 });
  });

  it('does not change its input', () => {
    const frozen = deepFreeze(structuredClone(base));
    const copy = structuredClone(frozen);
    const data = rows(10, (i) =>
      i === 0 ? { origin: 'SFO', delay: 900, carrier: 'UA' } : i < 6 ? { note: null, delay: null } : {},
    );
    const report = deepFreeze(validate(data, frozen));
    expect(report.anomalies.length).toBeGreaterThan(3);
    const { schema, applied } = updateSchema(frozen, report);
    expect(applied.length).toBe(report.anomalies.length);
    expect(frozen).toEqual(copy);
    expect(schema).not.toBe(frozen);
    expect(schema.fingerprint).not.toBe(frozen.fingerprint);
  });

  it('returns a new, equal schema when nothing applies', () => {
    const { schema, applied, skipped } = updateSchema(base, []);
    expect(schema).not.toBe(base);
    expect(schema).toEqual(base);
    expect([applied, skipped]).toEqual([[], []]);
  });
});

describe('updateSchema: accept', () => {
  const data = rows(10, (i) => (i === 0 ? { origin: 'SFO', delay: 900 } : i < 3 ? { delay: null } : {}));
  const report = validate(data, base);

  it('the report has the anomalies these tests rely on', () => {
    expect(codesOf(report.anomalies)).toEqual([
      'UNEXPECTED_CATEGORY:origin',
      'MISSING_VALUE:delay',
      'OUT_OF_RANGE:delay',
    ]);
  });

  it('takes a list of codes', () => {
    const { schema, applied, skipped } = updateSchema(base, report, {
      accept: ['OUT_OF_RANGE', 'UNEXPECTED_CATEGORY'],
    });
    expect(codesOf(applied)).toEqual(['UNEXPECTED_CATEGORY:origin', 'OUT_OF_RANGE:delay']);
    expect(skipped).toEqual([
      {
        code: 'NOT_ACCEPTED',
        severity: 'info',
        message: 'MISSING_VALUE in "delay" not applied: options.accept declined it',
        feature: 'delay',
        anomaly: report.anomalies[1],
        reason: 'options.accept declined it',
      },
    ]);
    expect(codesOf(validate(data, schema).anomalies)).toEqual(['MISSING_VALUE:delay']);
  });

  it('takes a predicate, called for fixable anomalies only', () => {
    const seen: string[] = [];
    const withNew = {
      ...report,
      anomalies: [...report.anomalies, { ...report.anomalies[0]!, code: 'NEW_COLUMN' as const }],
    };
    const { applied, skipped } = updateSchema(base, withNew, {
      accept: (a) => {
        seen.push(a.code);
        return a.feature === 'delay';
      },
    });
    expect(seen).toEqual(['UNEXPECTED_CATEGORY', 'MISSING_VALUE', 'OUT_OF_RANGE']);
    expect(codesOf(applied)).toEqual(['MISSING_VALUE:delay', 'OUT_OF_RANGE:delay']);
    expect(skipped.map((s) => [s.anomaly.code, s.code])).toEqual([
      ['UNEXPECTED_CATEGORY', 'NOT_ACCEPTED'],
      ['NEW_COLUMN', 'NOT_FIXABLE'],
    ]);
  });

  it('gives the same result for the report and its anomalies when the rows can be derived', () => {
    expect(updateSchema(base, report.anomalies)).toEqual(updateSchema(base, report));
  });

  it('rejects bad arguments, naming the function and the argument', () => {
    const bad = (f: () => unknown, message: string) => {
      expect(f).toThrow(LockstepError);
      expect(f).toThrow(message);
    };
    bad(
      () => updateSchema({} as never, []),
      "updateSchema: argument 'schema' must be a lockstep.schema artifact",
    );
    bad(
      () => updateSchema(base, 'x' as never),
      "updateSchema: argument 'anomalies' must be a validation report",
    );
    bad(
      () => updateSchema(base, [null as never]),
      "updateSchema: argument 'anomalies[0]' must be an anomaly",
    );
    bad(
      () => updateSchema(base, [], { accept: ['OUT_OF_RANGE', 'NOPE' as AnomalyCode] }),
      'updateSchema: argument \'options.accept[1]\' must be an anomaly code, got "NOPE"',
    );
    bad(() => updateSchema(base, [], { accept: 'OUT_OF_RANGE' as never }), "argument 'options.accept'");
  });
});
