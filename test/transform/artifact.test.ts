// The fitted transform as an artifact: the golden file of formatVersion 1 loads and applies to the same bits
// forever, every malformed artifact is refused with its JSON path, JSON round trips change nothing,
// diffTransforms names each kind of change, and checkOutput describes a known batch.
import { describe, expect, it } from 'vitest';
import type { LockstepError } from '../../src/core/errors.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { inferSchema } from '../../src/schema/index.js';
import {
  apply,
  applyBatch,
  bucketize,
  checkOutput,
  clip,
  cross,
  datetime,
  diffTransforms,
  fit as fitTransform,
  hashBucket,
  impute,
  log1p,
  minMax,
  oneHot,
  parseTransform,
  passthrough,
  recencyWeight,
  standardize,
  type TransformArtifact,
  type TransformSpec,
  vocabulary,
} from '../../src/transform/index.js';
import golden from '../fixtures/golden-transform.json' with { type: 'json' };
import input from '../fixtures/golden-transform-input.json' with { type: 'json' };
import output from '../fixtures/golden-transform-output.json' with { type: 'json' };
import { catchLockstep } from '../helpers/errors.js';

/** A golden float32: a JSON number, or the name of a non-finite one ("Infinity"). */
const golden32 = (values: readonly (number | string)[]) => values.map(Number);

/** Float32 values as their 32-bit words, so a comparison is bit for bit (and -0 ≠ 0, NaN payloads count). */
const bits = (values: Float32Array | readonly number[]) =>
  Array.from(new Uint32Array(Float32Array.from(values).buffer));

function artifactError(json: unknown): LockstepError {
  return catchLockstep(() => parseTransform(json), { code: 'INVALID_ARTIFACT' });
}

describe('the golden transform of formatVersion 1', () => {
  it('covers every step type, and its input is the frozen dataset', () => {
    const types = new Set(golden.features.flatMap((f) => f.steps.map((s) => s.type)));
    expect([...types].sort()).toEqual(
      [
        'bucketize',
        'clip',
        'cross',
        'datetime',
        'hashBucket',
        'impute',
        'log1p',
        'minMax',
        'multiHot',
        'oneHot',
        'passthrough',
        'recencyWeight',
        'robustScale',
        'standardize',
        'vocabulary',
      ].sort(),
    );
    expect(golden.formatVersion).toBe(1);
    expect(golden.rows).toBe(input.train.length);
    expect(output.rows).toBe(input.apply.length);
  });

  it('loads with parseTransform, from the parsed value and from its text', () => {
    const t = parseTransform(golden);
    expect(t).toEqual(golden);
    expect(parseTransform(JSON.stringify(golden)).fingerprint).toBe(golden.fingerprint);
  });

  it('gives exactly the frozen output, bit for bit, in applyBatch and in apply', () => {
    const t = parseTransform(golden);
    const batch = applyBatch(t, input.apply);
    expect(batch.names).toEqual(output.names);
    expect([batch.rows, batch.columns]).toEqual([output.rows, output.columns]);
    expect(bits(batch.values)).toEqual(bits(golden32(output.values)));
    expect(bits(batch.weights!)).toEqual(bits(golden32(output.weights)));
    input.apply.forEach((row, i) => {
      const expected = golden32(output.values).slice(i * output.columns, (i + 1) * output.columns);
      expect(bits(apply(t, row))).toEqual(bits(expected));
    });
    // The frozen output is not degenerate: unseen categories went to OOV columns, missing values to buckets.
    const at = (row: number, name: string) =>
      output.values[row * output.columns + output.names.indexOf(name)];
    const last = output.rows - 3;
    expect(at(last, 'origin=#oov0')! + at(last, 'origin=#oov1')!).toBe(1);
    expect(at(last + 2, 'delay_bin=#missing')).toBe(1);
    expect(at(last + 2, 'delay_z.missing')).toBe(1);
    expect(at(last, 'delay_01')).toBe(1);
  });

  it('is what fitting the same spec on the same data gives today (same fingerprint)', () => {
    const refit = fitTransform(input.spec as unknown as TransformSpec, input.train);
    expect(refit.fingerprint).toBe(golden.fingerprint);
    expect(refit).toEqual(golden);
  });
});

// ---------------------------------------------------------------------------------------------------------

const baseSpec: TransformSpec = {
  x: standardize(),
  b: { input: 'x', steps: [bucketize({ quantiles: 3 }), oneHot()] },
  l: { input: 'x', steps: [clip({ min: 0 }), log1p()] },
  c: [vocabulary({ oovBuckets: 1 }), oneHot()],
  h: { input: 'c', steps: [impute({ strategy: 'mode' }), hashBucket({ buckets: 3 })] },
  t: datetime({ parts: ['hour'], cyclical: true }),
  w: recencyWeight({ column: 't', halfLife: 3_600_000 }),
};
const baseRows = [
  { x: 1, c: 'a', t: 0 },
  { x: 2, c: 'b', t: 3_600_000 },
  { x: 4, c: 'a', t: 7_200_000 },
  { x: 8, c: 'c', t: 10_800_000 },
];
const base = fitTransform(baseSpec, baseRows);

// biome-ignore lint/suspicious/noExplicitAny: the test edits arbitrary JSON paths of the artifact.
type Json = Record<string, any>;

/** The base artifact as plain JSON, edited by `edit`, with its fingerprint recomputed unless `seal` is false. */
function edited(edit: (t: Json) => void, seal = true): unknown {
  const json = JSON.parse(JSON.stringify(base));
  edit(json);
  if (!seal) return json;
  const { fingerprint: _stale, ...body } = json;
  return { ...body, fingerprint: fingerprint(body) };
}

describe('parseTransform refuses a malformed artifact with INVALID_ARTIFACT and the JSON path', () => {
  it('names the layout of the base artifact the cases below edit', () => {
    expect(base.features.map((f) => [f.name, f.kind, f.role, f.offset, f.width])).toEqual([
      ['x', 'number', 'input', 0, 1],
      ['b', 'number', 'input', 1, 3],
      ['l', 'number', 'input', 4, 1],
      ['c', 'category', 'input', 5, 4],
      ['h', 'category', 'input', 9, 1],
      ['t', 'time', 'input', 10, 2],
      ['w', 'time', 'weight', 12, 0],
    ]);
    expect(base.columns).toHaveLength(12);
    expect(parseTransform(edited(() => {}))).toEqual(base);
  });

  it('text that is not JSON', () => {
    expect(artifactError('{"kind": "lockstep.transform",').message).toMatch(
      /^parseTransform: argument 'json' is not valid JSON/,
    );
  });

  it.each<[string, (t: Json) => void, string]>([
    ['another kind of artifact', (t) => (t.kind = 'lockstep.schema'), '$.kind: must be "lockstep.transform"'],
    [
      'a formatVersion from a later lockstep',
      (t) => (t.formatVersion = 2),
      '$.formatVersion: is 2, newer than this version of lockstep reads (1); upgrade lockstep',
    ],
    ['a formatVersion that is not one', (t) => (t.formatVersion = 0), '$.formatVersion: must be 1'],
    ['no features', (t) => (t.features = []), '$.features: must have at least 1 items'],
    ['a negative row count', (t) => (t.rows = -1), '$.rows: must be at least 0'],
    [
      'a feature without steps',
      (t) => (t.features[0].steps = []),
      '$.features[0].steps: must have at least 1',
    ],
    [
      'a duplicate feature name',
      (t) => (t.features[1].name = 'x'),
      '$.features[1].name: duplicate feature "x"',
    ],
    [
      'an unknown step type',
      (t) => (t.features[0].steps[0].type = 'zscore'),
      '$.features[0].steps[0].type: must be one of standardize',
    ],
    [
      'an unknown step option',
      (t) => (t.features[0].steps[0].scale = 2),
      '$.features[0].steps[0].scale: has an unknown key "scale"; known keys: type, fitted',
    ],
    [
      'a bad step option',
      (t) => (t.features[4].steps[1].buckets = 0),
      '$.features[4].steps[1].buckets: must be an integer in [1, 16777216]',
    ],
    [
      'missing fitted values',
      (t) => delete t.features[0].steps[0].fitted,
      '$.features[0].steps[0].fitted: must be an object of fitted values',
    ],
    [
      'a fitted value that is not a number',
      (t) => (t.features[0].steps[0].fitted.std = null),
      '$.features[0].steps[0].fitted.std: must be a finite number',
    ],
    ['a negative std', (t) => (t.features[0].steps[0].fitted.std = -1), '$.features[0].steps[0].fitted.std'],
    [
      'fitted values on a stateless step',
      (t) => (t.features[2].steps[1].fitted = { base: Math.E }),
      '$.features[2].steps[1].fitted: must be absent: log1p learns nothing',
    ],
    [
      'fitted values on fixed clip bounds',
      (t) => (t.features[2].steps[0].fitted = { min: 0, max: 1 }),
      '$.features[2].steps[0].fitted: must be absent for fixed bounds',
    ],
    [
      'non-increasing boundaries',
      (t) => {
        const b = t.features[1].steps[0].fitted.boundaries;
        t.features[1].steps[0].fitted.boundaries = [b[1], b[0]];
      },
      '$.features[1].steps[0].fitted.boundaries: must be finite numbers in strictly increasing order',
    ],
    [
      'a vocabulary with a duplicate value',
      (t) => (t.features[3].steps[0].fitted.values = ['a', 'a', 'c']),
      '$.features[3].steps[0].fitted.values: must not repeat a value',
    ],
    [
      'a vocabulary with more counts than values',
      (t) => t.features[3].steps[0].fitted.counts.push(1),
      '$.features[3].steps[0].fitted.counts: must be positive integers, one per value',
    ],
    [
      'a vocabulary without its exact flag',
      (t) => delete t.features[3].steps[0].fitted.exact,
      '$.features[3].steps[0].fitted.exact: must be a boolean',
    ],
    ['a wrong kind', (t) => (t.features[0].kind = 'category'), '$.features[0].kind: must be "number"'],
    ['a wrong role', (t) => (t.features[5].role = 'weight'), '$.features[5].role: must be "input"'],
    ['a second weight', (t) => t.features.push({ ...t.features[6], name: 'w2' }), '$.features[7].role'],
    [
      'wrong inputs',
      (t) => (t.features[0].inputs = ['x', 'c']),
      '$.features[0].inputs: must name one column',
    ],
    [
      'a weight reading the wrong column',
      (t) => (t.features[6].inputs = ['x']),
      '$.features[6].inputs: must be ["t"]',
    ],
    ['a wrong offset', (t) => (t.features[2].offset = 5), '$.features[2].offset: must be 4'],
    ['a wrong width', (t) => (t.features[3].width = 3), '$.features[3].width: must be 4 for these steps'],
    [
      'a wrong column name',
      (t) => (t.columns[6].name = 'c=z'),
      '$.columns[6]: must be {"index":6,"name":"c=b","feature":"c"}',
    ],
    ['a wrong column index', (t) => (t.columns[2].index = 7), '$.columns[2]: must be {"index":2'],
    ['a missing column', (t) => t.columns.pop(), '$.columns[11]: must be {"index":11'],
    [
      'a column too many',
      (t) => t.columns.push({ index: 12, name: 'extra', feature: 'x' }),
      '$.columns[12]: is one column too many',
    ],
  ])('%s', (_name, edit, expected) => {
    const e = artifactError(edited(edit));
    expect(e.message).toContain(
      `parseTransform: argument 'json' is not a valid lockstep.transform: ${expected}`,
    );
  });

  it('a fingerprint that is not SHA-256 hex', () => {
    const e = artifactError(edited((t) => (t.fingerprint = 'ABC'), false));
    expect(e.message).toContain('lockstep.transform: $.fingerprint: must match');
  });

  it('a chain the kernel cannot run', () => {
    const e = artifactError(edited((t) => t.features[0].steps.push({ type: 'oneHot' })));
    // The path is the chain's, or (better) the step's: $.features[0].steps[1].
    expect(e.message).toMatch(
      /^parseTransform: argument 'json' is not a valid lockstep\.transform: \$\.features\[0\]\.steps(\[1\])?: .*must follow an index step/,
    );
  });

  it.each<[string, (t: Json) => void]>([
    ['a fitted mean', (t) => (t.features[0].steps[0].fitted.mean += 1e-9)],
    ['fixed clip bound', (t) => (t.features[2].steps[0] = { type: 'clip', min: 0.5 })],
    ['vocabulary count', (t) => (t.features[3].steps[0].fitted.counts[0] = 7)],
    ['imputed mode', (t) => (t.features[4].steps[0].fitted.value = 'b')],
    ['the row count', (t) => (t.rows = 5)],
  ])('a tampered %s with a stale fingerprint', (_name, edit) => {
    // Sealed again, the same edit is accepted: the fingerprint is what refuses it.
    expect(() => parseTransform(edited(edit))).not.toThrow();
    const e = artifactError(edited(edit, false));
    expect(e.message).toBe(
      "parseTransform: argument 'json' is not a valid lockstep.transform: $.fingerprint does not match the content (edited or corrupted)",
    );
    expect(e.issues).toEqual([
      {
        code: 'INVALID_FIELD',
        severity: 'error',
        path: '$.fingerprint',
        message: 'does not match the content (edited or corrupted)',
      },
    ]);
  });
});

describe('a JSON round trip', () => {
  it('gives an equal artifact, the same fingerprint and the same output bits', () => {
    const rows = [...baseRows, { x: 100, c: 'unseen', t: '2020-01-01T05:30:00Z' }, { x: -3, c: 'b', t: 1 }];
    const parsed = parseTransform(JSON.stringify(base));
    expect(parsed).toEqual(base);
    expect(parsed.fingerprint).toBe(base.fingerprint);
    expect(fingerprint((({ fingerprint: _f, ...body }) => body)(parsed))).toBe(base.fingerprint);
    const a = applyBatch(base, rows);
    const b = applyBatch(parsed, rows);
    expect(bits(b.values)).toEqual(bits(a.values));
    expect(bits(b.weights!)).toEqual(bits(a.weights!));
    for (const row of rows) expect(bits(apply(parsed, row))).toEqual(bits(apply(base, row)));
    // And again: a parsed artifact serialises to the same text.
    expect(JSON.stringify(parseTransform(JSON.stringify(parsed)))).toBe(JSON.stringify(base));
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('diffTransforms', () => {
  const spec: TransformSpec = {
    x: bucketize({ quantiles: 4 }),
    c: [vocabulary(), oneHot()],
    y: minMax(),
  };
  const rows = (xs: number[], cs: string[]) => xs.map((x, i) => ({ x, c: cs[i % cs.length], y: i }));
  const a = fitTransform(spec, rows([1, 2, 3, 4, 5, 6, 7, 8], ['a', 'a', 'a', 'b', 'b', 'c']));

  it('finds nothing between a transform and itself, or an equal refit', () => {
    expect(diffTransforms(a, a)).toEqual([]);
    expect(
      diffTransforms(a, fitTransform(spec, rows([1, 2, 3, 4, 5, 6, 7, 8], ['a', 'a', 'a', 'b', 'b', 'c']))),
    ).toEqual([]);
    expect(diffTransforms(a, parseTransform(JSON.stringify(a)))).toEqual([]);
  });

  it('a moved bucket boundary is FITTED_CHANGED with before and after', () => {
    const b = fitTransform(spec, rows([1, 2, 3, 4, 5, 6, 9, 10], ['a', 'a', 'a', 'b', 'b', 'c']));
    const changes = diffTransforms(a, b);
    expect(changes.map((c) => [c.code, c.feature, c.step])).toEqual([['FITTED_CHANGED', 'x', 0]]);
    expect(changes[0]!.before).toEqual({ boundaries: [2.75, 4.5, 6.25] });
    expect(changes[0]!.after).toEqual({ boundaries: [2.75, 4.5, 6.75] });
    // One-hot columns are named by interval, so there the output layout changes too.
    const hot: TransformSpec = { x: [bucketize({ quantiles: 4 }), oneHot()] };
    const before = fitTransform(hot, { x: [1, 2, 3, 4, 5, 6, 7, 8] });
    const after = fitTransform(hot, { x: [1, 2, 3, 4, 5, 6, 9, 10] });
    expect(diffTransforms(before, after).map((c) => c.code)).toEqual(['FITTED_CHANGED', 'LAYOUT_CHANGED']);
  });

  it('a vocabulary that gained and lost values is VOCABULARY_CHANGED with the lists', () => {
    const b = fitTransform(spec, rows([1, 2, 3, 4, 5, 6, 7, 8], ['a', 'a', 'a', 'd', 'd', 'é']));
    const changes = diffTransforms(a, b);
    expect(changes.map((c) => [c.code, c.feature, c.step])).toEqual([
      ['VOCABULARY_CHANGED', 'c', 0],
      ['LAYOUT_CHANGED', undefined, undefined],
    ]);
    expect(changes[0]!.before).toEqual({ removed: ['b', 'c'] });
    expect(changes[0]!.after).toEqual({ added: ['d', 'é'] });
    expect(changes[0]!.message).toBe("the vocabulary of 'c' gained 2, lost 2 and reindexed 0 value(s)");
  });

  it('a reindexed vocabulary is VOCABULARY_CHANGED with nothing added or removed', () => {
    // b becomes the most frequent value: the same three values at new indices.
    const b = fitTransform(spec, rows([1, 2, 3, 4, 5, 6, 7, 8], ['b', 'b', 'b', 'a', 'a', 'c']));
    const changes = diffTransforms(a, b);
    expect(changes.map((c) => c.code)).toEqual(['VOCABULARY_CHANGED', 'LAYOUT_CHANGED']);
    expect(changes[0]!.before).toEqual({ removed: [] });
    expect(changes[0]!.after).toEqual({ added: [] });
    expect(changes[0]!.message).toContain('reindexed 2 value(s)');
  });

  it('a vocabulary whose counts alone changed is FITTED_CHANGED, not a vocabulary change', () => {
    const b = fitTransform(spec, rows([1, 2, 3, 4, 5, 6, 7, 8], ['a', 'a', 'a', 'a', 'b', 'c']));
    const changes = diffTransforms(a, b);
    expect(changes.map((c) => [c.code, c.feature])).toEqual([['FITTED_CHANGED', 'c']]);
  });

  it('a changed step option is STEPS_CHANGED', () => {
    const b = fitTransform(
      { ...spec, y: minMax({ clip: true }) },
      rows([1, 2, 3, 4, 5, 6, 7, 8], ['a', 'a', 'a', 'b', 'b', 'c']),
    );
    const changes = diffTransforms(a, b);
    expect(changes.map((c) => [c.code, c.feature])).toEqual([['STEPS_CHANGED', 'y']]);
    expect(changes[0]!.before).toEqual([{ type: 'minMax' }]);
    expect(changes[0]!.after).toEqual([{ type: 'minMax', clip: true }]);
  });

  it('an added or removed feature is FEATURE_ADDED or FEATURE_REMOVED, and the layout changed', () => {
    const data = rows([1, 2, 3, 4, 5, 6, 7, 8], ['a', 'a', 'a', 'b', 'b', 'c']);
    const more = fitTransform({ ...spec, z: { input: 'y', steps: [passthrough()] } }, data);
    expect(diffTransforms(a, more).map((c) => [c.code, c.feature])).toEqual([
      ['FEATURE_ADDED', 'z'],
      ['LAYOUT_CHANGED', undefined],
    ]);
    const { c: _c, ...fewer } = spec;
    const less = fitTransform(fewer, data);
    const changes = diffTransforms(a, less);
    expect(changes.map((c) => [c.code, c.feature])).toEqual([
      ['FEATURE_REMOVED', 'c'],
      ['LAYOUT_CHANGED', undefined],
    ]);
    expect(changes[1]!).toMatchObject({ before: 6, after: 2 });
  });

  it('changed inputs are INPUTS_CHANGED', () => {
    const data = [
      { a: 'x', b: 'y', c: 'z' },
      { a: 'x', b: 'q', c: 'z' },
    ];
    const ab = fitTransform({ k: cross(['a', 'b'], { buckets: 4 }) }, data);
    const ac = fitTransform({ k: cross(['a', 'c'], { buckets: 4 }) }, data);
    expect(diffTransforms(ab, ac).map((c) => c.code)).toEqual(['INPUTS_CHANGED', 'STEPS_CHANGED']);
  });

  it('transforms fitted against different schemas are SCHEMA_CHANGED', () => {
    const data = rows([1, 2, 3, 4, 5, 6, 7, 8], ['a', 'a', 'a', 'b', 'b', 'c']);
    const s1 = inferSchema(data);
    const s2 = inferSchema(data, { version: '2' });
    expect(s1.fingerprint).not.toBe(s2.fingerprint);
    const with1 = fitTransform(spec, data, { schema: s1 });
    const with2 = fitTransform(spec, data, { schema: s2 });
    expect(diffTransforms(with1, with2)).toEqual([
      {
        code: 'SCHEMA_CHANGED',
        severity: 'info',
        message: 'the transforms were fitted against different schemas',
        before: s1.fingerprint,
        after: s2.fingerprint,
      },
    ]);
    expect(diffTransforms(a, with1).map((c) => c.code)).toEqual(['SCHEMA_CHANGED']);
  });

  it('refuses what is not a transform, and parses a plain object before reading it', () => {
    catchLockstep(() => diffTransforms(a, null as never), { code: 'INVALID_ARGUMENT', arg: 'after' });
    catchLockstep(() => diffTransforms(a, {} as TransformArtifact), {
      code: 'INVALID_ARTIFACT',
      fn: 'diffTransforms',
      arg: 'after',
      path: '$.kind',
    });
    // A plain copy (JSON.parse output) is parsed, so it diffs as the artifact it copies.
    expect(diffTransforms(JSON.parse(JSON.stringify(a)), a)).toEqual([]);
    const edited = JSON.parse(JSON.stringify(a));
    edited.rows += 1;
    catchLockstep(() => diffTransforms(edited, a), {
      code: 'INVALID_ARTIFACT',
      arg: 'before',
      path: '$.fingerprint',
    });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('checkOutput', () => {
  const train = { x: [0, 10, 20, 30, 40], k: [5, 5, 5, 5, 5], c: ['a', 'b', 'a', 'a', 'c'] };
  const spec: TransformSpec = {
    x: minMax({ clip: true }),
    k: standardize(),
    c: [vocabulary({ oovBuckets: 1 }), oneHot()],
    raw: { input: 'x', steps: [passthrough()] },
  };
  const t = fitTransform(spec, train);
  // Serving values beyond the training range on both sides, and an unseen category.
  const batch = {
    x: [-10, 0, 20, 40, 50, 999, 5, 5],
    k: [5, 5, 5, 5, 5, 5, 5, 5],
    c: ['a', 'a', 'b', 'a', 'z', 'a', 'c', 'a'],
  };

  it('gives min, max, NaN and infinite counts and the share of the most common value, per column', () => {
    const checks = checkOutput(t, batch);
    expect(checks.map((c) => c.name)).toEqual(['x', 'k', 'c=a', 'c=b', 'c=c', 'c=#oov0', 'raw']);
    const by = Object.fromEntries(checks.map((c) => [c.name, c]));
    // minMax with clip stays in [0, 1]; 0 appears for -10 and 0, 1 for 40, 50 and 999.
    expect(by.x).toEqual({
      index: 0,
      name: 'x',
      feature: 'x',
      min: 0,
      max: 1,
      nanCount: 0,
      infiniteCount: 0,
      constantShare: 3 / 8,
    });
    // A constant feature is constant after standardize.
    expect(by.k).toMatchObject({ min: 0, max: 0, constantShare: 1 });
    // One-hot columns: the share of their most common value, 0 or 1.
    expect(by['c=a']).toMatchObject({ min: 0, max: 1, constantShare: 5 / 8 });
    expect(by['c=b']).toMatchObject({ min: 0, max: 1, constantShare: 7 / 8 });
    expect(by['c=#oov0']).toMatchObject({ min: 0, max: 1, constantShare: 7 / 8 });
    expect(by.raw).toMatchObject({ min: -10, max: 999, constantShare: 2 / 8 });
  });

  it('counts infinite values', () => {
    const checks = checkOutput(fitTransform({ x: passthrough() }, { x: [1, 2] }), {
      x: [1, Number.POSITIVE_INFINITY, 1e39, Number.NEGATIVE_INFINITY],
    });
    // 1e39 overflows float32 to Infinity too.
    expect(checks[0]).toMatchObject({
      min: Number.NEGATIVE_INFINITY,
      max: Number.POSITIVE_INFINITY,
      nanCount: 0,
      infiniteCount: 3,
      constantShare: 0.5,
    });
  });

  it('an empty batch has NaN bounds and a constant share of 0', () => {
    expect(checkOutput(t, { x: [], k: [], c: [] })[0]).toMatchObject({
      min: Number.NaN,
      max: Number.NaN,
      nanCount: 0,
      constantShare: 0,
    });
  });

  it('throws as applyBatch for a batch it cannot encode', () => {
    expect(() => checkOutput(t, { x: [1, null], k: [5, 5], c: ['a', 'a'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    );
  });
});
