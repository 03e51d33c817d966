// What `npm pack` ships, read from npm itself (`npm pack --dry-run --json`), so "files", .npmignore rules and
// npm's own always-included files are all accounted for:
// - every relative link in README.md and docs/*.md reaches a file (and heading) that is in the package, since
//   the README and docs are read on the registry and in node_modules, where the repository is not;
// - source and declaration maps point at shipped src/ files and embed no copy of them;
// - the CommonJS declarations import only CommonJS declarations.
// The dist/ checks need a build: `npm test` builds before it runs Vitest; run `npm run build` first alone.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let shipped = new Set<string>();

beforeAll(() => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [packed] = JSON.parse(out) as { files: { path: string }[] }[];
  shipped = new Set(packed!.files.map((file) => file.path));
}, 60_000);

// ---------------------------------------------------------------------------------------------------------
// Links. A link is `[text](target)`, `![alt](target)` or a `[label]: target` definition, outside code.

const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

const FENCED = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm;

/** The text with fenced code blocks and inline code blanked out (line numbers kept). */
function prose(text: string): string {
  return text
    .replace(FENCED, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/(`+)[\s\S]*?\1/g, (code) => code.replace(/[^\n]/g, ' '));
}

function links(text: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  const body = prose(text);
  const patterns = [
    /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
    /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm,
  ];
  for (const pattern of patterns)
    for (const match of body.matchAll(pattern))
      found.push({ target: match[1]!, line: body.slice(0, match.index).split('\n').length });
  return found;
}

/**
 * GitHub's heading anchors: lower case, punctuation dropped, each space a hyphen, repeats numbered. Inline
 * code counts (`## \`lockstep/stats\`` is #lockstepstats); headings inside code blocks do not exist.
 */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of text.replace(FENCED, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = match[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

const headingAnchors = (file: string) => anchors(readFileSync(join(root, file), 'utf8'));

describe('links in README.md and docs/*.md', () => {
  it('finds the documents, and links in them', () => {
    expect(documents).toContain('docs/split.md');
    const all = documents.flatMap((file) => links(readFileSync(join(root, file), 'utf8')));
    expect(all.length).toBeGreaterThan(10);
  });

  it.each(documents)('%s: every relative link reaches a shipped file and an existing heading', (file) => {
    const broken: string[] = [];
    for (const { target, line } of links(readFileSync(join(root, file), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // https:, mailto:, …
      const [path = '', anchor] = target.split('#', 2) as [string, string | undefined];
      const resolved = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), decodeURI(path)));
      const where = `${file}:${line} → ${target}`;
      if (resolved.startsWith('../')) broken.push(`${where}: outside the package`);
      else if (!existsSync(join(root, resolved))) broken.push(`${where}: no such file`);
      else if (!shipped.has(resolved) && ![...shipped].some((p) => p.startsWith(`${resolved}/`)))
        broken.push(`${where}: ${resolved} is not in the package (package.json#files)`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !headingAnchors(resolved).has(anchor))
        broken.push(`${where}: ${resolved} has no heading #${anchor}`);
    }
    expect(broken).toEqual([]);
  });

  it('the checker itself catches a missing file, an unshipped file and a missing heading', () => {
    const text = [
      '[ok](docs/split.md) [gone](docs/nothing.md) ![img](test/fixtures/split-golden.json)',
      '`[not a link](in/code.md)` [anchor](#quick-start)',
      '```md',
      '[also not](in/a/block.md)',
      '```',
      '[label]: docs/drift.md#no-such-heading',
    ].join('\n');
    expect(links(text).map((link) => [link.target, link.line])).toEqual([
      ['docs/split.md', 1],
      ['docs/nothing.md', 1],
      ['test/fixtures/split-golden.json', 1],
      ['#quick-start', 2],
      ['docs/drift.md#no-such-heading', 6],
    ]);
    expect(shipped.has('docs/split.md')).toBe(true);
    expect(shipped.has('test/fixtures/split-golden.json')).toBe(false);
    expect(headingAnchors('README.md').has('quick-start')).toBe(true);
    expect(headingAnchors('docs/drift.md').has('no-such-heading')).toBe(false);
    expect(anchors('## `lockstep/stats`\n## A, b & c\n## A, b & c')).toEqual(
      new Set(['lockstepstats', 'a-b--c', 'a-b--c-1']),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Maps and declarations.

function builtFiles(pattern: RegExp): string[] {
  if (!existsSync(join(root, 'dist/split.js')))
    throw new Error('dist/ is missing: run `npm run build` before this test (npm test does)');
  return [...shipped].filter((path) => pattern.test(path));
}

describe('what ships', () => {
  it('only the command, the build, the source, the docs, the README, the license and package.json', () => {
    const tops = new Set([...shipped].map((path) => (path.includes('/') ? `${path.split('/')[0]}/` : path)));
    expect([...tops].sort()).toEqual([
      'LICENSE',
      'README.md',
      'bin/',
      'dist/',
      'docs/',
      'package.json',
      'src/',
    ]);
    // package.json#bin: the `lockstep` command, a node script importing the built CLI module.
    expect(pkg.bin).toEqual({ lockstep: './bin/lockstep.js' });
    expect(shipped.has('bin/lockstep.js')).toBe(true);
    expect(shipped.has('dist/cli.js')).toBe(true);
    expect(readFileSync(join(root, 'bin/lockstep.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('every file package.json points at is shipped', () => {
    const targets: string[] = [pkg.main, pkg.module, pkg.types];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') targets.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(pkg.exports);
    walk(pkg.typesVersions);
    builtFiles(/./);
    const missing = targets.map((path) => posix.normalize(path)).filter((path) => !shipped.has(path));
    expect(missing).toEqual([]);
  });

  it('source maps and declaration maps embed no source and point only at shipped src/ files', () => {
    const maps = builtFiles(/\.map$/);
    expect(maps.filter((path) => /\.d\.c?ts\.map$/.test(path)).length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const map of maps) {
      const { sources, sourcesContent, sourceRoot } = JSON.parse(readFileSync(join(root, map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
        sourceRoot?: string;
      };
      if (sourcesContent?.some((content) => content !== null)) problems.push(`${map}: embeds its sources`);
      for (const source of sources) {
        const path = posix.normalize(posix.join(dirname(map), sourceRoot ?? '', source));
        if (!path.startsWith('src/') || !shipped.has(path))
          problems.push(`${map}: ${source} is not a shipped src/ file`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('declarations come one per source file, each as ESM (.d.ts) and CJS (.d.cts), with no hashed chunks', () => {
    const esm = builtFiles(/\.d\.ts$/);
    const cjs = builtFiles(/\.d\.cts$/);
    expect(esm.length).toBeGreaterThan(50);
    expect(cjs.map((path) => path.replace(/\.d\.cts$/, '.d.ts')).sort()).toEqual(esm.sort());
    for (const path of esm) {
      expect(path.startsWith('dist/types/')).toBe(true);
      expect(shipped.has(path.replace(/^dist\/types\//, 'src/').replace(/\.d\.ts$/, '.ts'))).toBe(true);
    }
    // A .d.cts importing './x.js' would resolve to the ESM x.d.ts, which CommonJS cannot require.
    const wrong = cjs.flatMap((path) =>
      [...readFileSync(join(root, path), 'utf8').matchAll(/(?:from|import\()\s*['"](\.[^'"]*)['"]/g)]
        .map((match) => match[1]!)
        .filter((specifier) => !specifier.endsWith('.cjs'))
        .map((specifier) => `${path}: ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });
});
