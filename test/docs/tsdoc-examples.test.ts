// Every `@example <expression> // => <literal>` in src/ is evaluated against the public API and must give
// exactly that literal, so the documentation cannot drift from the code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';

const srcDir = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** A literal result: a number, a quoted string, true, false or null. Anything else is prose, not checked. */
function literal(text: string): { value: unknown } | undefined {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?(e-?\d+)?$/.test(t)) return { value: Number(t) };
  if (/^'[^']*'$/.test(t)) return { value: t.slice(1, -1) };
  if (t === 'true' || t === 'false' || t === 'null') return { value: JSON.parse(t) };
  return undefined;
}

const examples = sourceFiles(srcDir).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/@example (.+?) \/\/ => (.+)$/gm)].flatMap(
    ([, expression, result]) => {
      const expected = literal(result!);
      return expected
        ? [{ file: file.slice(srcDir.length + 1), expression: expression!, expected: expected.value }]
        : [];
    },
  ),
);

describe('TSDoc examples', () => {
  it('finds the examples with literal results', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  it.each(examples)('$file: $expression', ({ expression, expected }) => {
    const names = Object.keys(root);
    const evaluate = new Function(...names, `return (${expression});`);
    expect(evaluate(...names.map((n) => (root as Record<string, unknown>)[n]))).toBe(expected);
  });
});
