import { describe, expect, it } from 'vitest';
import { isFinding } from '../../src/core/finding.js';
import {
  type AnomalyCode,
  assertValid,
  type FeatureSchema,
  partitionValid,
  sealSchema,
  validate,
} from '../../src/schema/index.js';
import { catchLockstep } from '../helpers/errors.js';

const required = { nullable: false, presence: { minFraction: 1, minCount: 1 } } as const;
const optional = { nullable: true, presence: { minFraction: 0, minCount: 0 } } as const;

function schemaOf(features: FeatureSchema[], extra: { minRows?: number; maxRows?: number } = {}) {
  return sealSchema({
    kind: 'lockstep.schema',
    formatVersion: 1,
    environments: ['training', 'serving'],
    dataset: extra,
    features,
  });
}

const schema = schemaOf(
  [
    { name: 'delay', type: 'integer', ...required, numeric: { min: -60, max: 600 } },
    { name: 'ratio', type: 'numeric', ...optional, numeric: { allowNaN: false, allowInfinity: false } },
    { name: 'origin', type: 'categorical', ...required, categorical: { values: ['ATL', 'DFW', 'ORD'] } },
    {
      name: 'carrier',
      type: 'categorical',
      ...required,
      categorical: { values: ['AA', 'UA'], minDomainMass: 0.6 },
    },
    { name: 'when', type: 'timestamp', ...required },
    { name: 'note', type: 'text', nullable: true, presence: { minFraction: 0.5, minCount: 1 } },
    { name: 'label', type: 'boolean', ...required, notInEnvironments: ['serving'] },
  ],
  { minRows: 2, maxRows: 5 },
);

const good = {
  delay: 5,
  ratio: 0.5,
  origin: 'ORD',
  carrier: 'AA',
  when: new Date(0),
  note: 'fine',
  label: true,
};

const codes = (rows: unknown[], environment?: string) =>
  validate(rows as never, schema, environment ? { environment } : {}).anomalies.map(
    (a) => `${a.code}${a.feature ? `:${a.feature}` : ''}`,
  );

describe('validate: every anomaly code, produced and not produced', () => {
  it('finds nothing in good data', () => {
    expect(
      validate([good, { ...good, delay: -60, when: '2001-03-01T10:00:00Z' }], schema, {
        environment: 'training',
      }),
    ).toEqual({
      ok: true,
      rows: 2,
      anomalies: [],
    });
  });

  const cases: [AnomalyCode, unknown[], string | undefined, string][] = [
    ['TOO_FEW_ROWS', [good], 'training', 'TOO_FEW_ROWS'],
    ['TOO_MANY_ROWS', Array(6).fill(good), 'training', 'TOO_MANY_ROWS'],
    ['BAD_ROW', [good, 'not a row'], 'training', 'BAD_ROW'],
    [
      'MISSING_COLUMN',
      [{ ...good, origin: undefined }, good].map(({ origin: _, ...r }) => r),
      'training',
      'MISSING_COLUMN:origin',
    ],
    ['UNEXPECTED_COLUMN', [good, good], 'serving', 'UNEXPECTED_COLUMN:label'],
    ['NEW_COLUMN', [good, { ...good, surprise: 1 }], 'training', 'NEW_COLUMN:surprise'],
    ['MISSING_VALUE', [good, { ...good, delay: null }], 'training', 'MISSING_VALUE:delay'],
    [
      'LOW_PRESENCE',
      [good, { ...good, note: null }, { ...good, note: undefined }],
      'training',
      'LOW_PRESENCE:note',
    ],
    [
      'TYPE_MISMATCH',
      [good, { ...good, delay: 1.5 }, { ...good, delay: '7' }],
      'training',
      'TYPE_MISMATCH:delay',
    ],
    ['NAN_NOT_ALLOWED', [good, { ...good, ratio: Number.NaN }], 'training', 'NAN_NOT_ALLOWED:ratio'],
    [
      'INFINITY_NOT_ALLOWED',
      [good, { ...good, ratio: Number.NEGATIVE_INFINITY }],
      'training',
      'INFINITY_NOT_ALLOWED:ratio',
    ],
    ['OUT_OF_RANGE', [good, { ...good, delay: 5000 }], 'training', 'OUT_OF_RANGE:delay'],
    ['UNEXPECTED_CATEGORY', [good, { ...good, origin: 'XYZ' }], 'training', 'UNEXPECTED_CATEGORY:origin'],
    [
      'DOMAIN_MASS_LOW',
      [good, { ...good, carrier: 'ZZ' }, { ...good, carrier: 'YY' }],
      'training',
      'DOMAIN_MASS_LOW:carrier',
    ],
  ];

  it.each(cases)('%s', (_code, rows, environment, expected) => {
    expect(codes(rows, environment)).toContain(expected);
    // …and only where it belongs: clean data for the environment does not raise it.
    const { label: _, ...servingRow } = good;
    const clean = environment === 'serving' ? [servingRow, servingRow] : [good, good];
    expect(codes(clean, environment)).toEqual([]);
  });

  it('reports a wrong-typed timestamp, and accepts Dates, epoch ms and ISO text', () => {
    expect(codes([good, { ...good, when: 'soon' }], 'training')).toContain('TYPE_MISMATCH:when');
    expect(codes([good, { ...good, when: new Date(Number.NaN) }], 'training')).toContain(
      'TYPE_MISMATCH:when',
    );
    expect(codes([good, { ...good, when: 86_400_000 }, { ...good, when: '2001-01-01' }], 'training')).toEqual(
      [],
    );
  });

  it('treats categories outside a domain with minDomainMass < 1 as a warning, and the shortfall as an error', () => {
    const r = validate([good, good, good, { ...good, carrier: 'ZZ' }], schema, { environment: 'training' });
    expect(r.anomalies.map((a) => [a.code, a.severity])).toEqual([['UNEXPECTED_CATEGORY', 'warning']]);
    expect(r.ok).toBe(true);
  });

  it('counts, fractions, examples, distinct values and received ranges', () => {
    const rows = [
      good,
      { ...good, delay: 700, origin: 'XYZ' },
      { ...good, delay: -100, origin: 'XYZ' },
      { ...good, origin: 'QQQ' },
    ];
    const r = validate(rows, schema, { environment: 'training' });
    const range = r.anomalies.find((a) => a.code === 'OUT_OF_RANGE')!;
    expect(range).toMatchObject({
      feature: 'delay',
      severity: 'error',
      count: 2,
      fraction: 0.5,
      range: { min: -100, max: 700 },
    });
    expect(range.examples).toEqual([
      { row: 1, value: 700 },
      { row: 2, value: -100 },
    ]);
    const category = r.anomalies.find((a) => a.code === 'UNEXPECTED_CATEGORY')!;
    expect(category.values).toEqual([
      { value: 'XYZ', count: 2 },
      { value: 'QQQ', count: 1 },
    ]);
    expect(category.expected).toBe('1 of 3 values');
  });

  it('reports a million bad rows as counts and a few examples, not a million objects', () => {
    const n = 1_000_000;
    const columns = {
      delay: Float64Array.from({ length: n }, (_, i) => 1000 + i),
      origin: Array.from({ length: n }, (_, i) => `X${i}`),
    };
    const r = validate(columns, schemaOf([schema.features[0]!, schema.features[2]!]));
    expect(r.anomalies.map((a) => [a.code, a.count, a.examples.length])).toEqual([
      ['OUT_OF_RANGE', n, 5],
      ['UNEXPECTED_CATEGORY', n, 5],
    ]);
    expect(r.anomalies[1]!.values!.length).toBe(100);
  });

  it('never crashes on hostile rows: huge strings, deep nesting, __proto__ keys', () => {
    const huge = 'x'.repeat(1_000_000);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { deep };
    const rows = [
      good,
      { ...good, origin: huge, note: deep },
      JSON.parse('{"__proto__": {"polluted": true}, "delay": 1}'),
    ];
    const r = validate(rows, schema, { environment: 'training' });
    const example = r.anomalies.find((a) => a.code === 'UNEXPECTED_CATEGORY')!.examples[0]!.value as string;
    expect(example.length).toBeLessThanOrEqual(80);
    expect(r.anomalies.map((a) => a.code)).toContain('TYPE_MISMATCH');
    expect(r.anomalies.map((a) => `${a.code}:${a.feature}`)).toContain('NEW_COLUMN:__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads Frames, columns and dictionary-encoded strings the same as rows', () => {
    const rows = [good, { ...good, origin: 'XYZ', delay: 999 }];
    const columns = Object.fromEntries(
      Object.keys(good).map((k) => [k, rows.map((r) => (r as Record<string, unknown>)[k])]),
    );
    expect(validate(columns, schema, { environment: 'training' }).anomalies).toEqual(
      validate(rows, schema, { environment: 'training' }).anomalies,
    );
  });
});

describe('environments', () => {
  it('requires a training-only label in training and rejects it in serving', () => {
    const { label: _, ...serving } = good;
    expect(codes([good, good], 'training')).toEqual([]);
    expect(codes([serving, serving], 'training')).toEqual(['MISSING_COLUMN:label']);
    expect(codes([serving, serving], 'serving')).toEqual([]);
    expect(codes([good, good], 'serving')).toEqual(['UNEXPECTED_COLUMN:label']);
  });

  it('rejects an unknown environment', () => {
    expect(() => validate([good], schema, { environment: 'staging' })).toThrow(
      /validate: argument 'options.environment' must be one of the schema's environments \("training", "serving"\), got "staging"/,
    );
  });
});

describe("anomalies are findings in core's shape, each with a one-line message", () => {
  it('names the feature, what was expected and what was received', () => {
    const rows = [
      good,
      { ...good, delay: 700, origin: 'XYZ', ratio: Number.NaN, when: 'soon', surprise: 1 },
      { ...good, delay: -100, origin: 'XYZ', note: null },
    ];
    const r = validate(rows, schema, { environment: 'training' });
    for (const a of r.anomalies) expect(isFinding(a)).toBe(true);
    expect(Object.fromEntries(r.anomalies.map((a) => [`${a.code}:${a.feature ?? ''}`, a.message]))).toEqual({
      'OUT_OF_RANGE:delay':
        '"delay": expected an integer in [-60, 600], received values outside the range in 2 of 3 rows, from -100 to 700',
      'NAN_NOT_ALLOWED:ratio': '"ratio": expected no NaN, received NaN in 1 of 3 rows, e.g. NaN',
      'UNEXPECTED_CATEGORY:origin':
        '"origin": expected 1 of 3 values, received values outside the domain in 2 of 3 rows, e.g. "XYZ"',
      'TYPE_MISMATCH:when':
        '"when": expected a timestamp (Date, epoch ms or ISO-8601 text), received values of another type in 1 of 3 rows, e.g. "soon"',
      'NEW_COLUMN:surprise':
        '"surprise": expected only the schema’s features, received a column "surprise" the schema does not list',
    });
    const batch = validate([good], schema, { environment: 'training' }).anomalies[0]!;
    expect(batch).toMatchObject({
      code: 'TOO_FEW_ROWS',
      message: 'batch: expected at least 2 rows, received 1 rows',
    });
    expect(
      validate([good, { ...good, note: null }, { ...good, note: undefined }], schema, {
        environment: 'training',
      }).anomalies[0]!.message,
    ).toBe('"note": expected present in at least 1 rows and 50% of rows, received present in 1 of 3 rows');
  });
});

describe('assertValid', () => {
  it('names assertValid and the data in its fields, with the anomalies as issues', () => {
    const rows = [good, { ...good, delay: 5000 }];
    catchLockstep(() => assertValid(rows, schema, { environment: 'training' }), {
      code: 'INVALID_DATA',
      fn: 'assertValid',
      arg: 'data',
      issues: validate(rows, schema, { environment: 'training' }).anomalies,
    });
  });

  it('throws a LockstepError carrying the anomalies, and returns the report when data are valid', () => {
    expect(assertValid([good, good], schema, { environment: 'training' }).ok).toBe(true);
    catchLockstep(() => assertValid([good, { ...good, delay: 5000 }], schema, { environment: 'training' }), {
      code: 'INVALID_DATA',
      message: /assertValid: argument 'data' breaks the schema: OUT_OF_RANGE in "delay" \(1 rows\)/,
      issues: validate([good, { ...good, delay: 5000 }], schema, { environment: 'training' }).anomalies,
    });
  });
});

describe('partitionValid', () => {
  it('holds back the rows that break the contract, with reasons, and loses none', () => {
    const rows = [
      good,
      { ...good, delay: 5000 },
      42,
      { ...good, origin: 'XYZ', ratio: Number.NaN },
      { ...good, carrier: 'ZZ' },
    ];
    const p = partitionValid(rows as never, schema, { environment: 'training' });
    expect(p.valid.length + p.quarantined.length + p.rejected.length).toBe(rows.length);
    expect(p.rejected).toEqual([{ row: 2, value: 42 }]);
    expect(p.reasons).toEqual([
      { row: 1, anomalies: [{ code: 'OUT_OF_RANGE', feature: 'delay' }] },
      {
        row: 3,
        anomalies: [
          { code: 'NAN_NOT_ALLOWED', feature: 'ratio' },
          { code: 'UNEXPECTED_CATEGORY', feature: 'origin' },
        ],
      },
    ]);
    // A warning (a category outside a domain with minDomainMass < 1) does not quarantine row 4.
    expect(p.valid.length).toBe(2);
    expect(p.report.rows).toBe(5);
  });

  it('quarantines the rows carrying a feature their environment excludes', () => {
    const { label: _, ...clean } = good;
    const p = partitionValid([clean, good, clean], schema, { environment: 'serving' });
    expect(p.reasons).toEqual([{ row: 1, anomalies: [{ code: 'UNEXPECTED_COLUMN', feature: 'label' }] }]);
  });
});
