// compileValidator(row) gives the same verdicts as validate([row]): same anomalies (code, feature,
// severity, count), same ok. Row-count checks (minRows, maxRows) are batch-only by design.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Anomaly,
  compileValidator,
  type FeatureSchema,
  sealSchema,
  validate,
} from '../../src/schema/index.js';

const names = ['a', 'b', 'c', 'd'];
const environments = ['training', 'serving'];

const feature = (name: string) =>
  fc
    .record({
      type: fc.constantFrom('numeric', 'integer', 'categorical', 'boolean', 'timestamp', 'text'),
      nullable: fc.boolean(),
      minFraction: fc.constantFrom(0, 0.5, 1),
      minCount: fc.constantFrom(0, 1),
      min: fc.option(fc.integer({ min: -10, max: 0 }), { nil: undefined }),
      max: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
      allowNaN: fc.boolean(),
      allowInfinity: fc.boolean(),
      values: fc.option(fc.uniqueArray(fc.constantFrom('x', 'y', 'z', '1', 'true'), { minLength: 1 }), {
        nil: undefined,
      }),
      minDomainMass: fc.constantFrom(undefined, 1, 0.5),
      env: fc.constantFrom('all', 'not-serving', 'only-training'),
    })
    .map((r): FeatureSchema => {
      const numeric = r.type === 'numeric' || r.type === 'integer' || r.type === 'timestamp';
      return {
        name,
        type: r.type,
        nullable: r.nullable,
        presence: { minFraction: r.minFraction, minCount: r.minCount },
        ...(numeric
          ? { numeric: { min: r.min, max: r.max, allowNaN: r.allowNaN, allowInfinity: r.allowInfinity } }
          : {}),
        ...(r.type === 'categorical' && r.values
          ? {
              categorical: {
                values: r.values,
                ...(r.minDomainMass !== undefined ? { minDomainMass: r.minDomainMass } : {}),
              },
            }
          : {}),
        ...(r.env === 'not-serving'
          ? { notInEnvironments: ['serving'] }
          : r.env === 'only-training'
            ? { inEnvironments: ['training'] }
            : {}),
      };
    });

const schemaArb = fc.tuple(...names.map(feature)).map((features) =>
  sealSchema({
    kind: 'lockstep.schema',
    formatVersion: 1,
    environments,
    dataset: { minRows: 2 },
    features: features.map((f) => JSON.parse(JSON.stringify(f))),
  }),
);

const value = fc.oneof(
  fc.integer({ min: -20, max: 20 }),
  fc.double({ min: -20, max: 20, noNaN: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0),
  fc.constantFrom('x', 'y', 'z', 'w', '1', 'true', '', '2001-03-01', '2001-02-30', 'not a date'),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.constantFrom(new Date(1000), new Date(Number.NaN)),
  fc.constantFrom({ nested: { deep: 1 } }, [1, 2]),
);

const rowArb = fc.dictionary(fc.constantFrom(...names, 'extra', '__proto__', 'constructor'), value, {
  maxKeys: 6,
});

const comparable = (anomalies: readonly Anomaly[]) =>
  anomalies
    .filter((a) => a.code !== 'TOO_FEW_ROWS' && a.code !== 'TOO_MANY_ROWS')
    .map((a) => ({ code: a.code, feature: a.feature, severity: a.severity, count: a.count }));

describe('compileValidator agrees with validate on a one-row batch', () => {
  it.each([undefined, ...environments])('in environment %s (property)', (environment) => {
    fc.assert(
      fc.property(schemaArb, rowArb, (schema, row) => {
        const options = environment ? { environment } : {};
        const one = compileValidator(schema, options)(row);
        const batch = validate([row], schema, options);
        expect(comparable(one.anomalies)).toEqual(comparable(batch.anomalies));
        const batchOk = !batch.anomalies.some((a) => a.severity === 'error' && a.code !== 'TOO_FEW_ROWS');
        expect(one.ok).toBe(batchOk);
      }),
      { numRuns: 1500 },
    );
  });

  it('gives every valid row the same frozen report (no allocation on the request path)', () => {
    const schema = sealSchema({
      kind: 'lockstep.schema',
      formatVersion: 1,
      environments: [],
      dataset: {},
      features: [{ name: 'a', type: 'integer', nullable: false, presence: { minFraction: 1, minCount: 1 } }],
    });
    const check = compileValidator(schema);
    const first = check({ a: 1 });
    expect(check({ a: 2 })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({ ok: true, rows: 1, anomalies: [] });
  });
});
