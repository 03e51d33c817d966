// Packaging is tested, not hoped: bundle small consumers of the *built* package (dist/, through
// package.json#exports, as a user's bundler would see it) and check bytes and contents.
// `npm test` builds before it runs Vitest; run `npm run build` first when running this file alone.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
let dir = '';

beforeAll(() => {
  if (!existsSync(join(root, 'dist/split.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before this test (npm test does)');
  }
  dir = mkdtempSync(join(tmpdir(), 'lockstep-bundle-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules/lockstep'), 'dir');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function bundle(source: string, options: { readonly external?: string[] } = {}) {
  const entry = join(dir, `entry-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(entry, source);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: options.external ?? [],
  });
  const code = result.outputFiles[0]!.contents;
  // Source files that put at least one byte into the bundle (parsed-then-dropped files do not count).
  const output = Object.values(result.metafile.outputs)[0]!;
  const contributing = Object.entries(output.inputs).filter(([, info]) => info.bytesInOutput > 0);
  const inputs = contributing.map(([path]) => path);
  // Bytes (minified, before gzip) from lockstep's own files, and the packages of everything else.
  const own = contributing
    .filter(([path]) => !path.includes('node_modules/'))
    .reduce((sum, [, info]) => sum + info.bytesInOutput, 0);
  const packages = [
    ...new Set(inputs.filter((path) => path.includes('node_modules/')).map(packageOf)),
  ].sort();
  return {
    gzip: gzipSync(code).length,
    inputs,
    own,
    packages,
    imports: output.imports.map(({ path, kind }) => ({ path, kind })),
    text: new TextDecoder().decode(code),
  };
}

/** The npm package a bundled file belongs to: `node_modules/@scope/name/…` → `@scope/name`. */
function packageOf(path: string): string {
  const parts = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

const FOREIGN = ['@tensorflow', 'apache-arrow', 'zod', 'seedrandom'];
// The Alea generator behind createRng (src/core/alea.ts) is marked by its multiplier.
const ALEA = '2091639';

describe('bundle size', () => {
  it("`import { assignSplit } from 'lockstep/split'` is at most 3 kB gzipped, with no tfjs, arrow, zod or rng", async () => {
    const { gzip, inputs, text } = await bundle(
      "import { assignSplit } from 'lockstep/split';\nconsole.log(assignSplit('user-1', { train: 0.8, eval: 0.1, test: 0.1 }, { salt: 'v1' }));\n",
    );
    expect(gzip).toBeLessThanOrEqual(3 * 1024);
    for (const name of FOREIGN) expect(inputs.filter((path) => path.includes(name))).toEqual([]);
    expect(text).not.toContain(ALEA);
  });

  it('the root entry tree-shakes to what is used', async () => {
    const { gzip, inputs, text } = await bundle(
      "import { hash32 } from 'lockstep';\nconsole.log(hash32('k'));\n",
    );
    expect(gzip).toBeLessThanOrEqual(2 * 1024);
    for (const name of FOREIGN) expect(inputs.filter((path) => path.includes(name))).toEqual([]);
    expect(text).not.toContain(ALEA);
  });

  // Measured 2026-12 (zod 4.6): profile 14.7 kB, with its readers 15.9 kB, parseProfile 12.1 kB,
  // mergeProfiles 24.3 kB. parseProfile 14.2 kB since core's bounded artifact reader (size, depth,
  // __proto__ keys; issue 15), which every loader shares. The hostile-input checks of toFrame (Frame-likes, Proxies, sparse arrays, Arrow
  // chunks that do not fit their buffers) and strict options added about 5 kB to each since 2026-11.
  it.each([
    ['profile', 16, "import { profile } from 'lockstep/stats';\nconsole.log(profile([{ x: 1 }]));\n", false],
    [
      'profile and its readers',
      17,
      "import { profile, quantiles, histogram, topValues, cdf } from 'lockstep/stats';\nconst p = profile([{ x: 1 }]);\nconsole.log(quantiles(p, 'x', [0.5]), histogram(p, 'x'), cdf(p, 'x', [1]), topValues);\n",
      false,
    ],
    [
      'parseProfile (zod/mini)',
      16,
      "import { parseProfile } from 'lockstep/stats';\nconsole.log(parseProfile('{}'));\n",
      true,
    ],
    [
      'mergeProfiles',
      26,
      "import { mergeProfiles } from 'lockstep/stats';\nconsole.log(mergeProfiles);\n",
      true,
    ],
  ])('lockstep/stats: %s is at most %i kB gzipped, with no tfjs or arrow', async (_name, kb, source, zod) => {
    const { gzip, inputs } = await bundle(source as string);
    expect(gzip).toBeLessThanOrEqual((kb as number) * 1024);
    for (const name of ['@tensorflow', 'apache-arrow', 'seedrandom'])
      expect(inputs.filter((path) => path.includes(name))).toEqual([]);
    // Building profiles needs no zod; only validating artifacts does, and then only zod/mini.
    expect(inputs.some((path) => path.includes('node_modules/zod/'))).toBe(zod);
    expect(inputs.filter((path) => path.includes('zod/v4/classic'))).toEqual([]);
  });

  it('lockstep/schema: the request path (compileValidator) is at most 8 kB gzipped, with no zod', async () => {
    const { gzip, inputs } = await bundle(
      "import { compileValidator } from 'lockstep/schema';\nconsole.log(compileValidator);\n",
    );
    expect(gzip).toBeLessThanOrEqual(8 * 1024);
    for (const name of ['@tensorflow', 'apache-arrow', 'node_modules/zod/'])
      expect(inputs.filter((path) => path.includes(name))).toEqual([]);
  });

  it.each([
    // compare measured 20.0 kB (2026-12): it reads data and profiles, with every method's checks, strict
    // per-feature options and findings; it runs per batch, never per request.
    ['compare', 22, "import { compare } from 'lockstep/drift';\nconsole.log(compare);\n", false],
    ['ksTest', 6, "import { ksTest } from 'lockstep/drift';\nconsole.log(ksTest([1], [2]));\n", false],
    [
      // 10.6 kB with the bounded artifact reader its state goes through.
      'createAdwin (state checked with zod/mini)',
      12,
      "import { createAdwin } from 'lockstep/drift';\nconsole.log(createAdwin({}).update(1));\n",
      true,
    ],
  ])(
    'lockstep/drift: %s is at most %i kB gzipped, with no tfjs, arrow or full zod',
    async (_name, kb, source, zod) => {
      const { gzip, inputs } = await bundle(source as string);
      expect(gzip).toBeLessThanOrEqual((kb as number) * 1024);
      for (const name of ['@tensorflow', 'apache-arrow', 'zod/v4/classic'])
        expect(inputs.filter((path) => path.includes(name))).toEqual([]);
      expect(inputs.some((path) => path.includes('node_modules/zod/'))).toBe(zod);
    },
  );

  it.each([
    // evaluate measured 14.5 kB (2026-12): every metric kernel, slices read through core's toFrame, Wilson
    // and bootstrap intervals with createRng; a single metric is 2.0 kB.
    ['evaluate', 16, "import { evaluate } from 'lockstep/evaluate';\nconsole.log(evaluate);\n"],
    ['rocAucScore', 3, "import { rocAucScore } from 'lockstep/evaluate';\nconsole.log(rocAucScore);\n"],
  ])('lockstep/evaluate: %s is at most %i kB gzipped, with no foreign code', async (_name, kb, source) => {
    const { gzip, packages, imports, text } = await bundle(source as string);
    expect(gzip).toBeLessThanOrEqual((kb as number) * 1024);
    expect(packages).toEqual([]);
    expect(imports).toEqual([]);
    expect((await bundle("import 'lockstep/evaluate';\n")).text.trim()).toBe('');
    expect(text).not.toMatch(/tensorflow|apache-arrow/);
  });

  it.each([
    // Measured 2026-12: a canary is the sticky rule (murmur3 and cumulative weights), argument checks, the
    // event observer and the optional meter (4.1 kB); a shadow adds the comparisons and bounded summaries
    // (5.5 kB); compareArms is the confidence sequence and the normal quantile (3.8 kB).
    ['canary', 5, "import { canary } from 'lockstep/router';\nconsole.log(canary);\n", []],
    ['shadow', 7, "import { shadow } from 'lockstep/router';\nconsole.log(shadow);\n", []],
    ['compareArms', 5, "import { compareArms } from 'lockstep/router';\nconsole.log(compareArms);\n", []],
    // A rollout carries its state artifact's zod/mini shape, the statistics and the memory store: 19.0 kB.
    [
      'createRollout',
      21,
      "import { createRollout, createMemoryRolloutStore } from 'lockstep/router';\nconsole.log(createRollout, createMemoryRolloutStore);\n",
      ['zod'],
    ],
  ])(
    'lockstep/router: %s is at most %i kB gzipped, with no driver and no node:',
    async (_name, kb, source, expected) => {
      const { gzip, packages, imports, text } = await bundle(source as string);
      expect(gzip).toBeLessThanOrEqual((kb as number) * 1024);
      expect(packages).toEqual(expected);
      expect(imports).toEqual([]);
      expect(text).not.toMatch(/node:|pglite|require\("pg"\)|tensorflow|apache-arrow/);
      expect((await bundle("import 'lockstep/router';\n")).text.trim()).toBe('');
    },
  );

  it.each([
    // Measured 2026-12: a monitor carries lockstep/stats' sketches (KLL, HyperLogLog, heavy hitters), drift's
    // compare with its tests and distances, the schema's single-row validator and the Prometheus writer: 52.1 kB.
    ['createMonitor', 'monitor', 56, ['zod']],
    // The query-pattern monitor: bins from a profile, count-min, HyperLogLog, its state checked: 9.8 kB.
    ['createQueryMonitor', 'monitor', 11, []],
    // The report is string building, one escape function, the palette and the SVG charts (distributions,
    // intervals, the timeline's lines): 15.1 kB.
    ['renderReport', 'report', 17, []],
  ])(
    '%s from lockstep/%s is at most %i kB gzipped, with no node: and nothing heavy',
    async (name, subpath, kb, expected) => {
      const { gzip, packages, imports, text } = await bundle(
        `import { ${name} } from 'lockstep/${subpath}';\nconsole.log(${name});\n`,
      );
      expect(gzip).toBeLessThanOrEqual((kb as number) * 1024);
      expect(packages).toEqual(expected);
      expect(imports).toEqual([]);
      expect(text).not.toMatch(/node:|tensorflow|apache-arrow|pglite/);
      expect((await bundle(`import 'lockstep/${subpath}';\n`)).text.trim()).toBe('');
    },
  );

  // createMemoryRegistry measured 10.1 kB (2026-12): the registry's rules written once (versions, aliases with
  // compare-and-set, history, keyset search, strict checks of every argument), SHA-256 and canonical JSON.
  it("`import { createMemoryRegistry } from 'lockstep/registry'` is at most 12 kB gzipped, with no node: imports", async () => {
    const { gzip, packages, imports, text } = await bundle(
      "import { createMemoryRegistry } from 'lockstep/registry';\nconsole.log(createMemoryRegistry);\n",
    );
    expect(gzip).toBeLessThanOrEqual(12 * 1024);
    expect(packages).toEqual([]);
    expect(imports).toEqual([]);
    expect(text).not.toMatch(/node:|tensorflow|apache-arrow/);
    expect((await bundle("import 'lockstep/registry';\n")).text.trim()).toBe('');
  });

  // createSqlRegistry measured 11.9 kB (2026-12): the registry's rules as above, the migrations and the SQL
  // storage; the driver (pg, PGlite) is the caller's, so none is bundled, and nothing of Node is imported.
  it("`import { createSqlRegistry } from 'lockstep/registry/sql'` is at most 14 kB gzipped, with no driver and no node:", async () => {
    const { gzip, packages, imports, text } = await bundle(
      "import { createSqlRegistry } from 'lockstep/registry/sql';\nconsole.log(createSqlRegistry);\n",
    );
    expect(gzip).toBeLessThanOrEqual(14 * 1024);
    expect(packages).toEqual([]);
    expect(imports).toEqual([]);
    expect(text).not.toMatch(/node:|pglite|require\("pg"\)|tensorflow|apache-arrow/);
    expect((await bundle("import 'lockstep/registry/sql';\n")).text.trim()).toBe('');
  });

  it('lockstep/evaluate: gate, parseGate and promote are at most 15 kB gzipped, with only zod/mini', async () => {
    // Measured at 14.0 kB (2026-12, zod 4): the checks, the artifact's zod/mini shape behind parseGate, and
    // promote (0.5 kB: it reaches the registry through the three methods it calls).
    const { gzip, packages, inputs } = await bundle(
      "import { gate, parseGate, promote } from 'lockstep/evaluate';\nconsole.log(gate, parseGate, promote);\n",
    );
    expect(gzip).toBeLessThanOrEqual(15 * 1024);
    expect(packages).toEqual(['zod']);
    expect(inputs.filter((path) => path.includes('zod/v4/classic'))).toEqual([]);
  });

  it('importing a module for nothing bundles nothing (no side effects)', async () => {
    for (const subpath of [
      'lockstep',
      'lockstep/split',
      'lockstep/stats',
      'lockstep/schema',
      'lockstep/drift',
    ]) {
      const { text } = await bundle(`import '${subpath}';\n`);
      expect(text.trim()).toBe('');
    }
  });

  it('createRng brings the Alea generator in when used', async () => {
    const { text } = await bundle(
      "import { createRng } from 'lockstep/split';\nconsole.log(createRng(1).next());\n",
    );
    expect(text).toContain(ALEA);
  });

  describe('lockstep/transform, lockstep/arrow and lockstep/tfjs', () => {
    it("`import { apply } from 'lockstep/transform'` (the request path) is at most 8 kB gzipped, with no foreign code", async () => {
      const { gzip, packages, imports, text } = await bundle(
        "import { apply } from 'lockstep/transform';\nconsole.log(apply);\n",
      );
      expect(gzip).toBeLessThanOrEqual(8 * 1024);
      // No zod (parseTransform is not used), no tfjs, no arrow, nothing else either.
      expect(packages).toEqual([]);
      expect(imports).toEqual([]);
      expect(text).not.toContain(ALEA);
    });

    it('tokenKey and apply are at most 12.5 kB gzipped: tokenKey alone brings HMAC (@noble/hashes) in', async () => {
      // Measured at 11.3 kB (2026-12): apply's 8.0 kB and @noble/hashes' HMAC-SHA256 behind tokenKey, the only
      // way in to it, so a bundle that does not tokenize carries none of it (the entry above).
      const { gzip, packages, imports } = await bundle(
        "import { tokenKey, apply } from 'lockstep/transform';\nconsole.log(tokenKey, apply);\n",
      );
      expect(gzip).toBeLessThanOrEqual(12.5 * 1024);
      expect(packages).toEqual(['@noble/hashes']);
      expect(imports).toEqual([]);
    });

    it('fit, applyBatch and parseTransform together are at most 35 kB gzipped, with only zod/mini', async () => {
      // Measured at 32.2 kB (2026-12, zod 4.6; 26.1 kB before strict options, core's defineArtifact and the
      // bounds and checks against hostile input); the ceiling leaves about 10 % for growth.
      const { gzip, packages, inputs } = await bundle(
        "import { fit, applyBatch, parseTransform } from 'lockstep/transform';\nconsole.log(fit, applyBatch, parseTransform);\n",
      );
      expect(gzip).toBeLessThanOrEqual(35 * 1024);
      expect(packages).toEqual(['zod']);
      expect(inputs.filter((path) => path.includes('zod/v4/classic'))).toEqual([]);
    });

    it('importing all of lockstep/transform pulls in no @tensorflow and no apache-arrow', async () => {
      const { packages, imports, text } = await bundle(
        "import * as transform from 'lockstep/transform';\nconsole.log(transform);\n",
      );
      // @noble/hashes comes with tokenKey only (the keyed tokens' HMAC); apply and fit never import it.
      expect(packages).toEqual(['@noble/hashes', 'zod']);
      expect(imports).toEqual([]);
      expect(text).not.toMatch(/tensorflow|apache-arrow/);
    });

    it("lockstep/arrow's toArrowTable is at most 52 kB gzipped, and apache-arrow (with its own dependencies) is the only foreign package", async () => {
      const { gzip, packages, own } = await bundle(
        "import { toArrowTable } from 'lockstep/arrow';\nconsole.log(toArrowTable);\n",
      );
      expect(gzip).toBeLessThanOrEqual(52 * 1024);
      const arrow = JSON.parse(
        readFileSync(join(root, 'node_modules/apache-arrow/package.json'), 'utf8'),
      ) as {
        dependencies: Record<string, string>;
      };
      const allowed = new Set(['apache-arrow', ...Object.keys(arrow.dependencies)]);
      expect(packages).toContain('apache-arrow');
      expect(packages.filter((name) => !allowed.has(name))).toEqual([]);
      // lockstep's own share is small: the matrix checks and the record-batch builder.
      // Measured 6.0 kB minified (2026-12): the matrix checks read every field once and refuse hostile input.
      expect(own).toBeLessThanOrEqual(7 * 1024);
    });

    it.each([
      [
        'toTensor',
        13,
        "import { toTensor } from 'lockstep/tfjs';\nconsole.log(toTensor);\n",
        ['@tensorflow/tfjs'],
      ],
      [
        'toTensor, createBatches and useBackend',
        16,
        "import { toTensor, createBatches, useBackend } from 'lockstep/tfjs';\nconsole.log(toTensor, createBatches, useBackend);\n",
        ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
      ],
      // Measured 12.1 and 15.0 kB (2026-12): toTensor runs applyBatch, so it carries toFrame's checks of
      // hostile input (about 4 kB since 2026-11); createBatches checks tensors and options.
    ])(
      "lockstep/tfjs with @tensorflow/* external: %s is at most %i kB gzipped of lockstep's own code",
      async (_name, kb, source, external) => {
        const { gzip, packages, imports } = await bundle(source as string, { external: ['@tensorflow/*'] });
        expect(gzip).toBeLessThanOrEqual((kb as number) * 1024);
        // Nothing foreign is bundled: tfjs stays external, and no arrow or zod comes along.
        expect(packages).toEqual([]);
        expect([...new Set(imports.map((i) => i.path))].sort()).toEqual(external);
        // The wasm backend registers itself on import, so it may only be imported when useBackend runs.
        for (const i of imports)
          expect(i).toEqual({
            path: i.path,
            kind: i.path === '@tensorflow/tfjs-backend-wasm' ? 'dynamic-import' : 'import-statement',
          });
      },
    );

    it('importing lockstep/transform, lockstep/arrow or lockstep/tfjs for nothing bundles nothing', async () => {
      for (const subpath of ['lockstep/transform', 'lockstep/arrow', 'lockstep/tfjs']) {
        const { text } = await bundle(`import '${subpath}';\n`, { external: ['@tensorflow/*'] });
        expect([subpath, text.trim()]).toEqual([subpath, '']);
      }
    });
  });
});

// The sizes the README and the guides state ("about N kB") are measurements too: each must stay within 10 %
// of what the bundle measures, so a figure cannot quietly go stale.
describe('bundle sizes stated in README.md and docs/', () => {
  const assignSplit =
    "import { assignSplit } from 'lockstep/split';\nconsole.log(assignSplit('user-1', { train: 0.8, eval: 0.1, test: 0.1 }, { salt: 'v1' }));\n";
  const apply = "import { apply } from 'lockstep/transform';\nconsole.log(apply);\n";
  it.each([
    ['README.md', "from 'lockstep/split'` bundles to at most 3 kB gzipped (tested; about ", assignSplit],
    ['docs/transform.md', "`import { apply } from 'lockstep/transform'` bundles to about ", apply],
    ['docs/transform.md', 'the kernel is about ', apply],
  ])('%s: "%s… kB" matches the measured bundle', async (file, before, source) => {
    const text = readFileSync(join(root, file), 'utf8').replace(/\s+/g, ' ');
    const at = text.indexOf(before);
    expect(at, `${file} no longer says "${before}… kB"`).toBeGreaterThanOrEqual(0);
    const stated = Number(/^([\d.]+) kB/.exec(text.slice(at + before.length))?.[1]);
    const { gzip } = await bundle(source);
    const measured = gzip / 1024;
    expect(
      Math.abs(stated - measured) / measured,
      `${file} says ${stated} kB; the bundle is ${measured.toFixed(2)} kB gzipped`,
    ).toBeLessThanOrEqual(0.1);
  });
});
