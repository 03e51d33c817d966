// gate(): every rule as a check that can fail, the artifact (kind, formatVersion, fingerprint, frozen,
// parseGate round trips and refusals), and the intervals keeping a small slice's noise from failing it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFinding } from '../../src/core/finding.js';
import { evaluate, gate, LockstepError, parseGate } from '../../src/evaluate/index.js';

function binary(n: number, skill: number, seed: number) {
  let s = seed >>> 0;
  const r = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const labels: number[] = [];
  const predictions: number[] = [];
  const data: { origin: string }[] = [];
  for (let i = 0; i < n; i++) {
    const y = r() < 0.5 ? 1 : 0;
    labels.push(y);
    predictions.push(Math.min(1, Math.max(0, skill * y + (1 - skill) * r())));
    data.push({ origin: i % 10 === 0 ? 'BLI' : i % 2 === 0 ? 'SEA' : 'PDX' });
  }
  return evaluate({ task: 'binary', labels, predictions, data, slices: ['origin'], resamples: 100, seed: 1 });
}

describe('gate', () => {
  const good = binary(1000, 0.3, 1);
  const same = binary(1000, 0.3, 2);
  const worse = binary(1000, 0.05, 3);

  it('passes a candidate that is as good as the baseline, overall and in every slice', () => {
    const g = gate({ candidate: same, baseline: good, rules: { metrics: ['rocAuc', 'accuracy'] } });
    expect(g.passed).toBe(true);
    expect(g.kind).toBe('lockstep.gate');
    expect(g.formatVersion).toBe(1);
    const slices = new Set(g.checks.map((c) => c.slice));
    expect(slices).toEqual(new Set([undefined, 'origin=SEA', 'origin=PDX', 'origin=BLI']));
    expect(g.checks.every((c) => isFinding(c) && c.code === 'NOT_WORSE' && c.severity === 'info')).toBe(true);
  });

  it('fails a worse candidate, naming the metric and slice with expected and received', () => {
    const g = gate({ candidate: worse, baseline: good, rules: { metrics: ['rocAuc'], minRows: 200 } });
    expect(g.passed).toBe(false);
    const overall = g.checks.find((c) => c.slice === undefined)!;
    expect(overall).toMatchObject({ code: 'NOT_WORSE', passed: false, severity: 'error', metric: 'rocAuc' });
    expect(overall.expected).toBe(good.metrics.rocAuc!.low);
    expect(overall.received).toBe(worse.metrics.rocAuc!.value);
    // BLI has 100 rows, below minRows 200: not compared.
    expect(g.checks.some((c) => c.slice === 'origin=BLI')).toBe(false);
  });

  it('uses the intervals: a drop inside the candidate interval passes; without intervals it fails', () => {
    const candidate = { metrics: { rocAuc: { value: 0.84, low: 0.8, high: 0.88 } } };
    const baseline = { metrics: { rocAuc: { value: 0.86 } } };
    expect(gate({ candidate, baseline }).passed).toBe(true);
    expect(gate({ candidate, baseline, rules: { intervals: false } }).passed).toBe(false);
    expect(gate({ candidate, baseline, rules: { intervals: false, tolerance: 0.03 } }).passed).toBe(true);
    expect(
      gate({ candidate, baseline, rules: { intervals: false, tolerance: { rocAuc: 0.01 } } }).passed,
    ).toBe(false);
    // Lower is better for losses: a higher loss beyond its interval fails.
    const loss = gate({
      candidate: { metrics: { logLoss: { value: 0.5, low: 0.45, high: 0.55 } } },
      baseline: { metrics: { logLoss: { value: 0.4 } } },
    });
    expect(loss.checks[0]).toMatchObject({ passed: false, expected: 0.4, received: 0.5 });
    // Undefined in the candidate but not in the baseline fails; undefined in both passes.
    expect(gate({ candidate: { metrics: { rocAuc: { value: Number.NaN } } }, baseline }).passed).toBe(false);
    expect(
      gate({
        candidate: { metrics: { rocAuc: { value: null } } },
        baseline: { metrics: { rocAuc: { value: null } } },
      }).passed,
    ).toBe(true);
  });

  it('floors, input width, schema fingerprint and latency budget', () => {
    const g = gate({
      candidate: good,
      rules: { floors: { rocAuc: 0.99, brier: 0.5 }, latencyBudgetMs: 5 },
      model: {
        inputWidth: 12,
        transformOutputWidth: 13,
        schemaFingerprint: 'a',
        expectedSchemaFingerprint: 'a',
        latencyMs: 7,
      },
    });
    const by = Object.fromEntries(
      g.checks.map((c) => [`${c.code}${c.metric ? `:${c.metric}` : ''}`, c.passed]),
    );
    expect(by).toEqual({
      'FLOOR:rocAuc': false,
      'FLOOR:brier': true,
      INPUT_WIDTH: false,
      SCHEMA_FINGERPRINT: true,
      LATENCY_BUDGET: false,
    });
    expect(g.passed).toBe(false);
    expect(g.checks.find((c) => c.code === 'INPUT_WIDTH')).toMatchObject({ expected: 13, received: 12 });
  });

  it("history: a sudden drop and a slow decline of the baseline's metric", () => {
    const steady = gate({ candidate: good, history: { rocAuc: [0.8, 0.81, 0.8, 0.805] } });
    expect(steady.passed).toBe(true);
    const drop = gate({ candidate: good, history: { rocAuc: [0.8, 0.81, 0.8, 0.75] } });
    expect(drop.checks.find((c) => c.code === 'HISTORY_DROP')).toMatchObject({ passed: false });
    const slow = gate({ candidate: good, history: { rocAuc: [0.9, 0.895, 0.89, 0.885, 0.88, 0.875] } });
    expect(slow.checks.map((c) => [c.code, c.passed])).toEqual([
      ['HISTORY_DROP', true],
      ['HISTORY_DECLINE', false],
    ]);
    expect(slow.checks[1]!.received).toBeCloseTo(0.025, 12);
    // For a loss, rising is the decline.
    expect(gate({ candidate: good, history: { logLoss: [0.3, 0.31, 0.32, 0.33] } }).passed).toBe(false);
  });

  it('is a frozen artifact that parseGate reads back, and refuses edits', () => {
    const g = gate({ candidate: worse, baseline: good, rules: { metrics: ['rocAuc'] } });
    expect(Object.isFrozen(g.checks[0])).toBe(true);
    const text = JSON.stringify(g);
    const parsed = parseGate(text);
    expect(parsed).toEqual(JSON.parse(text));
    expect(parseGate(g)).toBe(g);
    const edited = JSON.parse(text);
    edited.passed = true;
    const e1 = (() => {
      try {
        parseGate(edited);
      } catch (e) {
        return e as LockstepError;
      }
    })();
    expect(e1).toBeInstanceOf(LockstepError);
    expect(e1!.code).toBe('INVALID_ARTIFACT');
    expect(e1!.path ?? e1!.message).toMatch(/passed/);
    edited.passed = false;
    edited.checks[0].received = 0.99;
    expect(() => parseGate(edited)).toThrow(/fingerprint/);
    expect(() => parseGate('{')).toThrow(LockstepError);
    expect(() => parseGate({ ...JSON.parse(text), formatVersion: 2 })).toThrow(/newer/);
  });

  it('is strict and names its arguments', () => {
    const arg = (call: () => unknown) => {
      try {
        call();
      } catch (e) {
        expect(e).toBeInstanceOf(LockstepError);
        return (e as LockstepError).arg;
      }
      return 'no error';
    };
    expect(arg(() => gate({ candidate: good, rules: { tolerence: 1 } as never }))).toBe(
      'options.rules.tolerence',
    );
    expect(arg(() => gate({} as never))).toBe('options.candidate');
    expect(arg(() => gate({ candidate: { metrics: { auc: { value: 1 } } } } as never))).toBe(
      'options.candidate.metrics',
    );
    expect(arg(() => gate({ candidate: good, rules: { tolerance: -1 } }))).toBe('options.rules.tolerance');
    expect(arg(() => gate({ candidate: good, history: { rocAuc: [0.1, Number.NaN] } }))).toBe(
      'options.history.rocAuc[1]',
    );
    expect(arg(() => gate({ candidate: good, model: { latencyMs: 3 } }))).toBe(
      'options.rules.latencyBudgetMs',
    );
    expect(arg(() => gate({ candidate: good, model: { inputWidth: 3 } }))).toBe(
      'options.model.transformOutputWidth',
    );
  });
});

describe('the golden gate of formatVersion 1 (test/fixtures/make-golden-gate.ts)', () => {
  const text = readFileSync(join(import.meta.dirname, '../fixtures/golden-gate.json'), 'utf8');

  it('still parses, with every check code and its values', () => {
    const g = parseGate(text);
    expect(g.passed).toBe(false);
    expect(g.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(g.checks.map((c) => [c.code, c.passed, c.slice ?? null, c.received])).toEqual([
      ['NOT_WORSE', true, null, 0.84],
      ['NOT_WORSE', false, null, 0.5],
      ['NOT_WORSE', false, 'origin=SEA', 0.7],
      ['NOT_WORSE', false, 'origin=(missing)', null],
      ['FLOOR', true, null, 0.84],
      ['INPUT_WIDTH', true, null, 42],
      ['SCHEMA_FINGERPRINT', false, null, 'a'.repeat(64)],
      ['LATENCY_BUDGET', true, null, 3.5],
      ['HISTORY_DROP', false, null, 0.020000000000000018],
      ['HISTORY_DECLINE', false, null, 0.039000000000000035],
    ]);
    expect(Object.isFrozen(g.checks[3])).toBe(true);
  });
});
