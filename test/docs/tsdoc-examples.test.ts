// Every TSDoc `@example <code> // => <result>` in src/ is run and its result compared, so the documentation
// cannot drift from the code. The rules:
//
// - The example is the text after `@example` up to the next tag, continuation lines included; the code is
//   what comes before `// =>`. It may be statements (`const m = mae(); m.update(3, 1); m.value()`): the last
//   one is the result. It runs in an async function (so `await` works; a promise is not awaited for you),
//   with every export of `lockstep`, of the file's module index and of the file itself in scope, plus the
//   variables of its entry in SETUPS, for examples that use data named elsewhere (`schema`, `rows`).
// - The result is a value when its longest leading part (cut at a space) is a literal: a number, a quoted
//   string, true, false, null, undefined, NaN, Infinity, or an array or object literal of those, with `…`
//   as "and more": `{ value: 0.25, … }` checks only the keys written, `[1, 2, …]` only the first items.
//   Whatever follows the literal is a remark for the reader: `0.5 (one right of two)`, `0 for clean data`.
//   A result with no such literal (`// => the profile of every line`) is prose: it is listed, its code must
//   parse, and nothing is compared.
// - Comparison is deep: an object literal matches an object with exactly those own keys (or at least them,
//   with `…`), an array literal an Array (not a typed array: write `Array.from(…)`) of the same length.
//   Strings, booleans, null and undefined match by identity. A number written as an integer, or with 16 or
//   more significant digits (a double printed in full), must be the same double (Object.is, so -0 is not 0
//   and NaN is NaN); a decimal written with fewer digits (`0.1`, `0.3`) stands for the value a reader
//   would work out and matches within a relative 1e-12, which forgives float rounding and nothing else.
// - An example with a value result that cannot run fails, unless it is on NOT_RUNNABLE with the reason.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';

const srcDir = join(import.meta.dirname, '../../src');

/**
 * Variables an example uses without defining them, keyed by file and the example's code (exactly). The
 * setup is small data that fits the example's own words, so the example runs as written.
 */
const SETUPS: Record<string, string> = {
  'schema/diff.ts: diffSchemas(schema, sealSchema({ ...schema, dataset: { minRows: 100 } }))':
    'const schema = inferSchema([{ n: 1 }, { n: 2 }]);',
  "schema/to-zod.ts: toZod(schema, { environment: 'serving' }).parse({ delay: 12, origin: 1, at: '2024-01-02', x: 0 })":
    // "a numeric delay, a categorical origin and a timestamp at"; x is no feature, so it is stripped.
    [
      "const schema = inferSchema([{ delay: 1.5, origin: 'SEA', at: '2024-01-01' }], {",
      "  types: { origin: 'categorical', at: 'timestamp' }, maxDomainSize: 0, environments: ['training', 'serving'] });",
    ].join('\n'),
  "schema/update.ts: updateSchema(schema, validate(rows, schema), { accept: ['UNEXPECTED_CATEGORY'] }).applied":
    [
      'const schema = inferSchema([{ origin: "SEA" }, { origin: "PDX" }]);',
      'const rows = [...Array.from({ length: 14 }, () => ({ origin: "XYZ" })), { origin: "SEA" }];',
    ].join('\n'),
  "schema/validate.ts: partitionValid(rows, schema, { environment: 'training' }).quarantined.length":
    "const rows = [{ n: 1 }, { n: 2 }]; const schema = inferSchema(rows, { environments: ['training'] });",
  'drift/compare.ts: compare(trainingRows, servingRows).dataset.datasetDrift':
    // "when the data look alike": the same rows on both sides.
    "const trainingRows = Array.from({ length: 50 }, (_, i) => ({ a: i % 7, c: ['x', 'y'][i % 2] }));\n" +
    'const servingRows = trainingRows;',
};

/** Examples with a value result that cannot run here, each with the reason. Keep this short. */
const NOT_RUNNABLE: Record<string, string> = {
  // A claim about a stream ("true when the error rate has risen"), shown on a detector's first update:
  // no data given here could make one update of a fresh detector report drift.
  'drift/detectors/ddm.ts: const ddm = createDdm(); ddm.update(prediction === label ? 0 : 1).drift':
    "a fresh detector's first update is never drift; the result describes a stream",
  'drift/detectors/hddm-a.ts: const hddm = createHddmA(); hddm.update(isError ? 1 : 0).drift':
    "a fresh detector's first update is never drift; the result describes a stream",
};

interface Example {
  readonly file: string; // relative to src/
  readonly line: number;
  readonly code: string;
  readonly result: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every `@example … // => …` of every TSDoc comment (`/** … *\/`) in a file. */
function examplesOf(path: string): Example[] {
  const text = readFileSync(path, 'utf8');
  const file = relative(srcDir, path).split('\\').join('/');
  const found: Example[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = text.slice(0, comment.index).split('\n').length;
    const lines = comment[0].split('\n').map((l) =>
      l
        .replace(/^\s*\/\*\*\s?/, '')
        .replace(/\s*\*\/$/, '')
        .replace(/^\s*\*\s?/, ''),
    );
    let current: { line: number; parts: string[] } | undefined;
    const flush = () => {
      const joined = current?.parts.filter((p) => p.length > 0).join(' ') ?? '';
      const at = joined.indexOf('// =>');
      if (current && at >= 0) {
        found.push({
          file,
          line: current.line,
          code: joined.slice(0, at).trim(),
          result: joined.slice(at + '// =>'.length).trim(),
        });
      }
      current = undefined;
    };
    lines.forEach((l, i) => {
      if (/^@example\b/.test(l)) {
        flush();
        current = { line: startLine + i, parts: [l.slice('@example'.length).trim()] };
      } else if (/^@\w/.test(l)) flush();
      else current?.parts.push(l.trim());
    });
    flush();
  }
  return found;
}

// ---- The expected side: a literal, read from its syntax tree (so a number keeps the digits it was written with).

type Expected =
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'atom'; readonly value: string | boolean | null | undefined }
  | { readonly kind: 'array'; readonly items: readonly Expected[]; readonly rest: boolean }
  | { readonly kind: 'object'; readonly entries: readonly [string, Expected][]; readonly rest: boolean };

const REST = '__rest__';

/** The literal `text` denotes, or undefined when it is not one. */
function literalOf(text: string): Expected | undefined {
  const source = text.replaceAll('…', REST);
  const sf = ts.createSourceFile('x.ts', `(${source});`, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  if ((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length > 0) return undefined;
  const statement = sf.statements[0];
  if (sf.statements.length !== 1 || !statement || !ts.isExpressionStatement(statement)) return undefined;
  let node: ts.Expression = statement.expression;
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  // The whole source must be the literal: `(a) (b)` is a call, not a literal.
  if (node.getStart(sf) !== 1 || node.end !== source.length + 1) return undefined;
  try {
    return read(node, sf);
  } catch {
    return undefined;
  }
}

function read(node: ts.Expression, sf: ts.SourceFile): Expected {
  if (ts.isNumericLiteral(node)) return { kind: 'number', value: Number(node.text), text: node.getText(sf) };
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return { kind: 'atom', value: node.text };
  if (node.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'atom', value: true };
  if (node.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'atom', value: false };
  if (node.kind === ts.SyntaxKind.NullKeyword) return { kind: 'atom', value: null };
  if (ts.isIdentifier(node)) {
    if (node.text === 'undefined') return { kind: 'atom', value: undefined };
    if (node.text === 'NaN' || node.text === 'Infinity')
      return { kind: 'number', value: Number(node.text), text: node.text };
  }
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    const inner = read(node.operand, sf);
    if (inner.kind !== 'number') throw new Error('not a literal');
    return { kind: 'number', value: -inner.value, text: `-${inner.text}` };
  }
  if (ts.isArrayLiteralExpression(node)) {
    const elements = [...node.elements];
    const last = elements.at(-1);
    const rest = last !== undefined && ts.isIdentifier(last) && last.text === REST;
    if (rest) elements.pop();
    return { kind: 'array', items: elements.map((e) => read(e, sf)), rest };
  }
  if (ts.isObjectLiteralExpression(node)) {
    let rest = false;
    const entries: [string, Expected][] = [];
    for (const p of node.properties) {
      if (ts.isShorthandPropertyAssignment(p) && p.name.text === REST) rest = true;
      else if (
        ts.isPropertyAssignment(p) &&
        !ts.isComputedPropertyName(p.name) &&
        !ts.isPrivateIdentifier(p.name)
      )
        entries.push([p.name.text, read(p.initializer, sf)]);
      else throw new Error('not a literal');
    }
    return { kind: 'object', entries, rest };
  }
  throw new Error('not a literal');
}

/** The longest leading part of a result (cut at a space) that is a literal, and the remark after it. */
function resultValue(result: string): { expected: Expected; text: string } | undefined {
  const words = result.split(' ');
  for (let n = words.length; n >= 1; n -= 1) {
    const text = words.slice(0, n).join(' ');
    const expected = literalOf(text);
    if (expected) return { expected, text };
  }
  return undefined;
}

// ---- Comparison.

function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '');
  return mantissa.replace(/^0+/, '').length;
}

function numberMatches(actual: number, e: { value: number; text: string }): boolean {
  if (Object.is(actual, e.value)) return true;
  const integer = /^-?\d+$/.test(e.text);
  if (integer || e.value === 0 || !Number.isFinite(e.value) || significantDigits(e.text) >= 16) return false;
  return Math.abs(actual - e.value) <= 1e-12 * Math.abs(e.value);
}

function show(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || typeof v === 'function') return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})`;
  try {
    const text = JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
    return text.length > 300 ? `${text.slice(0, 297)}...` : text;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Where and how `actual` differs from `expected`, or undefined when it matches. */
function mismatch(actual: unknown, expected: Expected, path: string): string | undefined {
  const got = `at ${path || 'the result'}: got ${show(actual)}`;
  switch (expected.kind) {
    case 'number':
      return typeof actual === 'number' && numberMatches(actual, expected)
        ? undefined
        : `${got}, expected ${expected.text}`;
    case 'atom':
      return Object.is(actual, expected.value) ? undefined : `${got}, expected ${show(expected.value)}`;
    case 'array': {
      if (!Array.isArray(actual)) return `${got}, expected an Array`;
      const lengthOk = expected.rest
        ? actual.length >= expected.items.length
        : actual.length === expected.items.length;
      if (!lengthOk)
        return `${got}, expected ${expected.rest ? 'at least ' : ''}${expected.items.length} items`;
      for (let i = 0; i < expected.items.length; i += 1) {
        const m = mismatch(actual[i], expected.items[i]!, `${path}[${i}]`);
        if (m) return m;
      }
      return undefined;
    }
    case 'object': {
      if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
        return `${got}, expected an object`;
      const keys = Object.keys(actual);
      const written = expected.entries.map(([k]) => k);
      if (!expected.rest) {
        const extra = keys.filter((k) => !written.includes(k));
        if (extra.length > 0) return `${got}, which has keys the example does not list: ${extra.join(', ')}`;
      }
      for (const [key, value] of expected.entries) {
        if (!Object.hasOwn(actual, key)) return `${got}, which has no key '${key}'`;
        const m = mismatch((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
        if (m) return m;
      }
      return undefined;
    }
  }
}

// ---- Running the code.

/** The code as an async function body that returns its last expression statement, or why it cannot be. */
function bodyOf(code: string): { body: string } | { error: string } {
  const sf = ts.createSourceFile('x.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const diagnostics = (sf as unknown as { parseDiagnostics: { messageText: unknown }[] }).parseDiagnostics;
  if (diagnostics.length > 0) return { error: `does not parse: ${String(diagnostics[0]!.messageText)}` };
  const last = sf.statements.at(-1);
  if (!last || !ts.isExpressionStatement(last)) return { error: 'does not end with an expression' };
  return {
    body: `${code.slice(0, last.getStart(sf))}\nreturn (${last.expression.getText(sf)});`,
  };
}

const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => unknown;

/** The exports of the file's nearest module index (src/<module>/index.ts) and of the file itself. */
async function scopeOf(file: string): Promise<Record<string, unknown>> {
  const scope: Record<string, unknown> = { ...root };
  let dir = dirname(join(srcDir, file));
  const indexes: string[] = [];
  while (dir.startsWith(srcDir) && dir !== srcDir) {
    const index = join(dir, 'index.ts');
    if (readdirSync(dir).includes('index.ts')) indexes.unshift(index);
    dir = dirname(dir);
  }
  for (const path of [...indexes, join(srcDir, file)])
    Object.assign(scope, await import(pathToFileURL(path).href));
  return scope;
}

async function run(example: Example): Promise<unknown> {
  const key = `${example.file}: ${example.code}`;
  const code = SETUPS[key] !== undefined ? `${SETUPS[key]}\n${example.code}` : example.code;
  const body = bodyOf(code);
  if ('error' in body) throw new Error(`the example's code ${body.error}`);
  const scope = await scopeOf(example.file);
  const names = Object.keys(scope).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
  const f = new AsyncFunction(...names, body.body);
  return f(...names.map((n) => scope[n]));
}

// ---- The examples, classified.

const all = sourceFiles(srcDir)
  .sort()
  .flatMap(examplesOf)
  .map((e) => ({
    ...e,
    name: `${e.file}:${e.line}: ${e.code} // => ${e.result}`,
    key: `${e.file}: ${e.code}`,
  }));
const withValue = all.flatMap((e) => {
  const value = resultValue(e.result);
  return value ? [{ ...e, ...value }] : [];
});
const prose = all.filter((e) => resultValue(e.result) === undefined);
const checked = withValue.filter((e) => NOT_RUNNABLE[e.key] === undefined);
const notRunnable = withValue.filter((e) => NOT_RUNNABLE[e.key] !== undefined);

describe('TSDoc examples', () => {
  it('finds the examples, and every entry of SETUPS and NOT_RUNNABLE names one', () => {
    console.info(
      `TSDoc examples with // =>: ${all.length}; values checked: ${checked.length}; ` +
        `not runnable (NOT_RUNNABLE): ${notRunnable.length}; prose results (code parsed only): ${prose.length}`,
    );
    expect(checked.length).toBeGreaterThanOrEqual(70);
    const keys = new Set(withValue.map((e) => e.key));
    for (const key of [...Object.keys(SETUPS), ...Object.keys(NOT_RUNNABLE)])
      expect(keys, key).toContain(key);
  });

  describe('value results, run and compared', () => {
    for (const example of checked)
      it(example.name, async () => {
        let actual: unknown;
        try {
          actual = await run(example);
        } catch (error) {
          throw new Error(
            `${example.file}:${example.line}: the example cannot run (${(error as Error).message}); make it ` +
              'self-contained, give its variables in SETUPS, or list it in NOT_RUNNABLE with the reason',
          );
        }
        const m = mismatch(actual, example.expected, '');
        expect(m, `${example.file}:${example.line}: ${example.code} // => ${example.text}`).toBeUndefined();
      });
  });

  describe('prose results: not compared, but the code must parse', () => {
    for (const example of prose)
      it(example.name, () => {
        const sf = ts.createSourceFile('x.ts', example.code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
        const diagnostics = (sf as unknown as { parseDiagnostics: { messageText: unknown }[] })
          .parseDiagnostics;
        expect(diagnostics.map((d) => String(d.messageText))).toEqual([]);
      });
  });
});

describe('the comparison rules', () => {
  const matches = (result: string, actual: unknown) => {
    const value = resultValue(result);
    if (!value) throw new Error(`not a value: ${result}`);
    return mismatch(actual, value.expected, '') === undefined;
  };

  it('reads the value and leaves the remark', () => {
    expect(resultValue('0.5 (one right of two)')?.text).toBe('0.5');
    expect(resultValue('0 for clean data')?.text).toBe('0');
    expect(resultValue('{ value: 1, … } (disjoint samples: 1 bit)')?.text).toBe('{ value: 1, … }');
    expect(resultValue("[{ code: 'A', … }] and more")?.text).toBe("[{ code: 'A', … }]");
    expect(resultValue('the profile of every line')).toBeUndefined();
    expect(resultValue('{ value, items, steps, trace }')).toBeUndefined();
    expect(resultValue('{ train: Frame, test: Frame }')).toBeUndefined();
    expect(resultValue('alert() once per change')).toBeUndefined();
  });

  it('compares numbers exactly, except short decimals within float rounding', () => {
    expect(matches('0.1', 0.09999999999999999)).toBe(true);
    expect(matches('0.3', 0.1 + 0.2)).toBe(true);
    expect(matches('0.164', 0.16425)).toBe(false);
    expect(matches('2', 2.0000000000000004)).toBe(false);
    expect(matches('0.09999999999999999', 0.1)).toBe(false);
    expect(matches('0', -0)).toBe(false);
    expect(matches('-0', -0)).toBe(true);
    expect(matches('NaN', Number.NaN)).toBe(true);
    expect(matches('-Infinity', Number.NEGATIVE_INFINITY)).toBe(true);
    expect(matches('1', '1')).toBe(false);
  });

  it('compares objects by their keys, arrays by length, unless … says there is more', () => {
    expect(matches('{ a: 1, b: [1, 2] }', { a: 1, b: [1, 2] })).toBe(true);
    expect(matches('{ a: 1 }', { a: 1, b: 2 })).toBe(false);
    expect(matches('{ a: 1, … }', { a: 1, b: 2 })).toBe(true);
    expect(matches('{ a: 1, b: 2 }', { a: 1 })).toBe(false);
    expect(matches('[1, 2]', [1, 2, 3])).toBe(false);
    expect(matches('[1, 2, …]', [1, 2, 3])).toBe(true);
    expect(matches('[1, 2]', new Float64Array([1, 2]))).toBe(false);
    expect(matches("[{ code: 'X', … }]", [{ code: 'X', extra: true }])).toBe(true);
    expect(matches("[{ code: 'X', … }]", [{ code: 'Y' }])).toBe(false);
  });

  it('runs statements and returns the last expression', async () => {
    const body = bodyOf('const a = [1]; a.push(2); a');
    expect('body' in body && (await new AsyncFunction(body.body)())).toEqual([1, 2]);
    expect(bodyOf('for (const x of xs) f(x)')).toEqual({ error: 'does not end with an expression' });
  });
});
