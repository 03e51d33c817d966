import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { SchemaArtifact } from '../../src/schema/artifact.js';
import { toZod } from '../../src/schema/to-zod.js';

const p = { minFraction: 0, minCount: 0 } as const;
const flights = {
  kind: 'lockstep.schema',
  formatVersion: 1,
  environments: ['training', 'serving'],
  dataset: {},
  features: [
    { name: 'delay', type: 'numeric', nullable: false, presence: p, numeric: { min: -60 } },
    { name: 'seats', type: 'integer', nullable: false, presence: p },
    {
      name: 'origin',
      type: 'categorical',
      nullable: false,
      presence: p,
      categorical: { values: ['SEA', 'SFO'] },
    },
    {
      name: 'carrier',
      type: 'categorical',
      nullable: false,
      presence: p,
      categorical: { values: ['AA'], minDomainMass: 0.9 },
    },
    { name: 'cancelled', type: 'boolean', nullable: true, presence: p },
    { name: 'at', type: 'timestamp', nullable: false, presence: p },
    { name: 'note', type: 'text', nullable: false, presence: p },
    { name: 'label', type: 'numeric', nullable: false, presence: p, notInEnvironments: ['serving'] },
    { name: 'debug', type: 'text', nullable: false, presence: p, inEnvironments: ['training'] },
  ],
} as const;

describe('types', () => {
  it('x', () => {
    const s = toZod(flights);
    type T = z.infer<typeof s>;
    const t: T = null!;
    t.label;
    type I = z.input<typeof s>;
    const s2 = toZod(flights, { environment: 'serving' });
    type T2 = z.infer<typeof s2>;
    const env: string = 'serving';
    const s3 = toZod(flights, { environment: env });
    type T3 = z.infer<typeof s3>;
    const s4 = toZod(null! as SchemaArtifact);
    type T4 = z.infer<typeof s4>;
    const s5 = s2.extend({ id: null! as z.ZodString });
    type T5 = z.infer<typeof s5>;
    expectTypeOf<T>().toEqualTypeOf<1>();
    expectTypeOf<I>().toEqualTypeOf<1>();
    expectTypeOf<T2>().toEqualTypeOf<1>();
    expectTypeOf<T3>().toEqualTypeOf<1>();
    expectTypeOf<T4>().toEqualTypeOf<1>();
    expectTypeOf<T5>().toEqualTypeOf<1>();
  });
});
