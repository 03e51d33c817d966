// A timeline (`kind: 'lockstep.timeline'`): one metric over time for a few series (a static model against
// an online-trained one, week by week), with the events that happened along the way (checkpoints,
// promotions, quarantines, rollbacks, drifts, pauses) as labelled vertical ticks. Drawn as an inline SVG
// line chart (role="img", its numbers in its aria-label), followed by the same data as tables, so it reads
// without the picture. Series are told apart by dash pattern as well as colour, marks by letter and row.
import { invalidArgument } from '../core/errors.js';
import type { RenderContext, Rendered } from './comparison.js';
import { escapeHtml, formatNumber, truncate } from './html.js';
import { definitions, more, note, section, table } from './page.js';
import { array, number, object, optionalString, type PlainObject, string } from './read.js';

/** The mark types, their letter on the chart and their word in the legend. */
const MARKS: Readonly<Record<string, readonly [string, string]>> = {
  checkpoint: ['C', 'checkpoint (not promoted)'],
  promotion: ['P', 'promotion'],
  quarantine: ['Q', 'quarantine'],
  rollback: ['R', 'rollback'],
  drift: ['D', 'drift'],
  pause: ['S', 'pause or resume'],
};
const MARK_TYPES = Object.keys(MARKS);
/** Dash patterns, one per series in order, so lines differ by form and not colour alone. */
const DASH = ['', '6 3', '2 3', '8 3 2 3'];
/** The palette's stroke classes (page.ts), one per series in order. */
const SERIES_CLASS = ['c', 'a', 'o', 'w'];
const MAX_SERIES = 8;

interface Series {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number | null }[];
}
interface Mark {
  readonly x: number;
  readonly type: string;
  readonly label: string;
}

const c = (v: number): string => String(Math.round(v * 10) / 10);

/**
 * Where `v` falls in [lo, hi], from 0 to 1, without overflow for any finite bounds (computed on values
 * scaled by the larger magnitude); a single value is centred.
 */
function unit(lo: number, hi: number): (v: number) => number {
  if (!(hi > lo)) return () => 0.5;
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  const a = lo / m;
  const b = hi / m;
  return (v) => (v / m - a) / (b - a);
}

function chart(title: string, metric: string, series: readonly Series[], marks: readonly Mark[]): string {
  const W = 480;
  const H = 220;
  const left = 44;
  const right = W - 8;
  const top = 30;
  const base = H - 24;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series)
    for (const p of s.points) {
      if (Number.isFinite(p.x)) xs.push(p.x);
      if (p.y !== null && Number.isFinite(p.y)) ys.push(p.y);
    }
  for (const m of marks) if (Number.isFinite(m.x)) xs.push(m.x);
  // Loops, not Math.min(...xs): a long series would overflow the stack as arguments.
  const lowest = (v: readonly number[], d: number) => v.reduce((a, b) => (b < a ? b : a), v[0] ?? d);
  const highest = (v: readonly number[], d: number) => v.reduce((a, b) => (b > a ? b : a), v[0] ?? d);
  const x0 = lowest(xs, 0);
  const x1 = highest(xs, 1);
  const y0 = lowest(ys, 0);
  const y1 = highest(ys, 1);
  const ux = unit(x0, x1);
  const uy = unit(y0, y1);
  const X = (v: number) => left + ux(v) * (right - left);
  const Y = (v: number) => base - (0.05 + 0.9 * uy(v)) * (base - top);
  const inX = (v: number) => Number.isFinite(v) && v >= x0 && v <= x1;
  let body = `<path class="a" d="M${left} ${top}V${base}H${right}"/>`;
  body += `<text x="${c(left - 4)}" y="${c(Y(y1) + 4)}" text-anchor="end">${escapeHtml(formatNumber(Number(y1.toPrecision(3))))}</text>`;
  body += `<text x="${c(left - 4)}" y="${c(Y(y0))}" text-anchor="end">${escapeHtml(formatNumber(Number(y0.toPrecision(3))))}</text>`;
  body += `<text x="${left}" y="${H - 8}">${escapeHtml(formatNumber(Number(x0.toPrecision(6))))}</text>`;
  body += `<text x="${right}" y="${H - 8}" text-anchor="end">${escapeHtml(formatNumber(Number(x1.toPrecision(6))))}</text>`;
  // Marks first, under the lines: a tick from the top to the axis, its letter above it.
  marks.forEach((m) => {
    if (!inX(m.x)) return;
    const [letter] = MARKS[m.type] ?? ['?'];
    body += `<path class="g" d="M${c(X(m.x))} ${top - 4}V${base}"><title>${escapeHtml(`${m.type} at ${formatNumber(m.x)}: ${truncate(m.label, 200)}`)}</title></path>`;
    body += `<text x="${c(X(m.x))}" y="${top - 8}" text-anchor="middle">${letter}</text>`;
  });
  series.forEach((s, i) => {
    let d = '';
    let pen = false;
    for (const p of s.points) {
      if (p.y === null || !Number.isFinite(p.y) || !inX(p.x)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${c(X(p.x))} ${c(Y(p.y))}`;
      pen = true;
    }
    const dash = DASH[i % DASH.length]!;
    body += `<path class="${SERIES_CLASS[i % SERIES_CLASS.length]}" fill="none" stroke-width="2"${dash === '' ? '' : ` stroke-dasharray="${dash}"`} d="${d}"/>`;
  });
  const said = series
    .map(
      (s) =>
        `${s.name}: ${s.points
          .slice(0, 100)
          .map((p) => `${formatNumber(p.x)} ${formatNumber(p.y)}`)
          .join(', ')}${s.points.length > 100 ? ', …' : ''}`,
    )
    .join('; ');
  const counted = MARK_TYPES.map((t) => [t, marks.filter((m) => m.type === t).length] as const)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${n} ${MARKS[t]![1]}`)
    .join(', ');
  const label = truncate(
    `${title}: ${metric} over time. ${said}.${counted === '' ? '' : ` Marked: ${counted}.`}`,
    4000,
  );
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(label)}">${body}</svg>`;
}

function legend(series: readonly Series[], marks: readonly Mark[]): string {
  const lines = series.map(
    (s, i) =>
      `<li><svg width="28" height="8" aria-hidden="true"><path class="${SERIES_CLASS[i % SERIES_CLASS.length]}" fill="none" stroke-width="2"${DASH[i % DASH.length] === '' ? '' : ` stroke-dasharray="${DASH[i % DASH.length]}"`} d="M0 4H28"/></svg> ${escapeHtml(s.name)}</li>`,
  );
  const used = MARK_TYPES.filter((t) => marks.some((m) => m.type === t));
  for (const t of used) lines.push(`<li><strong>${MARKS[t]![0]}</strong> ${escapeHtml(MARKS[t]![1])}</li>`);
  return `<ul aria-label="Legend">${lines.join('')}</ul>`;
}

export function renderTimeline(t: PlainObject, path: string, ctx: RenderContext): Rendered {
  const metric = string(t.metric, `${path}.metric`);
  const title = optionalString(t.title, `${path}.title`) ?? 'Timeline';
  const rawSeries = array(t.series, `${path}.series`);
  if (rawSeries.length > MAX_SERIES)
    throw invalidArgument('renderReport', `${path}.series`, `must have at most ${MAX_SERIES} series`);
  const series: Series[] = rawSeries.map((s, i) => {
    const at = `${path}.series[${i}]`;
    const o = object(s, at);
    return {
      name: string(o.name, `${at}.name`),
      points: array(o.points, `${at}.points`).map((p, j) => {
        const pa = `${at}.points[${j}]`;
        const po = object(p, pa);
        const x = number(po.x, `${pa}.x`);
        if (x === null || !Number.isFinite(x))
          throw invalidArgument('renderReport', `${pa}.x`, 'must be finite', x);
        return { x, y: number(po.y, `${pa}.y`) };
      }),
    };
  });
  const marks: Mark[] = array(t.marks ?? [], `${path}.marks`).map((m, i) => {
    const at = `${path}.marks[${i}]`;
    const o = object(m, at);
    const x = number(o.x, `${at}.x`);
    if (x === null || !Number.isFinite(x))
      throw invalidArgument('renderReport', `${at}.x`, 'must be finite', x);
    const type = string(o.type, `${at}.type`);
    if (!MARK_TYPES.includes(type))
      throw invalidArgument('renderReport', `${at}.type`, `must be one of ${MARK_TYPES.join(', ')}`, type);
    return { x, type, label: string(o.label, `${at}.label`) };
  });

  const byType = MARK_TYPES.map((type) => [type, marks.filter((m) => m.type === type).length] as const);
  const facts: [string, string][] = [
    ['Metric', escapeHtml(metric)],
    ['Series', escapeHtml(series.map((s) => `${s.name} (${s.points.length} points)`).join(', ') || 'none')],
    ['Marks', escapeHtml(byType.map(([type, n]) => `${n} ${type}`).join(', '))],
  ];
  const summary = `<p><strong>${escapeHtml(title)}</strong>: ${escapeHtml(metric)} for ${series.length} series, ${marks.length} marked events.</p>${definitions(facts)}`;

  // The data table: one row per x, one column per series.
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const shownXs = xs.slice(0, ctx.maxRows);
  const dataTable =
    xs.length === 0
      ? note('No points.')
      : table(
          `${metric} by x, one column per series`,
          ['x', ...series.map((s) => s.name)],
          shownXs.map((x) => [
            formatNumber(x),
            ...series.map((s) => formatNumber(s.points.find((p) => p.x === x)?.y)),
          ]),
          series.map((_, i) => i + 1),
        ) + more(xs.length - shownXs.length, 'points', 'maxRows');
  const sorted = marks.map((m, i) => [m, i] as const).sort((a, b) => a[0].x - b[0].x || a[1] - b[1]);
  const shownMarks = sorted.slice(0, ctx.maxRows);
  const marksTable =
    marks.length === 0
      ? note('No marked events.')
      : table(
          'Marked events, in order of x',
          ['x', 'Type', 'Label'],
          shownMarks.map(([m]) => [
            formatNumber(m.x),
            escapeHtml(`${MARKS[m.type]![0]} ${m.type}`),
            escapeHtml(truncate(m.label, 1000)),
          ]),
          [0],
        ) + more(marks.length - shownMarks.length, 'marked events', 'maxRows');
  const figure = `<figure>${chart(title, metric, series, marks)}<figcaption>${escapeHtml(metric)} per series (lines, told apart by dash pattern), with each marked event as a vertical tick lettered by type.</figcaption>${legend(series, marks)}</figure>`;
  const body =
    section('timeline', 'Timeline', figure + dataTable) +
    section('timeline-marks', 'Marked events', marksTable);
  return { summary, body };
}
