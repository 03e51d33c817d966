// A rollout state (`kind: 'lockstep.rollout'`, lockstep/router's artifact, read by its shape): the phase,
// weight and reason first, then the steps with the current one marked, the metrics' last comparisons with
// their intervals (candidate − baseline, each metric's margin marked), and the event history, oldest first
// (the most recent `maxRows` when it is longer).
import type { RenderContext, Rendered } from './comparison.js';
import { escapeHtml, formatNumber, formatShare, truncate } from './html.js';
import { badge, definitions, more, note, section, type Tone, table } from './page.js';
import {
  array,
  isObject,
  number,
  object,
  optionalNumber,
  optionalObject,
  optionalString,
  type Plain,
  type PlainObject,
  string,
} from './read.js';
import { type IntervalRow, intervalSvg } from './svg.js';

const PHASE_TONE: Readonly<Record<string, Tone>> = {
  succeeded: 'ok',
  failed: 'error',
  inconclusive: 'warning',
  paused: 'warning',
  progressing: 'info',
};

/** A duration in words: `250 ms`, `90 s`, `15 min`, `2 h`. */
function duration(ms: number): string {
  if (ms < 1000) return `${formatNumber(ms)} ms`;
  if (ms < 120_000) return `${formatNumber(ms / 1000)} s`;
  if (ms < 7_200_000) return `${formatNumber(ms / 60_000)} min`;
  return `${formatNumber(ms / 3_600_000)} h`;
}

/** A step as words: `set the candidate's weight to 5.0%`, `pause for 2000 requests`, `analyze (…)`. */
function describeStep(v: Plain | undefined): string {
  if (!isObject(v)) return truncate(JSON.stringify(v ?? null), 80);
  if (typeof v.setWeight === 'number') return `set the candidate's weight to ${formatShare(v.setWeight)}`;
  const limits = (o: Plain | undefined, requests: string, time: string): string[] => {
    if (!isObject(o)) return [];
    const out: string[] = [];
    if (typeof o[requests] === 'number') out.push(`${formatNumber(o[requests] as number)} requests`);
    if (typeof o[time] === 'number') out.push(duration(o[time] as number));
    return out;
  };
  if ('pause' in v) {
    const l = limits(v.pause, 'requests', 'durationMs');
    return l.length === 0 ? 'pause until resumed' : `pause for ${l.join(' and ')}`;
  }
  if ('analyze' in v) {
    const l = limits(v.analyze, 'maxRequests', 'maxDurationMs');
    return `analyze until the metrics are shown not worse${l.length === 0 ? '' : ` (at most ${l.join(' or ')})`}`;
  }
  return truncate(JSON.stringify(v), 80);
}

export function renderRollout(r: PlainObject, path: string, ctx: RenderContext, prefix: string): Rendered {
  const name = string(r.name, `${path}.name`);
  const phase = string(r.phase, `${path}.phase`);
  const weight = number(r.weight, `${path}.weight`);
  const step = number(r.step, `${path}.step`) ?? 0;
  const steps = array(r.steps, `${path}.steps`);
  const reason = optionalString(r.reason, `${path}.reason`);
  const revision = optionalNumber(r.revision, `${path}.revision`);
  const startedAt = optionalString(r.startedAt, `${path}.startedAt`);
  const stepStartedAt = optionalString(r.stepStartedAt, `${path}.stepStartedAt`);
  const analysis = optionalObject(r.analysis, `${path}.analysis`);
  const metrics = optionalObject(analysis?.metrics, `${path}.analysis.metrics`);
  const comparisons = optionalObject(r.comparisons, `${path}.comparisons`) ?? {};
  const events = array(r.events, `${path}.events`).map((e, i) => {
    const at = `${path}.events[${i}]`;
    const o = object(e, at);
    return {
      type: string(o.type, `${at}.type`),
      at: string(o.at, `${at}.at`),
      step: optionalNumber(o.step, `${at}.step`),
      weight: optionalNumber(o.weight, `${at}.weight`),
      reason: optionalString(o.reason, `${at}.reason`),
      actor: optionalString(o.actor, `${at}.actor`),
    };
  });

  const where =
    step >= steps.length
      ? `all ${steps.length} steps done`
      : `step ${step + 1} of ${steps.length}: ${describeStep(steps[step])}`;
  const facts: [string, string][] = [
    ['Rollout', escapeHtml(name)],
    ['Candidate weight', formatShare(weight)],
    ['Step', escapeHtml(where)],
  ];
  if (reason !== undefined) facts.push(['Reason', escapeHtml(reason)]);
  if (startedAt !== undefined) facts.push(['Started', escapeHtml(startedAt)]);
  if (stepStartedAt !== undefined) facts.push(['Step started', escapeHtml(stepStartedAt)]);
  if (revision !== undefined) facts.push(['Revision', formatNumber(revision)]);
  const worse = Object.keys(comparisons).filter(
    (m) => isObject(comparisons[m]) && (comparisons[m] as PlainObject).verdict === 'worse',
  );
  const summary =
    `<p>${badge(PHASE_TONE[phase] ?? 'info', phase)} <strong>${escapeHtml(name)}</strong>: candidate at ${formatShare(weight)}, ${escapeHtml(where)}.</p>` +
    definitions(facts) +
    (worse.length > 0
      ? `<p>Worse than the baseline: ${worse.map((m) => escapeHtml(m)).join(', ')}.</p>`
      : '');

  const stepItems = steps
    .map((s, i) => {
      const state =
        i < step
          ? 'done'
          : i === step
            ? phase === 'failed'
              ? 'current: failed here'
              : `current: ${phase}`
            : 'to come';
      return i === step
        ? `<li aria-current="step">${escapeHtml(describeStep(s))} (${escapeHtml(state)})</li>`
        : `<li>${escapeHtml(describeStep(s))} (${state})</li>`;
    })
    .join('');
  const stepsHtml = steps.length === 0 ? note('No steps.') : `<ol>${stepItems}</ol>`;

  const rows: IntervalRow[] = [];
  const tableRows: string[][] = [];
  for (const metric of Object.keys(comparisons)) {
    const at = `${path}.comparisons${/^[A-Za-z_$][\w$]*$/.test(metric) ? `.${metric}` : `[${JSON.stringify(metric)}]`}`;
    const c = object(comparisons[metric], at);
    const spec = isObject(metrics?.[metric]) ? (metrics[metric] as PlainObject) : undefined;
    const direction = typeof spec?.direction === 'string' ? spec.direction : undefined;
    const margin = typeof spec?.margin === 'number' ? spec.margin : undefined;
    const verdict = string(c.verdict, `${at}.verdict`);
    const row: IntervalRow = {
      label: metric,
      estimate: number(c.estimate, `${at}.estimate`),
      low: number(c.low, `${at}.low`),
      high: number(c.high, `${at}.high`),
      line: margin === undefined ? undefined : direction === 'lower' ? margin : -margin,
      verdict,
    };
    rows.push(row);
    tableRows.push([
      escapeHtml(metric),
      escapeHtml(direction === undefined ? '–' : `${direction} is better`),
      margin === undefined ? '–' : formatNumber(margin),
      badge(verdict === 'worse' ? 'error' : verdict === 'better' ? 'ok' : 'warning', verdict),
      formatNumber(row.estimate),
      `[${formatNumber(row.low)}, ${formatNumber(row.high)}]`,
      `${formatNumber(optionalNumber(c.baseline, `${at}.baseline`))} / ${formatNumber(optionalNumber(c.candidate, `${at}.candidate`))}`,
    ]);
  }
  const shownRows = rows.slice(0, ctx.maxRows);
  const comparisonsHtml =
    rows.length === 0
      ? note('No comparison yet.')
      : table(
          'Last comparison of each metric: candidate − baseline, with its confidence interval',
          ['Metric', 'Better', 'Margin', 'Verdict', 'Estimate', 'Interval', 'Values (baseline / candidate)'],
          tableRows.slice(0, ctx.maxRows),
          [2, 4, 5],
        ) +
        `<figure>${intervalSvg('Candidate minus baseline per metric', shownRows)}<figcaption>Each line is a metric's interval for candidate − baseline, on its own scale about 0 (its extent at the right): a dot at the estimate, open bounds reaching the edge, and a dashed mark where worse than the margin begins.</figcaption></figure>` +
        more(rows.length - shownRows.length, 'metrics', 'maxRows');

  const shownEvents = events.slice(Math.max(0, events.length - ctx.maxRows));
  const eventsHtml =
    events.length === 0
      ? note('No events.')
      : more(events.length - shownEvents.length, 'earlier events', 'maxRows') +
        table(
          'Every transition, oldest first',
          ['At', 'Event', 'Step', 'Weight', 'Reason', 'Actor'],
          shownEvents.map((e) => [
            escapeHtml(e.at),
            escapeHtml(e.type),
            e.step === undefined || e.step === null
              ? '–'
              : e.step >= steps.length
                ? 'done'
                : formatNumber(e.step + 1),
            formatShare(e.weight),
            escapeHtml(truncate(e.reason ?? '–', 1000)),
            escapeHtml(truncate(e.actor ?? '–', 200)),
          ]),
          [2, 3],
        );
  const body =
    section(`${prefix}steps`, 'Rollout steps', stepsHtml) +
    section(`${prefix}comparisons`, 'Rollout comparisons', comparisonsHtml) +
    section(`${prefix}events`, 'Rollout history', eventsHtml);
  return { summary, body };
}
