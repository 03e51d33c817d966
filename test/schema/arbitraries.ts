// Random schema features for the schema's property tests (row-batch, create-validator): every type, with
// or without nulls, presence thresholds, ranges, NaN and infinities, a domain and its mass, environments.
import fc from 'fast-check';
import type { FeatureSchema } from '../../src/schema/index.js';

/** One feature of a random schema, named `name`. */
export const featureArb = (name: string): fc.Arbitrary<FeatureSchema> =>
  fc
    .record({
      type: fc.constantFrom('numeric', 'integer', 'categorical', 'boolean', 'timestamp', 'text'),
      nullable: fc.boolean(),
      minFraction: fc.constantFrom(0, 0.3, 0.5, 1),
      minCount: fc.constantFrom(0, 1, 3),
      min: fc.option(fc.integer({ min: -10, max: 0 }), { nil: undefined }),
      max: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
      allowNaN: fc.boolean(),
      allowInfinity: fc.boolean(),
      values: fc.option(fc.uniqueArray(fc.constantFrom('x', 'y', 'z', '1', 'true'), { minLength: 1 }), {
        nil: undefined,
      }),
      minDomainMass: fc.constantFrom(undefined, 1, 0.5, 0.8),
      env: fc.constantFrom('all', 'all', 'not-serving', 'only-training'),
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
