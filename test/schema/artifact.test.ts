import { describe, expect, it } from 'vitest';
import { withFingerprint } from '../../src/core/artifact.js';
import type { LockstepError } from '../../src/core/errors.js';
import {
  assertValid,
  compileValidator,
  inferSchema,
  parseSchema,
  partitionValid,
  type SchemaArtifact,
  type SchemaBody,
  sealSchema,
  validate,
} from '../../src/schema/index.js';
import golden from '../fixtures/golden-schema.json' with { type: 'json' };
import batch from '../fixtures/golden-schema-batch.json' with { type: 'json' };
import report from '../fixtures/golden-schema-report.json' with { type: 'json' };
import { catchLockstep } from '../helpers/errors.js';

const base = inferSchema(
  [
    { x: 1, c: 'a' },
    { x: 2, c: 'b' },
  ],
  { environments: ['training', 'serving'] },
);

/**
 * The base schema as plain JSON, edited by `edit`, with a fingerprint that matches the edit unless `seal`
 * is false (computed directly: sealSchema itself refuses a malformed body).
 */
// biome-ignore lint/suspicious/noExplicitAny: the test edits arbitrary JSON paths of the artifact.
function edited(edit: (s: Record<string, any>) => void, seal = true): unknown {
  const json = JSON.parse(JSON.stringify(base));
  edit(json);
  if (!seal) return json;
  const { fingerprint: _stale, ...body } = json;
  return withFingerprint(body);
}

function artifactError(json: unknown): LockstepError {
  return catchLockstep(() => parseSchema(json), { code: 'INVALID_ARTIFACT' });
}

describe('parseSchema', () => {
  it('round-trips a schema through JSON text', () => {
    expect(parseSchema(JSON.stringify(base))).toEqual(base);
  });

  it('loads the golden schema of formatVersion 1, and validating with it gives the same report', () => {
    const s = parseSchema(golden);
    expect(s.version).toBe('2001.1');
    // Reports have grown optional fields since (observed counts); every recorded verdict still holds.
    expect(validate(batch, s, { environment: 'training' })).toMatchObject(report);
    expect(report.anomalies.map((a) => `${a.code}:${a.feature}`)).toEqual([
      'OUT_OF_RANGE:delay',
      'UNEXPECTED_CATEGORY:origin',
      'DOMAIN_MASS_LOW:origin',
      'TYPE_MISMATCH:when',
      'TYPE_MISMATCH:cancelled',
      'MISSING_VALUE:label',
    ]);
  });

  it.each([
    ['JSON that does not parse', '{', /not valid JSON/],
    ['another kind', edited((s) => (s.kind = 'lockstep.profile')), /\$\.kind: must be "lockstep.schema"/],
    [
      'an unknown type',
      edited((s) => (s.features[0].type = 'float')),
      /\$\.features\[0\]\.type: must be "numeric" or "integer"/,
    ],
    [
      'a fraction above 1',
      edited((s) => (s.features[0].presence.minFraction = 2)),
      /\$\.features\[0\]\.presence\.minFraction: must be at most 1/,
    ],
    [
      'min above max',
      edited((s) => (s.features[0].numeric = { min: 5, max: 1 })),
      /\$\.features\[0\]\.numeric\.max: must be at least numeric.min/,
    ],
    [
      'a numeric domain on a categorical',
      edited((s) => (s.features[1].numeric = { min: 0 })),
      /\$\.features\[1\]\.numeric: is only allowed for numeric/,
    ],
    [
      'repeated domain values',
      edited((s) => (s.features[1].categorical = { values: ['a', 'a'] })),
      /\$\.features\[1\]\.categorical\.values: must not repeat/,
    ],
    [
      'an environment not listed',
      edited((s) => (s.features[0].notInEnvironments = ['staging'])),
      /\$\.features\[0\]\.notInEnvironments\[0\]: names environment "staging"/,
    ],
    [
      'a duplicate feature',
      edited((s) => s.features.push(s.features[0])),
      /\$\.features\[2\]\.name: duplicate feature "x"/,
    ],
    [
      'minRows above maxRows',
      edited((s) => (s.dataset = { minRows: 9, maxRows: 1 })),
      /\$\.dataset\.maxRows/,
    ],
    [
      'an edit without re-sealing',
      edited((s) => (s.features[0].nullable = true), false),
      /\$\.fingerprint does not match the content/,
    ],
  ])('rejects %s with the JSON path', (_, json, message) => {
    expect(artifactError(json).message).toMatch(message);
  });
});

describe('sealSchema', () => {
  it('fingerprints a hand-written schema, ignoring any stale fingerprint', () => {
    const body = {
      kind: 'lockstep.schema',
      formatVersion: 1,
      environments: [],
      dataset: {},
      features: [],
    } as const;
    const a = sealSchema(body);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(sealSchema({ ...a, fingerprint: 'stale' } as never).fingerprint).toBe(a.fingerprint);
    expect(parseSchema(a)).toEqual(a);
  });
});

describe('sealSchema checks the body before sealing it', () => {
  const body = (edit: (s: Record<string, unknown>) => void = () => {}): SchemaBody => {
    const { fingerprint: _f, ...json } = JSON.parse(JSON.stringify(base));
    edit(json);
    return json;
  };

  it.each([
    [
      'a 1 MB feature name',
      (s: Record<string, unknown>) => ((s.features as { name: string }[])[0]!.name = 'x'.repeat(1 << 20)),
      '$.features[0].name',
      /must be at most 1024 characters long/,
    ],
    [
      'a 1 MB description',
      (s: Record<string, unknown>) => (s.description = 'd'.repeat(1 << 20)),
      '$.description',
      /at most 4096/,
    ],
    [
      'a long domain value',
      (s: Record<string, unknown>) =>
        ((s.features as { categorical: { values: string[] } }[])[1]!.categorical.values = ['v'.repeat(1025)]),
      '$.features[1].categorical.values[0]',
      /at most 1024/,
    ],
    [
      'a million domain values',
      (s: Record<string, unknown>) =>
        ((s.features as { categorical: { values: string[] } }[])[1]!.categorical.values = Array.from(
          { length: 1_000_000 },
          (_, i) => `${i}`,
        )),
      '$.features[1].categorical.values',
      /at most 100000 items/,
    ],
    [
      'a sparse features list',
      (s: Record<string, unknown>) => ((s.features as unknown[])[50_000] = null),
      '$.features',
      /at most 10000 items/,
    ],
    [
      'a misspelled key',
      (s: Record<string, unknown>) => (s.descripton = 'typo'),
      '$',
      /unknown keys "descripton"/,
    ],
    [
      'a __proto__ key',
      (s: Record<string, unknown>) => Object.defineProperty(s, '__proto__', { value: {}, enumerable: true }),
      '$',
      /unknown keys "__proto__"/,
    ],
    [
      'a threshold of Infinity',
      (s: Record<string, unknown>) =>
        ((s.features as { skew?: unknown }[])[0]!.skew = { threshold: Number.POSITIVE_INFINITY }),
      '$.features[0].skew.threshold',
      /./,
    ],
    [
      'an unknown type',
      (s: Record<string, unknown>) => ((s.features as { type: string }[])[0]!.type = 'float'),
      '$.features[0].type',
      /must be "numeric"/,
    ],
    [
      'min above max',
      (s: Record<string, unknown>) =>
        ((s.features as { numeric?: unknown }[])[0]!.numeric = { min: 5, max: 1 }),
      '$.features[0].numeric.max',
      /at least numeric.min/,
    ],
  ])('refuses %s with a coded error and its path', (_what, edit, path, message) => {
    const e = catchLockstep(() => sealSchema(body(edit)), {
      code: 'INVALID_ARTIFACT',
      fn: 'sealSchema',
      arg: 'body',
      path,
      message,
    });
    expect(e.message.length).toBeLessThan(300);
  });

  it('refuses what is not a body at all, and bodies whose getters throw', () => {
    catchLockstep(() => sealSchema('x'.repeat(1 << 20) as never), { code: 'INVALID_ARGUMENT', arg: 'body' });
    catchLockstep(() => sealSchema(null as never), { code: 'INVALID_ARGUMENT', arg: 'body' });
    const proxy = new Proxy(body(), {
      get() {
        throw new Error('hostile');
      },
    });
    catchLockstep(() => sealSchema(proxy), { code: 'INVALID_ARTIFACT', fn: 'sealSchema' });
  });

  it('returns a deeply frozen schema that parses back as it is, and seals a sealed one as it is', () => {
    const s = sealSchema(body());
    expect(s.fingerprint).toBe(base.fingerprint);
    expect(Object.isFrozen(s.features[1]!.categorical!.values)).toBe(true);
    expect(() => {
      (s.features[0] as { nullable: boolean }).nullable = true;
    }).toThrow(TypeError);
    expect(parseSchema(s)).toBe(s);
    expect(sealSchema(s)).toBe(s);
    // To change one, build a new body and seal it.
    const changed = sealSchema({ ...s, description: 'reviewed' });
    expect(changed.fingerprint).not.toBe(s.fingerprint);
    expect(parseSchema(JSON.stringify(changed))).toEqual(changed);
  });
});

describe('functions taking a schema: sealed ones as they are, anything else parsed', () => {
  const rows = [
    { x: 1, c: 'a' },
    { x: 2, c: 'b' },
  ];
  const json = JSON.parse(JSON.stringify(base)) as SchemaArtifact;

  it('accept a parsed-JSON schema whose fingerprint matches, giving the same report', () => {
    expect(validate(rows, json)).toEqual(validate(rows, base));
  });

  it('refuse an edited one that was not sealed again, and a corrupted one, with INVALID_ARTIFACT', () => {
    catchLockstep(() => validate(rows, { ...json, dataset: { minRows: 5 } }), {
      code: 'INVALID_ARTIFACT',
      fn: 'validate',
      arg: 'schema',
      path: '$.fingerprint',
    });
    catchLockstep(() => validate(rows, { ...json, features: {} } as never), {
      code: 'INVALID_ARTIFACT',
      path: '$.features',
    });
  });

  it('compileValidator takes only schemas lockstep sealed or parsed (the request path carries no zod)', () => {
    catchLockstep(() => compileValidator(json), {
      code: 'INVALID_ARTIFACT',
      fn: 'compileValidator',
      arg: 'schema',
      message: /pass JSON through parseSchema/,
    });
    catchLockstep(() => compileValidator(42 as never), { code: 'INVALID_ARGUMENT', arg: 'schema' });
    expect(compileValidator(parseSchema(json))({ x: 3, c: 'a' }).ok).toBe(true);
  });

  it('validate refuses misspelled options, naming the key that was meant', () => {
    catchLockstep(() => validate(rows, base, { env: 'serving' } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'validate',
      arg: 'options.env',
      message: /unknown key "env" \(did you mean "environment"\?\)/,
    });
    for (const call of [
      () => assertValid(rows, base, { maxExample: 1 } as never),
      () => partitionValid(rows, base, { enviroment: 'serving' } as never),
      () => compileValidator(base, { environments: 'serving' } as never),
    ])
      catchLockstep(call, { code: 'INVALID_ARGUMENT', message: /did you mean/ });
    catchLockstep(() => validate(rows, base, 'serving' as never), { arg: 'options' });
    catchLockstep(() => validate(rows, base, { maxExamples: 1e9 }), { arg: 'options.maxExamples' });
    catchLockstep(() => validate(rows, base, { environment: 7 } as never), { arg: 'options.environment' });
  });
});
