import { describe, expect, it } from 'vitest';
import { withFingerprint } from '../../src/core/artifact.js';
import type { LockstepError } from '../../src/core/errors.js';
import { inferSchema, parseSchema, sealSchema, validate } from '../../src/schema/index.js';
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
