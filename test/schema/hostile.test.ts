// Hostile inputs to every public function of lockstep/schema (and every method of what they return):
// each call gives a result or a LockstepError, never a TypeError, a RangeError, a stack overflow or a
// hang, and nothing is written onto Object.prototype. Then round trips: whatever inferSchema, sealSchema
// and updateSchema write, parseSchema reads back as it was.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertValid,
  compileValidator,
  diffSchemas,
  inferSchema,
  parseSchema,
  partitionValid,
  type SchemaArtifact,
  sealSchema,
  toZod,
  updateSchema,
  validate,
} from '../../src/schema/index.js';
import { profile } from '../../src/stats/index.js';
import {
  corruption,
  corruptOne,
  deepArray,
  deepObject,
  expectLockstepOrResult,
  expectNoPrototypePollution,
  hostile,
  hostileValues,
  protoKey,
  throwingGetters,
  throwingProxy,
} from '../helpers/hostile.js';

const rows = Array.from({ length: 30 }, (_, i) => ({
  delay: i % 5 === 0 ? null : (i * 37) % 120,
  distance: 100.5 + i,
  origin: ['ATL', 'DFW', 'ORD'][i % 3],
  cancelled: i % 7 === 0,
  at: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
  label: i % 2,
}));
const schema = inferSchema(rows, {
  inferRanges: true,
  environments: ['training', 'serving'],
  exclude: { serving: ['label'] },
  version: '1',
});
const json = JSON.parse(JSON.stringify(schema)) as SchemaArtifact;

/** Data-shaped hostile values: Frame-like objects of bad lengths, columns that are numbers, odd cells. */
function hostileData(): readonly unknown[] {
  return [
    ...hostileValues(),
    { length: -1, names: ['a'], columns: new Map() },
    { length: Number.NaN, names: [], columns: new Map() },
    { a: 5 },
    { a: [1, 2], b: 'xy' },
    { a: new Float64Array(3), b: [1] },
    [Object.create(null), { a: Object.create(null) }],
    [{ a: deepObject(10_000) }, { a: deepArray(10_000) }],
    [{ a: '\uD800' }, { a: 'x'.repeat(1 << 20) }],
    [protoKey(), { constructor: 1, toString: 'x' }],
    [throwingGetters(), throwingProxy()],
    { delay: throwingProxy() },
    [1, 'row', null, [1]],
  ];
}

const dataArb = fc.oneof(
  fc.nat({ max: hostileData().length - 1 }).map((i) => hostileData()[i]),
  fc.array(
    fc.dictionary(fc.constantFrom('delay', 'origin', 'at', 'x', '__proto__'), hostile(), { maxKeys: 4 }),
    {
      maxLength: 5,
    },
  ),
);

/** The schema argument: hostile values, or the valid schema (as JSON) with one field corrupted. */
const schemaArb = fc.oneof(
  hostile(),
  fc.tuple(fc.nat(), corruption()).map(([pick, bad]) => corruptOne(json, pick, bad)),
  fc.constant(schema),
);

const optionsArb = fc.oneof(
  hostile(),
  fc.record(
    { environment: fc.oneof(hostile(), fc.constantFrom('training', 'serving')), maxExamples: hostile() },
    { requiredKeys: [] },
  ),
);

const RUNS = { numRuns: 150 };

afterAll(() => expectNoPrototypePollution());

describe('hostile inputs: a result or a LockstepError, always', () => {
  it('parseSchema and sealSchema', () => {
    fc.assert(
      fc.property(schemaArb, (value) => {
        expectLockstepOrResult(() => parseSchema(value));
        let text: string | undefined;
        try {
          text = JSON.stringify(value);
        } catch {
          text = undefined; // a bigint, a cycle or a throwing getter: JSON cannot carry it
        }
        if (text !== undefined) expectLockstepOrResult(() => parseSchema(text));
        expectLockstepOrResult(() => sealSchema(value as never));
      }),
      RUNS,
    );
  });

  it('validate, assertValid and partitionValid', () => {
    fc.assert(
      fc.property(dataArb, schemaArb, optionsArb, (data, s, options) => {
        expectLockstepOrResult(() => validate(data as never, s as never, options as never));
        expectLockstepOrResult(() => assertValid(data as never, s as never, options as never));
        expectLockstepOrResult(() => partitionValid(data as never, s as never, options as never));
        // The valid schema with hostile data alone.
        expectLockstepOrResult(() => validate(data as never, schema));
      }),
      RUNS,
    );
  });

  it('compileValidator and the validator it returns', () => {
    const check = compileValidator(schema, { environment: 'serving' });
    fc.assert(
      fc.property(schemaArb, optionsArb, dataArb, hostile(), (s, options, data, row) => {
        expectLockstepOrResult(() => compileValidator(s as never, options as never));
        // The request path never throws: a hostile row is a report (BAD_ROW at worst).
        expect(() => check(row)).not.toThrow();
        if (Array.isArray(data)) for (const r of data.slice(0, 5)) expect(() => check(r)).not.toThrow();
      }),
      RUNS,
    );
  });

  it('toZod and the schema it returns', () => {
    const zod = toZod(schema, { environment: 'serving' });
    // The returned schema is zod's own object: zod reports hostile JSON-like values as issues; a getter or
    // Proxy that throws while zod reads it throws out of zod (no JSON body has one), so those are left out.
    const readable = hostile().filter((v) => {
      try {
        structuredClone(v);
        return true;
      } catch {
        return typeof v !== 'object' || v === null;
      }
    });
    fc.assert(
      fc.property(schemaArb, optionsArb, readable, (s, options, row) => {
        expectLockstepOrResult(() => toZod(s as never, options as never));
        expectLockstepOrResult(() => zod.safeParse(row));
      }),
      RUNS,
    );
  });

  it('inferSchema, from data and from profiles', () => {
    const good = profile(rows);
    const goodJson = JSON.parse(JSON.stringify(good));
    fc.assert(
      fc.property(
        dataArb,
        fc.oneof(
          hostile(),
          fc.record(
            {
              maxDomainSize: hostile(),
              types: fc.oneof(hostile(), fc.dictionary(fc.string(), hostile())),
              environments: hostile(),
              exclude: hostile(),
              version: hostile(),
              rangeMargin: hostile(),
            },
            { requiredKeys: [] },
          ),
        ),
        fc.tuple(fc.nat(), corruption()),
        (data, options, [pick, bad]) => {
          expectLockstepOrResult(() => inferSchema(data as never, options as never));
          expectLockstepOrResult(() => inferSchema(corruptOne(goodJson, pick, bad) as never));
        },
      ),
      RUNS,
    );
    expect(inferSchema(good)).toEqual(inferSchema(rows));
  });

  it('diffSchemas and updateSchema', () => {
    const report = validate([{ ...rows[1], delay: 9999, origin: 'XYZ' }], schema, {
      environment: 'training',
    });
    const reportJson = JSON.parse(JSON.stringify(report));
    fc.assert(
      fc.property(
        schemaArb,
        fc.oneof(
          hostile(),
          fc.tuple(fc.nat(), corruption()).map(([pick, bad]) => corruptOne(reportJson, pick, bad)),
          fc.array(hostile(), { maxLength: 4 }),
        ),
        fc.oneof(hostile(), fc.record({ accept: hostile() }, { requiredKeys: [] })),
        (s, anomalies, options) => {
          expectLockstepOrResult(() => diffSchemas(s as never, schema));
          expectLockstepOrResult(() => diffSchemas(schema, s as never));
          expectLockstepOrResult(() => updateSchema(s as never, report));
          expectLockstepOrResult(() => updateSchema(schema, anomalies as never, options as never));
        },
      ),
      RUNS,
    );
  });

  it('known cases from the sweep', () => {
    // A 1 MB string is refused by its length before it is read.
    expect(() => sealSchema({ ...json, description: 'x'.repeat(1 << 20) })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARTIFACT', path: '$.description' }),
    );
    // A version that is not a string is refused, so inferSchema never writes what parseSchema refuses.
    expect(() => inferSchema(rows, { version: 0 as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', arg: 'options.version' }),
    );
    expect(() => validate(rows, schema, { env: 'serving' } as never)).toThrow(/did you mean "environment"/);
    expect(compileValidator(schema)(throwingProxy()).anomalies.map((a) => a.code)).toEqual(['BAD_ROW']);
  });
});

// ---- What lockstep writes, it reads back ----

const cellArb = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0),
  fc.constantFrom('a', 'b', 'c', '2026-01-05', '2026-01-05T10:00:00Z', '\uD800', ''),
  fc.string({ maxLength: 30 }),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.integer({ min: 0, max: 2e12 }).map((t) => new Date(t)),
);

const rowsArb = fc.array(
  fc.dictionary(fc.constantFrom('a', 'b', 'c', 'constructor', 'd e', '__proto__'), cellArb, { maxKeys: 5 }),
  { minLength: 1, maxLength: 25 },
);

const inferOptionsArb = fc.record(
  {
    inferRanges: fc.boolean(),
    rangeMargin: fc.constantFrom(0, 0.1, 1e300),
    maxDomainSize: fc.constantFrom(0, 2, 100),
    minDomainMass: fc.constantFrom(1, 0.5, 0),
    comparators: fc.boolean(),
    version: fc.string({ maxLength: 10 }),
    description: fc.string({ maxLength: 10 }),
    environments: fc.constantFrom([], ['training', 'serving']),
  },
  { requiredKeys: [] },
);

/** The JSON round trip: what JSON.stringify writes, parseSchema reads back equal (and sealed). */
function roundTrips(s: SchemaArtifact): void {
  const back = parseSchema(JSON.stringify(s));
  expect(back).toEqual(s);
  expect(back.fingerprint).toBe(s.fingerprint);
  expect(Object.isFrozen(back)).toBe(true);
}

describe('round trips through JSON and parseSchema', () => {
  it('inferSchema, from data and from the profile (property)', () => {
    fc.assert(
      fc.property(rowsArb, inferOptionsArb, (data, options) => {
        const s = inferSchema(data, options);
        roundTrips(s);
        expect(inferSchema(profile(data), options)).toEqual(s);
      }),
      { numRuns: 200 },
    );
  });

  it('updateSchema, after validating other data against the inferred schema (property)', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, inferOptionsArb, (train, later, options) => {
        const s = inferSchema(train, options);
        const env = options.environments?.length ? { environment: 'serving' } : {};
        const update = updateSchema(s, validate(later, s, env));
        roundTrips(update.schema);
        for (const skipped of update.skipped)
          expect(skipped).toMatchObject({
            severity: expect.stringMatching(/^(warning|info)$/),
            message: expect.any(String),
          });
      }),
      { numRuns: 150 },
    );
  });

  it('sealSchema, for any body it accepts (property)', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(), corruption()), ([pick, bad]) => {
        // sealSchema drops a stale fingerprint itself.
        const body = corruptOne(json, pick, bad) as SchemaArtifact;
        let sealed: SchemaArtifact | undefined;
        expectLockstepOrResult(() => {
          sealed = sealSchema(body);
        });
        if (sealed) roundTrips(sealed);
      }),
      { numRuns: 200 },
    );
  });
});
