// metricsText() against the Prometheus text exposition format 0.0.4, checked by a small parser written
// from the spec (prometheus.io/docs/instrumenting/exposition_formats): metric and label names, HELP and
// TYPE before a family's samples, each family once and contiguous, escaping in label values and HELP,
// Go float syntax (+Inf, -Inf, NaN), a final line feed, no series twice; summaries as name{quantile},
// name_sum and name_count. The parser is first shown to refuse text that breaks each rule.
import { describe, expect, it } from 'vitest';
import { createMonitor } from '../../src/monitor/monitor.js';
import { escapeLabelValue, formatFamilies, formatValue } from '../../src/monitor/prometheus.js';
import { profile } from '../../src/stats/profile.js';

interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}
interface ParsedFamily {
  readonly name: string;
  help?: string;
  type?: string;
  readonly samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^(?:[+-]?Inf|NaN|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

function unescapeText(text: string, allowed: RegExp, at: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => {
    if (!allowed.test(c)) throw new Error(`${at}: bad escape \\${c}`);
    return c === 'n' ? '\n' : c;
  });
}

/** Parses exposition text, throwing at the first line that breaks the format. */
function parse(text: string): ParsedFamily[] {
  if (!text.endsWith('\n')) throw new Error('must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const order: string[] = [];
  const series = new Set<string>();
  let current: ParsedFamily | undefined;
  const family = (name: string, at: string): ParsedFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, samples: [] };
      families.set(name, f);
      order.push(name);
    } else if (current !== f) throw new Error(`${at}: family ${name} appears twice (not contiguous)`);
    current = f;
    return f;
  };
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`${at}: bad metric name ${name}`);
      const f = family(name, at);
      if (f.samples.length > 0) throw new Error(`${at}: ${kind} after samples of ${name}`);
      if (kind === 'HELP') {
        if (f.help !== undefined) throw new Error(`${at}: HELP twice for ${name}`);
        f.help = unescapeText(rest, /[\\n]/, at);
      } else {
        if (f.type !== undefined) throw new Error(`${at}: TYPE twice for ${name}`);
        if (!TYPES.includes(rest)) throw new Error(`${at}: bad type ${rest}`);
        f.type = rest;
      }
      return;
    }
    const m = /^([^\s{]+)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!m) throw new Error(`${at}: not a sample: ${line}`);
    const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
    if (!METRIC_NAME.test(name)) throw new Error(`${at}: bad metric name ${name}`);
    if (!FLOAT.test(valueText)) throw new Error(`${at}: bad value ${valueText}`);
    const labels: Record<string, string> = {};
    if (labelText !== undefined && labelText !== '') {
      const re = /([^=,]+)="((?:[^"\\]|\\.)*)"(,|$)/gy;
      let consumed = 0;
      for (let lm = re.exec(labelText); lm !== null; lm = re.exec(labelText)) {
        const [, ln, lv] = lm as unknown as [string, string, string];
        if (!LABEL_NAME.test(ln)) throw new Error(`${at}: bad label name ${ln}`);
        if (ln in labels) throw new Error(`${at}: label ${ln} twice`);
        if (/\n/.test(lv)) throw new Error(`${at}: raw line feed in a label value`);
        labels[ln] = unescapeText(lv, /[\\"n]/, at);
        consumed = re.lastIndex;
        if (lm[3] === '') break;
      }
      if (consumed !== labelText.length) throw new Error(`${at}: bad labels {${labelText}}`);
    }
    const base = [...families.keys()].find(
      (f) =>
        name === f ||
        (['_sum', '_count', '_bucket'].some((s) => name === f + s) && families.get(f)!.type !== 'counter'),
    );
    const f = family(base ?? name, at);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`${at}: series ${key} twice`);
    series.add(key);
    const value =
      valueText === '+Inf' || valueText === 'Inf'
        ? Infinity
        : valueText === '-Inf'
          ? -Infinity
          : Number(valueText);
    f.samples.push({ name, labels, value });
  });
  return order.map((n) => families.get(n)!);
}

describe('the spec parser refuses what breaks the format', () => {
  it.each([
    ['no final line feed', 'a 1'],
    ['a bad metric name', '# TYPE 1a gauge\n1a 1\n'],
    ['a bad label name', 'a{1b="x"} 1\n'],
    ['a bad escape', 'a{b="\\t"} 1\n'],
    ['an unescaped quote', 'a{b="x"y"} 1\n'],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['a family twice', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n'],
    ['a bad value', 'a one\n'],
    ['a series twice', 'a{x="1"} 1\na{x="1"} 2\n'],
    ['HELP twice', '# HELP a x\n# HELP a y\na 1\n'],
  ])('%s', (_, text) => {
    expect(() => parse(text)).toThrow();
  });
});

describe('metricsText', () => {
  const weird = 'de"lay\\ms\nnow';
  const baseline = profile(
    Array.from({ length: 50 }, (_, i) => ({ [weird]: i, origin: ['SEA', 'PDX'][i % 2]!, 'x y': i })),
  );
  let t = 1_000_000;
  const m = createMonitor({
    baseline,
    window: { requests: 50 },
    now: () => t,
    labels: {},
    model: { version: 'v"1', createdAt: 0 },
    transform: { features: [{ name: 'origin' }] },
    alerts: [{ name: 'slow\\"', metric: 'latency.p95', above: 20 }],
  });
  for (let i = 0; i < 120; i++) {
    t += 100;
    m.observe({
      input: { [weird]: i + 10, origin: i % 3 === 0 ? 'BOS' : 'SEA', 'x y': i },
      prediction: i % 10 === 0 ? null : 0.25,
      latencyMs: i % 40,
      error: i % 25 === 0,
      key: `k${i}`,
      features: { missing: i % 2 === 0 ? [{ feature: 'origin' }] : [], outOfVocabulary: [] },
    });
  }
  m.label('k119', 1);
  const text = m.metricsText();
  const families = parse(text);
  const byName = new Map(families.map((f) => [f.name, f]));

  it('every family has HELP and TYPE, once, and conventional names', () => {
    expect(families.length).toBeGreaterThan(15);
    for (const f of families) {
      expect(f.help, f.name).toBeTruthy();
      expect(f.type, f.name).toBeTruthy();
      expect(f.name.startsWith('lockstep_')).toBe(true);
      if (f.type === 'counter') expect(f.name.endsWith('_total')).toBe(true);
    }
  });

  it('counters are cumulative; gauges are the last closed window', () => {
    expect(byName.get('lockstep_requests_total')!.samples[0]!.value).toBe(120);
    expect(byName.get('lockstep_request_errors_total')!.samples[0]!.value).toBe(5);
    expect(byName.get('lockstep_predictions_null_total')!.samples[0]!.value).toBe(12);
    expect(byName.get('lockstep_window_requests')!.samples[0]!.value).toBe(50);
    expect(byName.get('lockstep_prediction_null_ratio')!.samples[0]!.value).toBe(5 / 50);
    expect(byName.get('lockstep_labels_total')!.samples[0]!.value).toBe(1);
    expect(byName.get('lockstep_model_age_seconds')!.samples[0]).toEqual({
      name: 'lockstep_model_age_seconds',
      labels: { version: 'v"1' },
      value: 1_012,
    });
  });

  it('latency is a summary in seconds: quantiles, _sum and _count', () => {
    const f = byName.get('lockstep_latency_seconds')!;
    expect(f.type).toBe('summary');
    expect(f.samples.map((s) => [s.name, s.labels.quantile])).toEqual([
      ['lockstep_latency_seconds', '0.5'],
      ['lockstep_latency_seconds', '0.95'],
      ['lockstep_latency_seconds', '0.99'],
      ['lockstep_latency_seconds_sum', undefined],
      ['lockstep_latency_seconds_count', undefined],
    ]);
    let sum = 0;
    for (let i = 0; i < 120; i++) sum += i % 40;
    expect(f.samples[3]!.value).toBeCloseTo(sum / 1000, 12);
    expect(f.samples[4]!.value).toBe(120);
    expect(f.samples[2]!.value).toBeLessThan(0.04);
  });

  it('label values with backslash, quote and line feed round-trip through the escaping', () => {
    const drift = byName.get('lockstep_feature_drift')!;
    expect(drift.samples.map((s) => s.labels.feature)).toEqual([weird, 'origin', 'x y']);
    expect(text).toContain('lockstep_feature_drift{feature="de\\"lay\\\\ms\\nnow"}');
    expect(byName.get('lockstep_alerts_firing')!.samples[0]!.labels.rule).toBe('slow\\"');
    expect(byName.get('lockstep_feature_imputed_ratio')!.samples).toEqual([
      { name: 'lockstep_feature_imputed_ratio', labels: { feature: 'origin' }, value: 25 / 50 },
    ]);
    expect(byName.get('lockstep_feature_unseen_ratio')!.samples[0]!.labels.feature).toBe('origin');
  });

  it('formats +Inf, -Inf, NaN and -0 as Go reads them; escapes HELP', () => {
    expect([Infinity, -Infinity, Number.NaN, -0, 1e-7, 0.1].map(formatValue)).toEqual([
      '+Inf',
      '-Inf',
      'NaN',
      '0',
      '1e-7',
      '0.1',
    ]);
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const out = formatFamilies([
      {
        name: 'x',
        help: 'back\\slash\nnew line',
        type: 'gauge',
        samples: [{ value: Infinity }, { labels: [['a', '1']], value: Number.NaN }],
      },
      { name: 'empty', help: 'none', type: 'gauge', samples: [] },
    ]);
    expect(out).toBe('# HELP x back\\\\slash\\nnew line\n# TYPE x gauge\nx +Inf\nx{a="1"} NaN\n');
    expect(parse(out)[0]!.help).toBe('back\\slash\nnew line');
  });

  it('before any window closes: counters, no window gauges, still valid', () => {
    const fresh = createMonitor({ baseline, now: () => 0 });
    fresh.observe({ input: {} });
    const parsed = parse(fresh.metricsText());
    expect(parsed.map((f) => f.name)).toEqual(
      expect.arrayContaining(['lockstep_requests_total', 'lockstep_latency_seconds']),
    );
    expect(parsed.find((f) => f.name === 'lockstep_feature_drift')).toBeUndefined();
  });
});
