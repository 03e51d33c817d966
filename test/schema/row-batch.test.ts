// compileValidator(row) gives the same verdicts as validate([row]): same anomalies (code, feature,
// severity, count), same ok, except the findings that judge a batch, which a single request is never
// held to: row counts (minRows, maxRows), presence, domain mass, and a nullable feature's column missing
// from the batch. And the property that catches a validator stricter than its batch: every row of a batch
// that validates clean validates alone, with compileValidator and with toZod.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Anomaly,
  BATCH_CODES,
  compileValidator,
  inferSchema,
  type SchemaArtifact,
  sealSchema,
  toZod,
  validate,
} from '../../src/schema/index.js';
import { featureArb } from './arbitraries.js';

const names = ['a', 'b', 'c', 'd'];
const environments = ['training', 'serving'];

const schemaArb = fc.tuple(...names.map(featureArb)).map((features) =>
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

/** A finding that judges the batch, not its row (BATCH_CODES, or a nullable feature's column missing). */
const batchLevel = (schema: SchemaArtifact, a: Anomaly) =>
  BATCH_CODES.includes(a.code) ||
  (a.code === 'MISSING_COLUMN' && schema.features.find((f) => f.name === a.feature)!.nullable);

const comparable = (schema: SchemaArtifact, anomalies: readonly Anomaly[]) =>
  anomalies
    .filter((a) => !batchLevel(schema, a))
    .map((a) => ({ code: a.code, feature: a.feature, severity: a.severity, count: a.count }));

describe('compileValidator agrees with validate on a one-row batch', () => {
  it.each([undefined, ...environments])('in environment %s (property)', (environment) => {
    fc.assert(
      fc.property(schemaArb, rowArb, (schema, row) => {
        const options = environment ? { environment } : {};
        const one = compileValidator(schema, options)(row);
        const batch = validate([row], schema, options);
        // The row validator reports no batch-level finding at all…
        expect(one.anomalies.filter((a) => batchLevel(schema, a))).toEqual([]);
        // …and every other finding exactly as the batch of one does.
        expect(comparable(schema, one.anomalies)).toEqual(comparable(schema, batch.anomalies));
        const batchOk = !batch.anomalies.some((a) => a.severity === 'error' && !batchLevel(schema, a));
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

// ---- A clean batch's rows are each valid alone ----

const COLUMNS = ['n', 'i', 'c', 'b', 'at', 'when', 't'] as const;

/** A value of the column's kind, or (often) a missing one: null, undefined or no key at all. */
const cell = (column: (typeof COLUMNS)[number]) => {
  const present = {
    n: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN)),
    i: fc.integer({ min: -1000, max: 1000 }),
    c: fc.constantFrom('ATL', 'DFW', 'ORD', 'SEA', '7'),
    b: fc.boolean(),
    // ISO-8601 text as JSON carries dates: inferred as timestamps, accepted by all three validators.
    at: fc
      .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) })
      .chain((t) =>
        fc.constantFrom(
          new Date(t).toISOString(),
          new Date(t).toISOString().slice(0, 10),
          `${new Date(t).toISOString().slice(0, 19)}+02:00`,
        ),
      ),
    when: fc.integer({ min: 0, max: 2e12 }).map((t) => new Date(t)),
    t: fc.string({ maxLength: 40 }),
  }[column] as fc.Arbitrary<unknown>;
  return fc.oneof(
    { weight: 3, arbitrary: present },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined, 'absent') },
  );
};

const batchArb = fc.array(
  fc.tuple(...COLUMNS.map(cell)).map((cells) => {
    const row: Record<string, unknown> = {};
    COLUMNS.forEach((name, k) => {
      if (cells[k] !== 'absent') row[name] = cells[k];
    });
    return row;
  }),
  { minLength: 1, maxLength: 40 },
);

/** A row whose values mostly fit the schema's rules, with nullable values often missing. */
const fittingRow = (schema: SchemaArtifact, environment: string | undefined) =>
  fc
    .tuple(
      fc.tuple(
        ...schema.features.map((f) => {
          const lo = f.numeric?.min ?? -10;
          const hi = f.numeric?.max ?? 10;
          const value: fc.Arbitrary<unknown> =
            f.type === 'numeric' || f.type === 'integer'
              ? fc.integer({ min: lo, max: hi })
              : f.type === 'timestamp'
                ? fc
                    .integer({ min: Math.max(lo, 0), max: Math.max(hi, 0) })
                    .chain((t) => fc.constantFrom<unknown>(t, new Date(t), new Date(t).toISOString()))
                : f.type === 'categorical'
                  ? fc.constantFrom(...(f.categorical?.values ?? ['x', 'y']))
                  : f.type === 'boolean'
                    ? fc.boolean()
                    : fc.string({ maxLength: 5 });
          const excluded =
            environment !== undefined &&
            (f.notInEnvironments?.includes(environment) ||
              (f.inEnvironments !== undefined && !f.inEnvironments.includes(environment)));
          if (excluded) return fc.constantFrom<unknown>('absent', null);
          return f.nullable ? fc.oneof(value, fc.constantFrom<unknown>(null, undefined, 'absent')) : value;
        }),
      ),
      fc.option(fc.constantFrom('extra', '__proto__'), { nil: undefined }),
    )
    .map(([cells, extra]) => {
      const row: Record<string, unknown> = {};
      schema.features.forEach((f, k) => {
        if (cells[k] !== 'absent')
          Object.defineProperty(row, f.name, {
            value: cells[k],
            enumerable: true,
            writable: true,
            configurable: true,
          });
      });
      if (extra !== undefined)
        Object.defineProperty(row, extra, { value: 1, enumerable: true, writable: true, configurable: true });
      return row;
    });

describe('every row of a batch that validates clean validates alone', () => {
  it('against a schema inferred from the batch: compileValidator and toZod accept each row (property)', () => {
    let clean = 0;
    fc.assert(
      fc.property(
        batchArb,
        fc.record({
          inferRanges: fc.boolean(),
          minDomainMass: fc.constantFrom(1, 0.5),
          environments: fc.constantFrom([], ['training', 'serving']),
        }),
        (rows, options) => {
          const schema = inferSchema(rows, options);
          const environment = options.environments.length > 0 ? 'serving' : undefined;
          const opts = environment ? { environment } : {};
          if (!validate(rows, schema, opts).ok) return;
          clean++;
          const check = compileValidator(schema, opts);
          const zod = toZod(schema, opts);
          for (const row of rows) {
            expect(check(row).anomalies.filter((a) => a.severity === 'error')).toEqual([]);
            expect(zod.safeParse(row).error?.issues ?? []).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
    // The property must not pass by skipping: inferred schemas accept the data they came from.
    expect(clean).toBeGreaterThan(150);
  });

  it('against random schemas, whenever the batch is clean (property)', () => {
    let clean = 0;
    fc.assert(
      fc.property(
        schemaArb.chain((schema) =>
          fc
            .constantFrom(undefined, ...environments)
            .chain((environment) =>
              fc.tuple(
                fc.constant(schema),
                fc.constant(environment),
                fc.array(fittingRow(schema, environment), { minLength: 2, maxLength: 6 }),
              ),
            ),
        ),
        ([schema, environment, rows]) => {
          const opts = environment ? { environment } : {};
          if (!validate(rows, schema, opts).ok) return;
          clean++;
          const check = compileValidator(schema, opts);
          const zod = toZod(schema, opts);
          for (const row of rows) {
            expect(check(row).anomalies.filter((a) => a.severity === 'error')).toEqual([]);
            // bigints and other realms' Dates are the only by-design differences; no row here has one.
            expect(zod.safeParse(row).error?.issues ?? []).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(clean).toBeGreaterThan(100);
  });

  it('the reported flow: 200 clean requests with some values missing are all accepted', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({
      delay: i % 7 === 0 ? null : (i * 37) % 300,
      origin: ['ATL', 'DFW', 'ORD'][i % 3],
      ...(i % 12 === 0 ? {} : { gate: `G${i % 9}` }),
      departed: new Date(Date.UTC(2026, 0, 5) + i * 60_000).toISOString(),
    }));
    const schema = inferSchema(rows);
    expect(schema.features.find((f) => f.name === 'delay')).toMatchObject({
      nullable: true,
      presence: { minFraction: 0, minCount: 1 },
    });
    expect(validate(rows, schema).ok).toBe(true);
    const check = compileValidator(schema);
    const zod = toZod(schema);
    expect(rows.filter((row) => !check(row).ok)).toEqual([]);
    expect(rows.filter((row) => !zod.safeParse(row).success)).toEqual([]);
    // The batch-level rule still holds for batches: a batch with no delay at all breaks presence.
    expect(
      validate(
        rows.map((r) => ({ ...r, delay: null })),
        schema,
      ).anomalies.map((a) => a.code),
    ).toEqual(['LOW_PRESENCE']);
  });
});
