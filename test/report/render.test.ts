import { describe, expect, it } from 'vitest';
import { compare } from '../../src/drift/compare.js';
import { gate } from '../../src/evaluate/gate.js';
import { escapeHtml, formatNumber } from '../../src/report/html.js';
import { renderReport } from '../../src/report/render.js';
import { profile } from '../../src/stats/profile.js';
import { catchLockstep } from '../helpers/errors.js';
import {
  flightsComparison,
  flightsGate,
  flightsRollout,
  flightsSnapshot,
  month,
  wideComparison,
} from './fixtures.js';

/** The HTML of the section with this id, up to its own closing tag. */
function sectionText(html: string, id: string): string {
  const start = html.search(new RegExp(`<section[^>]* id="${id}"`));
  expect(start, `section #${id}`).toBeGreaterThanOrEqual(0);
  let depth = 0;
  const re = /<section\b|<\/section>/g;
  re.lastIndex = start;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[0] === '</section>' ? -1 : 1;
    if (depth === 0) return html.slice(start, m.index);
  }
  throw new Error(`unclosed section #${id}`);
}

const count = (html: string, needle: string | RegExp) =>
  typeof needle === 'string' ? html.split(needle).length - 1 : (html.match(needle) ?? []).length;

describe('renderReport: a drift comparison (January against March flights)', () => {
  const { reference, current, report } = flightsComparison();
  const html = renderReport(report, { reference, current, generatedAt: '2001-04-01T00:00:00Z' });

  it('is one self-contained document: no script, no external resource, a CSP that forbids both', () => {
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|url\(|@import|@font-face|https?:/i);
  });

  it('puts the summary first, naming the drifted feature and the data-set verdict', () => {
    expect(report.features.filter((f) => f.drifted).map((f) => f.feature)).toEqual(['date']);
    const summary = sectionText(html, 'summary');
    expect(html.indexOf('id="summary"')).toBeLessThan(html.indexOf('id="features"'));
    expect(summary).toContain('<strong>1 of 5 features drifted</strong>');
    expect(summary).toContain('<a href="#f0">date</a>: Jensen–Shannon divergence (bits) 0.1442 ≥ 0.1');
    expect(summary).toContain('no data-set drift');
  });

  it('draws one chart per feature: a histogram for numbers, paired bars for categories', () => {
    expect(count(html, '<svg ')).toBe(5);
    expect(count(html, 'role="img"')).toBe(5);
    const delay = sectionText(html, 'f1');
    expect(delay).toContain('<h3 id="f1-h">delay</h3>');
    // Reference bars and the current step line over the same 24 bins.
    expect(delay).toMatch(/<path class="r" d="M[^"]+"\/><path class="c" d="M[^"]+"\/>/);
    expect(delay).toMatch(
      /aria-label="delay: histogram of the reference \(bars\) and current \(line\) values in 24 bins/,
    );
    expect(delay).toContain('0.03394 &lt; 0.1');
    const origin = sectionText(html, 'f3');
    expect(origin).toContain('top 10 values');
    // The most frequent origins, with their shares on each side (from the profiles' frequencies).
    const dfw = (side: typeof reference) =>
      side.features.find((f) => f.name === 'origin')!.categorical!.frequencies.find(([v]) => v === 'DFW')![1];
    const share = (n: number, total: number) => `${((n / total) * 100).toFixed(1)}%`;
    expect(origin).toContain(
      `DFW ${share(dfw(reference), reference.rows)} → ${share(dfw(current), current.rows)}`,
    );
  });

  it('states each feature’s metric, statistic, threshold and verdict', () => {
    for (const [i, f] of report.features.entries()) {
      const card = sectionText(html, `f${i === 0 ? 0 : i}`);
      expect(card).toContain(`<dt>Statistic</dt><dd>${formatNumber(f.statistic)}</dd>`);
      expect(card).toContain(`<dt>Threshold</dt><dd>${formatNumber(f.threshold)}`);
      expect(card).toContain(f.drifted ? 'drifted' : 'no drift');
      expect(card).toContain(escapeHtml(f.reason));
    }
  });

  it('without profiles draws the bins contributing most, or says why there is nothing to draw', () => {
    const plain = renderReport(report);
    expect(count(plain, '<svg ')).toBe(3); // date, origin, destination carry `top`; delay and distance do not
    expect(sectionText(plain, 'f1')).toContain('No distribution to draw');
    expect(sectionText(plain, 'f0')).toContain('the bins contributing most to the statistic');
  });

  it('lists anomalies and skipped features as findings tables', () => {
    const withSchema = compare(month('01').slice(0, 300), month('03').slice(0, 300), {
      features: ['delay', 'origin'],
      missingThreshold: 0,
    });
    const page = renderReport(withSchema);
    expect(sectionText(page, 'anomalies')).toContain('None.');
    const skipped = compare(
      [{ a: 1, t: 'x y z' }],
      [
        { a: 2, t: 'x y' },
        { a: null, t: 'q' },
      ],
      { missingThreshold: 0.1 },
    );
    const p2 = renderReport(skipped);
    expect(sectionText(p2, 'anomalies')).toContain('MISSING_SHARE_CHANGED');
    expect(p2).toMatch(/<th scope="col">Code<\/th><th scope="col">Severity<\/th>/);
  });

  it('is small: 20 features with their profiles under 60 kB', () => {
    const wide = wideComparison();
    expect(wide.report.features.length).toBe(20);
    const page = renderReport(wide.report, { reference: wide.reference, current: wide.current });
    const bytes = new TextEncoder().encode(page).length;
    console.info(
      `report of 20 features: ${bytes} bytes; 5 features: ${new TextEncoder().encode(html).length}`,
    );
    expect(count(page, '<svg ')).toBe(20);
    expect(bytes).toBeLessThan(60_000);
  });

  it('maxFeatures and maxRows cut the page and say so', () => {
    const page = renderReport(report, { reference, current, maxFeatures: 2, maxRows: 3 });
    expect(count(page, '<svg ')).toBe(2);
    expect(page).toContain('3 more feature cards not shown (raise options.maxFeatures to show them).');
    expect(page).toContain('2 more features not shown (raise options.maxRows to show them).');
  });
});

describe('renderReport: a gate', () => {
  const g = flightsGate();
  const html = renderReport(g);

  it('summarises the verdict and lists the failed checks first', () => {
    expect(g.passed).toBe(false);
    const failed = g.checks.filter((c) => !c.passed);
    const summary = sectionText(html, 'summary');
    expect(summary).toContain(`<strong>${failed.length} of ${g.checks.length} checks failed</strong>`);
    expect(summary).toContain('gate failed');
    expect(summary).toContain('<dt>Candidate</dt><dd>flights/4</dd><dt>Baseline</dt><dd>flights/3</dd>');
    expect(count(summary, '<li>')).toBe(failed.length);
  });

  it('groups checks by slice: failing groups first, the whole batch first among them, failed checks first', () => {
    const headings = [...html.matchAll(/<h3 id="g\d+-h">([^<]+)<\/h3>/g)].map((m) => m[1]);
    // Overall fails its floor; SEA fails rocAuc and logLoss; ORD fails logLoss; PDX passes.
    expect(headings).toEqual([
      'Overall: 1 of 3 failed',
      'Slice origin=SEA: 2 of 2 failed',
      'Slice origin=ORD: 1 of 2 failed',
      'Slice origin=PDX: 0 of 2 failed',
    ]);
    const ord = sectionText(html, 'g3');
    expect(ord.indexOf('failed</span>')).toBeLessThan(ord.indexOf('passed</span>'));
    expect(ord).toContain('<th scope="row">NOT_WORSE</th>');
  });

  it('refuses profiles, which mean nothing for a gate', () => {
    const { reference } = flightsComparison();
    catchLockstep(() => renderReport(g, { reference }), {
      code: 'INVALID_ARGUMENT',
      arg: 'options.reference',
    });
  });

  it('renders a passed gate from its JSON too', () => {
    const ok = gate({
      candidate: { metrics: { rocAuc: { value: 0.9 } } },
      rules: { floors: { rocAuc: 0.8 } },
    });
    const page = renderReport(JSON.parse(JSON.stringify(ok)));
    expect(page).toContain('gate passed');
    expect(page).toContain('<title>Gate report: passed</title>');
  });
});

describe('renderReport: a rollout state', () => {
  const state = flightsRollout();
  const html = renderReport(state, { generatedAt: '2026-03-01T11:00:00Z' });

  it('summarises phase, weight, step and reason', () => {
    const summary = sectionText(html, 'summary');
    expect(summary).toContain('<span class="b be">failed</span>');
    expect(summary).toContain(
      'step 4 of 5: analyze until the metrics are shown not worse (at most 20000 requests or 60 min)',
    );
    expect(summary).toContain(
      '<dt>Reason</dt><dd>latencyMs: the candidate is worse than the baseline beyond the margin 5</dd>',
    );
    expect(summary).toContain('Worse than the baseline: latencyMs.');
  });

  it('marks the current step, and the ones done', () => {
    const steps = sectionText(html, 'steps');
    expect(count(steps, '<li')).toBe(5);
    expect(count(steps, 'aria-current="step"')).toBe(1);
    expect(steps).toContain('<li aria-current="step">analyze until');
    expect(steps).toContain('set the candidate&#39;s weight to 5.0% (done)');
    expect(steps).toContain('pause for 2000 requests (done)');
    expect(steps).toContain('(current: failed here)');
    expect(steps).toContain('set the candidate&#39;s weight to 100.0% (to come)');
  });

  it('shows comparisons with their intervals, and the history in order', () => {
    const comparisons = sectionText(html, 'comparisons');
    expect(comparisons).toContain('[7.1, 17.9]');
    expect(comparisons).toMatch(
      /<svg [^>]*role="img" aria-label="Candidate minus baseline per metric: latencyMs: estimate 12.5, interval 7.1 to 17.9, worse; error: estimate 0.002, interval -0.008 to 0.012, inconclusive"/,
    );
    const events = sectionText(html, 'events');
    const types = [...events.matchAll(/<td>(started|weight|stepDone|failed)<\/td>/g)].map((m) => m[1]);
    expect(types).toEqual(['started', 'weight', 'stepDone', 'weight', 'failed']);
    expect(events).toContain('<td>deploy-bot</td>');
    expect(html).toContain('generated 2026-03-01T11:00:00Z');
  });
});

describe('renderReport: findings and monitor snapshots', () => {
  it('renders any list of core findings, worst first', () => {
    const html = renderReport([
      {
        code: 'FEATURE_SKIPPED',
        severity: 'info',
        message: 'free text',
        feature: 't',
        reasonCode: 'NO_DISTRIBUTION',
      },
      { code: 'DRIFT_HIGH', severity: 'error', message: 'delay drifted', feature: 'delay', count: 3 },
    ]);
    expect(html.indexOf('DRIFT_HIGH')).toBeLessThan(html.indexOf('FEATURE_SKIPPED'));
    expect(html).toContain('1 error, 1 info');
    expect(html).toContain('reasonCode: NO_DISTRIBUTION');
    expect(html).toContain('count: 3');
  });

  it('renders a snapshot by shape: facts, drift rows, findings, alert and window tables', () => {
    const html = renderReport(flightsSnapshot());
    const summary = sectionText(html, 'summary');
    expect(summary).toContain('<dt>at</dt><dd>983534400000 (2001-03-02T12:00:00.000Z)</dd>');
    expect(summary).toContain('<dt>totals.requests</dt><dd>70990</dd>');
    expect(summary).toContain('<dt>model.version</dt><dd>flights/4</dd>');
    // The window's findings are the snapshot's too: each counted once.
    expect(summary).toMatch(/Findings: 1 error, 1 warning/);
    expect(html).not.toContain('not rendered');
    // The current window's drift rows as a comparison: date drifted, its card drawn from `top`.
    expect(html).toContain('<h3 id="x1-f0-h">date</h3>');
    expect(html).toContain('ALERT_FIRING');
    expect(html).toMatch(/<th scope="col">rule<\/th><th scope="col">metric<\/th><th scope="col">state<\/th>/);
    // Both the monitor's kind and the issue's spelling are accepted.
    expect(renderReport({ ...flightsSnapshot(), kind: 'lockstep.monitorSnapshot' })).toBe(html);
  });

  it('names fields of shapes it cannot render', () => {
    const html = renderReport({ kind: 'lockstep.monitor.snapshot', blob: [[1, 2]], n: 3 });
    expect(html).toContain('Fields of other shapes, not rendered: blob.');
  });
});

describe('renderReport: what it refuses', () => {
  it('anything of no known kind or shape, saying what it takes', () => {
    for (const input of [undefined, null, 3, 'x', {}, { kind: 'lockstep.profile' }, { features: [] }]) {
      const e = catchLockstep(() => renderReport(input), {
        code: 'INVALID_ARGUMENT',
        fn: 'renderReport',
        arg: 'input',
      });
      expect(e.message).toMatch(
        /must be a drift comparison \(compare\(\)'s result\), a lockstep.gate or lockstep.rollout artifact, a lockstep.monitorSnapshot or an array of findings/,
      );
    }
    catchLockstep(() => renderReport([{ code: 'X', severity: 'fatal', message: 'm' }]), { arg: 'input[0]' });
  });

  it('a field of the wrong type, by its path', () => {
    const g = JSON.parse(JSON.stringify(flightsGate()));
    g.checks[3].passed = 'yes';
    catchLockstep(() => renderReport(g), {
      code: 'INVALID_ARGUMENT',
      arg: 'input.checks[3].passed',
      message: `renderReport: argument 'input.checks[3].passed' must be a boolean, got "yes"`,
    });
  });

  it('unknown option keys, naming the closest; values out of range', () => {
    catchLockstep(() => renderReport([], { titel: 'x' } as never), {
      code: 'INVALID_ARGUMENT',
      message: /unknown key "titel" \(did you mean "title"\?\)/,
    });
    catchLockstep(() => renderReport([], { maxFeature: 3 } as never), {
      message: /did you mean "maxFeatures"/,
    });
    catchLockstep(() => renderReport([], { maxFeatures: 0 }), { arg: 'options.maxFeatures' });
    catchLockstep(() => renderReport([], { bins: 1.5 }), { arg: 'options.bins' });
    catchLockstep(() => renderReport([], { generatedAt: 17 as never }), { arg: 'options.generatedAt' });
    catchLockstep(() => renderReport([], { title: '' }), { arg: 'options.title' });
    catchLockstep(() => renderReport(flightsComparison().report, { reference: { kind: 'x' } }), {
      arg: 'options.reference',
    });
  });
});

describe('renderReport: escaping', () => {
  const payloads = [
    '<script>alert(1)</script>',
    '"onload="alert(1)',
    "'><img src=x onerror=alert(1)>",
    '</svg><script>x</script>',
    '&lt;already&gt;',
    'a\u0000b\uD800c',
  ];

  it('makes hostile feature names, categories, messages and titles inert text', () => {
    const rows = (shift: number) =>
      Array.from({ length: 60 }, (_, i) => ({
        [payloads[0]!]: i + shift,
        [payloads[1]!]: payloads[(i + shift) % payloads.length]!,
      }));
    const ref = profile(rows(0));
    const cur = profile(rows(3));
    const html = renderReport(compare(ref, cur), {
      reference: ref,
      current: cur,
      title: payloads[2],
      generatedAt: payloads[3],
    });
    const findings = renderReport(
      payloads.map((p) => ({ code: p, severity: 'error', message: p, feature: p, [p]: p })),
      { title: payloads[1] },
    );
    for (const page of [html, findings]) {
      expect(page).not.toMatch(/<script|<img|\uD800(?![\uDC00-\uDFFF])/);
      expect(page.includes('\u0000')).toBe(false);
      // Every '<' opens one of the report's tags, whose attributes are all the report's own: values are
      // double-quoted and hold no '"' (escaped), so the tokenizer below reads a tag exactly as a browser does.
      const open = [...page.matchAll(/<([a-zA-Z][\w-]*)((?:\s[a-zA-Z:-]+(?:="[^"<>]*")?)*)\s*\/?>/g)];
      const close = page.match(/<\/[a-zA-Z][\w-]*>/g) ?? [];
      expect(open.length + close.length + 1).toBe(count(page, '<')); // + <!doctype html>
      const names = new Set(open.map((m) => m[1]!));
      const attributes = new Set(
        open.flatMap((m) => [...m[2]!.matchAll(/\s([a-zA-Z:-]+)(?:="[^"]*")?/g)].map((x) => x[1]!)),
      );
      for (const name of names)
        expect([
          'html',
          'head',
          'meta',
          'title',
          'style',
          'body',
          'header',
          'h1',
          'h2',
          'h3',
          'p',
          'main',
          'section',
          'strong',
          'span',
          'a',
          'ul',
          'ol',
          'li',
          'table',
          'caption',
          'thead',
          'tbody',
          'tr',
          'th',
          'td',
          'dl',
          'dt',
          'dd',
          'figure',
          'figcaption',
          'svg',
          'path',
          'text',
          'circle',
          'br',
        ]).toContain(name);
      for (const attribute of attributes)
        expect([
          'lang',
          'charset',
          'name',
          'content',
          'http-equiv',
          'id',
          'aria-labelledby',
          'class',
          'href',
          'scope',
          'viewBox',
          'width',
          'height',
          'role',
          'aria-label',
          'aria-hidden',
          'aria-current',
          'd',
          'x',
          'y',
          'text-anchor',
          'cx',
          'cy',
          'r',
          'title',
        ]).toContain(attribute);
    }
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;onload=&quot;alert(1)');
    expect(findings).toContain('&amp;lt;already&amp;gt;');
    expect(findings).toContain('a\uFFFDb\uFFFDc');
  });

  it('escapeHtml escapes the five characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">'&'</a> é ✓`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; é ✓',
    );
  });
});

describe('renderReport: determinism', () => {
  it('gives the same bytes for the same input, fresh or from JSON', () => {
    const { reference, current, report } = flightsComparison();
    const a = renderReport(report, { reference, current });
    const b = renderReport(JSON.parse(JSON.stringify(report)), {
      reference: JSON.parse(JSON.stringify(reference)),
      current: JSON.parse(JSON.stringify(current)),
    });
    expect(b).toBe(a);
    expect(renderReport(flightsGate())).toBe(renderReport(flightsGate()));
    expect(renderReport(flightsRollout())).toBe(renderReport(JSON.parse(JSON.stringify(flightsRollout()))));
  });

  it('never reads the clock: the page holds no time but generatedAt', () => {
    const realNow = Date.now;
    Date.now = () => {
      throw new Error('clock read');
    };
    try {
      const html = renderReport(flightsRollout());
      expect(html).not.toContain('generated');
    } finally {
      Date.now = realNow;
    }
  });
});
