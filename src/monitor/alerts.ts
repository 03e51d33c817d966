// Alert rules as data, judged once per closed window. The rules, written once:
//
// - A rule watches one window metric (`'errorRate'`, `'latency.p95'`, `'drift.delay'`, …: the names of
//   `WindowSummary.metrics`) and breaches when the window's value is `above` its threshold (strictly) or
//   `below` it (strictly); a rule has exactly one of the two.
// - It fires when it has breached long enough: `for: n` consecutive windows (default 1: at once), or
//   `for: { ms }` from the start of the first breaching window of the run to the end of the latest one.
//   Until then it is `pending`. A window that does not breach ends the run.
// - Hysteresis: a firing rule resolves only when a window's value is past the clearing level, which is on
//   the safe side of the threshold: `clearBelow` (≤ `above`, default `above`) for an `above` rule, a value
//   strictly under it; `clearAbove` (≥ `below`, default `below`) for a `below` rule, a value strictly
//   over it. A value between the two levels keeps a firing rule firing and an inactive one inactive, so a
//   noisy metric oscillating around the threshold does not flap.
// - A window with no value for the metric (no labels yet, a feature with no values, an empty window) is
//   no evidence: it neither advances, ends, fires nor resolves anything.
// - Transitions are events: `firing` when a rule starts firing, `resolved` when it stops. Each is plain
//   frozen data given to `onAlert`, and a firing rule is an `ALERT_FIRING` finding of every window it
//   fires in.
import {
  checkInteger,
  checkNumber,
  checkObject,
  checkString,
  objectKeys,
  readOptions,
} from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import type { Finding, Severity } from '../core/finding.js';

/** An alert rule, as data: `{ metric: 'errorRate', above: 0.05, for: 2 }`. */
export interface AlertRule {
  /** The rule's name (the `rule` label in Prometheus). Default: `metric>above` or `metric<below`. */
  readonly name?: string;
  /** A window metric: `'errorRate'`, `'latency.p95'`, `'drift.delay'` (see docs/monitor.md for the list). */
  readonly metric: string;
  /** Breaches when the value is greater than this. */
  readonly above?: number;
  /** Breaches when the value is less than this. */
  readonly below?: number;
  /** Consecutive breaching windows before it fires (an integer ≥ 1), or a duration `{ ms }`. Default 1. */
  readonly for?: number | { readonly ms: number };
  /** An `above` rule that fires resolves when a value is below this (≤ `above`; default `above`). */
  readonly clearBelow?: number;
  /** A `below` rule that fires resolves when a value is above this (≥ `below`; default `below`). */
  readonly clearAbove?: number;
  /** Severity of its finding and events. Default `'warning'`. */
  readonly severity?: Severity;
}

/** A rule's state: `inactive`, `pending` (breaching, not for long enough yet) or `firing`. */
export type AlertState = 'inactive' | 'pending' | 'firing';

/** What `onAlert` receives when a rule starts or stops firing. */
export interface AlertEvent {
  readonly rule: string;
  readonly metric: string;
  readonly state: 'firing' | 'resolved';
  readonly severity: Severity;
  /** The window value that caused the transition. */
  readonly value: number;
  /** `above` or `below` for `firing`; the clearing level for `resolved`. */
  readonly threshold: number;
  /** Index of the window whose close caused it, and its end (epoch ms). */
  readonly window: number;
  readonly at: number;
}

/** A rule and where it stands, as `snapshot()` shows it. */
export interface AlertStatus {
  readonly rule: string;
  readonly metric: string;
  readonly state: AlertState;
  readonly severity: Severity;
  /** The latest value judged (null before any). */
  readonly value: number | null;
  /** Since when (epoch ms: start of the first breaching window) it has been pending or firing. */
  readonly since: number | null;
}

/** An `ALERT_FIRING` finding. */
export interface AlertFinding extends Finding<'ALERT_FIRING'> {
  readonly rule: string;
  readonly metric: string;
  readonly value: number;
  readonly threshold: number;
}

/** A checked rule. */
export interface CompiledRule {
  readonly name: string;
  readonly metric: string;
  readonly direction: 'above' | 'below';
  readonly threshold: number;
  readonly clear: number;
  readonly forWindows: number;
  readonly forMs: number | undefined;
  readonly severity: Severity;
}

/** A rule's live state. */
export interface RuleState {
  readonly rule: CompiledRule;
  state: AlertState;
  run: number;
  since: number | null;
  value: number | null;
}

const RULE_KEYS = [
  'name',
  'metric',
  'above',
  'below',
  'for',
  'clearBelow',
  'clearAbove',
  'severity',
] as const;
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
/** Most rules a monitor takes. */
export const MAX_RULES = 1000;

/**
 * Checks `rules` (an array of AlertRule). `checkMetric(name, arg)` throws for a metric the monitor cannot
 * produce. Names must be distinct.
 */
export function compileRules(
  fn: string,
  value: unknown,
  checkMetric: (metric: string, arg: string) => void,
): CompiledRule[] {
  if (!Array.isArray(value)) throw invalidArgument(fn, 'options.alerts', 'must be an array of rules', value);
  if (value.length > MAX_RULES)
    throw invalidArgument(fn, 'options.alerts', `must hold at most ${MAX_RULES} rules, got ${value.length}`);
  const out: CompiledRule[] = [];
  const names = new Set<string>();
  for (let i = 0; i < value.length; i++) {
    const arg = `options.alerts[${i}]`;
    let item: unknown;
    try {
      item = value[i];
    } catch {
      throw invalidArgument(fn, arg, 'must be readable (its getter threw)');
    }
    checkObject(fn, arg, item, 'must be a rule object');
    const o = readOptions(fn, item, RULE_KEYS, arg);
    const metric = checkString(fn, `${arg}.metric`, o.metric, 1024, true);
    checkMetric(metric, `${arg}.metric`);
    if ((o.above === undefined) === (o.below === undefined))
      throw invalidArgument(fn, arg, "must have exactly one of 'above' and 'below'");
    const direction = o.above !== undefined ? 'above' : 'below';
    const threshold = checkNumber(fn, `${arg}.${direction}`, o[direction]);
    let clear = threshold;
    if (direction === 'above') {
      if (o.clearAbove !== undefined)
        throw invalidArgument(fn, `${arg}.clearAbove`, "belongs to a 'below' rule; use clearBelow");
      if (o.clearBelow !== undefined)
        clear = checkNumber(fn, `${arg}.clearBelow`, o.clearBelow, { max: threshold });
    } else {
      if (o.clearBelow !== undefined)
        throw invalidArgument(fn, `${arg}.clearBelow`, "belongs to an 'above' rule; use clearAbove");
      if (o.clearAbove !== undefined)
        clear = checkNumber(fn, `${arg}.clearAbove`, o.clearAbove, { min: threshold });
    }
    let forWindows = 1;
    let forMs: number | undefined;
    if (typeof o.for === 'number') forWindows = checkInteger(fn, `${arg}.for`, o.for, 1, 1_000_000);
    else if (o.for !== undefined) {
      objectKeys(fn, `${arg}.for`, o.for, 'must be a number of windows or { ms }');
      const d = readOptions(fn, o.for, ['ms'] as const, `${arg}.for`);
      forMs = checkNumber(fn, `${arg}.for.ms`, d.ms, { min: 0 });
    }
    const severity = o.severity === undefined ? 'warning' : (o.severity as Severity);
    if (!SEVERITIES.includes(severity))
      throw invalidArgument(fn, `${arg}.severity`, "must be 'error', 'warning' or 'info'", o.severity);
    const name =
      o.name === undefined
        ? `${metric}${direction === 'above' ? '>' : '<'}${threshold}`
        : checkString(fn, `${arg}.name`, o.name, 1024, true);
    if (names.has(name))
      throw invalidArgument(
        fn,
        `${arg}.name`,
        'must differ from every other rule name (give each a name)',
        name,
      );
    names.add(name);
    out.push({ name, metric, direction, threshold, clear, forWindows, forMs, severity });
  }
  return out;
}

export function initialState(rule: CompiledRule): RuleState {
  return { rule, state: 'inactive', run: 0, since: null, value: null };
}

/**
 * Judges one closed window's metrics; returns the transitions as events (firing, resolved). The window
 * spans [start, end) in epoch ms.
 */
export function judge(
  states: readonly RuleState[],
  metrics: Readonly<Record<string, number | null>>,
  window: number,
  start: number,
  end: number,
): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (const s of states) {
    const r = s.rule;
    const value = metrics[r.metric];
    if (value === undefined || value === null || Number.isNaN(value)) continue;
    s.value = value;
    const breach = r.direction === 'above' ? value > r.threshold : value < r.threshold;
    if (s.state === 'firing') {
      const clear = r.direction === 'above' ? value < r.clear : value > r.clear;
      if (clear) {
        s.state = 'inactive';
        s.run = 0;
        s.since = null;
        events.push(event(r, 'resolved', value, r.clear, window, end));
      }
      continue;
    }
    if (!breach) {
      s.state = 'inactive';
      s.run = 0;
      s.since = null;
      continue;
    }
    s.run++;
    if (s.since === null) s.since = start;
    const long = r.forMs === undefined ? s.run >= r.forWindows : end - s.since >= r.forMs;
    if (long) {
      s.state = 'firing';
      events.push(event(r, 'firing', value, r.threshold, window, end));
    } else s.state = 'pending';
  }
  return events;
}

function event(
  r: CompiledRule,
  state: 'firing' | 'resolved',
  value: number,
  threshold: number,
  window: number,
  at: number,
): AlertEvent {
  return Object.freeze({
    rule: r.name,
    metric: r.metric,
    state,
    severity: r.severity,
    value,
    threshold,
    window,
    at,
  });
}

/** The findings of the rules firing now. */
export function firingFindings(states: readonly RuleState[]): AlertFinding[] {
  const out: AlertFinding[] = [];
  for (const s of states) {
    if (s.state !== 'firing' || s.value === null) continue;
    const r = s.rule;
    out.push({
      code: 'ALERT_FIRING',
      severity: r.severity,
      message: `alert "${r.name}" firing: ${r.metric} = ${s.value} (${r.direction} ${r.threshold})`,
      rule: r.name,
      metric: r.metric,
      value: s.value,
      threshold: r.threshold,
    });
  }
  return out;
}

export function statusOf(s: RuleState): AlertStatus {
  return {
    rule: s.rule.name,
    metric: s.rule.metric,
    state: s.state,
    severity: s.rule.severity,
    value: s.value,
    since: s.since,
  };
}
