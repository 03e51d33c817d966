// Many replicas, one view: a stream of flights split over three monitors (by key, as a load balancer
// might), their windows published as JSON and merged, equals one monitor that saw all the traffic:
// counters exactly, profile counts exactly, quantiles within the KLL sketch's rank error, drift close.
import { describe, expect, it } from 'vitest';
import { createMonitor, type MonitorOptions } from '../../src/monitor/monitor.js';
import { type MonitorWindow, mergeWindows } from '../../src/monitor/window.js';
import { inferSchema } from '../../src/schema/infer.js';
import { parseProfile } from '../../src/stats/artifact.js';
import { mergeProfiles, profile } from '../../src/stats/profile.js';
import { cdf, quantiles } from '../../src/stats/read.js';
import { flightsOf } from './flights.js';

const january = flightsOf('2001/01');
const stream = [...flightsOf('2001/02'), ...flightsOf('2001/03')];

function options(now: () => number): MonitorOptions {
  return {
    baseline: profile(january),
    schema: inferSchema(january, { maxDomainSize: 1_000 }),
    window: { ms: 60_000 },
    labels: {},
    transform: { features: [{ name: 'delay' }, { name: 'origin' }] },
    now,
  };
}

describe('fleet merge', () => {
  let t = 0;
  const one = createMonitor(options(() => t));
  const replicas = [0, 1, 2].map(() => createMonitor(options(() => t)));
  stream.forEach((input, i) => {
    t = i * 10; // 6,000 requests a minute
    const observation = {
      input: i % 97 === 0 ? { ...input, delay: null } : input,
      prediction: input.delay > 15 ? 0.7 : 0.1,
      latencyMs: (i * 7) % 120,
      error: i % 50 === 0,
      key: `f${i}`,
      features: { missing: i % 97 === 0 ? [{ feature: 'delay' }] : [] },
    };
    one.observe(observation);
    replicas[i % 3]!.observe(observation);
    if (i % 4 === 0) {
      one.label(`f${i}`, input.delay > 15 ? 1 : 0);
      replicas[i % 3]!.label(`f${i}`, input.delay > 15 ? 1 : 0);
    }
  });
  t = stream.length * 10 + 60_000;
  one.tick();
  for (const r of replicas) r.tick();

  it('windows merged from three replicas (through JSON) equal one monitor’s', () => {
    const reference = one.windows();
    expect(reference.length).toBeGreaterThan(2);
    for (const w of reference) {
      const parts = replicas
        .map((r) => r.windows().find((x) => x.index === w.index))
        .filter((x): x is MonitorWindow => x !== undefined)
        .map((x) => JSON.parse(JSON.stringify(x)) as MonitorWindow);
      expect(parts).toHaveLength(3);
      const merged = mergeWindows(...parts);
      expect([merged.index, merged.start, merged.end]).toEqual([w.index, w.start, w.end]);
      // Counters exactly (label sums are float sums in another order: to rounding).
      const { labels: mergedLabels, ...mergedCounts } = merged.counts;
      const { labels, ...counts } = w.counts;
      expect(mergedCounts).toEqual(counts);
      expect([mergedLabels.scored, mergedLabels.correct, mergedLabels.unmatched]).toEqual([
        labels.scored,
        labels.correct,
        labels.unmatched,
      ]);
      expect(mergedLabels.squaredError).toBeCloseTo(labels.squaredError, 9);
      // Profiles: counts exactly, quantiles within the sketch's rank error.
      for (const side of ['inputs', 'outputs'] as const) {
        const a = merged.profiles[side];
        const b = w.profiles[side];
        expect(a.rows).toBe(b.rows);
        for (const f of b.features) {
          const g = a.features.find((x) => x.name === f.name)!;
          expect([g.present, g.missing, g.numeric?.count, g.numeric?.min, g.numeric?.max]).toEqual([
            f.present,
            f.missing,
            f.numeric?.count,
            f.numeric?.min,
            f.numeric?.max,
          ]);
          expect(g.categorical?.frequencies).toEqual(f.categorical?.frequencies);
          if (f.numeric && f.numeric.count > 0) {
            // The single monitor's quantile q of p has, in the merged sketch, a share of values below q of
            // at most p and a share at or below q of at least p, each within the rank error (1 %, docs/stats.md).
            const ps = [0.1, 0.5, 0.9];
            const qs = quantiles(b, f.name, ps);
            const below = cdf(a, f.name, qs);
            const atOrBelow = cdf(
              a,
              f.name,
              qs.map((q) => q + Math.abs(q) * 1e-12 + 1e-12),
            );
            ps.forEach((p, i) => {
              expect(below[i]!).toBeLessThanOrEqual(p + 0.02);
              expect(atOrBelow[i]!).toBeGreaterThanOrEqual(p - 0.02);
            });
          }
        }
      }
      // What the merged window says, as the single monitor says it.
      const fleet = one.summarize(merged);
      const single = one.summarize(w);
      for (const [name, value] of Object.entries(single.metrics)) {
        if (value === null) expect(fleet.metrics[name], name).toBeNull();
        else if (name.startsWith('drift.') || name.startsWith('skew.') || name.startsWith('latency.p'))
          expect(Math.abs(fleet.metrics[name]! - value), name).toBeLessThan(
            name.startsWith('latency') ? 3 : 0.02,
          );
        else expect(fleet.metrics[name], name).toBeCloseTo(value, 9);
      }
      expect(fleet.findings.map((f) => f.code).sort()).toEqual(single.findings.map((f) => f.code).sort());
    }
  });

  it('window profiles merge with lockstep/stats’ mergeProfiles as well', () => {
    const w = one.windowProfiles()[0]!;
    const parts = replicas.map((r) => r.windowProfiles().find((x) => x.index === w.index)!);
    const inputs = mergeProfiles(...parts.map((p) => parseProfile(JSON.stringify(p.inputs))));
    expect(inputs.rows).toBe(w.inputs.rows);
  });

  it('mergeWindows refuses what is not a window, naming the field', () => {
    const w = one.windows()[0]!;
    const bad = JSON.parse(JSON.stringify(w));
    bad.counts.requests = -1;
    expect(() => mergeWindows(bad)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', arg: 'windows[0].counts.requests' }),
    );
    const corrupt = JSON.parse(JSON.stringify(w));
    corrupt.profiles.inputs.rows = 3;
    expect(() => mergeWindows(w, corrupt)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARTIFACT', fn: 'mergeWindows' }),
    );
    expect(() => mergeWindows()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => mergeWindows({ ...w, extra: 1 } as never)).toThrow(/unknown key "extra"/);
  });
});
