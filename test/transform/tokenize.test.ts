// The tokenize step: keyed pseudonymisation with HMAC-SHA256. Tokens are checked against node:crypto's
// createHmac computing the documented rule on its own (the first 16 hex characters of HMAC-SHA256(key,
// "lockstep.tokenize.v1" 0x00 keyId 0x00 UTF-8(value))); the key is the host's, given wrapped by tokenKey,
// and must never reach the artifact, a message or the key object's own display; a new key id is a change
// diffTransforms reports.
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { inspect } from 'node:util';
import { Dictionary, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLockstepError, type LockstepError } from '../../src/core/errors.js';
import {
  apply,
  applyBatch,
  createFitter,
  diffTransforms,
  fitStream,
  fit as fitTransform,
  hashBucket,
  impute,
  multiHot,
  oneHot,
  parseTransform,
  specOf,
  standardize,
  type TransformArtifact,
  tokenize,
  tokenKey,
  vocabulary,
} from '../../src/transform/index.js';
import { catchLockstep } from '../helpers/errors.js';

/** Two keys of 32 bytes, built from fixed bytes (no randomness in tests). */
const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255);
const OTHER = Uint8Array.from({ length: 32 }, (_, i) => (i * 101 + 7) & 255);
const keys = { k2026: tokenKey(KEY) };

/** The token by the documented rule, computed with node:crypto, independently of lockstep. */
function oracle(key: Uint8Array, keyId: string, value: string): string {
  return createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(`lockstep.tokenize.v1\u0000${keyId}\u0000`, 'utf8'),
        Buffer.from(value, 'utf8'),
      ]),
    )
    .digest('hex')
    .slice(0, 16);
}

const emails = [
  'alice@example.com',
  'bob@example.com',
  'alice@example.com',
  'carol@example.org',
  'alice@example.com',
  'bob@example.com',
];
const rows = emails.map((email) => ({ email }));

/** The values the vocabulary of the first feature (its second step) learned. */
function vocabularyOf(t: TransformArtifact): readonly string[] {
  const step = t.features[0]!.steps[1]!;
  if (step.type !== 'vocabulary') throw new Error(`step 1 is ${step.type}, not vocabulary`);
  return step.fitted.values;
}

/** The key's bytes as every text form a leak could take. */
function keyForms(key: Uint8Array): string[] {
  const b = Buffer.from(key);
  return [
    b.toString('hex'),
    b.toString('hex').toUpperCase(),
    b.toString('base64'),
    b.toString('base64url'),
    Array.from(key).join(','),
  ];
}

function expectNoKey(text: string, key: Uint8Array = KEY): void {
  for (const form of keyForms(key))
    expect(text.includes(form), `the key (${form.slice(0, 8)}…) appears`).toBe(false);
}

describe('tokenize()', () => {
  it('builds a plain step holding the key id only', () => {
    expect(tokenize({ keyId: 'k2026' })).toEqual({ type: 'tokenize', keyId: 'k2026' });
    expect(tokenize({ keyId: 'pii.email:2026-01_a' }).keyId).toBe('pii.email:2026-01_a');
  });

  it('refuses an unknown option, naming the one meant, and a key id outside its alphabet', () => {
    catchLockstep(() => tokenize({ keyID: 'k' } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'tokenize',
      message: /unknown key "keyID" \(did you mean "keyId"\?\)/,
    });
    catchLockstep(() => tokenize({ keyId: 'k', key: KEY } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'tokenize',
      message: /unknown key "key"/,
    });
    for (const bad of ['', 'a b', 'k\u0000', 'k/1', 'x'.repeat(129), 7, undefined])
      catchLockstep(() => tokenize({ keyId: bad } as never), {
        code: 'INVALID_ARGUMENT',
        fn: 'tokenize',
        arg: 'options.keyId',
      });
  });

  it('leads a category chain into vocabulary or hashBucket, and nowhere else', () => {
    const k = tokenize({ keyId: 'k2026' });
    const bad: [unknown[], string][] = [
      [[k], 'spec.email[1]'],
      [[k, standardize()], 'spec.email[1]'],
      [[k, oneHot()], 'spec.email[1]'],
      [[vocabulary(), k], 'spec.email[1]'],
      [[impute({ strategy: 'mode' }), k, vocabulary()], 'spec.email[1]'],
      [[k, vocabulary(), multiHot()], 'spec.email[2]'],
      [[k, hashBucket({ buckets: 4 }), vocabulary()], 'spec.email[2]'],
    ];
    for (const [chain, arg] of bad)
      catchLockstep(() => fitTransform({ email: chain } as never, rows, { keys }), {
        code: 'INVALID_ARGUMENT',
        fn: 'fit',
        arg,
      });
  });
});

describe('tokens', () => {
  const values = [
    'alice@example.com',
    '',
    'é',
    'e\u0301',
    '😀',
    '\ud800',
    'tab\there',
    'nul\u0000byte',
    'x'.repeat(300),
  ];

  it('are the first 16 hex characters of HMAC-SHA256 over the label, key id and UTF-8 value', () => {
    const t = fitTransform(
      { v: [tokenize({ keyId: 'k2026' }), vocabulary()] },
      values.map((v) => ({ v })),
      { keys },
    );
    const learned = { fitted: { values: vocabularyOf(t) } };
    expect([...learned.fitted.values].sort()).toEqual(values.map((v) => oracle(KEY, 'k2026', v)).sort());
    for (const token of learned.fitted.values) expect(token).toMatch(/^[0-9a-f]{16}$/);
    // A lone surrogate is written as U+FFFD, as TextEncoder and Buffer write it.
    expect(oracle(KEY, 'k2026', '\ud800')).toBe(oracle(KEY, 'k2026', '\ufffd'));
  });

  it('of numbers, booleans and bigints are the tokens of their category text', () => {
    const t = fitTransform(
      { v: [tokenize({ keyId: 'k2026' }), vocabulary()] },
      { v: [42, 1.5, -0, 1e21] },
      { keys },
    );
    const learned = vocabularyOf(t);
    expect([...learned].sort()).toEqual(
      ['42', '1.5', '0', '1e+21'].map((v) => oracle(KEY, 'k2026', v)).sort(),
    );
    const b = fitTransform({ v: [tokenize({ keyId: 'k2026' }), vocabulary()] }, [{ v: true }, { v: 12n }], {
      keys,
    });
    expect([...vocabularyOf(b)].sort()).toEqual(['true', '12'].map((v) => oracle(KEY, 'k2026', v)).sort());
  });

  it('depend on the key and on the key id (domain separation)', () => {
    const learn = (keyId: string, key: Uint8Array) =>
      vocabularyOf(
        fitTransform({ v: [tokenize({ keyId }), vocabulary()] }, [{ v: 'alice' }], {
          keys: { [keyId]: tokenKey(key) },
        }),
      )[0];
    const a = learn('k2026', KEY);
    expect(a).toBe(oracle(KEY, 'k2026', 'alice'));
    expect(learn('k2026', OTHER)).toBe(oracle(OTHER, 'k2026', 'alice'));
    expect(learn('k2027', KEY)).toBe(oracle(KEY, 'k2027', 'alice'));
    expect(new Set([a, learn('k2026', OTHER), learn('k2027', KEY)]).size).toBe(3);
  });
});

describe('fit and apply', () => {
  const spec = { email: [tokenize({ keyId: 'k2026' }), vocabulary({ topK: 10, mask: '' }), oneHot()] };

  it('learn a vocabulary of tokens, never of raw values, and name columns by token', () => {
    const t = fitTransform(spec, rows, { keys });
    const alice = oracle(KEY, 'k2026', 'alice@example.com');
    const bob = oracle(KEY, 'k2026', 'bob@example.com');
    const carol = oracle(KEY, 'k2026', 'carol@example.org');
    expect(t.features[0]!.steps[1]).toEqual({
      type: 'vocabulary',
      topK: 10,
      mask: '',
      fitted: { values: [alice, bob, carol], counts: [3, 2, 1], exact: true },
    });
    expect(t.features[0]!.steps[0]).toEqual({ type: 'tokenize', keyId: 'k2026' });
    expect(t.columns.map((c) => c.name)).toEqual([
      `email=${alice}`,
      `email=${bob}`,
      `email=${carol}`,
      'email=#oov0',
    ]);
    const json = JSON.stringify(t);
    for (const e of emails) expect(json).not.toContain(e);
    expectNoKey(json);
  });

  it('apply, applyBatch (rows, columns, Arrow dictionary) agree, and missing stays missing (the mask)', () => {
    const t = fitTransform(spec, rows, { keys });
    expect(Array.from(apply(t, { email: 'bob@example.com' }, { keys }))).toEqual([0, 1, 0, 0]);
    expect(Array.from(apply(t, { email: 'dave@example.net' }, { keys }))).toEqual([0, 0, 0, 1]);
    expect(Array.from(apply(t, { email: null }, { keys }))).toEqual([0, 0, 0, 0]);
    expect(Array.from(apply(t, {}, { keys }))).toEqual([0, 0, 0, 0]);
    const serving = [
      'carol@example.org',
      null,
      'alice@example.com',
      'zed',
      'bob@example.com',
      'carol@example.org',
    ];
    const expected = serving.flatMap((email) => Array.from(apply(t, { email }, { keys })));
    expect(
      Array.from(
        applyBatch(
          t,
          serving.map((email) => ({ email })),
          { keys },
        ).values,
      ),
    ).toEqual(expected);
    expect(Array.from(applyBatch(t, { email: serving }, { keys }).values)).toEqual(expected);
    const arrow = new Table({ email: vectorFromArray(serving, new Dictionary(new Utf8(), new Int32())) });
    expect(Array.from(applyBatch(t, arrow, { keys }).values)).toEqual(expected);
    // The same Arrow dictionary under another key: nothing remembered from the first key's tokens.
    const other = fitTransform(spec, rows, { keys: { k2026: tokenKey(OTHER) } });
    expect(Array.from(applyBatch(other, arrow, { keys }).values)).toEqual(
      serving.flatMap((email) => Array.from(apply(other, { email }, { keys }))),
    );
    expect(Array.from(applyBatch(other, arrow, { keys: { k2026: tokenKey(OTHER) } }).values)).toEqual(
      expected,
    );
  });

  it('explain lists the token, not the raw value, of a category outside the vocabulary', () => {
    const t = fitTransform(spec, rows, { keys });
    const e = apply(t, { email: 'dave@example.net' }, { keys, explain: true });
    expect(e.outOfVocabulary).toEqual([
      { feature: 'email', value: oracle(KEY, 'k2026', 'dave@example.net') },
    ]);
    const strict = fitTransform(
      { email: [tokenize({ keyId: 'k2026' }), vocabulary({ oovBuckets: 0 })] },
      rows,
      {
        keys,
      },
    );
    const err = catchLockstep(() => apply(strict, { email: 'dave@example.net' }, { keys }), {
      code: 'INVALID_DATA',
    });
    expect(err.message).not.toContain('dave@example.net');
    expect(err.message).toContain(oracle(KEY, 'k2026', 'dave@example.net'));
  });

  it('feed hashBucket the token: the bucket of the token, and the missing bucket for a missing value', () => {
    const t = fitTransform(
      { email: [tokenize({ keyId: 'k2026' }), hashBucket({ buckets: 64, missing: 'bucket' })] },
      rows,
      { keys },
    );
    const raw = fitTransform({ token: hashBucket({ buckets: 64 }) }, [{ token: 'x' }]);
    for (const email of [...emails, 'dave@example.net', ''])
      expect(apply(t, { email }, { keys })[0]).toBe(apply(raw, { token: oracle(KEY, 'k2026', email) })[0]);
    expect(apply(t, { email: undefined }, { keys })[0]).toBe(64);
    expect(Array.from(applyBatch(t, [...rows, { email: null }], { keys }).values)).toEqual([
      ...emails.map((email) => apply(t, { email }, { keys })[0]),
      64,
    ]);
  });

  it('fitStream and createFitter take the keys too; fitters given different keys do not merge', async () => {
    const t = fitTransform(spec, rows, { keys });
    expect(await fitStream(spec, () => [rows.slice(0, 2), rows.slice(2)], { keys })).toEqual(t);
    const a = createFitter(spec, { keys }).update(rows.slice(0, 3));
    const b = createFitter(spec, { keys: { k2026: tokenKey(KEY.slice()) } }).update(rows.slice(3));
    expect(a.merge(b).result()).toEqual(t);
    const c = createFitter(spec, { keys }).update(rows.slice(0, 3));
    const d = createFitter(spec, { keys: { k2026: tokenKey(OTHER) } }).update(rows.slice(3));
    catchLockstep(() => c.merge(d), { code: 'INVALID_ARGUMENT', fn: 'fitter.merge', arg: 'other' });
  });

  it('round-trip through JSON and parseTransform, and refuse a key or fitted values written into the step', () => {
    const t = fitTransform(spec, rows, { keys });
    const parsed = parseTransform(JSON.stringify(t));
    expect(parsed).toEqual(t);
    expect(Array.from(apply(parsed, { email: 'alice@example.com' }, { keys }))).toEqual([1, 0, 0, 0]);
    expect(specOf(t).email).toEqual([
      { type: 'tokenize', keyId: 'k2026' },
      { type: 'vocabulary', topK: 10, mask: '' },
      { type: 'oneHot' },
    ]);
    const edit = (step: Record<string, unknown>) => {
      const json = JSON.parse(JSON.stringify(t)) as { features: { steps: Record<string, unknown>[] }[] };
      json.features[0]!.steps[0] = step;
      return json;
    };
    catchLockstep(() => parseTransform(edit({ type: 'tokenize', keyId: 'k2026', key: 'AAAA' })), {
      code: 'INVALID_ARTIFACT',
    });
    catchLockstep(() => parseTransform(edit({ type: 'tokenize', keyId: 'k2026', fitted: {} })), {
      code: 'INVALID_ARTIFACT',
    });
    catchLockstep(() => parseTransform(edit({ type: 'tokenize', keyId: 'no spaces' })), {
      code: 'INVALID_ARTIFACT',
    });
  });
});

describe('keys', () => {
  const spec = { email: [tokenize({ keyId: 'k2026' }), vocabulary({ mask: '' }), oneHot()] };
  const t = fitTransform(spec, rows, { keys });

  it('are required for every key id, by every function, named options.keys.<keyId>', async () => {
    const match = (fn: string) => ({ code: 'INVALID_ARGUMENT' as const, fn, arg: 'options.keys.k2026' });
    catchLockstep(() => fitTransform(spec, rows), match('fit'));
    catchLockstep(() => fitTransform(spec, rows, { keys: { k2025: tokenKey(KEY) } }), match('fit'));
    catchLockstep(() => createFitter(spec), match('createFitter'));
    await expect(fitStream(spec, () => [rows])).rejects.toMatchObject(match('fitStream'));
    catchLockstep(() => apply(t, { email: 'a' }), match('apply'));
    catchLockstep(() => apply(t, { email: 'a' }, { into: new Float32Array(4) }), match('apply'));
    catchLockstep(() => applyBatch(t, rows), match('applyBatch'));
    const e = catchLockstep(() => apply(t, { email: 'a' }, { keys: {} }), match('apply'));
    expect(e.message).toBe(
      "apply: argument 'options.keys.k2026' is missing: the transform tokenizes with key id 'k2026', so the host must give that key",
    );
  });

  it('are made by tokenKey from a Uint8Array of at least 16 bytes', () => {
    const e = catchLockstep(() => tokenKey(KEY.slice(0, 15)), {
      code: 'INVALID_ARGUMENT',
      fn: 'tokenKey',
      arg: 'key',
    });
    expect(e.message).toBe(
      "tokenKey: argument 'key' must be a Uint8Array of at least 16 bytes, got 15 bytes",
    );
    for (const bad of [
      Buffer.from(KEY).toString('hex'),
      Array.from(KEY),
      new Uint16Array(16),
      new Int8Array(32),
      KEY.buffer,
      new DataView(KEY.buffer),
      null,
      undefined,
      tokenKey(KEY),
    ])
      catchLockstep(() => tokenKey(bad as never), {
        code: 'INVALID_ARGUMENT',
        fn: 'tokenKey',
        arg: 'key',
        message: /^tokenKey: argument 'key' must be a Uint8Array of at least 16 bytes$/,
      });
    // A Node Buffer is a Uint8Array and works as one; exactly 16 bytes is enough.
    expect(apply(t, { email: 'alice@example.com' }, { keys: { k2026: tokenKey(Buffer.from(KEY)) } })).toEqual(
      apply(t, { email: 'alice@example.com' }, { keys }),
    );
    const sixteen = KEY.slice(0, 16);
    const t16 = fitTransform(spec, rows, { keys: { k2026: tokenKey(sixteen) } });
    expect(vocabularyOf(t16)[0]).toBe(oracle(sixteen, 'k2026', 'alice@example.com'));
  });

  it('given as anything but a tokenKey key (raw bytes above all) are refused with the advice to wrap them', () => {
    const wrap =
      /must be a key made by tokenKey\(bytes\): wrap the raw key bytes with tokenKey from lockstep\/transform$/;
    for (const raw of [
      KEY,
      Buffer.from(KEY),
      KEY.buffer,
      Array.from(KEY),
      Buffer.from(KEY).toString('hex'),
    ]) {
      const e = catchLockstep(() => apply(t, { email: 'a' }, { keys: { k2026: raw } } as never), {
        code: 'INVALID_ARGUMENT',
        fn: 'apply',
        arg: 'options.keys.k2026',
        message: wrap,
      });
      expect(e.message).toBe(
        "apply: argument 'options.keys.k2026' must be a key made by tokenKey(bytes): wrap the raw key bytes with tokenKey from lockstep/transform",
      );
    }
    for (const bad of [null, 7, {}, { k2026: KEY }, () => 'token', Object.freeze({})])
      catchLockstep(() => applyBatch(t, rows, { keys: { k2026: bad } } as never), {
        code: 'INVALID_ARGUMENT',
        fn: 'applyBatch',
        arg: 'options.keys.k2026',
        message: wrap,
      });
    catchLockstep(() => fitTransform(spec, rows, { keys: { k2026: KEY } } as never), {
      fn: 'fit',
      arg: 'options.keys.k2026',
      message: wrap,
    });
    catchLockstep(() => createFitter(spec, { keys: { k2026: KEY } } as never), {
      fn: 'createFitter',
      arg: 'options.keys.k2026',
      message: wrap,
    });
    // A getter or Proxy that throws is reported, not propagated.
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    catchLockstep(() => apply(t, { email: 'a' }, { keys: { k2026: hostile } } as never), {
      fn: 'apply',
      arg: 'options.keys.k2026',
      message: /could not be read/,
    });
    catchLockstep(() => apply(t, { email: 'a' }, { keys: 'secret' } as never), {
      fn: 'apply',
      arg: 'options.keys',
    });
    catchLockstep(() => apply(t, { email: 'a' }, { key: tokenKey(KEY) } as never), {
      code: 'INVALID_ARGUMENT',
      message: /unknown key "key" \(did you mean "keys"\?\)/,
    });
  });

  it('are frozen, opaque objects: no enumerable property, JSON and util.inspect show no key material', () => {
    const k = tokenKey(KEY);
    expect(Object.isFrozen(k)).toBe(true);
    expect(Object.keys(k)).toEqual([]);
    expect(Object.getOwnPropertyNames(k)).toEqual([]);
    expect(JSON.stringify(k)).toBe('{}');
    expect(JSON.stringify({ keys: { k2026: k } })).toBe('{"keys":{"k2026":{}}}');
    expect({ ...k }).toEqual({});
    for (const text of [
      inspect(k),
      inspect(k, { showHidden: true, depth: Infinity, getters: true }),
      String(Object.getOwnPropertySymbols(k).map((sym) => inspect((k as never)[sym], { showHidden: true }))),
    ]) {
      expectNoKey(text);
      expectNoKey(text, KEY.slice(0, 16));
    }
    // Frozen: its hidden property can be neither replaced nor removed.
    const sym = Object.getOwnPropertySymbols(k)[0]!;
    expect(() => Object.defineProperty(k, sym, { value: () => () => 'x' })).toThrow(TypeError);
    expect(Reflect.deleteProperty(k, sym)).toBe(false);
  });

  it('read the bytes once: editing the array after tokenKey changes no token', () => {
    const bytes = KEY.slice();
    const k = tokenKey(bytes);
    bytes.fill(0);
    const again = fitTransform(spec, rows, { keys: { k2026: k } });
    expect(again).toEqual(t);
    expect(Array.from(apply(t, { email: 'bob@example.com' }, { keys: { k2026: k } }))).toEqual([0, 1, 0, 0]);
  });

  it('one key object serves several key ids, each with its own tokens (domain separation)', () => {
    const k = tokenKey(KEY);
    const two = fitTransform(
      {
        a: [tokenize({ keyId: 'k2026' }), vocabulary()],
        b: { input: 'a', steps: [tokenize({ keyId: 'k2027' }), vocabulary()] },
      },
      [{ a: 'alice' }],
      { keys: { k2026: k, k2027: k } },
    );
    expect(
      two.features.map((f) => {
        const step = f.steps[1]!;
        return step.type === 'vocabulary' ? step.fitted.values : undefined;
      }),
    ).toEqual([[oracle(KEY, 'k2026', 'alice')], [oracle(KEY, 'k2027', 'alice')]]);
  });

  it('never appear in an artifact or in any error message', () => {
    const messages: string[] = [];
    const collect = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(isLockstepError(error)).toBe(true);
        messages.push(String(error), JSON.stringify(error), JSON.stringify((error as LockstepError).issues));
      }
    };
    collect(() => tokenKey(KEY.slice(0, 15)));
    collect(() => tokenKey(Array.from(KEY) as never));
    collect(() => apply(t, { email: 'a' }, { keys: { k2026: KEY } } as never));
    collect(() => apply(t, { email: 'a' }, { keys: { k2026: Array.from(KEY) } } as never));
    collect(() =>
      apply(t, { email: 'a' }, { keys: { k2026: Buffer.from(KEY).toString('base64') } } as never),
    );
    collect(() => apply(t, { email: 'a' }, { keys: { other: tokenKey(KEY) } }));
    collect(() => apply(t, { email: 'a' }, { keys, intoo: 1 } as never));
    collect(() => apply(t, { email: {} }, { keys }));
    collect(() => applyBatch(t, [{ email: [] }, { email: 1 / 0 }], { keys }));
    collect(() => fitTransform(spec, [{ email: {} }], { keys }));
    collect(() =>
      fitTransform(
        { email: [tokenize({ keyId: 'k2026' }), vocabulary({ oovBuckets: 0 })] },
        [{ email: null }],
        {
          keys,
        },
      ),
    );
    expect(messages.length).toBeGreaterThanOrEqual(33);
    for (const m of messages) {
      expectNoKey(m);
      // Even a 15-byte prefix of the key is never shown.
      expectNoKey(m, KEY.slice(0, 15));
    }
    expectNoKey(JSON.stringify(t));
    expectNoKey(
      JSON.stringify(diffTransforms(t, fitTransform(spec, rows, { keys: { k2026: tokenKey(OTHER) } }))),
    );
  });

  it('given for a transform that needs none are checked as an object and otherwise ignored', () => {
    const plain = fitTransform({ x: standardize() }, { x: [1, 2, 3] });
    expect(Array.from(apply(plain, { x: 2 }, { keys }))).toEqual([0]);
    catchLockstep(() => apply(plain, { x: 2 }, { keys: 5 } as never), { fn: 'apply', arg: 'options.keys' });
  });

  it('reach HMAC only through tokenKey: no other file of src/ imports core/hmac.ts or @noble/hashes', () => {
    const src = join(import.meta.dirname, '../../src');
    const importers = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .filter((file) =>
        /from '[^']*(core\/hmac|\.\/hmac|@noble\/hashes)[^']*'/.test(readFileSync(join(src, file), 'utf8')),
      )
      .map((file) => file.split(sep).join('/'))
      .sort();
    expect(importers).toEqual(['core/hmac.ts', 'transform/token-key.ts']);
  });
});

describe('diffTransforms', () => {
  const spec = (keyId: string) => ({ email: [tokenize({ keyId }), vocabulary({ mask: '' }), oneHot()] });

  it('reports a new key id as KEY_ROTATED, with the vocabulary and layout it changes', () => {
    const before = fitTransform(spec('k2026'), rows, { keys });
    const after = fitTransform(spec('k2027'), rows, { keys: { k2027: tokenKey(OTHER) } });
    const changes = diffTransforms(before, after);
    expect(changes.map((c) => c.code)).toEqual(['KEY_ROTATED', 'VOCABULARY_CHANGED', 'LAYOUT_CHANGED']);
    expect(changes[0]).toEqual({
      code: 'KEY_ROTATED',
      severity: 'warning',
      feature: 'email',
      step: 0,
      message: "feature 'email' tokenizes with key 'k2027' instead of 'k2026': every token changes",
      before: 'k2026',
      after: 'k2027',
    });
    expect(diffTransforms(before, fitTransform(spec('k2026'), rows, { keys }))).toEqual([]);
  });

  it('reports a key id change alongside other option changes, and a new key under the old id only by its effect', () => {
    const before = fitTransform(spec('k2026'), rows, { keys });
    const other = fitTransform(
      { email: [tokenize({ keyId: 'k2027' }), vocabulary({ topK: 2 }), oneHot()] },
      rows,
      {
        keys: { k2027: tokenKey(KEY) },
      },
    );
    expect(diffTransforms(before, other).map((c) => c.code)).toEqual([
      'KEY_ROTATED',
      'STEPS_CHANGED',
      'LAYOUT_CHANGED',
    ]);
    // Same key id, other key bytes: the artifact cannot know; only the tokens it learned differ.
    const sameId = fitTransform(spec('k2026'), rows, { keys: { k2026: tokenKey(OTHER) } });
    expect(diffTransforms(before, sameId).map((c) => c.code)).toEqual([
      'VOCABULARY_CHANGED',
      'LAYOUT_CHANGED',
    ]);
  });
});

describe('hostile values (property)', () => {
  const t = fitTransform(
    { v: [tokenize({ keyId: 'k2026' }), hashBucket({ buckets: 1 << 20, missing: 'bucket' })] },
    [{ v: 'a' }],
    {
      keys,
    },
  );
  const raw = fitTransform({ token: hashBucket({ buckets: 1 << 20 }) }, [{ token: 'x' }]);
  const bucketOf = (token: string) => apply(raw, { token })[0];

  it('any string, number, bigint, boolean, null or undefined gives a token (or the missing bucket), or a LockstepError', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.double(),
      fc.integer(),
      fc.bigInt(),
      fc.boolean(),
      fc.constantFrom(null, undefined, Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
      fc.anything({ maxDepth: 1 }),
    );
    fc.assert(
      fc.property(value, (v) => {
        let out: number;
        try {
          out = apply(t, { v }, { keys })[0]!;
        } catch (error) {
          expect(isLockstepError(error), String(error)).toBe(true);
          expect((error as LockstepError).code).toBe('INVALID_DATA');
          return;
        }
        if (v === null || v === undefined || Number.isNaN(v)) expect(out).toBe(1 << 20);
        else {
          const text = typeof v === 'string' ? v : String(v);
          expect(out).toBe(bucketOf(oracle(KEY, 'k2026', text)));
        }
        // The batch path gives the same bits.
        expect(applyBatch(t, [{ v }], { keys }).values[0]).toBe(out);
      }),
      { numRuns: 500 },
    );
  });
});
