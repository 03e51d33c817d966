// toZod(schema, { environment }): a classic zod object schema that accepts exactly the rows
// compileValidator finds ok (property-tested), minus the batch-level rules, with types that follow a
// literal schema.
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type FeatureSchema,
  parseSchema,
  type SchemaArtifact,
  type SchemaBody,
  sealSchema,
} from '../../src/schema/artifact.js';
import { compileValidator } from '../../src/schema/row-validator.js';
import { toZod } from '../../src/schema/to-zod.js';
import { validate } from '../../src/schema/validate.js';
import { catchLockstep } from '../helpers/errors.js';

const none = { minFraction: 0, minCount: 0 } as const;
const all = { minFraction: 1, minCount: 0 } as const;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

// A literal schema: its types reach toZod intact (sealSchema would widen them to SchemaArtifact).
const flights = {
  kind: 'lockstep.schema',
  formatVersion: 1,
  environments: ['training', 'serving'],
  dataset: {},
  features: [
    { name: 'delay', type: 'numeric', nullable: false, presence: all, numeric: { min: -60, max: 1440 } },
    { name: 'seats', type: 'integer', nullable: false, presence: all, numeric: { min: 0 } },
    {
      name: 'origin',
      type: 'categorical',
      nullable: false,
      presence: all,
      categorical: { values: ['SEA', 'SFO', '7'] },
    },
    {
      name: 'carrier',
      type: 'categorical',
      nullable: false,
      presence: all,
      categorical: { values: ['AA', 'UA'], minDomainMass: 0.9 },
    },
    { name: 'cancelled', type: 'boolean', nullable: true, presence: none },
    { name: 'at', type: 'timestamp', nullable: false, presence: all, numeric: { min: T0, max: T0 + DAY } },
    { name: 'note', type: 'text', nullable: false, presence: all },
    { name: 'arrival', type: 'numeric', nullable: false, presence: all, notInEnvironments: ['serving'] },
    { name: 'debug', type: 'text', nullable: true, presence: none, inEnvironments: ['training'] },
  ],
} as const satisfies SchemaBody;

const good = {
  delay: 12.5,
  seats: 180,
  origin: 'SEA',
  carrier: 'AA',
  cancelled: false,
  at: T0 + 3_600_000,
  note: 'ok',
  arrival: 30,
} as const;

const serving = () => toZod(flights, { environment: 'serving' });
const training = () => toZod(flights, { environment: 'training' });
const accepts = (schema: z.ZodType, row: unknown) => schema.safeParse(row).success;
/** The paths of the issues zod reports. */
const paths = (schema: z.ZodType, row: unknown) =>
  schema.safeParse(row).error?.issues.map((issue) => issue.path.join('.')) ?? [];

describe('toZod: a classic zod object', () => {
  it('is a z.ZodObject with the schema’s features as keys, and extends like one', () => {
    const schema = serving();
    expect(schema).toBeInstanceOf(z.ZodObject);
    expect(Object.keys(schema.shape)).toEqual(flights.features.map((f) => f.name));
    const withId = schema.extend({ id: z.string() });
    expect(accepts(withId, { ...good, arrival: undefined, id: 'r1' })).toBe(true);
    expect(paths(withId, { ...good, arrival: undefined })).toEqual(['id']);
    expect(accepts(schema.partial(), {})).toBe(true);
  });

  it('parses a good row, coercing categories to their string form and timestamps to epoch ms', () => {
    const row = { ...good, origin: 7, at: '2024-01-01T01:00:00Z', unknown: 'dropped' };
    expect(training().parse(row)).toEqual({ ...good, origin: '7', at: T0 + 3_600_000 });
    expect(training().parse({ ...good, at: new Date(T0 + 60_000) }).at).toBe(T0 + 60_000);
  });

  it('strips unknown keys (a new column is only a warning for validate)', () => {
    const parsed = serving().parse({ ...good, arrival: null, extra: 1 });
    expect(Object.keys(parsed)).not.toContain('extra');
    expect(
      compileValidator(sealSchema(flights), { environment: 'serving' })({ ...good, arrival: null, extra: 1 }),
    ).toMatchObject({ ok: true, anomalies: [{ code: 'NEW_COLUMN', severity: 'warning' }] });
  });
});

describe('toZod: each type', () => {
  const base = { ...good, arrival: undefined };
  const check = (feature: keyof typeof good, value: unknown) =>
    accepts(serving(), { ...base, [feature]: value });

  it('numeric: finite numbers in range; no NaN, ±Infinity, strings or bigints', () => {
    for (const v of [-60, 0, 12.5, 1440]) expect(check('delay', v)).toBe(true);
    for (const v of [
      -60.5,
      1441,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      '12',
      12n,
      true,
    ])
      expect(check('delay', v)).toBe(false);
  });

  it('numeric: NaN and ±Infinity where the domain allows them, ±Infinity regardless of the range', () => {
    const schema = (numeric: FeatureSchema['numeric']) =>
      toZod({
        ...flights,
        features: [{ name: 'x', type: 'numeric', nullable: false, presence: all, numeric }],
      });
    expect(accepts(schema({ allowNaN: true }), { x: Number.NaN })).toBe(true);
    expect(accepts(schema({ allowNaN: true }), { x: Number.POSITIVE_INFINITY })).toBe(false);
    expect(accepts(schema({ allowInfinity: true, max: 1 }), { x: Number.POSITIVE_INFINITY })).toBe(true);
    expect(accepts(schema({ allowInfinity: true, max: 1 }), { x: Number.NEGATIVE_INFINITY })).toBe(true);
    expect(accepts(schema({ allowInfinity: true, max: 1 }), { x: 2 })).toBe(false);
    expect(accepts(schema({ allowInfinity: true }), { x: Number.NaN })).toBe(false);
  });

  it('integer: whole numbers in range, including past 2^53 when unbounded', () => {
    for (const v of [0, 180, 2 ** 60]) expect(check('seats', v)).toBe(true);
    for (const v of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '3'])
      expect(check('seats', v)).toBe(false);
    const bounded = toZod({
      ...flights,
      features: [
        { name: 'n', type: 'integer', nullable: false, presence: all, numeric: { min: 0.5, max: 9 } },
      ],
    });
    expect([0, 1, 9, 9.5, 10].map((n) => accepts(bounded, { n }))).toEqual([false, true, true, false, false]);
  });

  it('categorical with a closed domain: one of the values, as string, finite number or boolean', () => {
    for (const v of ['SEA', 'SFO', '7', 7]) expect(check('origin', v)).toBe(true);
    for (const v of ['XYZ', 'sea', 8, true, Number.NaN, null, {}]) expect(check('origin', v)).toBe(false);
    expect(paths(serving(), { ...base, origin: 'XYZ' })).toEqual(['origin']);
  });

  it('categorical with minDomainMass < 1 or no values: any string, finite number or boolean', () => {
    for (const v of ['AA', 'XYZ', '', 3, false]) expect(check('carrier', v)).toBe(true);
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, null, [], 1n])
      expect(check('carrier', v)).toBe(false);
    expect(serving().parse({ ...base, carrier: false }).carrier).toBe('false');
  });

  it('boolean, nullable: true, false, null, undefined or absent', () => {
    for (const v of [true, false, null, undefined]) expect(check('cancelled', v)).toBe(true);
    for (const v of [0, 'true', 'false']) expect(check('cancelled', v)).toBe(false);
    const { cancelled: _, ...absent } = base;
    expect(accepts(serving(), absent)).toBe(true);
  });

  it('timestamp: Date, epoch ms or ISO-8601 text in range; not invalid dates or other text', () => {
    const ok = [
      T0,
      T0 + DAY,
      new Date(T0 + 5),
      '2024-01-01',
      '2024-01-01 12:30',
      '2024-01-01T23:00:00-01:00',
    ];
    for (const v of ok) expect(check('at', v)).toBe(true);
    const bad = [
      T0 - 1,
      T0 + DAY + 1,
      Number.NaN,
      new Date(Number.NaN),
      new Date(T0 - 1),
      '2024-01-02T00:00:00.001Z',
      '2024-01-01T23:00:00-02:00',
      '2024-02-30',
      'yesterday',
      true,
    ];
    for (const v of bad) expect(check('at', v)).toBe(false);
  });

  it('text: strings only', () => {
    for (const v of ['', 'ok']) expect(check('note', v)).toBe(true);
    for (const v of [1, null, undefined, ['a']]) expect(check('note', v)).toBe(false);
  });

  it('a non-nullable feature must be present and not null', () => {
    for (const feature of ['delay', 'seats', 'origin', 'at', 'note'] as const) {
      const { [feature]: _, ...absent } = base;
      expect(paths(serving(), absent)).toEqual([feature]);
      expect(paths(serving(), { ...base, [feature]: null })).toEqual([feature]);
      expect(paths(serving(), { ...base, [feature]: undefined })).toEqual([feature]);
    }
  });

  it('a feature the environment excludes may only be absent, undefined or null', () => {
    const { arrival: _, ...absent } = base;
    for (const row of [absent, { ...base, arrival: null }, { ...base, arrival: undefined }])
      expect(accepts(serving(), row)).toBe(true);
    expect(serving().safeParse({ ...base, arrival: 30 }).error?.issues).toMatchObject([
      { path: ['arrival'], message: 'Invalid input: "arrival" is not a feature in serving' },
    ]);
    expect(paths(serving(), { ...base, debug: 'x' })).toEqual(['debug']);
    expect(accepts(training(), { ...good, debug: 'x' })).toBe(true);
    expect(paths(training(), { ...base })).toEqual(['arrival']);
    // Without an environment every feature is expected.
    expect(paths(toZod(flights), { ...base })).toEqual(['arrival']);
  });

  it('rejects rows that are not objects', () => {
    for (const row of [null, undefined, [], 'row', 1]) expect(accepts(serving(), row)).toBe(false);
  });

  it('reads own properties only, like the row validator, for names from Object.prototype', () => {
    const schema = sealSchema({
      ...flights,
      features: [{ name: 'constructor', type: 'numeric', nullable: true, presence: none }],
    });
    for (const row of [{}, JSON.parse('{"constructor": 3}'), JSON.parse('{"constructor": "x"}')])
      expect(accepts(toZod(schema), row)).toBe(compileValidator(schema)(row).ok);
    expect(accepts(toZod(schema), {})).toBe(true);
  });
});

describe('toZod and compileValidator: batch-level rules judge neither; bigint differs by design', () => {
  const schema = (feature: FeatureSchema) => sealSchema({ ...flights, features: [feature] });

  it('presence of a nullable feature is a batch rule: both accept a missing value, validate judges the batch', () => {
    const s = schema({
      name: 'x',
      type: 'text',
      nullable: true,
      presence: { minFraction: 0.5, minCount: 1 },
    });
    expect(accepts(toZod(s), {})).toBe(true);
    expect(compileValidator(s)({})).toEqual({ ok: true, rows: 1, anomalies: [] });
    expect(compileValidator(s)({ x: null }).ok).toBe(true);
    expect(validate([{ x: null }, { x: null }], s).anomalies.map((a) => a.code)).toEqual(['LOW_PRESENCE']);
  });

  it('domain mass below 1 is a batch rule: both accept an outside category (a warning for the row validator)', () => {
    const s = schema({
      name: 'x',
      type: 'categorical',
      nullable: false,
      presence: all,
      categorical: { values: ['a'], minDomainMass: 0.5 },
    });
    expect(accepts(toZod(s), { x: 'b' })).toBe(true);
    const one = compileValidator(s)({ x: 'b' });
    expect(one.ok).toBe(true);
    expect(one.anomalies.map((a) => [a.code, a.severity])).toEqual([['UNEXPECTED_CATEGORY', 'warning']]);
    expect(validate([{ x: 'b' }, { x: 'b' }], s).anomalies.map((a) => a.code)).toEqual([
      'UNEXPECTED_CATEGORY',
      'DOMAIN_MASS_LOW',
    ]);
  });

  it('a bigint is not a number for toZod (JSON cannot carry one)', () => {
    const s = schema({ name: 'x', type: 'integer', nullable: false, presence: all });
    expect(accepts(toZod(s), { x: 3n })).toBe(false);
    expect(compileValidator(s)({ x: 3n }).ok).toBe(true);
  });
});

// ---- Agreement with compileValidator on random schemas and rows ----

const NAMES = ['a', 'b', 'c', 'constructor'];
const ENVIRONMENTS = ['training', 'serving'];
const CATEGORIES = ['x', 'y', '1', 'true', '0', ''];

const featureArb = (name: string) =>
  fc
    .record({
      type: fc.constantFrom('numeric', 'integer', 'categorical', 'boolean', 'timestamp', 'text'),
      nullable: fc.boolean(),
      presence: fc.constantFrom({ minFraction: 0, minCount: 0 }, { minFraction: 1, minCount: 3 }),
      min: fc.option(fc.constantFrom(-10, -2.5, 0, 1, 0.5), { nil: undefined }),
      span: fc.option(fc.constantFrom(0, 1, 4, 10.5, 2 ** 60), { nil: undefined }),
      allowNaN: fc.option(fc.boolean(), { nil: undefined }),
      allowInfinity: fc.option(fc.boolean(), { nil: undefined }),
      values: fc.option(fc.uniqueArray(fc.constantFrom(...CATEGORIES), { maxLength: 4 }), { nil: undefined }),
      minDomainMass: fc.constantFrom(undefined, 0, 1),
      env: fc.constantFrom('all', 'not-serving', 'only-training', 'only-serving'),
    })
    .map((r): FeatureSchema => {
      const scale = r.type === 'timestamp' ? DAY : 1;
      const offset = r.type === 'timestamp' ? T0 : 0;
      const min = r.min === undefined ? undefined : offset + r.min * scale;
      const max = r.span === undefined ? undefined : (min ?? offset) + r.span * scale;
      const numeric = r.type === 'numeric' || r.type === 'integer' || r.type === 'timestamp';
      return {
        name,
        type: r.type,
        nullable: r.nullable,
        // A nullable feature's presence is a batch rule, which toZod leaves to validate by design.
        presence: r.nullable ? none : r.presence,
        ...(numeric
          ? {
              numeric: {
                ...(min !== undefined ? { min } : {}),
                ...(max !== undefined ? { max } : {}),
                ...(r.allowNaN !== undefined ? { allowNaN: r.allowNaN } : {}),
                ...(r.allowInfinity !== undefined ? { allowInfinity: r.allowInfinity } : {}),
              },
            }
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
            : r.env === 'only-serving'
              ? { inEnvironments: ['serving'], notInEnvironments: [] }
              : {}),
      };
    });

const schemaArb = fc
  .subarray(NAMES, { minLength: 0 })
  .chain((names) => fc.tuple(...names.map(featureArb)))
  .map((features) =>
    sealSchema({
      kind: 'lockstep.schema',
      formatVersion: 1,
      environments: ENVIRONMENTS,
      dataset: {},
      features,
    }),
  );

/** Values aimed at one feature: typical ones, its bounds and just past them, in every form its type takes. */
function aimedAt(f: FeatureSchema): unknown[] {
  const { min, max } = f.numeric ?? {};
  const numbers = [min, max].flatMap((b) => (b === undefined ? [] : [b, b - 1, b + 1, b - 0.5, b + 0.5]));
  const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  switch (f.type) {
    case 'timestamp': {
      const t = [...numbers, T0, T0 + DAY].filter((x) => Math.abs(x) < 8e15);
      return [...t, ...t.map((x) => new Date(x)), ...t.map((x) => new Date(x).toISOString()), ...special];
    }
    case 'numeric':
    case 'integer':
      return [...numbers, 0, 2, 2.5, ...special];
    case 'categorical':
      return [...(f.categorical?.values ?? []), 'q', 1, true];
    case 'boolean':
      return [true, false];
    case 'text':
      return ['q', ''];
  }
}

const anyValue = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    1.5,
    3,
    2 ** 60,
    1e300,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
  fc.double(),
  fc.constantFrom(
    ...CATEGORIES,
    'z',
    '2024-01-02',
    '2024-01-02 10:00',
    '2024-02-30',
    'not a date',
    ' 2024-01-03Z',
  ),
  fc.string({ maxLength: 3 }),
  fc.boolean(),
  fc.constantFrom(new Date(T0 + DAY), new Date(Number.NaN)),
  fc.date({ min: new Date(T0 - 20 * DAY), max: new Date(T0 + 20 * DAY) }),
  fc.constantFrom({ nested: 1 }, [1], [], Symbol('s')),
);

const ABSENT = Symbol('absent');
const rowArb = (schema: SchemaArtifact) =>
  fc.oneof(
    {
      weight: 20,
      arbitrary: fc
        .tuple(
          fc.tuple(
            ...schema.features.map((f) => {
              const aimed = aimedAt(f);
              return fc.oneof(
                { weight: 1, arbitrary: fc.constantFrom(ABSENT, undefined, null) },
                {
                  weight: aimed.length > 0 ? 3 : 0,
                  arbitrary: fc.constantFrom(...(aimed.length ? aimed : [0])),
                },
                { weight: 3, arbitrary: anyValue },
              );
            }),
          ),
          fc.dictionary(fc.constantFrom('extra', 'z', 'toString'), anyValue, { maxKeys: 2 }),
        )
        .map(([values, extra]) => {
          const row: Record<string, unknown> = { ...extra };
          schema.features.forEach((f, i) => {
            if (values[i] !== ABSENT)
              Object.defineProperty(row, f.name, { value: values[i], enumerable: true });
          });
          return row as unknown;
        }),
    },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined, [], [{}], 'row', 1, new Date(T0)) },
  );

describe('toZod agrees with compileValidator', () => {
  it('on random schemas, environments and rows (property)', () => {
    const seen = { pass: 0, fail: 0 };
    fc.assert(
      fc.property(
        schemaArb.chain((schema) =>
          fc.tuple(fc.constant(schema), fc.constantFrom(undefined, ...ENVIRONMENTS), rowArb(schema)),
        ),
        ([schema, environment, row]) => {
          const options = environment === undefined ? {} : { environment };
          const ok = compileValidator(schema, options)(row).ok;
          expect(toZod(schema, options).safeParse(row).success).toBe(ok);
          seen[ok ? 'pass' : 'fail']++;
        },
      ),
      { numRuns: 3000 },
    );
    // Both verdicts are common, so agreement is not won by rejecting (or accepting) everything.
    expect(seen.pass).toBeGreaterThan(300);
    expect(seen.fail).toBeGreaterThan(300);
  });
});

// ---- Static types ----

describe('toZod: inferred types follow a literal schema', () => {
  it('maps each kind to its TypeScript type; nullable keys are optional and may be null', () => {
    const schema = toZod(flights);
    expectTypeOf<z.infer<typeof schema>>().toEqualTypeOf<{
      delay: number;
      seats: number;
      origin: 'SEA' | 'SFO' | '7';
      carrier: string;
      cancelled?: boolean | null | undefined;
      at: number;
      note: string;
      arrival: number;
      debug?: string | null | undefined;
    }>();
    expectTypeOf<z.input<typeof schema>['at']>().toEqualTypeOf<Date | number | string>();
    expectTypeOf<z.input<typeof schema>['origin']>().toEqualTypeOf<'SEA' | 'SFO' | '7' | number | boolean>();
    expect(schema.parse({ ...good, debug: null }).origin).toBe('SEA');
  });

  it('filters by a literal environment: excluded features are null | undefined', () => {
    expectTypeOf<z.infer<ReturnType<typeof serving>>>().toEqualTypeOf<{
      delay: number;
      seats: number;
      origin: 'SEA' | 'SFO' | '7';
      carrier: string;
      cancelled?: boolean | null | undefined;
      at: number;
      note: string;
      arrival?: null | undefined;
      debug?: null | undefined;
    }>();
    expectTypeOf<z.infer<ReturnType<typeof training>>['arrival']>().toEqualTypeOf<number>();
    // An environment known only at run time: features with environment lists may be either.
    const environment: string = 'serving';
    const loose = toZod(flights, { environment });
    expectTypeOf<z.infer<typeof loose>['arrival']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<z.infer<typeof loose>['delay']>().toEqualTypeOf<number>();
    expect(Object.keys(loose.shape)).toHaveLength(9);
  });

  it('reads a schema written inline in the call without `as const`', () => {
    const schema = toZod({
      kind: 'lockstep.schema',
      formatVersion: 1,
      environments: [],
      dataset: {},
      features: [{ name: 'n', type: 'integer', nullable: true, presence: { minFraction: 0, minCount: 0 } }],
    });
    expectTypeOf<z.infer<typeof schema>>().toEqualTypeOf<{ n?: number | null | undefined }>();
    expect(schema.parse({ n: 2 })).toEqual({ n: 2 });
  });

  it('types a categorical by its values when minDomainMass is 1, as string when it is below 1', () => {
    const category = <const M extends number>(minDomainMass: M) =>
      ({
        name: 'c',
        type: 'categorical',
        nullable: false,
        presence: all,
        categorical: { values: ['u', 'v'], minDomainMass },
      }) as const;
    const closed = toZod({ ...flights, features: [category(1)] });
    const open = toZod({ ...flights, features: [category(0.5)] });
    expectTypeOf<z.infer<typeof closed>>().toEqualTypeOf<{ c: 'u' | 'v' }>();
    expectTypeOf<z.infer<typeof open>>().toEqualTypeOf<{ c: string }>();
    expect([accepts(closed, { c: 'w' }), accepts(open, { c: 'w' })]).toEqual([false, true]);
  });

  it('keeps the literal types through sealSchema', () => {
    const sealed = toZod(sealSchema(flights));
    expectTypeOf<z.infer<typeof sealed>>().toEqualTypeOf<z.infer<ReturnType<typeof toZod<typeof flights>>>>();
  });

  it('degrades to Record<string, unknown> for a schema known only at run time', () => {
    const schema = toZod(parseSchema(JSON.stringify(sealSchema(flights))));
    expectTypeOf<z.infer<typeof schema>>().toEqualTypeOf<Record<string, unknown>>();
    expect(accepts(schema, good)).toBe(true);
  });
});

describe('toZod: bad arguments', () => {
  it('names toZod and the argument', () => {
    const call = (schema: unknown, options?: unknown) => () => toZod(schema as SchemaBody, options as never);
    catchLockstep(call(null), {
      code: 'INVALID_ARGUMENT',
      fn: 'toZod',
      arg: 'schema',
      message: "toZod: argument 'schema' must be a lockstep.schema artifact (see parseSchema), got null",
    });
    catchLockstep(call({ kind: 'lockstep.profile' }), {
      code: 'INVALID_ARGUMENT',
      message: /^toZod: argument 'schema' must be a lockstep.schema/,
    });
    catchLockstep(call(flights, { environment: 'prod' }), {
      code: 'INVALID_ARGUMENT',
      arg: 'options.environment',
      message: `toZod: argument 'options.environment' must be one of the schema's environments ("training", "serving"), got "prod"`,
    });
    catchLockstep(call(flights, 'serving'), {
      arg: 'options',
      message: /^toZod: argument 'options' must be an object/,
    });
    catchLockstep(call(flights, { env: 'serving' }), {
      code: 'INVALID_ARGUMENT',
      arg: 'options.env',
      message: /unknown key "env" \(did you mean "environment"\?\)/,
    });
    // toZod knows only `environment`: validate's maxExamples is not an option here.
    catchLockstep(call(flights, { maxExamples: 3 }), { arg: 'options.maxExamples' });
    // A body that claims to be a schema is checked as sealSchema checks one, with the JSON path.
    catchLockstep(call({ ...flights, features: 'delay' }), {
      code: 'INVALID_ARTIFACT',
      fn: 'toZod',
      arg: 'schema',
      path: '$.features',
      message: "toZod: argument 'schema' is not a valid lockstep.schema: $.features: must be an array",
    });
    catchLockstep(call({ ...flights, environments: undefined }), {
      code: 'INVALID_ARTIFACT',
      path: '$.environments',
    });
    catchLockstep(
      call({ ...flights, features: [{ name: 'x', type: 'float', nullable: false, presence: none }] }),
      { code: 'INVALID_ARTIFACT', path: '$.features[0].type', message: /must be "numeric" or "integer"/ },
    );
    catchLockstep(call({ ...flights, features: [null] }), {
      code: 'INVALID_ARTIFACT',
      path: '$.features[0]',
      message: /\$\.features\[0\]: must be an object/,
    });
    catchLockstep(
      call({ ...flights, features: [{ name: '__proto__', type: 'text', nullable: true, presence: none }] }),
      {
        code: 'INVALID_ARGUMENT',
        arg: 'schema.features[0].name',
        message: /^toZod: argument 'schema.features\[0\].name' must not be "__proto__"/,
      },
    );
  });
});
