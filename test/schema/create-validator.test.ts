// createValidator over batches B1..Bk gives exactly validate(B1 ∪ … ∪ Bk): the same anomalies, counts,
// fractions, messages, and examples with their rows counted from the stream's start. Checked on random
// rows split at random points (missing values, values outside the domain, wrong types, rows that are not
// objects, new columns, columns dropped from some batches), and on the flights data in 7 batches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Flight, loadFlights20k } from '../../examples/shared/flights-model.js';
import { createValidator, inferSchema, sealSchema, validate } from '../../src/schema/index.js';
import { featureArb } from './arbitraries.js';

const names = ['a', 'b', 'c', 'd'];
const environments = ['training', 'serving'];

const schemaArb = fc
  .tuple(
    fc.tuple(...names.map(featureArb)),
    fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
    fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
  )
  .map(([features, minRows, extra]) => {
    const maxRows = extra === undefined ? undefined : (minRows ?? 0) + extra;
    return sealSchema({
      kind: 'lockstep.schema',
      formatVersion: 1,
      environments,
      dataset: {
        ...(minRows !== undefined ? { minRows } : {}),
        ...(maxRows !== undefined ? { maxRows } : {}),
      },
      features: features.map((f) => JSON.parse(JSON.stringify(f))),
    });
  });

const value = fc.oneof(
  fc.integer({ min: -20, max: 20 }),
  fc.double({ min: -20, max: 20, noNaN: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0),
  fc.constantFrom('x', 'y', 'z', 'w', 'v', '1', 'true', '', '2001-03-01', '2001-02-30', 'not a date'),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.constantFrom(new Date(1000), new Date(Number.NaN)),
  fc.constantFrom({ nested: { deep: 1 } }, [1, 2]),
);

/** Mostly object rows (some keys are columns the schema does not know), now and then one that is not. */
const rowArb = fc.oneof(
  { weight: 12, arbitrary: fc.dictionary(fc.constantFrom(...names, 'extra', 'more'), value, { maxKeys: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(7, 'row', null, [1, 2]) },
);

/** Rows cut into pieces at the given points (empty pieces included), each piece without the columns in `drop`. */
function piecesOf(rows: readonly unknown[], cuts: readonly number[], drops: readonly (readonly string[])[]) {
  const at = [...new Set(cuts.map((c) => c % (rows.length + 1)))].sort((x, y) => x - y);
  const bounds = [0, ...at, rows.length];
  const pieces: unknown[][] = [];
  for (let p = 0; p + 1 < bounds.length; p++) {
    const drop = drops[p % Math.max(drops.length, 1)] ?? [];
    pieces.push(
      rows.slice(bounds[p], bounds[p + 1]).map((row) => {
        if (typeof row !== 'object' || row === null || Array.isArray(row)) return row;
        const copy = { ...(row as Record<string, unknown>) };
        for (const name of drop) delete copy[name];
        return copy;
      }),
    );
  }
  return pieces;
}

describe('createValidator over batches is validate over their concatenation', () => {
  it('on random rows, schemas, environments and cuts (property)', () => {
    fc.assert(
      fc.property(
        schemaArb,
        fc.constantFrom(undefined, ...environments),
        fc.constantFrom(undefined, 0, 1, 2, 5),
        fc.array(rowArb, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.subarray([...names, 'extra']), { maxLength: 4 }),
        fc.nat(),
        (schema, environment, maxExamples, rows, cuts, drops, peek) => {
          const options = {
            ...(environment !== undefined ? { environment } : {}),
            ...(maxExamples !== undefined ? { maxExamples } : {}),
          };
          const pieces = piecesOf(rows, cuts, drops);
          const validator = createValidator(schema, options);
          pieces.forEach((piece, i) => {
            validator.add(piece as never);
            // A report along the way leaves the stream as it was.
            if (i === peek % pieces.length) validator.report();
          });
          const all = pieces.flat();
          expect(validator.report()).toStrictEqual(validate(all as never, schema, options));
          // And report() may be asked again.
          expect(validator.report()).toStrictEqual(validate(all as never, schema, options));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('counts a column some batches lack as missing values in their rows, not as a missing column', () => {
    const schema = sealSchema({
      kind: 'lockstep.schema',
      formatVersion: 1,
      environments: [],
      dataset: {},
      features: [
        { name: 'a', type: 'numeric', nullable: false, presence: { minFraction: 1, minCount: 1 } },
        { name: 'b', type: 'text', nullable: true, presence: { minFraction: 0.5, minCount: 1 } },
      ],
    });
    const validator = createValidator(schema);
    validator.add([{ b: 'x' }, { b: 'y' }]);
    validator.add([{ a: 1 }, { a: 2 }, { a: 3, c: true }]);
    const report = validator.report();
    expect(report).toStrictEqual(
      validate([{ b: 'x' }, { b: 'y' }, { a: 1 }, { a: 2 }, { a: 3, c: true }], schema),
    );
    expect(
      report.anomalies.map((a) => [a.code, a.feature, a.count, a.examples.map((e) => e.row), a.received]),
    ).toEqual([
      ['MISSING_VALUE', 'a', 2, [0, 1], 'missing'],
      ['LOW_PRESENCE', 'b', 3, [], 'present in 2 of 5 rows'],
      ['NEW_COLUMN', 'c', 5, [], 'a column "c" the schema does not list'],
    ]);
    // Batch by batch, the first batch alone would have had a MISSING_COLUMN and no LOW_PRESENCE.
    expect(validate([{ b: 'x' }, { b: 'y' }], schema).anomalies.map((a) => a.code)).toEqual([
      'MISSING_COLUMN',
    ]);
  });

  it('on the flights data in 7 batches', () => {
    const flights = loadFlights20k();
    // Inferred on 500 January flights: later months bring delays, distances and airports it has not seen.
    const schema = inferSchema(flights.slice(0, 500), { inferRanges: true, minDomainMass: 0.98 });
    const rows: Flight[] = flights;
    const cuts = [0, 1234, 5000, 5001, 9999, 14_000, 17_777, rows.length];
    const validator = createValidator(schema);
    for (let b = 0; b + 1 < cuts.length; b++) validator.add(rows.slice(cuts[b], cuts[b + 1]));
    const report = validator.report();
    expect(report).toStrictEqual(validate(rows, schema));
    expect(report.rows).toBe(20_000);
    const codes = report.anomalies.map((a) => `${a.code} ${a.feature}`);
    expect(codes).toContain('OUT_OF_RANGE delay');
    expect(codes).toContain('DOMAIN_MASS_LOW origin');
    // Examples count rows from the start of the file, not of their batch.
    expect(report.anomalies.some((a) => a.examples.some((e) => e.row >= cuts[1]!))).toBe(true);
  });
});
