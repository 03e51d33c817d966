import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  type ArtifactEnvelope,
  defineArtifact,
  readEnvelope,
  withFingerprint,
} from '../../src/core/artifact.js';
import { isFinding } from '../../src/core/finding.js';
import { deepFreeze, sealedKind } from '../../src/core/freeze.js';
import { catchLockstep } from '../helpers/errors.js';
import { deepArray, deepObject } from '../helpers/hostile.js';

// A made-up kind in its second format version: version 1 called `count` what version 2 calls `total`.
interface Tally extends ArtifactEnvelope {
  readonly kind: 'lockstep.tally';
  readonly formatVersion: 2;
  readonly total: number;
  readonly parts: readonly number[];
}

function tallyKind() {
  return defineArtifact<Tally>({
    kind: 'lockstep.tally',
    formatVersion: 2,
    migrations: { 1: ({ count, ...rest }) => ({ ...rest, total: count }) },
    shape: () =>
      z.object({
        kind: z.literal('lockstep.tally'),
        formatVersion: z.literal(2),
        total: z.number(),
        parts: z.array(z.number()),
        fingerprint: z.string(),
      }) as unknown as z.ZodMiniType<Tally>,
    check: (t, report) => {
      const sum = t.parts.reduce((a, b) => a + b, 0);
      if (sum !== t.total) report('$.total', `must equal the sum of parts (${sum})`);
    },
  });
}

describe('defineArtifact', () => {
  const Tally = tallyKind();
  const body = { kind: 'lockstep.tally', formatVersion: 2, total: 3, parts: [1, 2] } as const;

  it('seals a body: fingerprint added, deeply frozen, recognised as checked', () => {
    const t = Tally.seal(body);
    expect(t.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.parts)).toBe(true);
    expect(Tally.is(t)).toBe(true);
    expect(Tally.is({ ...t })).toBe(false);
    expect(sealedKind(t)).toBe('lockstep.tally');
  });

  it('parses JSON text and values to the same frozen artifact, and returns a sealed one as it is', () => {
    const t = Tally.seal(body);
    const parsed = Tally.parse(JSON.stringify(t), 'parseTally');
    expect(parsed).toEqual(t);
    expect(Object.isFrozen(parsed.parts)).toBe(true);
    expect(Tally.parse(t, 'parseTally')).toBe(t);
  });

  it('an object whose formatVersion getter throws is INVALID_ARTIFACT at $, not a bare Error', () => {
    const hostile = {
      kind: 'lockstep.tally',
      get formatVersion(): number {
        throw new Error('hostile getter');
      },
    };
    const error = catchLockstep(() => Tally.parse(hostile, 'parseTally'), {
      code: 'INVALID_ARTIFACT',
      fn: 'parseTally',
    });
    expect(error.issues).toEqual([
      expect.objectContaining({ path: '$', message: expect.stringContaining('threw') }),
    ]);
  });

  it('migrates an older format version after checking its own fingerprint', () => {
    const v1 = withFingerprint({ kind: 'lockstep.tally', formatVersion: 1, count: 3, parts: [1, 2] });
    const t = Tally.parse(v1, 'parseTally');
    expect(t).toEqual(Tally.seal(body));
    const tampered = { ...v1, count: 4 };
    const error = catchLockstep(() => Tally.parse(tampered, 'parseTally'));
    expect(error.path).toBe('$.fingerprint');
  });

  it('refuses a newer format version, a broken check and a wrong fingerprint, with fn, arg and path', () => {
    const t = Tally.seal(body);
    const newer = catchLockstep(() => Tally.parse({ ...t, formatVersion: 3 }, 'parseTally'));
    expect(newer.message).toBe(
      "parseTally: argument 'json' is not a valid lockstep.tally: $.formatVersion: is 3, newer than this version of lockstep reads (2); upgrade lockstep",
    );
    const sum = catchLockstep(() => Tally.parse({ ...t, total: 4 }, 'parseTally', 'options.state'));
    expect(sum).toMatchObject({
      code: 'INVALID_ARTIFACT',
      fn: 'parseTally',
      arg: 'options.state',
      path: '$.total',
    });
    expect(sum.issues.every(isFinding)).toBe(true);
    const edited = catchLockstep(() => Tally.parse({ ...t, parts: [3, 0] }, 'parseTally'));
    expect(edited.path).toBe('$.fingerprint');
    const shape = catchLockstep(() => Tally.parse({ ...t, parts: 'x' }, 'parseTally'));
    expect(shape.message).toBe(
      "parseTally: argument 'json' is not a valid lockstep.tally: $.parts: must be an array",
    );
  });

  it('refuses text that is not JSON', () => {
    expect(catchLockstep(() => Tally.parse('{', 'parseTally')).message).toMatch(
      /^parseTally: argument 'json' is not valid JSON \(/,
    );
  });
});

describe('readEnvelope', () => {
  it('reads kind, version and fingerprint of any artifact and verifies the fingerprint', () => {
    const a = withFingerprint({ kind: 'lockstep.anything', formatVersion: 4, x: [1, { y: 'z' }] });
    expect(readEnvelope(JSON.stringify(a), 'put')).toEqual({
      kind: 'lockstep.anything',
      formatVersion: 4,
      fingerprint: a.fingerprint,
    });
    expect(catchLockstep(() => readEnvelope({ ...a, x: [] }, 'put')).path).toBe('$.fingerprint');
    expect(catchLockstep(() => readEnvelope({ ...a, kind: 'evil' }, 'put')).path).toBe('$.kind');
    expect(catchLockstep(() => readEnvelope({ ...a, formatVersion: 0 }, 'put')).path).toBe('$.formatVersion');
    expect(catchLockstep(() => readEnvelope([], 'put')).path).toBe('$');
  });
});

describe('deepFreeze', () => {
  it('freezes 10,000-deep nesting without overflowing the stack, and survives cycles', () => {
    const a = deepArray(10_000) as unknown[];
    deepFreeze(a);
    let inner: unknown = a;
    for (let i = 0; i < 10_000; i++) inner = (inner as unknown[])[0];
    expect(Object.isFrozen(inner)).toBe(true);
    const o = deepObject(10_000);
    expect(Object.isFrozen(deepFreeze(o))).toBe(true);
    const cyclic: Record<string, unknown> = { x: 1 };
    cyclic.self = cyclic;
    expect(Object.isFrozen(deepFreeze(cyclic))).toBe(true);
  });

  it('leaves typed arrays (which cannot be frozen) as they are', () => {
    const o = deepFreeze({ values: new Float64Array(2) });
    expect(Object.isFrozen(o)).toBe(true);
    o.values[0] = 1;
    expect(o.values[0]).toBe(1);
  });
});
