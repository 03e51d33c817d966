// Proves that lockstep's deterministic functions give bit-identical results in Node and in a real browser
// (headless Chromium, found by ./find-chromium.ts and driven by playwright-core). The sources are bundled
// for the browser with esbuild, and each check below is one self-contained task function that runs twice:
// here in Node on the original inputs, and in the page, where Playwright ships the function's source text
// and the inputs travel through `encode`/`decode`. Running the same task source on both sides means any
// difference comes from the library, never from two hand-written copies of the driver code.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import * as split from '../../src/split/index.js';
import * as stats from '../../src/stats/index.js';
import * as transform from '../../src/transform/index.js';
import goldenTransform from '../fixtures/golden-transform-input.json' with { type: 'json' };
import golden from '../fixtures/split-golden.json' with { type: 'json' };
import { launchChromium } from './find-chromium.js';

const SPLITS = { train: 0.8, eval: 0.1, test: 0.1 };

type Api = typeof split &
  typeof stats & { readonly fingerprint: typeof fingerprint; readonly transform: typeof transform };
const nodeApi: Api = { ...split, ...stats, fingerprint, transform };

// ---------------------------------------------------------------------------------------------------------
// Transport. Plain JSON loses NaN, ±Infinity and -0, and a string with a lone surrogate may not survive the
// UTF-8 of the DevTools protocol. `encode` writes those numbers as {"$number": "..."}, bigints and bytes as
// tagged objects, and relies on JSON.stringify escaping lone surrogates as \uXXXX (ES2019), so its output
// is ASCII-safe. Both are self-contained: `decode` and `encode` also run in the page from their source text.

function encode(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)))
      return { $number: Object.is(v, -0) ? '-0' : String(v) };
    if (typeof v === 'bigint') return { $bigint: String(v) };
    if (v instanceof Uint8Array) return { $bytes: Array.from(v) };
    return v;
  });
}

function decode(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object') return v;
    const o = v as { $number?: string; $bigint?: string; $bytes?: number[] };
    if (typeof o.$number === 'string') return Number(o.$number);
    if (typeof o.$bigint === 'string') return BigInt(o.$bigint);
    if (Array.isArray(o.$bytes)) return new Uint8Array(o.$bytes);
    return v;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Browser setup. A missing Chromium fails every test with a message saying where it was looked for (never a
// skip).

let browser: Browser | undefined;
let page: Page | undefined;
let setupError: Error | undefined;

beforeAll(async () => {
  try {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const splitEntry = fileURLToPath(new URL('../../src/split/index.ts', import.meta.url));
    const fingerprintEntry = fileURLToPath(new URL('../../src/core/fingerprint.ts', import.meta.url));
    const statsEntry = fileURLToPath(new URL('../../src/stats/index.ts', import.meta.url));
    const transformEntry = fileURLToPath(new URL('../../src/transform/index.ts', import.meta.url));
    const bundle = await build({
      stdin: {
        contents: [
          `import * as split from ${JSON.stringify(splitEntry)};`,
          `import { fingerprint } from ${JSON.stringify(fingerprintEntry)};`,
          `import * as stats from ${JSON.stringify(statsEntry)};`,
          `import * as transform from ${JSON.stringify(transformEntry)};`,
          'globalThis.lockstep = { ...split, ...stats, fingerprint, transform };',
        ].join('\n'),
        resolveDir: root,
        sourcefile: 'lockstep-browser-entry.ts',
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const content = bundle.outputFiles[0]!.text;

    browser = await launchChromium();
    const p = await browser.newPage();
    await p.setContent('<!doctype html><meta charset="utf-8"><title>lockstep determinism</title>');
    await p.addScriptTag({ content });
    page = p;
  } catch (error) {
    setupError = error instanceof Error ? error : new Error(String(error));
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

function readyPage(): Page {
  if (page) return page;
  throw new Error(`browser determinism test: could not start Chromium: ${setupError?.message ?? 'unknown'}`);
}

/**
 * Runs `task` in Node on `input` as given, and in the page on `decode(encode(input))`, with the lockstep
 * bundle as its API. `task` must be self-contained: it may use only its arguments and JavaScript built-ins,
 * since the page receives its source text, not its closure.
 */
async function both<I, O>(task: (api: Api, input: I) => O, input: I): Promise<{ node: O; browser: O }> {
  const page = readyPage();
  const node = task(nodeApi, input);
  const expression = `(${encode})((${task})(globalThis.lockstep, (${decode})(${JSON.stringify(encode(input))})))`;
  const text = await page.evaluate(expression);
  if (typeof text !== 'string') throw new Error(`the page returned ${typeof text}, not encoded JSON`);
  return { node, browser: decode(text) as O };
}

// ---------------------------------------------------------------------------------------------------------
// Inputs, generated deterministically in Node with a generator independent of the library (mulberry32).

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings mixing every UTF-8 length, surrogate pairs (emoji), lone and reversed surrogates, U+FFFD, NUL. */
function generatedKeys(count: number, seed: number): string[] {
  const r = mulberry32(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pieces: (() => string)[] = [
    () => String.fromCharCode(pick(0x20, 0x7e)), // ASCII
    () => String.fromCharCode(pick(0x80, 0x7ff)), // two UTF-8 bytes (Latin, Greek, Cyrillic, …)
    () => String.fromCharCode(pick(0x4e00, 0x9fff)), // CJK, three bytes
    () => String.fromCharCode(pick(0xe000, 0xfffd)), // private use and specials, three bytes
    () => String.fromCodePoint(pick(0x1f300, 0x1faff)), // emoji: a surrogate pair, four bytes
    () => String.fromCodePoint(pick(0x10000, 0x10ffff)), // any astral code point
    () => String.fromCharCode(pick(0xd800, 0xdbff)), // lone high surrogate
    () => String.fromCharCode(pick(0xdc00, 0xdfff)), // lone low surrogate
    () => String.fromCharCode(pick(0xdc00, 0xdfff), pick(0xd800, 0xdbff)), // reversed pair
    () => '\ufffd',
    () => '\u0000',
  ];
  const keys = ['', 'a', '\ud800', '\udfff', '\ud83d\ude00', '\ufffd', '👩‍👩‍👧‍👦', 'e\u0301', 'é'];
  while (keys.length < count) {
    const length = pick(0, r() < 0.1 ? 200 : 24);
    let key = '';
    for (let i = 0; i < length; i++) key += pieces[pick(0, pieces.length - 1)]!();
    keys.push(key);
  }
  return keys;
}

const numberKeys: (number | bigint)[] = [
  0,
  -0,
  1,
  -1,
  42,
  0.1,
  -0.5,
  1 / 3,
  1e21,
  1e-7,
  5e-324,
  Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  123456789012345680000,
  2n ** 64n,
  -(10n ** 30n),
  ...Array.from({ length: 200 }, (_, i) => i * 7919 - 500),
];

const byteKeys = [
  new Uint8Array([]),
  new Uint8Array([0]),
  new Uint8Array([0xff, 0xfe, 0xfd, 1, 2, 3, 4, 5, 6]),
];

const salts = ['', 'x', 'split-2026-11', 'ünïcødé 😀 ソルト', '\ud83d', 'tail\udc00'];
const hashSeeds = [0, 1, 42, 0x9747b28c, 0x7fffffff, 0x80000000, 0xffffffff];

interface DataRow {
  user: string;
  id: number;
  x?: number | null;
  s?: string | null;
  b?: boolean | null;
  m?: unknown;
}

/** Rows with numbers (NaN, -0, ±Infinity, null, missing), unicode strings, booleans and a mixed column. */
function generatedRows(count: number, seed: number): DataRow[] {
  const r = mulberry32(seed);
  const users = generatedKeys(40, seed + 1).map((k, i) => `user-${i}-${k}`);
  const specials = [
    Number.NaN,
    -0,
    0,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    5e-324,
    1e300,
    0.1,
  ];
  const texts = generatedKeys(60, seed + 2);
  const rows: DataRow[] = [];
  for (let i = 0; i < count; i++) {
    const row: DataRow = { user: users[Math.floor(r() * users.length)]!, id: i * 31 - 1000 };
    const u = r();
    if (u < 0.3) row.x = specials[Math.floor(r() * specials.length)]!;
    else if (u < 0.4) row.x = null;
    else if (u < 0.5) {
      // missing property
    } else row.x = (r() - 0.5) * 10 ** Math.floor(r() * 20 - 10);
    const v = r();
    if (v < 0.8) row.s = texts[Math.floor(r() * texts.length)]!;
    else if (v < 0.9) row.s = null;
    const w = r();
    if (w < 0.45) row.b = true;
    else if (w < 0.9) row.b = false;
    else row.b = null;
    const mixed = [1.5, 'text ✓', true, null, { nested: ['ü', -0, 2] }, [1, 'two'], Number.NaN];
    row.m = mixed[i % mixed.length];
    rows.push(row);
  }
  return rows;
}

/**
 * Real rows for the transform: vega-datasets' flights (date as epoch ms, every seventh as an ISO string),
 * with missing values of every kind (null, an absent key, NaN), the vocabulary mask token, tag lists, and
 * at serving time categories, tags and dates the training data never had. `bad` holds one row per way a
 * value can fail to encode.
 */
function flightRows() {
  const path = fileURLToPath(
    new URL('../../node_modules/vega-datasets/data/flights-2k.json', import.meta.url),
  );
  const flights = JSON.parse(readFileSync(path, 'utf8')) as {
    date: string;
    delay: number;
    distance: number;
    origin: string;
    destination: string;
  }[];
  const r = mulberry32(2001);
  const unseen = ['ZZZ', 'Zürich', '東京', '😀', ''];
  const row = (f: (typeof flights)[number], i: number, serving: boolean): Record<string, unknown> => {
    const [y, m, d, h, min] = f.date.split(/[/ :]/).map(Number) as [number, number, number, number, number];
    const when = Date.UTC(y, m - 1, d, h, min) + (serving ? 40 * 86_400_000 : 0);
    const u = r();
    const out: Record<string, unknown> = {
      when: i % 7 === 0 ? new Date(when).toISOString() : when,
      delay: u < 0.05 ? null : u < 0.1 ? Number.NaN : f.delay,
      distance: f.distance,
      late: f.delay > 15,
    };
    if (r() > 0.04) out.origin = serving && r() < 0.1 ? unseen[Math.floor(r() * unseen.length)] : f.origin;
    const v = r();
    if (v > 0.05) out.destination = v < 0.1 ? '' : serving && v < 0.15 ? 'XYZ' : f.destination;
    out.tags =
      r() < 0.05
        ? null
        : [
            f.delay > 15 ? 'late' : 'on time',
            ...(f.distance > 1000 ? ['long'] : []),
            ...(serving && r() < 0.1 ? ['ünseen'] : []),
          ];
    return out;
  };
  const train = flights.slice(0, 400).map((f, i) => row(f, i, false));
  const serving = [...train, ...flights.slice(400, 600).map((f, i) => row(f, i, true))];
  const bad: Record<string, unknown>[] = [
    { ...serving[0], delay: 'late' },
    { ...serving[1], when: 'soon' },
    { ...serving[2], when: null },
    { ...serving[3], distance: -5 },
    { ...serving[4], distance: null },
    { ...serving[5], tags: 'late' },
    { ...serving[6], origin: { code: 'SEA' } },
    { ...serving[7], late: 'yes' },
  ];
  return { train, serving, bad };
}

// ---------------------------------------------------------------------------------------------------------
// Tasks: self-contained functions of (api, input), run on both sides.

function hashTask(api: Api, input: { keys: unknown[]; salts: string[]; seeds: number[]; splits: object }) {
  const splits = input.splits as Record<string, number>;
  return input.keys.map((key) => {
    const k = key as string;
    return {
      hash: input.seeds.map((seed) => api.hash32(k, seed)),
      unit: input.salts.map((salt) => api.hashUnit(k, { salt })),
      split: input.salts.map((salt) => api.assignSplit(k, splits, { salt })),
      sample: input.salts.map((salt) => api.sampleByKey(k, 0.3, { salt })),
    };
  });
}

function goldenTask(
  api: Api,
  input: { splits: Record<string, number>; vectors: { key: string; salt: string; seed: number }[] },
) {
  return input.vectors.map((v) => ({
    hash: api.hash32(v.key, v.seed),
    unit: api.hashUnit(v.key, { salt: v.salt }),
    split: api.assignSplit(v.key, input.splits, { salt: v.salt }),
  }));
}

function rngTask(api: Api, input: { seeds: (string | number)[] }) {
  const values = Array.from({ length: 100 }, (_, i) => i);
  return input.seeds.map((seed) => {
    const a = api.createRng(seed);
    const next = Array.from({ length: 1000 }, () => a.next());
    const b = api.createRng(seed);
    const ints = Array.from({ length: 1000 }, () => b.int(1000));
    const ranged = Array.from({ length: 100 }, () => b.int(-50, 50));
    const c = api.createRng(seed);
    const shuffle = c.shuffle(values);
    const sample = c.sample(values, 10);
    const sampleAll = c.sample(values, 100);
    const bootstrap = c.bootstrap(values);
    const bootstrap250 = c.bootstrap(values.slice(0, 7), 250);
    const state = c.state();
    const resumed = api.createRng(seed, { state });
    const afterResume = [resumed.next(), resumed.next(), c.next(), c.next()];
    return { next, ints, ranged, shuffle, sample, sampleAll, bootstrap, bootstrap250, state, afterResume };
  });
}

function fingerprintTask(api: Api, input: { values: unknown[] }) {
  return input.values.map((value) => api.fingerprint(value));
}

function fingerprintDataTask(api: Api, input: { rows: Record<string, unknown>[] }) {
  const rows = input.rows;
  const columns: Record<string, unknown[]> = {};
  for (const name of ['user', 'id', 'x', 's', 'b']) columns[name] = rows.map((row) => row[name]);
  return {
    all: api.fingerprintData(rows),
    reversed: api.fingerprintData(rows.slice().reverse()),
    columns: api.fingerprintData(columns),
    firstHundred: api.fingerprintData(rows.slice(0, 100)),
    noMixed: api.fingerprintData(rows.map(({ m: _m, ...rest }) => rest)),
  };
}

function profileTask(api: Api, input: { n: number; seed: string }) {
  // 300 k values engage every sketch: KLL compaction and sampling, HyperLogLog, heavy hitters.
  const rng = api.createRng(input.seed);
  const x = new Float64Array(input.n);
  const c: string[] = [];
  for (let i = 0; i < input.n; i++) {
    x[i] = i % 1000 === 0 ? Number.NaN : (rng.next() - 0.5) * 1e6;
    c.push(`v${Math.floor(rng.next() ** 3 * 5000)}`);
  }
  const p = api.profile({ x, c });
  return {
    fingerprint: p.fingerprint,
    quantiles: api.quantiles(p, 'x', [0.01, 0.25, 0.5, 0.75, 0.99]),
    top: api.topValues(p, 'c', 5),
    merged: api.mergeProfiles(
      api.profile({ x: x.subarray(0, input.n / 2) }),
      api.profile({ x: x.subarray(input.n / 2) }),
    ).fingerprint,
  };
}

function splitIndicesTask(api: Api, input: { rows: Record<string, unknown>[] }) {
  const plain = (indices: Record<string, Uint32Array>) =>
    Object.fromEntries(Object.entries(indices).map(([name, rows]) => [name, Array.from(rows)]));
  const splits = { train: 0.8, eval: 0.1, test: 0.1 };
  return {
    byUser: plain(api.splitIndices(input.rows, { key: 'user', splits, salt: 'x' })),
    byId: plain(api.splitIndices(input.rows, { key: 'id', splits, salt: 'ünï 😀' })),
    byFunction: plain(
      api.splitIndices(input.rows, {
        key: (row) => `${row.user}/${row.id}`,
        splits: { a: 0.05, b: 0.45, c: 0.5 },
        salt: '',
      }),
    ),
  };
}

/**
 * Loads a fitted transform from its JSON text, applies it row by row (with and without `explain`) and as one
 * batch, and fits the same spec again. Float32 outputs travel as their 32-bit words, so equality is bit for bit.
 */
function transformTask(
  api: Api,
  input: {
    spec: unknown;
    artifact: string;
    train: Record<string, unknown>[];
    serving: Record<string, unknown>[];
    bad: Record<string, unknown>[];
  },
) {
  const T = api.transform;
  const words = (v: Float32Array) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));
  const failure = (run: () => unknown) => {
    try {
      run();
      return 'no error';
    } catch (e) {
      const err = e as { code?: string; message: string; issues?: unknown[] };
      return { code: err.code, message: err.message, issues: err.issues };
    }
  };
  const t = T.parseTransform(input.artifact);
  const spec = input.spec as Parameters<typeof T.fit>[0];
  const batch = T.applyBatch(t, input.serving);
  const into = new Float32Array(t.columns.length);
  const refit = T.fit(spec, input.train);
  return {
    parsed: t.fingerprint,
    names: batch.names,
    rows: input.serving.map((row) => words(T.apply(t, row))),
    into: input.serving.map((row) => words(T.apply(t, row, { into }))),
    explained: input.serving.map((row) => {
      const e = T.apply(t, row, { explain: true });
      return { values: words(e.values), missing: e.missing, outOfVocabulary: e.outOfVocabulary };
    }),
    batch: words(batch.values),
    weights: words(batch.weights!),
    fitted: refit.fingerprint,
    fittedJson: JSON.stringify(refit),
    rowErrors: input.bad.map((row) => failure(() => T.apply(t, row))),
    batchError: failure(() => T.applyBatch(t, input.bad)),
  };
}

/**
 * tokenize: keyed tokens (HMAC-SHA256 from @noble/hashes, through tokenKey) of generated strings, numbers and missing values,
 * learned into a vocabulary and hashed into buckets, row by row and in a batch.
 */
function tokenizeTask(
  api: Api,
  input: { key: Uint8Array; values: readonly (string | number | null)[] },
): { fittedJson: string; batch: number[]; rows: number[][]; tokens: readonly string[] } {
  const T = api.transform;
  const keys = { k2026: T.tokenKey(input.key) };
  const spec = {
    v: [T.tokenize({ keyId: 'k2026' }), T.vocabulary({ mask: '' }), T.oneHot()],
    h: {
      input: 'v',
      steps: [T.tokenize({ keyId: 'k2026' }), T.hashBucket({ buckets: 65536, missing: 'bucket' })],
    },
  };
  const rows = input.values.map((v) => ({ v }));
  const t = T.fit(spec, rows, { keys });
  const h = t.features[1]!.offset;
  return {
    fittedJson: JSON.stringify(t),
    batch: Array.from(T.applyBatch(t, rows, { keys }).values.filter((_, i) => i % t.columns.length === h)),
    rows: rows.slice(0, 50).map((row) => Array.from(T.apply(t, row, { keys }))),
    tokens: (t.features[0]!.steps[1] as { fitted: { values: readonly string[] } }).fitted.values,
  };
}

// ---------------------------------------------------------------------------------------------------------

describe('determinism in Node and headless Chromium (bit for bit)', () => {
  it('runs the bundle in a real Chromium page, not in Node', async () => {
    const env = await readyPage().evaluate(() => ({
      userAgent: navigator.userAgent,
      hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
      lockstepHash32: typeof (globalThis as { lockstep?: { hash32?: unknown } }).lockstep?.hash32,
    }));
    expect(env.userAgent).toContain('HeadlessChrome');
    expect(env.hasProcess).toBe(false);
    expect(env.lockstepHash32).toBe('function');
  });

  it('carries NaN, -0, ±Infinity, bigints, bytes and lone surrogates to the page and back unchanged', async () => {
    const values = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2n ** 64n];
    const strings = ['\ud800', 'a\udfffb', '\udc00\ud800', '😀', '\ufffd'];
    const echo = (_api: Api, input: { values: unknown[]; strings: string[]; bytes: Uint8Array }) => ({
      values: input.values,
      codes: input.strings.map((s) => Array.from(s, (_c, i) => s.charCodeAt(i))),
      strings: input.strings,
      bytes: input.bytes,
    });
    const { node, browser } = await both(echo, { values, strings, bytes: new Uint8Array([0, 255, 7]) });
    expect(browser).toEqual(node);
    expect(Object.is((browser.values as number[])[1], -0)).toBe(true);
    expect(browser.codes[0]).toEqual([0xd800]);
  });

  it('hash32, hashUnit and assignSplit agree with each other and with every golden vector', async () => {
    const { node, browser } = await both(goldenTask, golden);
    expect(node).toHaveLength(golden.vectors.length);
    expect(browser).toEqual(node);
    for (const [i, v] of golden.vectors.entries()) {
      expect(browser[i]).toEqual({ hash: v.hash, unit: v.unit, split: v.split });
    }
  });

  it('hash32, hashUnit, assignSplit and sampleByKey agree on thousands of generated keys', async () => {
    const keys: unknown[] = [...generatedKeys(3000, 20260101), ...numberKeys, ...byteKeys];
    const input = { keys, salts, seeds: hashSeeds, splits: SPLITS };
    const { node, browser } = await both(hashTask, input);
    expect(node).toHaveLength(keys.length);
    // The first key that differs, if any, is shown with its results so a failure names the key.
    const first = node.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(browser[i]));
    if (first >= 0)
      expect({ key: keys[first], ...browser[first] }).toEqual({ key: keys[first], ...node[first] });
    expect(browser).toEqual(node);
    // A lone surrogate hashes as U+FFFD, as in UTF-8 encoders; the keys are varied (few collisions).
    expect(node[2]!.hash).toEqual(node[5]!.hash);
    expect(new Set(node.map((r) => r.hash[0])).size).toBeGreaterThan(2500);
  });

  it('createRng gives the same next, int, shuffle, sample, bootstrap and state for string and number seeds', async () => {
    const seeds = ['run-42', '', 'ünïcødé 😀', '\ud800 lone', 0, 42, -1, 3.14, 1e21, 2 ** 53 + 2];
    const { node, browser } = await both(rngTask, { seeds });
    expect(node).toHaveLength(seeds.length);
    expect(browser).toEqual(node);
    for (const r of node) {
      expect(r.next).toHaveLength(1000);
      expect(r.shuffle.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(r.afterResume[0]).toBe(r.afterResume[2]);
    }
    expect(node[0]!.next).not.toEqual(node[1]!.next);
  });

  it('fingerprint gives the same SHA-256 for nested JSON with unicode keys', async () => {
    const values: unknown[] = [
      null,
      true,
      0,
      -0,
      '',
      'ünïcødé',
      [1, 'two', [3, [4, null]], { z: 1, a: 2 }],
      { b: 1, a: [true, null], é: 'accent', z: { '😀': 1, '\uffff': 2, ﬀ: 3, 日本: [5e-324, 1e21, 0.1] } },
      { '\ud800': 'lone high key', '\udc00': 'lone low value \udfff', '': { '': [] } },
      {
        kind: 'lockstep.schema',
        formatVersion: 1,
        fields: [{ name: 'Größe', type: 'number', min: -1.5e-7 }],
      },
      Array.from({ length: 50 }, (_, i) => ({ [`k${i}-ü`]: i / 7, nested: { deep: [i, `${i}😀`] } })),
    ];
    const { node, browser } = await both(fingerprintTask, { values });
    expect(browser).toEqual(node);
    expect(node[3]).toBe(node[2]); // -0 is canonical 0
    for (const hex of node) expect(hex).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fingerprintData agrees on rows with NaN, -0, null, unicode strings and booleans', async () => {
    const rows = generatedRows(400, 77);
    expect(rows.some((r) => Number.isNaN(r.x))).toBe(true);
    expect(rows.some((r) => Object.is(r.x, -0))).toBe(true);
    const { node, browser } = await both(fingerprintDataTask, {
      rows: rows as unknown as Record<string, unknown>[],
    });
    expect(browser).toEqual(node);
    expect(node.reversed).toBe(node.all);
    expect(node.firstHundred).not.toBe(node.all);
  });

  it('splitIndices assigns every row to the same split', async () => {
    const rows = generatedRows(600, 4242);
    const { node, browser } = await both(splitIndicesTask, {
      rows: rows as unknown as Record<string, unknown>[],
    });
    expect(browser).toEqual(node);
    for (const result of Object.values(node)) {
      const all = Object.values(result).flat();
      expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: rows.length }, (_, i) => i));
    }
    expect(node.byUser.train!.length).toBeGreaterThan(0);
    expect(node.byUser.eval!.length + node.byUser.test!.length).toBeGreaterThan(0);
  });

  it('profile, quantiles, topValues and mergeProfiles give byte-identical profiles', async () => {
    const { node, browser } = await both(profileTask, { n: 300_000, seed: 'profile-determinism' });
    expect(browser).toEqual(node);
    expect(node.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(node.merged).not.toBe(node.fingerprint);
  }, 60_000);

  it('a fitted transform applies to the same bits, row by row and in batches, and fits to the same artifact', async () => {
    const spec = goldenTransform.spec as unknown as transform.TransformSpec;
    const { train, serving, bad } = flightRows();
    const artifact = transform.fit(spec, train);
    const input = { spec, artifact: JSON.stringify(artifact), train, serving, bad };
    const { node, browser } = await both(transformTask, input);
    // Every step type is in the spec, and the data reach missing buckets, masks, OOV buckets and imputes.
    expect(new Set(artifact.features.flatMap((f) => f.steps.map((s) => s.type))).size).toBe(15);
    expect(node.explained.some((e) => e.outOfVocabulary.length > 0)).toBe(true);
    expect(new Set(node.explained.flatMap((e) => e.missing.map((m) => m.filled)))).toEqual(
      new Set(['impute', 'bucket', 'mask']),
    );
    // Node against itself: the row path equals the batch path, and refitting gives the same artifact.
    expect(node.parsed).toBe(artifact.fingerprint);
    expect(node.fitted).toBe(artifact.fingerprint);
    expect(node.rows.flat()).toEqual(node.batch);
    expect(node.into).toEqual(node.rows);
    expect(node.explained.map((e) => e.values)).toEqual(node.rows);
    expect(node.rowErrors.every((e) => typeof e === 'object' && e.code === 'INVALID_DATA')).toBe(true);
    // Chromium against Node, piece by piece so a failure names the part.
    expect(browser.parsed).toBe(node.parsed);
    expect(browser.names).toEqual(node.names);
    const firstRow = browser.rows.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(node.rows[i]));
    if (firstRow >= 0)
      expect({ row: serving[firstRow], values: browser.rows[firstRow] }).toEqual({
        row: serving[firstRow],
        values: node.rows[firstRow],
      });
    expect(browser.rows).toEqual(node.rows);
    expect(browser.into).toEqual(node.into);
    expect(browser.explained).toEqual(node.explained);
    expect(browser.batch).toEqual(node.batch);
    expect(browser.weights).toEqual(node.weights);
    expect(browser.fittedJson).toBe(node.fittedJson);
    expect(browser.fitted).toBe(artifact.fingerprint);
    expect(browser.rowErrors).toEqual(node.rowErrors);
    expect(browser.batchError).toEqual(node.batchError);
  });

  it('tokenize gives the same HMAC tokens, vocabulary and buckets', async () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255);
    const values = [...generatedKeys(400, 2026), ...numberKeys.filter((k) => typeof k === 'number'), null];
    const { node, browser } = await both(tokenizeTask, { key, values });
    expect(node.tokens.length).toBeGreaterThan(300);
    expect(node.tokens.every((t) => /^[0-9a-f]{16}$/.test(t))).toBe(true);
    expect(browser.tokens).toEqual(node.tokens);
    expect(browser.batch).toEqual(node.batch);
    expect(browser.rows).toEqual(node.rows);
    expect(browser.fittedJson).toBe(node.fittedJson);
  });
});
