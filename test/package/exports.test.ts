// package.json#exports, typesVersions and the tsup entries describe the same modules; a module added to one
// and not the others would publish a subpath with no file, or a file with no subpath.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entries, typesOf } from '../../tsup.config.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

describe('package.json', () => {
  const modules = Object.keys(entries).filter((name) => name !== 'index');

  it('has one subpath per tsup entry, types first, ESM and CJS', () => {
    const subpaths = Object.keys(pkg.exports).filter((p) => p !== './package.json');
    expect(subpaths.sort()).toEqual(['.', ...modules.map((m) => `./${m}`)].sort());
    for (const name of ['index', ...modules]) {
      const entry = pkg.exports[name === 'index' ? '.' : `./${name}`];
      // Types are tsc's declarations of the entry's source file (with maps into the shipped src/).
      const source = entries[name as keyof typeof entries];
      expect(entry).toEqual({
        import: { types: typesOf(source, 'esm'), default: `./dist/${name}.js` },
        require: { types: typesOf(source, 'cjs'), default: `./dist/${name}.cjs` },
      });
      expect(Object.keys(entry.import)[0]).toBe('types');
    }
  });

  it('maps every subpath in typesVersions for node10 resolution', () => {
    expect(pkg.typesVersions['*']).toEqual(
      Object.fromEntries(modules.map((m) => [m, [typesOf(entries[m as keyof typeof entries], 'esm')]])),
    );
    expect(pkg.types).toBe(typesOf(entries.index, 'cjs'));
    expect(pkg.main).toBe('./dist/index.cjs');
  });

  it('declares no side effects, ESM, Node >= 20, and optional tfjs (and its WASM backend), arrow and parquet peers', () => {
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20');
    // parquet-wasm and pg: the command line reads Parquet, and a PostgreSQL registry, with them when installed.
    expect(pkg.peerDependenciesMeta).toEqual({
      '@tensorflow/tfjs': { optional: true },
      '@tensorflow/tfjs-backend-wasm': { optional: true },
      'apache-arrow': { optional: true },
      'parquet-wasm': { optional: true },
      pg: { optional: true },
    });
    expect(Object.keys(pkg.dependencies)).not.toContain('apache-arrow');
  });
});
