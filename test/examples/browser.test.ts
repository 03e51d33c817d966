// examples/browser in headless Chromium (found by test/browser/find-chromium.ts; a missing browser fails,
// never skips). A model is trained into a memory registry (examples/shared), the example is built from it
// (artifacts exported, page bundled with esbuild) and served on loopback; the page scores 200 March flights
// and its answers are compared with Node's service path for the same requests: `apply` on the transform
// read from the registry, and the model loaded from the registry by alias.
//   - features: bit-identical (the same lockstep/transform code on the same artifact);
//   - scores: bit-identical to Node on the same backend (tfjs CPU, which the page uses), and within 1e-6 of
//     Node's WASM backend (the one the model was trained on: XNNPACK sums in another order).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createMemoryRegistry } from 'lockstep/registry';
import { useBackend } from 'lockstep/tfjs';
import { apply } from 'lockstep/transform';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowserExample, marchFlights } from '../../examples/browser/build.js';
import type { FlightsScorer, ScoredBits } from '../../examples/browser/page.js';
import { type StaticServer, serveDirectory } from '../../examples/browser/serve.js';
import { loadFlightsModel, trainFlightsModel } from '../../examples/shared/flights-model.js';
import { launchChromium } from '../browser/find-chromium.js';

const ROWS = 200;

let dir: string | undefined;
let server: StaticServer | undefined;
let browser: Browser | undefined;
let page: Page | undefined;
let setupError: Error | undefined;
const problems: string[] = [];
const registry = createMemoryRegistry();

beforeAll(async () => {
  try {
    (await trainFlightsModel(registry, { actor: 'browser-test' })).model.dispose();
    dir = mkdtempSync(join(tmpdir(), 'lockstep-browser-example-'));
    await buildBrowserExample({ registry, outDir: dir, minify: false });
    server = await serveDirectory(dir);
    browser = await launchChromium();
    const p = await browser.newPage();
    p.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
    });
    p.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // Nothing but the loopback server: any other request is a failure.
    await p.route('**/*', (route) =>
      route.request().url().startsWith(server!.url) ? route.continue() : route.abort(),
    );
    p.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await p.goto(server.url);
    await p.evaluate(() => window.flightsScorer.then(() => undefined));
    page = p;
  } catch (error) {
    setupError = error instanceof Error ? error : new Error(String(error));
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function readyPage(): Page {
  if (page) return page;
  throw new Error(`examples/browser: the page did not start: ${setupError?.message ?? 'unknown'}`);
}

const f32 = (bits: readonly number[]) => new Float32Array(Uint32Array.from(bits).buffer);

describe('examples/browser', () => {
  it('scores March flights in Chromium exactly as the Node service path does', async () => {
    const p = readyPage();
    const flights = marchFlights(ROWS);
    expect(flights).toHaveLength(ROWS);
    const inPage = await p.evaluate(async (rows) => {
      const scorer: FlightsScorer = await window.flightsScorer;
      return { ref: scorer.ref, backend: scorer.backend, ...scorer.score(rows) };
    }, flights);
    expect(inPage.ref).toBe('flights-delay/1');
    expect(inPage.backend).toBe('cpu');

    // Node: what a service does per request, with the champion read back from the registry.
    const served = await loadFlightsModel(registry);
    const width = served.transform.columns.length;
    expect(inPage.columns).toBe(width);
    const features = new Float32Array(ROWS * width);
    flights.forEach((f, i) => {
      features.set(apply(served.transform, { ...f, date: new Date(f.date) }), i * width);
    });
    expect(Array.from(new Uint32Array(features.buffer))).toEqual(inPage.features);

    const predict = () =>
      tf.tidy(
        () =>
          (
            served.model.predict(tf.tensor2d(features, [ROWS, width])) as tf.Tensor
          ).dataSync() as Float32Array,
      );
    await useBackend('cpu');
    const cpu = predict();
    await useBackend('wasm');
    const wasm = predict();
    served.model.dispose();
    const page32 = f32(inPage.scores);
    expect(Array.from(new Uint32Array(cpu.buffer))).toEqual(inPage.scores);
    const worst = page32.reduce((m, s, i) => Math.max(m, Math.abs(s - wasm[i]!)), 0);
    expect(worst).toBeLessThanOrEqual(1e-6);
    expect(page32.every((s) => s > 0 && s < 1)).toBe(true);
    // The scores are not all alike: a model that ignored its input would pass the checks above.
    expect(new Set(page32).size).toBeGreaterThan(ROWS / 2);
    expect(problems).toEqual([]);
  }, 120_000);

  it('renders the sample flights and answers the form', async () => {
    const p = readyPage();
    await expect.poll(() => p.locator('#flights tbody tr').count()).toBe(50);
    expect(await p.locator('#status').textContent()).toMatch(
      /^flights-delay\/1 \(flights-delay@champion\), transform [0-9a-f]{12}…, 383 features, tfjs cpu backend$/,
    );
    await p.locator('#request button').click();
    await expect.poll(() => p.locator('#answer').textContent()).toMatch(/^P\(delay > 15 min\) = \d+\.\d %$/);
    // The form's answer is the scorer's answer for the same request.
    const expected = await p.evaluate(async () => {
      const scorer = await window.flightsScorer;
      const bits: ScoredBits = scorer.score([
        { date: '2001-03-20T17:30:00Z', distance: 1745, origin: 'ORD', destination: 'LAX' },
      ]);
      return bits.scores;
    });
    expect(await p.locator('#answer').textContent()).toBe(
      `P(delay > 15 min) = ${(100 * f32(expected)[0]!).toFixed(1)} %`,
    );
    expect(problems).toEqual([]);
  }, 60_000);
});
