// lockstep/registry/sql runs in a browser: the module and PGlite are bundled for the browser with esbuild and
// loaded in headless Chromium (found as the browser determinism test finds it) from a made-up origin whose
// requests are answered from disk, so PGlite fetches its WASM and data files as it would on a web page. A
// missing Chromium fails the test (never a skip).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../browser/find-chromium.js';

const ORIGIN = 'http://lockstep.test';
const pgliteDist = fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/dist/', import.meta.url));
let close: (() => Promise<void>) | undefined;
afterAll(async () => {
  await close?.();
});

describe('SQL registry on PGlite in Chromium', () => {
  it('registers, moves an alias by compare-and-set and reads artifacts back checked, in the page', async () => {
    const entry = fileURLToPath(new URL('../../src/registry/sql/index.ts', import.meta.url));
    const bundle = await build({
      stdin: {
        contents: [
          "import { PGlite } from '@electric-sql/pglite';",
          `import { createSqlRegistry } from ${JSON.stringify(entry)};`,
          'const run = async () => {',
          '  const db = new PGlite();',
          '  const registry = createSqlRegistry({ client: db });',
          "  const v1 = await registry.createVersion({ name: 'flights', artifacts: { w: new Uint8Array([1, 2, 3]), cfg: { layers: 2 } } });",
          "  const v2 = await registry.createVersion({ name: 'flights' });",
          "  await registry.setAlias('flights', 'champion', 1, { expected: null });",
          "  let conflict = '';",
          "  try { await registry.setAlias('flights', 'champion', 2, { expected: null }); } catch (e) { conflict = e.code; }",
          "  const bytes = Array.from(await registry.readArtifact('flights@champion', 'w'));",
          "  const cfg = await registry.readJson('flights@champion', 'cfg');",
          '  const tables = (await db.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE \'lockstep_registry_%\'")).rows[0].n;',
          '  return { versions: [v1.version, v2.version], conflict, bytes, cfg, tables, hasProcess: typeof process !== "undefined" };',
          '};',
          'globalThis.runRegistry = () => run().catch((e) => ({ error: String(e && e.stack || e) }));',
        ].join('\n'),
        resolveDir: fileURLToPath(new URL('../../', import.meta.url)),
        sourcefile: 'pglite-browser-entry.ts',
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      // PGlite's Node-only branches import Node built-ins; in the page they are never reached, so each is an
      // empty CommonJS stub (any named import of it bundles).
      plugins: [
        {
          name: 'node-stubs',
          setup(b) {
            b.onResolve(
              {
                filter:
                  /^(node:)?(fs|fs\/promises|path|url|crypto|module|zlib|stream|stream\/promises|worker_threads|child_process|os|util)$/,
              },
              (args) => ({
                path: args.path,
                namespace: 'node-stub',
              }),
            );
            b.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({
              contents: 'module.exports = {};',
              loader: 'js',
            }));
          },
        },
      ],
    });
    const browser = await launchChromium();
    close = () => browser.close();
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/')
        return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>pglite</title>' });
      if (path === '/app.js')
        return route.fulfill({ contentType: 'text/javascript', body: bundle.outputFiles[0]!.text });
      const file = path.slice(1);
      if (/^[a-z]+\.(wasm|data)$/.test(file)) {
        const type = file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
        return route.fulfill({ contentType: type, body: readFileSync(`${pgliteDist}${file}`) });
      }
      return route.fulfill({ status: 404, body: 'not found' });
    });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${ORIGIN}/`);
    await page.addScriptTag({ url: `${ORIGIN}/app.js`, type: 'module' });
    await page
      .waitForFunction(
        () => typeof (globalThis as { runRegistry?: unknown }).runRegistry === 'function',
        null,
        {
          timeout: 20_000,
        },
      )
      .catch((error: Error) => {
        throw new Error(`the page did not load the bundle: ${error.message}\n${problems.join('\n')}`);
      });
    const result = await page.evaluate(() =>
      (globalThis as unknown as { runRegistry: () => Promise<unknown> }).runRegistry(),
    );
    expect(result).toEqual({
      versions: [1, 2],
      conflict: 'CONFLICT',
      bytes: [1, 2, 3],
      cfg: { layers: 2 },
      tables: 6,
      hasProcess: false,
    });
  }, 180_000);
});
