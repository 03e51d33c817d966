// The report in a real browser: headless Chromium (found and launched by test/browser/find-chromium.ts)
// loads each kind of report, with JavaScript enabled and disabled. Every request the page makes is routed
// here and refused, so the test fails on any request at all; any console error (a CSP violation is one)
// or page error fails it too. The key text must be visible, each chart laid out, and a full-page
// screenshot of each report is written to reports/report-<kind>.png, which CI keeps as an artifact.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/render.js';
import { launchChromium } from '../browser/find-chromium.js';
import { flightsComparison, flightsGate, flightsRollout, flightsSnapshot } from './fixtures.js';

const reportsDir = join(import.meta.dirname, '../../reports');

let browser: Browser | undefined;
let setupError: Error | undefined;

beforeAll(async () => {
  try {
    browser = await launchChromium();
  } catch (error) {
    setupError = error instanceof Error ? error : new Error(String(error));
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Loaded {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly requests: string[];
  readonly errors: string[];
}

async function load(html: string, javaScriptEnabled: boolean): Promise<Loaded> {
  if (!browser) throw new Error(`report browser test: could not start Chromium: ${setupError?.message}`);
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1000, height: 800 } });
  const requests: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', async (route) => {
    requests.push(route.request().url());
    await route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!requests.includes(r.url())) requests.push(r.url());
  });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, context, requests, errors };
}

/** What every report must do in the browser, with and without JavaScript. */
async function check(kind: string, html: string, visible: readonly string[]): Promise<Page[]> {
  const pages: Page[] = [];
  for (const javaScriptEnabled of [true, false]) {
    const { page, requests, errors } = await load(html, javaScriptEnabled);
    expect(requests, `requests made by the ${kind} report`).toEqual([]);
    expect(errors, `errors of the ${kind} report`).toEqual([]);
    for (const text of visible)
      await expect.poll(() => page.getByText(text, { exact: false }).first().isVisible()).toBe(true);
    // Every chart is laid out (non-zero size) and labelled; every table header is scoped.
    const charts = await page.$$eval('svg', (svgs) =>
      svgs.map((s) => {
        const box = s.getBoundingClientRect();
        return {
          w: box.width,
          h: box.height,
          role: s.getAttribute('role'),
          label: s.getAttribute('aria-label') ?? s.querySelector('title')?.textContent ?? '',
        };
      }),
    );
    for (const c of charts) {
      expect(c.w).toBeGreaterThan(100);
      expect(c.h).toBeGreaterThan(20);
      expect(c.role).toBe('img');
      expect(c.label.length).toBeGreaterThan(10);
    }
    const unscoped = await page.$$eval(
      'th',
      (ths) => ths.filter((t) => !['col', 'row'].includes(t.getAttribute('scope') ?? '')).length,
    );
    expect(unscoped).toBe(0);
    // The stylesheet applied (the CSP allows it): badges are white on colour.
    const badge = await page.$eval('.b', (b) => getComputedStyle(b).color);
    expect(badge).toBe('rgb(255, 255, 255)');
    pages.push(page);
  }
  mkdirSync(reportsDir, { recursive: true });
  const png = await pages[1]!.screenshot({ fullPage: true });
  writeFileSync(join(reportsDir, `report-${kind}.png`), png);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  for (const p of pages) await p.context().close();
  return pages;
}

describe('reports in headless Chromium', () => {
  it('a drift comparison: the drifted feature in the summary, an svg per feature', async () => {
    const { reference, current, report } = flightsComparison();
    const html = renderReport(report, { reference, current, generatedAt: '2001-04-01T00:00:00Z' });
    writeFileSync(join(mkdirp(), 'report-comparison.html'), html);
    const { page } = await load(html, false);
    const summaryLinks = await page.$$eval('#summary li a', (as) => as.map((a) => a.textContent));
    expect(summaryLinks).toEqual(['date']);
    expect(await page.$$eval('section.f', (s) => s.map((x) => x.querySelectorAll('svg').length))).toEqual([
      1, 1, 1, 1, 1,
    ]);
    await page.context().close();
    await check('comparison', html, [
      '1 of 5 features drifted',
      'Jensen–Shannon divergence (bits) 0.1442 ≥ 0.1',
    ]);
  }, 120_000);

  it('a gate: failed checks first, by slice', async () => {
    await check('gate', renderReport(flightsGate()), ['gate failed', 'Slice origin=SEA: 2 of 2 failed']);
  }, 120_000);

  it('a rollout: the current step marked, comparisons and history', async () => {
    const html = renderReport(flightsRollout());
    await check('rollout', html, ['flights-canary', 'current: failed here', 'Rollout history']);
    const { page } = await load(html, false);
    expect(await page.$eval('li[aria-current="step"]', (li) => getComputedStyle(li).fontWeight)).toBe('600');
    await page.context().close();
  }, 120_000);

  it('a monitor snapshot and a list of findings', async () => {
    await check('snapshot', renderReport(flightsSnapshot()), [
      'Findings: 1 error, 1 warning',
      'ALERT_FIRING',
    ]);
    const finding = {
      code: 'DRIFT_HIGH',
      severity: 'error',
      message: 'date drifted (0.1442 ≥ 0.1)',
      feature: 'date',
    };
    await check('findings', renderReport([finding]), ['DRIFT_HIGH']);
  }, 120_000);

  it('the traps can fail: a page with an image and a script is caught', async () => {
    const { requests, errors, context } = await load(
      '<!doctype html><title>t</title><img src="http://example.invalid/x.png"><script>console.error("boom")</script>',
      true,
    );
    expect(requests).toContain('http://example.invalid/x.png');
    expect(errors.some((e) => e.includes('boom'))).toBe(true);
    await context.close();
  }, 120_000);

  it('hostile text stays text: no script runs, no request is made', async () => {
    const payload = '<img src=x onerror="console.error(1)"><script>console.error(2)</script>';
    const html = renderReport([{ code: payload, severity: 'error', message: payload, feature: payload }], {
      title: payload,
    });
    const { page, requests, errors, context } = await load(html, true);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.$$('img, script')).toHaveLength(0);
    expect(await page.textContent('h1')).toBe(payload);
    await context.close();
  }, 120_000);
});

function mkdirp(): string {
  mkdirSync(reportsDir, { recursive: true });
  return reportsDir;
}
