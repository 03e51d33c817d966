// The page around the sections, and the small pieces every section is built from: headings, badges,
// tables with scoped headers, definition lists, findings tables. One stylesheet, inline, using only the
// palette's colours and the system font stack: no network, no script, no external font.
import { escapeHtml, formatNumber, truncate } from './html.js';
import { PALETTE as P } from './palette.js';
import { isFindingLike, type Plain, type PlainObject } from './read.js';

/** The stylesheet: short class names keep a 20-feature report small. */
export function stylesheet(): string {
  return (
    `body{margin:0 auto;max-width:62rem;padding:1rem;font:15px/1.45 system-ui,sans-serif;color:${P.text};background:${P.background}}` +
    `h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;border-bottom:1px solid ${P.rule};margin-top:2rem}h3{font-size:1.05rem;margin:.6rem 0}` +
    `a{color:${P.info}}.m,caption,figcaption,dt{color:${P.muted}}caption{text-align:left}` +
    `table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{border:1px solid ${P.rule};padding:.15rem .4rem;text-align:left;vertical-align:top}` +
    `thead th{background:${P.surface}}td.n{text-align:right;font-variant-numeric:tabular-nums}` +
    `.b{display:inline-block;padding:0 .4rem;border-radius:.2rem;color:${P.background};font-size:.85em;font-weight:600}` +
    `.be{background:${P.error}}.bo{background:${P.ok}}.bw{background:${P.warning}}.bi{background:${P.info}}` +
    `.f{border:1px solid ${P.rule};border-radius:.3rem;padding:0 .8rem;margin:1rem 0}` +
    `dl{display:grid;grid-template-columns:max-content 1fr;gap:0 .8rem;margin:.4rem 0}dd{margin:0}figure{margin:.5rem 0}` +
    `svg{max-width:100%;height:auto;display:block}svg text{font:11px system-ui,sans-serif;fill:${P.muted}}` +
    `.r{fill:${P.reference}}.k{fill:${P.current}}.c{fill:none;stroke:${P.current};stroke-width:2}.a{fill:none;stroke:${P.muted}}` +
    `.e,.o,.w{stroke-width:3}.e{stroke:${P.error}}.o{stroke:${P.ok}}.w{stroke:${P.warning}}.d{fill:${P.text}}.g{stroke:${P.error};stroke-dasharray:3 2}` +
    `.s{display:inline-block;width:.9em;height:.6em;margin-right:.3em}.sr{background:${P.reference}}.sc{border-top:2px solid ${P.current};height:0}.sk{background:${P.current}}` +
    `li[aria-current]{font-weight:600}`
  );
}

/** Badge tones: error, ok, warning, info. */
export type Tone = 'error' | 'ok' | 'warning' | 'info';

export function badge(tone: Tone, label: string): string {
  return `<span class="b b${tone[0]}">${escapeHtml(label)}</span>`;
}

/** A section with a heading that labels it; `body` is HTML. */
export function section(id: string, title: string, body: string, level: 2 | 3 = 2): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h${level} id="${id}-h">${escapeHtml(title)}</h${level}>${body}</section>`;
}

/**
 * A table: `head` are column names (text), `rows` cells as HTML; the first cell of each row is its row
 * header (`<th scope="row">`) and every column name a `<th scope="col">`. Numeric columns (by index) are
 * right-aligned.
 */
export function table(
  caption: string,
  head: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly number[] = [],
): string {
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells
          .map((cell, i) =>
            i === 0
              ? `<th scope="row">${cell}</th>`
              : numeric.includes(i)
                ? `<td class="n">${cell}</td>`
                : `<td>${cell}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A definition list of [term, HTML] pairs. */
export function definitions(items: readonly (readonly [string, string])[]): string {
  return `<dl>${items.map(([t, d]) => `<dt>${escapeHtml(t)}</dt><dd>${d}</dd>`).join('')}</dl>`;
}

/** `<p class="m">` with escaped text. */
export function note(text: string): string {
  return `<p class="m">${escapeHtml(text)}</p>`;
}

/** "N more … not shown" when a list was cut, else ''. */
export function more(hidden: number, what: string, option: string): string {
  return hidden > 0 ? note(`${hidden} more ${what} not shown (raise options.${option} to show them).`) : '';
}

/** A short, escaped rendering of any snapshot value (JSON, cut to `max` characters). */
export function valueText(v: Plain | undefined, max = 120): string {
  if (v === undefined) return '–';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return escapeHtml(truncate(v, max));
  return escapeHtml(truncate(JSON.stringify(v) ?? '', max));
}

const BASE = ['code', 'severity', 'message', 'feature', 'path'];
const RANK: Readonly<Record<string, number>> = { error: 0, warning: 1, info: 2 };

export function severityTone(severity: unknown): Tone {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'info';
}

/** Counts of findings by severity, in words: `2 errors, 1 warning`. */
export function severityCounts(findings: readonly PlainObject[]): string {
  const counts = [0, 0, 0];
  for (const f of findings) counts[RANK[String(f.severity)] ?? 2]! += 1;
  const words = ['error', 'warning', 'info'].flatMap((s, i) =>
    counts[i]! > 0 ? [`${counts[i]} ${s}${counts[i] === 1 || s === 'info' ? '' : 's'}`] : [],
  );
  return words.length === 0 ? 'none' : words.join(', ');
}

/**
 * Findings in core's shape as a table, worst first (stable within a severity): severity, code, feature or
 * path, message, and the finding's own values.
 */
export function findingsTable(caption: string, findings: readonly PlainObject[], maxRows: number): string {
  if (findings.length === 0) return note('None.');
  const sorted = findings
    .map((f, i) => [f, i] as const)
    .sort((a, b) => (RANK[String(a[0].severity)] ?? 2) - (RANK[String(b[0].severity)] ?? 2) || a[1] - b[1])
    .map(([f]) => f);
  const rows = sorted.slice(0, maxRows).map((f) => {
    const where = typeof f.feature === 'string' ? f.feature : typeof f.path === 'string' ? f.path : '';
    const values = Object.keys(f)
      .filter((k) => !BASE.includes(k))
      .map((k) => `${escapeHtml(truncate(k, 40))}: ${valueText(f[k], 80)}`)
      .slice(0, 8)
      .join('<br>');
    return [
      escapeHtml(truncate(String(f.code), 80)),
      badge(severityTone(f.severity), String(f.severity)),
      escapeHtml(truncate(where, 120)),
      escapeHtml(truncate(String(f.message), 1000)),
      values,
    ];
  });
  return (
    table(caption, ['Code', 'Severity', 'Feature or path', 'Message', 'Values'], rows) +
    more(sorted.length - rows.length, 'findings', 'maxRows')
  );
}

/** True for a list whose every item is finding-shaped (and which has at least one). */
export function isFindingList(v: Plain | undefined): v is readonly PlainObject[] {
  return Array.isArray(v) && v.length > 0 && v.every((f) => isFindingLike(f));
}
