// The charts, as inline SVG written by hand: a histogram (reference as bars, current as a step line over
// the same bins), paired category bars (reference above, current below) and an interval plot. Each is
// `role="img"` with an `aria-label` that states what it shows and its numbers in words, since a screen
// reader does not read an image's parts. Coordinates are rounded to 0.1 px to keep the bytes down; every
// string drawn goes through escapeHtml. Colours come from CSS classes (palette.ts), so the SVG holds none.
import type { CategoryBars, Histogram } from './distribution.js';
import { escapeHtml, formatNumber, formatShare, truncate } from './html.js';

const W = 480;
const PAD = 4;

const c = (x: number): string => String(Math.round(x * 10) / 10);

function svg(height: number, label: string, body: string): string {
  return `<svg viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${escapeHtml(label)}">${body}</svg>`;
}

function text(x: number, y: number, content: string, anchor?: 'middle' | 'end'): string {
  const a = anchor === undefined ? '' : ` text-anchor="${anchor}"`;
  return `<text x="${c(x)}" y="${c(y)}"${a}>${escapeHtml(content)}</text>`;
}

/** An axis value: a number, or a UTC date (and time, for spans under 3 days) for timestamps. */
function axisValue(x: number, timestamp: boolean, span: number): string {
  if (!timestamp || !(Math.abs(x) <= 8.64e15)) return formatNumber(x);
  const iso = new Date(x).toISOString();
  return span < 3 * 86_400_000 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

/** Histogram of both sides over shared bins (distribution.ts): reference as bars, current as a step line. */
export function histogramSvg(name: string, h: Histogram): string {
  const H = 150;
  const top = 18;
  const base = H - 22;
  const n = h.reference.length;
  let ymax = 0;
  let widest = 0;
  for (let b = 0; b < n; b++) {
    ymax = Math.max(ymax, h.reference[b]!, h.current[b]!);
    if (Math.abs(h.current[b]! - h.reference[b]!) > Math.abs(h.current[widest]! - h.reference[widest]!))
      widest = b;
  }
  if (ymax <= 0) ymax = 1;
  const bw = (W - 2 * PAD) / n;
  const y = (s: number) => base - (s / ymax) * (base - top);
  const gap = bw > 4 ? 1 : 0;
  let bars = '';
  for (let b = 0; b < n; b++) {
    const s = h.reference[b]!;
    if (s > 0) bars += `M${c(PAD + b * bw)} ${base}V${c(y(s))}h${c(bw - gap)}V${base}Z`;
  }
  let line = `M${PAD} ${base}`;
  for (let b = 0; b < n; b++) line += `V${c(y(h.current[b]!))}H${c(PAD + (b + 1) * bw)}`;
  line += `V${base}`;
  const [first, last] = h.integers ? [h.lo + 0.5, h.hi - 0.5] : [h.lo, h.hi];
  const span = h.hi - h.lo;
  const at = (x: number) => axisValue(x, h.timestamp, span);
  const binLo = h.lo + widest * ((h.hi - h.lo) / n);
  const binHi = binLo + (h.hi - h.lo) / n;
  const label =
    `${name}: histogram of the reference (bars) and current (line) values in ${n} bins from ${at(first)} ` +
    `to ${at(last)}${h.tails ? ' (the outer bins also hold the values beyond)' : ''}; the largest ` +
    `difference is in the bin ${h.integers ? at(binLo + 0.5) : `${at(binLo)} to ${at(binHi)}`}: ` +
    `${formatShare(h.reference[widest])} of the reference, ${formatShare(h.current[widest])} of the current`;
  return svg(
    H,
    label,
    `<path class="r" d="${bars}"/><path class="c" d="${line}"/><path class="a" d="M${PAD} ${base}H${W - PAD}"/>` +
      text(PAD, 12, `max ${formatShare(ymax)}`) +
      text(PAD, H - 6, at(first)) +
      text(W / 2, H - 6, at(first + (last - first) / 2), 'middle') +
      text(W - PAD, H - 6, at(last), 'end'),
  );
}

/** Paired bars per category (reference above, current below), with the shares written beside them. */
export function categoryBarsSvg(name: string, bars: CategoryBars, what: string): string {
  const rows: (readonly [string, number, number])[] = [...bars.rows];
  if (bars.other[0] > 0.0005 || bars.other[1] > 0.0005) rows.push(['(other values)', ...bars.other]);
  const rowH = 24;
  const H = rows.length * rowH + 4;
  const x0 = 150;
  const x1 = 380;
  // The scale is the shown values' largest share: the "other values" row, often most of a long-tailed
  // feature, is written out but not drawn, so it cannot flatten the bars that matter.
  let max = 0;
  for (const [, r, k] of bars.rows) max = Math.max(max, r, k);
  if (max <= 0) max = 1;
  let body = '';
  let refPath = '';
  let curPath = '';
  rows.forEach(([value, r, k], i) => {
    const y = i * rowH + 2;
    const shown = truncate(value, 22);
    body +=
      shown === value
        ? text(0, y + 15, value)
        : `<text x="0" y="${y + 15}"><title>${escapeHtml(value)}</title>${escapeHtml(shown)}</text>`;
    const drawn = i < bars.rows.length;
    if (drawn && r > 0) refPath += `M${x0} ${y + 3}h${c(Math.max(0.5, (r / max) * (x1 - x0)))}v8H${x0}Z`;
    if (drawn && k > 0) curPath += `M${x0} ${y + 12}h${c(Math.max(0.5, (k / max) * (x1 - x0)))}v8H${x0}Z`;
    body += text(W - PAD, y + 15, `${formatShare(r)} → ${formatShare(k)}`, 'end');
  });
  const said = rows.map(([value, r, k]) => `${value} ${formatShare(r)} → ${formatShare(k)}`).join('; ');
  const label = `${name}: ${what}, share of the reference (upper bar) → current (lower bar): ${said}`;
  return svg(
    H,
    label,
    `<path class="r" d="${refPath}"/><path class="k" d="${curPath}"/><path class="a" d="M${x0} 0V${H}"/>${body}`,
  );
}

/** One row of an interval plot: an estimate and its interval (null bounds are open), and the margin line. */
export interface IntervalRow {
  readonly label: string;
  readonly estimate: number | null;
  readonly low: number | null;
  readonly high: number | null;
  /** Where "worse" starts: a value below it (higher is better) or above it (lower is better). */
  readonly line: number | undefined;
  readonly verdict: string;
}

/**
 * Intervals around 0 (candidate − baseline), one row each, with each metric's margin as a dashed mark. Each
 * row has its own scale (metrics have their own units: milliseconds and error rates), symmetric about 0 and
 * written at the row's right end.
 */
export function intervalSvg(title: string, rows: readonly IntervalRow[]): string {
  const rowH = 26;
  const H = rows.length * rowH + 8;
  const x0 = 150;
  const x1 = W - 70;
  const mid = (x0 + x1) / 2;
  let body = `<path class="a" d="M${c(mid)} 0V${H}"/>`;
  rows.forEach((r, i) => {
    let m = 0;
    for (const v of [r.estimate, r.low, r.high, r.line])
      if (typeof v === 'number' && Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    m = m > 0 ? m * 1.1 : 1;
    const x = (v: number | null, open: number) =>
      v === null || !Number.isFinite(v) ? open : Math.min(x1, Math.max(x0, mid + (v / m) * (x1 - mid)));
    const y = i * rowH + 16;
    body += text(0, y + 4, truncate(r.label, 22));
    const cls = r.verdict === 'worse' ? 'e' : r.verdict === 'better' ? 'o' : 'w';
    body += `<path class="${cls}" d="M${c(x(r.low, x0))} ${y}H${c(x(r.high, x1))}"/>`;
    if (r.estimate !== null && Number.isFinite(r.estimate))
      body += `<circle class="d" cx="${c(x(r.estimate, mid))}" cy="${y}" r="3.5"/>`;
    if (r.line !== undefined && r.line !== 0)
      body += `<path class="g" d="M${c(x(r.line, mid))} ${y - 9}v18"/>`;
    body += text(W - PAD, y + 4, `±${formatNumber(Number(m.toPrecision(3)))}`, 'end');
  });
  const said = rows
    .map(
      (r) =>
        `${r.label}: estimate ${formatNumber(r.estimate)}, interval ${formatNumber(r.low)} to ${formatNumber(r.high)}, ${r.verdict}`,
    )
    .join('; ');
  return svg(H, `${title}: ${said}`, body);
}
