// A monitor snapshot, rendered by its shape. lockstep/monitor defines the snapshot (and is written beside
// this module, which may not import it), so nothing here depends on its exact fields; what is recognised,
// in field order, at the top level and one level down:
//   - scalars, and objects of scalars (`totals`, `model`, a metrics record): facts, `totals.requests`;
//     numbers under a time-like name (`at`, `since`, `start`, `end`, `…At`) within 2000–2100 as epoch
//     milliseconds are shown with their UTC time as well;
//   - a drift comparison (compare()'s result), a `lockstep.gate` or `lockstep.rollout`: as on their own;
//   - a list of drift's per-feature results (`feature`, `method`, `statistic`, `threshold`, `drifted`):
//     as a comparison's features;
//   - a list of findings (core's shape): a findings table, worst first, counted in the summary;
//   - a list of other objects (windows, alert states): a table of their scalar fields;
//   - another object (a window summary): a subsection, recognised the same way.
// Anything else is named as not rendered, so a field the report cannot show is never silently lost.
import { type RenderContext, type Rendered, renderComparison } from './comparison.js';
import { renderGate } from './gate.js';
import { escapeHtml, truncate } from './html.js';
import {
  definitions,
  findingsTable,
  isFindingList,
  more,
  note,
  section,
  severityCounts,
  table,
  valueText,
} from './page.js';
import { isComparisonLike, isObject, keyPath, type Plain, type PlainObject } from './read.js';
import { renderRollout } from './rollout.js';

/** The kinds accepted as a monitor snapshot. */
export const SNAPSHOT_KINDS: readonly string[] = ['lockstep.monitor.snapshot', 'lockstep.monitorSnapshot'];

const ENVELOPE = ['kind', 'formatVersion', 'fingerprint'];
const TIME_NAME = /^(at|since|start|end|time|timestamp)$|At$/;

const isScalar = (v: Plain | undefined): boolean => v === null || typeof v !== 'object';

function scalarText(key: string, v: Plain | undefined): string {
  if (typeof v === 'number' && TIME_NAME.test(key) && v >= 946_684_800_000 && v < 4_102_444_800_000)
    return `${valueText(v)} (${new Date(v).toISOString()})`;
  return valueText(v, 200);
}

function isFeatureDriftList(v: Plain | undefined): v is readonly PlainObject[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (f) =>
        isObject(f) &&
        typeof f.feature === 'string' &&
        typeof f.method === 'string' &&
        typeof f.drifted === 'boolean',
    )
  );
}

interface State {
  n: number;
  /** Findings seen, by their JSON. */
  readonly findings: Map<string, PlainObject>;
}

function renderObject(
  o: PlainObject,
  path: string,
  ctx: RenderContext,
  state: State,
  depth: number,
): { facts: [string, string][]; summaries: string[]; bodies: string[]; other: string[] } {
  const facts: [string, string][] = [];
  const summaries: string[] = [];
  const bodies: string[] = [];
  const other: string[] = [];
  for (const key of Object.keys(o)) {
    if (depth === 0 && ENVELOPE.includes(key)) continue;
    const v = o[key];
    const at = keyPath(path, key);
    const label = truncate(key, 60);
    const prefix = () => `x${state.n++}-`;
    if (isScalar(v)) facts.push([label, scalarText(key, v)]);
    else if (isObject(v) && Object.keys(v).every((k) => isScalar(v[k]))) {
      const keys = Object.keys(v);
      if (keys.length === 0) facts.push([label, 'none']);
      for (const k of keys.slice(0, 50)) facts.push([`${label}.${truncate(k, 60)}`, scalarText(k, v[k])]);
    } else if (isComparisonLike(v)) {
      const r = renderComparison(v, at, ctx, prefix(), label);
      summaries.push(`<h3>${escapeHtml(label)}</h3>${r.summary}`);
      bodies.push(r.body);
    } else if (isObject(v) && (v.kind === 'lockstep.gate' || v.kind === 'lockstep.rollout')) {
      const r =
        v.kind === 'lockstep.gate' ? renderGate(v, at, ctx, prefix()) : renderRollout(v, at, ctx, prefix());
      summaries.push(`<h3>${escapeHtml(label)}</h3>${r.summary}`);
      bodies.push(r.body);
    } else if (isFindingList(v)) {
      // A snapshot may list a finding twice (a window's, and the snapshot's latest): counted once.
      for (const f of v) state.findings.set(JSON.stringify(f), f);
      bodies.push(
        section(`${prefix()}findings`, label, findingsTable(`${label}, worst first`, v, ctx.maxRows)),
      );
    } else if (isFeatureDriftList(v)) {
      const drifted = v.filter((f) => f.drifted === true).length;
      const comparison: PlainObject = {
        features: v,
        dataset: { compared: v.length, drifted, datasetDrift: drifted * 2 >= v.length },
        anomalies: [],
      };
      const r = renderComparison(comparison, at, ctx, prefix(), label);
      summaries.push(`<h3>${escapeHtml(label)}</h3>${r.summary}`);
      bodies.push(r.body);
    } else if (Array.isArray(v) && v.length === 0) facts.push([label, 'none']);
    else if (Array.isArray(v) && v.every((x) => isObject(x))) {
      const items = v as readonly PlainObject[];
      const columns: string[] = [];
      for (const item of items)
        for (const k of Object.keys(item))
          if (isScalar(item[k]) && !columns.includes(k) && columns.length < 10) columns.push(k);
      const rows = items
        .slice(0, ctx.maxRows)
        .map((item, i) => [String(i + 1), ...columns.map((k) => scalarText(k, item[k]))]);
      bodies.push(
        section(
          `${prefix()}list`,
          label,
          (columns.length === 0
            ? note(`${items.length} items without scalar fields.`)
            : table(`${label}: scalar fields of each item`, ['#', ...columns], rows)) +
            more(items.length - Math.min(items.length, ctx.maxRows), 'items', 'maxRows'),
        ),
      );
    } else if (isObject(v) && depth < 2) {
      const inner = renderObject(v, at, ctx, state, depth + 1);
      bodies.push(
        section(
          `${prefix()}part`,
          label,
          (inner.facts.length > 0 ? definitions(inner.facts) : '') +
            inner.summaries.join('') +
            inner.bodies.join('') +
            (inner.other.length > 0
              ? note(`Fields of other shapes, not rendered: ${inner.other.join(', ')}.`)
              : ''),
        ),
      );
    } else other.push(label);
  }
  return { facts, summaries, bodies, other };
}

/** A monitor snapshot (or any object of the shapes listed at the top of this file). */
export function renderSnapshot(s: PlainObject, path: string, ctx: RenderContext): Rendered {
  const state: State = { n: 0, findings: new Map() };
  const r = renderObject(s, path, ctx, state, 0);
  const summary =
    `<p>Findings: ${escapeHtml(severityCounts([...state.findings.values()]))}.</p>` +
    (r.facts.length > 0 ? definitions(r.facts.slice(0, 200)) : '') +
    r.summaries.join('') +
    (r.other.length > 0 ? note(`Fields of other shapes, not rendered: ${r.other.join(', ')}.`) : '');
  return { summary, body: r.bodies.join('') };
}
