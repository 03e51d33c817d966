// lockstep/schema: the single-request path against a hand-written zod object schema of the same checks, in
// the same run; the batch path in rows per second on flights-3m.
// Targets (the module's issue): single-row path within 1.5x of hand-written zod; batch path >= 5 M rows/s.
import { readFileSync } from 'node:fs';
import { compileValidator, inferSchema, validate } from 'lockstep/schema';
import { z } from 'zod';
import { vegaDataPath } from '../examples/data.js';
import { loadFlights3m } from '../examples/flights-3m.js';
import { measure, report } from './harness.js';

// ---------------------------------------------------------------------------------------------------------
// 1. One row at a time: flights-20k rows, as a service would receive them (dates as Date objects).
type Flight = { date: string; delay: number; distance: number; origin: string; destination: string };
const raw = JSON.parse(readFileSync(vegaDataPath('flights-20k.json'), 'utf8')) as Flight[];
const rows = raw.map((f) => ({ ...f, date: new Date(`${f.date.replace(/\//g, '-').replace(' ', 'T')}Z`) }));
const schema = inferSchema(rows, { inferRanges: true, maxDomainSize: 400 });
const feature = (name: string) => schema.features.find((f) => f.name === name)!;
const range = (name: string) => feature(name).numeric!;
const values = (name: string) => feature(name).categorical!.values as [string, ...string[]];

// The same contract written by hand in zod: integers in range, airports from the domain, a date.
const handWritten = z.object({
  date: z.date(),
  delay: z.number().int().min(range('delay').min!).max(range('delay').max!),
  distance: z.number().int().min(range('distance').min!).max(range('distance').max!),
  origin: z.enum(values('origin')),
  destination: z.enum(values('destination')),
});
const check = compileValidator(schema);
let agree = 0;
for (const row of rows) if (check(row).ok === handWritten.safeParse(row).success) agree++;
console.log(`\nagreement of the two validators on ${rows.length} rows: ${agree}/${rows.length}`);

const single = measure(rows.length, [
  {
    name: 'lockstep compileValidator(schema)(row)',
    run: () => {
      let ok = 0;
      for (let i = 0; i < rows.length; i++) if (check(rows[i]).ok) ok++;
      return ok;
    },
  },
  {
    name: 'zod object schema, hand-written (safeParse)',
    run: () => {
      let ok = 0;
      for (let i = 0; i < rows.length; i++) if (handWritten.safeParse(rows[i]).success) ok++;
      return ok;
    },
  },
]);
report(
  'Single rows validated per second (flights-20k, 5 features)',
  single,
  'zod object schema, hand-written (safeParse)',
);
const ratio = single[0]!.medianMs / single[1]!.medianMs;
console.log(
  `\ncompileValidator takes ${ratio.toFixed(2)}x the time of hand-written zod (target: within 1.5x): ${ratio <= 1.5 ? 'met' : 'NOT met'}`,
);

// ---------------------------------------------------------------------------------------------------------
// 2. Batches: flights-3m as an Arrow table, against a schema inferred from its first 100 k rows.
const table = await loadFlights3m();
const sample = table.slice(0, 100_000);
const big = inferSchema(sample, { inferRanges: true, maxDomainSize: 400 });
const first = validate(table, big);
console.log(
  `\nflights-3m against a schema inferred from its first 100 k rows: ${first.anomalies.map((a) => `${a.code} ${a.feature} (${a.count})`).join(', ') || 'no anomaly'}`,
);
const batch = measure(
  table.numRows,
  [{ name: 'lockstep validate(table, schema)', run: () => validate(table, big) }],
  5,
  1,
);
report('Rows validated per second in a batch (flights-3m, Arrow)', batch, 'lockstep validate(table, schema)');
const rate = batch[0]!.opsPerSecond;
console.log(
  `\nvalidate: ${(rate / 1e6).toFixed(1)} M rows/s (target: >= 5 M rows/s): ${rate >= 5e6 ? 'met' : 'NOT met'}`,
);
