// DESIGN.md's import table, enforced: every .ts file under src/ is parsed and each import checked against
// the table in ./design-rules.ts. A failure names the file, the line, the import and the rule it breaks.
// The checker is first run on synthetic files that break each rule, so this test is known to be able to fail.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkDesignRules,
  findImports,
  formatViolation,
  type ImportTable,
  MAY_IMPORT,
  moduleOf,
  type SourceFile,
  tableCycles,
} from './design-rules.js';

const repo = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): SourceFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      if (!/\.[cm]?ts$/.test(entry.name)) return [];
      return [{ path: relative(repo, full).split('\\').join('/'), text: readFileSync(full, 'utf8') }];
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** The violations of synthetic files, as formatted lines. */
function check(files: Record<string, string>, table?: ImportTable): string[] {
  const list = Object.entries(files).map(([path, text]) => ({ path, text }));
  return checkDesignRules(list, table).map(formatViolation);
}

describe('the checker catches each kind of violation', () => {
  it('a module importing one it may not: split → stats, core → split, stats → drift by re-export', () => {
    expect(
      check({
        'src/split/assign.ts': "import { x } from '../stats/kll.js';\n",
        'src/core/frame.ts': "\n\nimport type { Split } from '../split/index.js';\n",
        'src/stats/index.ts': "export * from '../drift/index.js';\n",
      }),
    ).toEqual([
      "src/split/assign.ts:1: '../stats/kll.js': split imports stats, but split may import only core (DESIGN.md)",
      "src/core/frame.ts:3: '../split/index.js': core imports split, but core may import no module of ours (DESIGN.md)",
      "src/stats/index.ts:1: '../drift/index.js': stats imports drift, but stats may import only core (DESIGN.md)",
    ]);
  });

  it('multi-line, dynamic, require and type-level imports all count; comments and strings do not', () => {
    const violations = check({
      'src/router/canary.ts': [
        '// import { a } from "../stats/index.js";',
        'const text = "import { b } from \'../schema/index.js\'";',
        'import {',
        '  c,',
        '  d,',
        "} from '../stats/index.js';",
        "const m = await import('../drift/index.js');",
        "const r = require('../transform/index.js');",
        "type P = import('../schema/index.js').Schema;",
      ].join('\n'),
    });
    expect(violations.map((v) => v.split(':').slice(0, 3).join(':'))).toEqual([
      "src/router/canary.ts:3: '../stats/index.js'",
      "src/router/canary.ts:7: '../drift/index.js'",
      "src/router/canary.ts:8: '../transform/index.js'",
      "src/router/canary.ts:9: '../schema/index.js'",
    ]);
  });

  it('a computed dynamic import cannot be checked, so it fails', () => {
    expect(check({ 'src/report/html.ts': 'const m = await import(name);\n' })).toEqual([
      "src/report/html.ts:1: '<computed>': dynamic import with a computed specifier cannot be checked; use a string literal",
    ]);
  });

  it('node:* only in Node-only modules and *.node.ts files, bare built-in names too', () => {
    expect(
      check({
        'src/drift/compare.ts': "import { readFileSync } from 'node:fs';\n",
        'src/schema/infer.ts': "import { join } from 'path';\n",
        'src/stats/workers/pool.ts': "import { Worker } from 'node:worker_threads';\n",
        'src/registry/fs/store.ts': "import { readFile } from 'node:fs/promises';\nimport '../index.js';\n",
        'src/cli/main.ts': "import process from 'node:process';\nimport '../index.js';\n",
        'src/monitor/clock.node.ts': "import { hrtime } from 'node:process';\n",
      }),
    ).toEqual([
      "src/drift/compare.ts:1: 'node:fs': a Node built-in in drift, which must run in a browser (Node-only: stats/workers, registry/fs, cli and *.node.ts files)",
      "src/schema/infer.ts:1: 'path': a Node built-in in schema, which must run in a browser (Node-only: stats/workers, registry/fs, cli and *.node.ts files)",
    ]);
  });

  it('@tensorflow/* only in tfjs, even type-only; apache-arrow only in arrow at run time', () => {
    expect(
      check({
        'src/tfjs/tensor.ts': "import * as tf from '@tensorflow/tfjs';\n",
        'src/transform/apply.ts': "import type { Tensor } from '@tensorflow/tfjs';\n",
        'src/evaluate/metrics.ts': "const wasm = await import('@tensorflow/tfjs-backend-wasm');\n",
        'src/arrow/to-arrow.ts': "import { Table } from 'apache-arrow';\n",
        'src/core/frame.ts':
          "import type { Table } from 'apache-arrow';\nexport type { Vector } from 'apache-arrow';\n",
        'src/stats/read.ts': "type T = import('apache-arrow').Table;\n",
        'src/schema/infer.ts': "import { type Table } from 'apache-arrow';\n",
        'src/drift/compare.ts': "import { tableFromIPC } from 'apache-arrow';\n",
      }),
    ).toEqual([
      "src/transform/apply.ts:1: '@tensorflow/tfjs': only tfjs may import @tensorflow/*",
      "src/evaluate/metrics.ts:1: '@tensorflow/tfjs-backend-wasm': only tfjs may import @tensorflow/*",
      "src/schema/infer.ts:1: 'apache-arrow': only arrow may import apache-arrow at run time; elsewhere use `import type`",
      "src/drift/compare.ts:1: 'apache-arrow': only arrow may import apache-arrow at run time; elsewhere use `import type`",
    ]);
  });

  it('modules not written yet are checked when they appear, with their own rows of the table', () => {
    expect(
      check({
        'src/registry/sql/store.ts':
          "import { x } from '../memory.js';\nimport { y } from '../../core/errors.js';\n",
        'src/registry/fs/store.ts': "import { z } from '../sql/store.js';\n",
        'src/monitor/window.ts': "import '../drift/index.js';\nimport '../transform/index.js';\n",
        'src/tfjs/handler.ts': "import '../registry/index.js';\nimport '../stats/index.js';\n",
        'src/cli/main.ts':
          "import '../stats/workers/index.js';\nimport '../registry/fs/index.js';\nimport '../index.js';\n",
        'src/index.ts': "export * from './registry/fs/index.js';\nexport * from './tfjs/index.js';\n",
      }),
    ).toEqual([
      "src/registry/fs/store.ts:1: '../sql/store.js': registry/fs imports registry/sql, but registry/fs may import only registry, core (DESIGN.md)",
      "src/monitor/window.ts:2: '../transform/index.js': monitor imports transform, but monitor may import only core, stats, schema, drift (DESIGN.md)",
      "src/tfjs/handler.ts:2: '../stats/index.js': tfjs imports stats, but tfjs may import only transform, registry, evaluate, drift, schema, core (DESIGN.md)",
      "src/index.ts:1: './registry/fs/index.js': root imports registry/fs, but root may import only core, split, stats, schema, drift, transform, evaluate, registry, registry/sql, router, monitor, report (DESIGN.md)",
      "src/index.ts:2: './tfjs/index.js': root imports tfjs, but root may import only core, split, stats, schema, drift, transform, evaluate, registry, registry/sql, router, monitor, report (DESIGN.md)",
    ]);
  });

  it('a file outside every module, or an import leaving src/, fails until the table says where it belongs', () => {
    expect(
      check({
        'src/util.ts': 'export const a = 1;\n',
        'src/extras/thing.ts': "import '../core/errors.js';\n",
        'src/drift/version.ts': "import pkg from '../../package.json';\n",
        'src/drift/self.ts': "import { assignSplit } from 'lockstep/split';\nimport 'lockstep/nothing';\n",
      }),
    ).toEqual([
      "src/util.ts:1: 'src/util.ts': file belongs to no module of DESIGN.md (add the module to the table in test/package/design-rules.ts)",
      "src/extras/thing.ts:1: 'src/extras/thing.ts': file belongs to no module of DESIGN.md (add the module to the table in test/package/design-rules.ts)",
      "src/drift/version.ts:1: '../../package.json': resolves outside every module of src/",
      "src/drift/self.ts:1: 'lockstep/split': drift imports split, but drift may import only core, stats, schema (DESIGN.md)",
      "src/drift/self.ts:2: 'lockstep/nothing': names 'nothing', which is not a module of DESIGN.md",
    ]);
  });

  it('a cycle between modules, with the import behind each edge', () => {
    // The real table has no cycle (checked below), so a table that allows one is needed to see it reported.
    const loose: ImportTable = { a: ['b'], b: ['c'], c: ['a'], d: [] };
    expect(
      check(
        {
          'src/a/x.ts': "import '../b/y.js';\n",
          'src/b/y.ts': "\nimport '../c/z.js';\n",
          'src/c/z.ts': "import '../a/x.js';\n",
          'src/d/w.ts': 'export const w = 1;\n',
        },
        loose,
      ),
    ).toEqual([
      "src/a/x.ts:1: '../b/y.js': a cycle between modules: a → b (src/a/x.ts:1), b → c (src/b/y.ts:2), c → a (src/c/z.ts:1)",
    ]);
  });

  it('maps paths to modules by the longest listed prefix', () => {
    expect(moduleOf('src/index.ts')).toBe('root');
    expect(moduleOf('src/core/math/special.ts')).toBe('core');
    expect(moduleOf('src/stats/workers/worker.ts')).toBe('stats/workers');
    expect(moduleOf('src/stats/kll.ts')).toBe('stats');
    expect(moduleOf('src/registry/fs/index.ts')).toBe('registry/fs');
    expect(moduleOf('src/registry/sql')).toBe('registry/sql');
    expect(moduleOf('src/registry/memory.ts')).toBe('registry');
    expect(moduleOf('src/drift/detectors/adwin.ts')).toBe('drift');
    expect(moduleOf('src/helpers.ts')).toBeUndefined();
    expect(moduleOf('test/split/x.ts')).toBeUndefined();
  });
});

describe('the table', () => {
  it('allows no cycle, names only its own modules, and lets core import nothing', () => {
    expect(tableCycles()).toEqual([]);
    for (const allowed of Object.values(MAY_IMPORT)) {
      if (allowed !== 'every module') for (const m of allowed) expect(Object.keys(MAY_IMPORT)).toContain(m);
    }
    expect(MAY_IMPORT.core).toEqual([]);
  });
});

describe('src/ keeps the rules of DESIGN.md', () => {
  const files = sourceFiles(join(repo, 'src'));

  it('reads every module that exists, and finds their imports', () => {
    const modules = new Set(files.map((f) => moduleOf(f.path)));
    for (const m of ['root', 'core', 'split', 'stats', 'stats/workers', 'schema', 'drift', 'transform']) {
      expect(modules).toContain(m);
    }
    // Each module's index.ts re-exports its files, so a parser that found nothing would show here.
    for (const f of files.filter((f) => f.path.endsWith('/index.ts') || f.path === 'src/index.ts')) {
      expect(findImports(f.path, f.text).length, f.path).toBeGreaterThan(0);
    }
  });

  it('has no import that breaks the table, the package rules, the Node rule or the no-cycle rule', () => {
    expect(checkDesignRules(files).map(formatViolation)).toEqual([]);
  });
});
