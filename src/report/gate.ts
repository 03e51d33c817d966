// A gate artifact (`kind: 'lockstep.gate'`, lockstep/evaluate's gate result, read by its shape): the
// verdict and the failed checks first, then the checks grouped by slice (the whole batch as "Overall"),
// groups with a failure first and, within a group, failed checks first; otherwise in the gate's order.
import type { RenderContext, Rendered } from './comparison.js';
import { escapeHtml, formatNumber, truncate } from './html.js';
import { badge, definitions, more, note, section, table } from './page.js';
import {
  array,
  boolean,
  object,
  optionalObject,
  optionalString,
  type Plain,
  type PlainObject,
  string,
} from './read.js';

interface Check {
  readonly code: string;
  readonly passed: boolean;
  readonly metric: string | undefined;
  readonly slice: string | undefined;
  readonly expected: Plain | undefined;
  readonly received: Plain | undefined;
  readonly message: string;
  readonly index: number;
}

function limit(v: Plain | undefined): string {
  if (v === undefined || v === null) return '–';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') {
    const shown = truncate(v, 18);
    return shown === v ? escapeHtml(v) : `<span title="${escapeHtml(v)}">${escapeHtml(shown)}</span>`;
  }
  return escapeHtml(truncate(JSON.stringify(v), 40));
}

export function renderGate(g: PlainObject, path: string, ctx: RenderContext, prefix: string): Rendered {
  const passed = boolean(g.passed, `${path}.passed`);
  const refs = optionalObject(g.refs, `${path}.refs`);
  const candidate = optionalString(refs?.candidate, `${path}.refs.candidate`);
  const baseline = optionalString(refs?.baseline, `${path}.refs.baseline`);
  const checks: Check[] = array(g.checks, `${path}.checks`).map((v, i) => {
    const at = `${path}.checks[${i}]`;
    const c = object(v, at);
    return {
      code: string(c.code, `${at}.code`),
      passed: boolean(c.passed, `${at}.passed`),
      metric: optionalString(c.metric, `${at}.metric`),
      slice: optionalString(c.slice, `${at}.slice`),
      expected: c.expected,
      received: c.received,
      message: string(c.message, `${at}.message`),
      index: i,
    };
  });
  const failed = checks.filter((c) => !c.passed);

  // Groups by slice in first-seen order; then failing groups first, the whole batch first among equals.
  const groups = new Map<string, Check[]>();
  for (const c of checks) {
    const key = c.slice === undefined ? '' : `s:${c.slice}`;
    let list = groups.get(key);
    if (list === undefined) groups.set(key, (list = []));
    list.push(c);
  }
  const ordered = [...groups]
    .map(([key, list], i) => ({ key, list, i, fails: list.some((c) => !c.passed) }))
    .sort(
      (a, b) => Number(b.fails) - Number(a.fails) || Number(a.key !== '') - Number(b.key !== '') || a.i - b.i,
    );
  const groupId = (i: number) => `${prefix}g${i}`;
  const groupOf = new Map(ordered.map((g) => [g.key, g.i]));

  // In the order of the groups below (the whole batch first), then the gate's.
  const rank = new Map(ordered.map((g, r) => [g.key, r]));
  const failedList = failed
    .map((c) => ({ c, r: rank.get(c.slice === undefined ? '' : `s:${c.slice}`)! }))
    .sort((a, b) => a.r - b.r || a.c.index - b.c.index)
    .map(({ c }) => c)
    .slice(0, ctx.maxRows)
    .map((c) => {
      const g = groupOf.get(c.slice === undefined ? '' : `s:${c.slice}`)!;
      return `<li><a href="#${groupId(g)}">${escapeHtml(c.slice === undefined ? 'overall' : `slice ${c.slice}`)}</a>: ${escapeHtml(c.code)}: ${escapeHtml(truncate(c.message, 300))}</li>`;
    })
    .join('');
  const facts: [string, string][] = [];
  if (candidate !== undefined) facts.push(['Candidate', escapeHtml(candidate)]);
  if (baseline !== undefined) facts.push(['Baseline', escapeHtml(baseline)]);
  const summary =
    `<p>${badge(passed ? 'ok' : 'error', passed ? 'gate passed' : 'gate failed')} <strong>${failed.length} of ${checks.length} checks failed</strong>${groups.size > 1 ? ` across ${groups.size} groups (overall and slices)` : ''}.</p>` +
    (facts.length > 0 ? definitions(facts) : '') +
    (failed.length > 0
      ? `<ul>${failedList}</ul>${more(failed.length - Math.min(failed.length, ctx.maxRows), 'failed checks', 'maxRows')}`
      : '');

  const sections = ordered.slice(0, ctx.maxRows).map((g) => {
    const list = [...g.list].sort((a, b) => Number(a.passed) - Number(b.passed) || a.index - b.index);
    const name = g.key === '' ? 'Overall' : `Slice ${g.key.slice(2)}`;
    const bad = list.filter((c) => !c.passed).length;
    const rows = list
      .slice(0, ctx.maxRows)
      .map((c) => [
        escapeHtml(c.code),
        c.passed ? badge('ok', 'passed') : badge('error', 'failed'),
        escapeHtml(c.metric ?? '–'),
        limit(c.expected),
        limit(c.received),
        escapeHtml(truncate(c.message, 1000)),
      ]);
    return section(
      groupId(g.i),
      `${name}: ${bad} of ${list.length} failed`,
      table(
        `Checks of ${name.toLowerCase() === 'overall' ? 'the whole batch' : name}, failed first`,
        ['Check', 'Verdict', 'Metric', 'Expected', 'Received', 'Message'],
        rows,
        [3, 4],
      ) + more(list.length - rows.length, 'checks', 'maxRows'),
      3,
    );
  });
  const body = section(
    `${prefix}checks`,
    'Gate checks by slice',
    (checks.length === 0 ? note('The gate holds no checks.') : sections.join('')) +
      more(ordered.length - Math.min(ordered.length, ctx.maxRows), 'groups', 'maxRows'),
  );
  return { summary, body };
}
