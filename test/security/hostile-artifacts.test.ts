// Artifacts hold data, never code. Every public parseX (and the loaders that read saved states) reads its
// input through core's bounded JSON reader before zod sees it: a hostile artifact (a huge array, a huge
// string, nesting 10,000 deep as text or as objects, an own `__proto__`, `constructor` or `prototype` key,
// a value that is not JSON) is refused with an INVALID_ARTIFACT naming the function, the argument, the JSON
// path and the limit, and nothing is written onto a prototype. Limits a host sets are honoured.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ARTIFACT_LIMITS,
  type ParseArtifactOptions,
  readArtifactJson,
} from '../../src/core/artifact.js';
import { LockstepError } from '../../src/core/errors.js';
import { createAdwin } from '../../src/drift/detectors/adwin.js';
import { gate, parseGate } from '../../src/evaluate/gate.js';
import { parseRollout } from '../../src/router/rollout-state.js';
import { parseSchema, sealSchema } from '../../src/schema/artifact.js';
import { inferSchema } from '../../src/schema/infer.js';
import { compileValidator } from '../../src/schema/row-validator.js';
import { validate } from '../../src/schema/validate.js';
import { parseProfile } from '../../src/stats/artifact.js';
import { profile } from '../../src/stats/profile.js';
import { parseTransform } from '../../src/transform/artifact.js';
import { fit as fitTransform, oneHot, standardize, vocabulary } from '../../src/transform/index.js';
import { catchLockstep } from '../helpers/errors.js';
import { deepArray, deepObject, expectNoPrototypePollution, protoKey } from '../helpers/hostile.js';
import { flightsRollout } from '../report/fixtures.js';

afterAll(() => expectNoPrototypePollution());

type Parse = (json: unknown, options?: ParseArtifactOptions) => unknown;

/** Each public parse function, with a real artifact of its kind as JSON text. */
const loaders: readonly { name: string; parse: Parse; kind: string; text: () => string; limits: boolean }[] =
  [
    {
      name: 'parseSchema',
      parse: parseSchema,
      kind: 'lockstep.schema',
      text: () =>
        JSON.stringify(
          inferSchema([
            { a: 1, b: 'x' },
            { a: 2, b: 'y' },
          ]),
        ),
      limits: true,
    },
    {
      name: 'parseProfile',
      parse: parseProfile,
      kind: 'lockstep.profile',
      text: () =>
        JSON.stringify(
          profile({
            x: Array.from({ length: 500 }, (_, i) => i),
            c: Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? 'a' : 'b')),
          }),
        ),
      limits: true,
    },
    {
      name: 'parseGate',
      parse: parseGate,
      kind: 'lockstep.gate',
      text: () =>
        JSON.stringify(
          gate({ candidate: { metrics: { rocAuc: { value: 0.9 } } }, rules: { floors: { rocAuc: 0.8 } } }),
        ),
      limits: true,
    },
    {
      name: 'parseRollout',
      parse: parseRollout,
      kind: 'lockstep.rollout',
      text: () => JSON.stringify(flightsRollout()),
      limits: true,
    },
    {
      name: 'parseTransform',
      parse: parseTransform,
      kind: 'lockstep.transform',
      text: () =>
        JSON.stringify(
          fitTransform(
            { x: standardize(), c: [vocabulary(), oneHot()] },
            {
              x: Array.from({ length: 500 }, (_, i) => i),
              c: Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? 'a' : 'b')),
            },
          ),
        ),
      limits: true,
    },
  ];

/** The error of a refused artifact: INVALID_ARTIFACT naming the function and the argument. */
function refused(parse: Parse, json: unknown, fn: string, options?: ParseArtifactOptions, message?: RegExp) {
  const e = catchLockstep(() => parse(json, options), { code: 'INVALID_ARTIFACT', fn, arg: 'json' });
  expect(e.message.startsWith(`${fn}: argument 'json' `), e.message).toBe(true);
  if (message !== undefined) expect(e.message).toMatch(message);
  expect(e.message.length).toBeLessThan(600);
  return e;
}

const D = DEFAULT_ARTIFACT_LIMITS;

describe.each(loaders)('$name refuses hostile artifacts with a coded error', (loader) => {
  const { name, parse, kind } = loader;
  // Every loader takes limits now; `limits: false` would check only the code, function and argument.
  const m = (pattern: RegExp) => (loader.limits ? pattern : undefined);
  const path = (e: LockstepError, expected: string | RegExp) => {
    if (!loader.limits) return;
    if (typeof expected === 'string') expect(e.path).toBe(expected);
    else expect(e.path).toMatch(expected);
  };
  it('nesting 10,000 deep, as text and as objects (arrays and objects, at the top and inside)', () => {
    const deepText = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    let e = refused(parse, deepText, name, undefined, m(/nested deeper than 64 levels \(limits\.maxDepth\)/));
    path(e, /^\$(\[0\]){64}/);
    const inner = `{"kind":"${kind}","formatVersion":1,"x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    e = refused(parse, inner, name, undefined, m(/limits\.maxDepth/));
    path(e, /^\$\.x(\.a)+/);
    refused(parse, deepArray(10_000), name, undefined, m(/limits\.maxDepth/));
    refused(parse, deepObject(10_000), name, undefined, m(/limits\.maxDepth/));
    refused(parse, { kind, formatVersion: 1, x: deepObject(10_000) }, name, undefined, m(/limits\.maxDepth/));
  });

  it('a cycle (which no JSON has) as nesting too deep, not a stack overflow', () => {
    const cycle: Record<string, unknown> = { kind, formatVersion: 1 };
    cycle.self = cycle;
    refused(parse, cycle, name, undefined, m(/limits\.maxDepth/));
  });

  it('huge arrays: a sparse one of 2^32 − 1 slots, one past maxArray, and one as text', () => {
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    refused(
      parse,
      sparse,
      name,
      undefined,
      /array of 4294967295 items, more than 4194304 \(limits\.maxArray\)/,
    );
    const over: unknown[] = [];
    over.length = D.maxArray + 1;
    refused(parse, { kind, formatVersion: 1, x: over }, name, undefined, m(/limits\.maxArray|at most/));
    const text = `{"kind":"${kind}","formatVersion":1,"x":[${'0,'.repeat(D.maxArray)}0]}`;
    const e = refused(parse, text, name, undefined, m(/limits\.maxArray/));
    path(e, '$.x');
  });

  it('huge strings and keys, as text and as values; JSON text past maxBytes is refused unread', () => {
    const long = 'x'.repeat(D.maxString + 1);
    const e = refused(
      parse,
      `{"kind":"${kind}","formatVersion":1,"x":"${long}"}`,
      name,
      undefined,
      /limits\.maxString/,
    );
    path(e, '$.x');
    refused(parse, { kind, formatVersion: 1, [long]: 1 }, name, undefined, m(/key of 16777217 characters/));
    const bytes = ' '.repeat(D.maxBytes + 1);
    refused(parse, bytes, name, undefined, m(/more than 67108864 bytes \(limits\.maxBytes\)/));
    // Two bytes a character: within maxBytes as characters, past it as UTF-8.
    const wide = `"${'é'.repeat(D.maxBytes / 2)}"`;
    refused(parse, wide, name, undefined, m(/limits\.maxBytes/));
  });

  it('own __proto__, constructor and prototype keys, at the top and nested, and nothing is polluted', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const top = `{"kind":"${kind}","formatVersion":1,"${key}":{"polluted":true}}`;
      let e = refused(
        parse,
        top,
        name,
        undefined,
        new RegExp(`unknown keys "${key}" \\(no artifact may hold`),
      );
      path(e, '$');
      const nested = `{"kind":"${kind}","formatVersion":1,"features":[{"a":[{"${key}":{"polluted":true}}]}]}`;
      e = refused(parse, nested, name, undefined, m(new RegExp(`"${key}"`)));
      path(e, '$.features[0].a[0]');
      refused(parse, JSON.parse(nested), name);
    }
    refused(parse, protoKey(), name, undefined, m(/"__proto__"/));
    expectNoPrototypePollution();
  });

  it('values that are not JSON', () => {
    const values: unknown[] = [
      undefined,
      () => 1,
      Symbol('x'),
      10n,
      Number.NaN,
      new Map(),
      new Date(0),
      new Float64Array(3),
      { kind, formatVersion: 1, x: () => 1 },
      { kind, formatVersion: 1, x: 10n },
      'not json',
      '',
    ];
    for (const v of values) expect(() => parse(v), String(typeof v)).toThrow(LockstepError);
    for (const v of values) {
      try {
        parse(v);
      } catch (error) {
        expect((error as LockstepError).code).toBe('INVALID_ARTIFACT');
      }
    }
    const big = new Float64Array(D.maxArray + 1);
    refused(parse, big, name, undefined, m(/typed array of 4194305 items/));
  });

  it('a Proxy or getter that throws while read', () => {
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('hostile');
        },
      },
    );
    refused(parse, proxy, name);
    const getter = Object.defineProperty({ kind, formatVersion: 1 }, 'x', {
      enumerable: true,
      get() {
        throw new Error('hostile');
      },
    });
    refused(parse, getter, name);
  });
});

describe.each(loaders.filter((l) => l.limits))(
  '$name honours limits a host sets',
  ({ name, parse, text }) => {
    it('a real artifact loads with the defaults and with large limits, and is refused by small ones', () => {
      const json = text();
      expect(parse(json)).toBeTruthy();
      const large = {
        limits: {
          maxBytes: 1 << 30,
          maxDepth: 1000,
          maxArray: 1 << 26,
          maxString: 1 << 28,
          maxNodes: 1 << 28,
        },
      };
      expect(parse(json, large)).toBeTruthy();
      expect(parse(JSON.parse(json), large)).toBeTruthy();
      refused(parse, json, name, { limits: { maxBytes: 64 } }, /more than 64 bytes \(limits\.maxBytes\)/);
      refused(parse, json, name, { limits: { maxDepth: 2 } }, /nested deeper than 2 levels/);
      refused(parse, json, name, { limits: { maxNodes: 10 } }, /more than 10 values \(limits\.maxNodes\)/);
      refused(parse, JSON.parse(json), name, { limits: { maxString: 5 } }, /limits\.maxString/);
      refused(parse, JSON.parse(json), name, { limits: { maxArray: 1 } }, /limits\.maxArray/);
    });

    it('options are checked: unknown keys and limits that are not positive integers are INVALID_ARGUMENT', () => {
      const json = text();
      catchLockstep(() => parse(json, { limit: {} } as never), {
        code: 'INVALID_ARGUMENT',
        fn: name,
        arg: 'options.limit',
      });
      catchLockstep(() => parse(json, 3 as never), { code: 'INVALID_ARGUMENT', fn: name, arg: 'options' });
      catchLockstep(() => parse(json, { limits: { maxDepht: 3 } } as never), {
        code: 'INVALID_ARGUMENT',
        fn: name,
        arg: 'options.limits.maxDepht',
        message: /did you mean "maxDepth"/,
      });
      for (const bad of [0, -1, 1.5, Number.NaN, '64', 2 ** 60])
        catchLockstep(() => parse(json, { limits: { maxDepth: bad } } as never), {
          code: 'INVALID_ARGUMENT',
          fn: name,
          arg: 'options.limits.maxDepth',
        });
    });
  },
);

describe('loaders of saved states read within the defaults too', () => {
  it("a drift detector's state (createAdwin({ state })) nested 10,000 deep or with a __proto__ key", () => {
    const deep = { kind: 'lockstep.drift.adwin', formatVersion: 1, x: deepObject(10_000) };
    const e = catchLockstep(() => createAdwin({ state: deep } as never), {
      code: 'INVALID_ARTIFACT',
      arg: 'options.state',
    });
    expect(e.message).toMatch(/limits\.maxDepth/);
    catchLockstep(() => createAdwin({ state: protoKey() } as never), {
      code: 'INVALID_ARTIFACT',
      arg: 'options.state',
    });
    expectNoPrototypePollution();
  });
});

describe('readArtifactJson (core)', () => {
  it('names the path, cut short when deep, and counts UTF-8 bytes exactly at the edge', () => {
    const e = catchLockstep(() => readArtifactJson('f', 'thing', deepObject(10_000)), {
      code: 'INVALID_ARTIFACT',
    });
    expect(e.path!.length).toBeLessThanOrEqual(200);
    const limits = { ...D, maxBytes: 6 };
    expect(readArtifactJson('f', 'thing', '"éé"', 'json', limits)).toBe('éé'); // 6 bytes
    catchLockstep(() => readArtifactJson('f', 'thing', '"ééé"', 'json', limits), {
      code: 'INVALID_ARTIFACT',
    });
    expect(readArtifactJson('f', 'thing', '"😀"', 'json', limits)).toBe('😀'); // 4 + 2 bytes
    // Exactly at each limit is accepted; one past is refused.
    const at = { ...D, maxDepth: 3, maxArray: 3, maxString: 3, maxNodes: 7 };
    expect(readArtifactJson('f', 'thing', [[['abc']], 1, 2], 'json', at)).toBeTruthy();
    catchLockstep(() => readArtifactJson('f', 'thing', [[[['abc']]]], 'json', at), { message: /maxDepth/ });
    catchLockstep(() => readArtifactJson('f', 'thing', [1, 2, 3, 4], 'json', at), { message: /maxArray/ });
    catchLockstep(() => readArtifactJson('f', 'thing', ['abcd'], 'json', at), { message: /maxString/ });
    catchLockstep(() => readArtifactJson('f', 'thing', [[1, 2], [3, 4], 5], 'json', at), {
      message: /maxNodes/,
    });
  });

  it('property: generated JSON text is read or refused with a coded error, never anything else', () => {
    const small = { maxBytes: 4096, maxDepth: 6, maxArray: 8, maxString: 32, maxNodes: 200 };
    fc.assert(
      fc.property(fc.json({ depthSize: 'large' }), (text) => {
        try {
          const v = readArtifactJson('f', 'thing', text, 'json', small);
          expect(JSON.stringify(v)).toBe(JSON.stringify(JSON.parse(text)));
        } catch (error) {
          expect(error).toBeInstanceOf(LockstepError);
          expect((error as LockstepError).code).toBe('INVALID_ARTIFACT');
          expect((error as LockstepError).message).toMatch(/limits\.max|unknown keys/);
        }
      }),
      { numRuns: 300 },
    );
    expectNoPrototypePollution();
  });

  it('property: depth past maxDepth is refused exactly when it is past', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 200 }),
        fc.boolean(),
        (d, maxDepth, asText) => {
          const value = deepArray(d); // depth d + 1
          const input = asText ? JSON.stringify(value) : value;
          const limits = { ...D, maxDepth };
          let threw = false;
          try {
            readArtifactJson('f', 'thing', input, 'json', limits);
          } catch (error) {
            threw = true;
            expect((error as LockstepError).message).toMatch(/limits\.maxDepth/);
          }
          expect(threw).toBe(d + 1 > maxDepth);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: a forbidden key anywhere in a real artifact is refused, whatever the loader', () => {
    const texts = loaders.filter((l) => l.limits).map((l) => ({ ...l, json: l.text() }));
    fc.assert(
      fc.property(
        fc.nat({ max: texts.length - 1 }),
        fc.nat(),
        fc.constantFrom('__proto__', 'constructor', 'prototype'),
        (which, pick, key) => {
          const { parse, name, json } = texts[which]!;
          const objects: Record<string, unknown>[] = [];
          const value = JSON.parse(json, function (this: unknown, _k, v) {
            if (typeof v === 'object' && v !== null && !Array.isArray(v)) objects.push(v);
            return v;
          });
          const target = objects[pick % objects.length]!;
          Object.defineProperty(target, key, {
            value: { polluted: true },
            enumerable: true,
            writable: true,
            configurable: true,
          });
          const e = refused(parse, JSON.stringify(value), name);
          expect(e.message).toMatch(new RegExp(`"${key}"`));
        },
      ),
      { numRuns: 100 },
    );
    expectNoPrototypePollution();
  });
});

describe('no loader evaluates anything', () => {
  it('a schema whose feature names are code-like loads as data: no code runs and rows still validate', () => {
    const g = globalThis as Record<string, unknown>;
    delete g.__lockstepCanary;
    const names = [
      "a'); globalThis.__lockstepCanary = 1; ('",
      'b"; globalThis.__lockstepCanary = 2; "',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a name that would run if spliced into a template
      '`${globalThis.__lockstepCanary = 3}`',
      '*/ globalThis.__lockstepCanary = 4; /*',
      '\\u0027 + (globalThis.__lockstepCanary = 5) + \\u0027',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a name that would run if spliced into a template
      '${(globalThis.__lockstepCanary = 6)}',
      '__proto__',
      'toString',
      'x\\ny',
    ];
    const sealed = sealSchema({
      kind: 'lockstep.schema',
      formatVersion: 1,
      environments: [],
      dataset: {},
      features: names.map((name) => ({
        name,
        type: 'numeric',
        nullable: false,
        presence: { minFraction: 1, minCount: 1 },
        numeric: { min: 0, max: 10 },
      })),
    } as never);
    const schema = parseSchema(JSON.stringify(sealed));
    const check = compileValidator(schema);
    const row = Object.create(null) as Record<string, unknown>;
    for (const n of names) row[n] = 5;
    expect(check(row).ok).toBe(true);
    row[names[2]!] = 11;
    const report = check(row);
    expect(report.ok).toBe(false);
    expect(report.anomalies.map((a) => (a as { feature?: string }).feature)).toContain(names[2]);
    const batch = validate([row, JSON.parse(JSON.stringify({ ...row, [names[0]!]: -1 }))], schema);
    expect(batch.ok).toBe(false);
    expect(g.__lockstepCanary).toBeUndefined();
    expectNoPrototypePollution();
  });
});
