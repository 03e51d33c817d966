// The root entry (`lockstep`) is `export *` of every browser-safe module. Two star exports of one name
// bound to different things make that name ambiguous: TypeScript reports it, and at run time an ES module
// silently leaves the name out. So the root's names must be exactly the union of the browser-safe
// subpaths' names, and a name exported by several subpaths must be one binding (as LockstepError and the
// metrics are: each is core's, re-exported). The check compares the subpaths' bindings directly, because
// vitest loads src/ through vite's module transform, whose `export *` keeps the first binding rather than
// dropping the name; names that are only types are checked by tsc, which rejects an ambiguous type export
// in src/index.ts (TS2308).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entries } from '../../tsup.config.js';

/** Subpaths left out of the root entry, and why. Every other entry must be in it. */
const NOT_IN_ROOT: Record<string, string> = {
  arrow: 'imports apache-arrow, an optional peer dependency',
  tfjs: 'imports @tensorflow/tfjs, an optional peer dependency',
  'stats/workers': 'Node only (node:worker_threads)',
  'registry/fs': 'Node only (node:fs)',
};

/** Names the root entry exports that no subpath does. */
const ROOT_ONLY = ['fingerprint', 'DEFAULT_ARTIFACT_LIMITS'];

const load = (source: string): Promise<Record<string, unknown>> =>
  import(join(import.meta.dirname, '../..', source));

describe('the root entry', () => {
  const subpaths = Object.keys(entries).filter((name) => name !== 'index' && !(name in NOT_IN_ROOT));

  it('leaves out only the subpaths it says why', () => {
    for (const name of Object.keys(NOT_IN_ROOT)) expect(Object.keys(entries)).toContain(name);
    expect(subpaths.sort()).toEqual([
      'drift',
      'evaluate',
      'monitor',
      'registry',
      'registry/sql',
      'report',
      'router',
      'schema',
      'split',
      'stats',
      'transform',
    ]);
  });

  it("exports exactly the union of the browser-safe subpaths' names, each one binding", async () => {
    const root = await load(entries.index);
    const union = new Map<string, { value: unknown; from: string }>();
    const conflicts: string[] = [];
    for (const name of subpaths) {
      const module = await load(entries[name as keyof typeof entries]);
      for (const [key, value] of Object.entries(module)) {
        const seen = union.get(key);
        if (seen === undefined) union.set(key, { value, from: name });
        else if (seen.value !== value) conflicts.push(`${key}: lockstep/${seen.from} and lockstep/${name}`);
      }
    }
    expect(conflicts, 'names bound differently in two subpaths').toEqual([]);
    expect(Object.keys(root).sort()).toEqual([...union.keys(), ...ROOT_ONLY].sort());
    for (const [key, { value }] of union) expect(root[key], key).toBe(value);
  });

  it('would catch an ambiguous name: a star export of two bindings of one name drops it', async () => {
    // The failure this test guards against, shown on two synthetic modules (data: URLs, real ESM linking).
    const a = `data:text/javascript,${encodeURIComponent('export const metric = () => 1; export const onlyA = 1;')}`;
    const b = `data:text/javascript,${encodeURIComponent('export const metric = () => 2;')}`;
    const both = `data:text/javascript,${encodeURIComponent(`export * from '${a}'; export * from '${b}';`)}`;
    const module = await import(/* @vite-ignore */ both);
    expect(Object.keys(module)).toEqual(['onlyA']);
  });
});
