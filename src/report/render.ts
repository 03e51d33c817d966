// renderReport: one self-contained HTML page for a drift comparison, a gate, a rollout state, a monitor
// snapshot or a list of findings. The page needs nothing else: its one stylesheet is inline, its charts
// are inline SVG, it uses the system's fonts, it has no script, and its Content-Security-Policy
// (`default-src 'none'`) forbids every request and every script, so even a payload that escaped the
// escaping could neither run nor call home. It reads the same without JavaScript and with a screen reader
// (every chart an image with its numbers in its label, every table with scoped headers).
//
// The input is recognised by its `kind` (`lockstep.gate`, `lockstep.rollout`, `lockstep.monitorSnapshot`)
// or by its shape (drift's compare result: `features`, `dataset`, `anomalies`; an array of findings in
// core's shape), never by importing the module that made it: lockstep/report imports only core. The
// output is a pure function of the input and the options: the same input gives the same bytes, and the
// only time on the page is `options.generatedAt`, as given.
import { checkInteger, checkString, readOptions } from '../core/check.js';
import { describe, invalidArgument } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { type RenderContext, type Rendered, renderComparison } from './comparison.js';
import { readProfile } from './distribution.js';
import { renderGate } from './gate.js';
import { escapeHtml } from './html.js';
import { badge, findingsTable, section, severityCounts, stylesheet } from './page.js';
import {
  FN,
  isComparisonLike,
  isFindingLike,
  isObject,
  type Plain,
  type PlainObject,
  snapshot,
} from './read.js';
import { renderRollout } from './rollout.js';
import { renderSnapshot, SNAPSHOT_KINDS } from './snapshot.js';
import { renderTimeline } from './timeline.js';

/** What renderReport renders: anything of these shapes (read structurally, so JSON copies do too). */
export type ReportInput =
  /** lockstep/drift's `compare` result. */
  | {
      readonly features: readonly object[];
      readonly dataset: object;
      readonly anomalies: readonly Finding[];
    }
  /** A `lockstep.gate`, `lockstep.rollout` or `lockstep.monitorSnapshot` artifact, or a `lockstep.timeline`. */
  | { readonly kind: string }
  /** Findings in core's shape, from any module. */
  | readonly Finding[];

export interface ReportOptions {
  /** The page's title and heading (at most 200 characters). Default: by kind (`Drift report`, `Gate report`, …). */
  readonly title?: string;
  /**
   * When the report was made, shown as given (at most 100 characters, e.g. an ISO 8601 time). The report
   * never reads the clock, so without it the page shows no time and the same input gives the same bytes.
   */
  readonly generatedAt?: string;
  /** Feature cards (with their charts) drawn for a comparison, drifted first. Default 50, in [1, 10000]. */
  readonly maxFeatures?: number;
  /** Categories drawn per categorical feature, by largest share on either side. Default 10, in [1, 100]. */
  readonly maxCategories?: number;
  /** Bins of a numeric histogram. Default 24, in [2, 200]. */
  readonly bins?: number;
  /** Rows per table (findings, checks, events, features). Default 200, in [1, 100000]. */
  readonly maxRows?: number;
  /**
   * The lockstep/stats profile of the comparison's reference side (read by its shape: `kind:
   * 'lockstep.profile'`), to draw each feature's reference distribution from its quantile sketch or
   * frequencies. Comparisons and snapshots only.
   */
  readonly reference?: object;
  /** The profile of the current side, as `reference`. */
  readonly current?: object;
}

const KEYS = [
  'title',
  'generatedAt',
  'maxFeatures',
  'maxCategories',
  'bins',
  'maxRows',
  'reference',
  'current',
] as const;

const MUST =
  "must be a drift comparison (compare()'s result), a lockstep.gate or lockstep.rollout artifact, a lockstep.monitorSnapshot or an array of findings, or a lockstep.timeline";

interface Page {
  readonly kindLabel: string;
  readonly title: string;
  readonly rendered: Rendered;
}

function renderFindings(list: readonly Plain[], path: string, ctx: RenderContext): Rendered {
  list.forEach((f, i) => {
    if (!isFindingLike(f))
      throw invalidArgument(
        FN,
        `${path}[${i}]`,
        'must be a finding (a string code and message, a severity of error, warning or info)',
        f,
      );
  });
  const findings = list as readonly PlainObject[];
  const summary = `<p>${badge(findings.some((f) => f.severity === 'error') ? 'error' : findings.length > 0 ? 'warning' : 'ok', `${findings.length} findings`)} ${escapeHtml(severityCounts(findings))}.</p>`;
  return {
    summary,
    body: section('findings', 'Findings', findingsTable('Findings, worst first', findings, ctx.maxRows)),
  };
}

function pageOf(input: Plain | undefined, ctx: RenderContext, hasProfiles: boolean): Page {
  const refuseProfiles = (what: string) => {
    if (hasProfiles)
      throw invalidArgument(
        FN,
        'options.reference',
        `applies to drift comparisons and monitor snapshots, not to ${what}`,
      );
  };
  if (Array.isArray(input)) {
    refuseProfiles('findings');
    return { kindLabel: 'Findings', title: 'Findings report', rendered: renderFindings(input, 'input', ctx) };
  }
  if (!isObject(input)) throw invalidArgument(FN, 'input', MUST, input);
  const kind = input.kind;
  if (kind === 'lockstep.gate') {
    refuseProfiles('a gate');
    const rendered = renderGate(input, 'input', ctx, '');
    return {
      kindLabel: 'Gate',
      title: `Gate report: ${input.passed === true ? 'passed' : 'failed'}`,
      rendered,
    };
  }
  if (kind === 'lockstep.rollout') {
    refuseProfiles('a rollout');
    const rendered = renderRollout(input, 'input', ctx, '');
    return { kindLabel: 'Rollout', title: `Rollout report: ${String(input.name)}`, rendered };
  }
  if (kind === 'lockstep.timeline') {
    refuseProfiles('a timeline');
    const rendered = renderTimeline(input, 'input', ctx);
    return {
      kindLabel: 'Timeline',
      title: typeof input.title === 'string' ? input.title : 'Timeline report',
      rendered,
    };
  }
  if (typeof kind === 'string' && SNAPSHOT_KINDS.includes(kind))
    return {
      kindLabel: 'Monitor snapshot',
      title: 'Monitor report',
      rendered: renderSnapshot(input, 'input', ctx),
    };
  if (kind === undefined && isComparisonLike(input))
    return {
      kindLabel: 'Drift comparison',
      title: 'Drift report',
      rendered: renderComparison(input, 'input', ctx, ''),
    };
  throw invalidArgument(
    FN,
    'input',
    kind === undefined ? MUST : `${MUST}; kind ${describe(kind)} is none of them`,
    kind === undefined ? input : undefined,
  );
}

/**
 * One self-contained HTML page (no script, no network, no external font; a Content-Security-Policy that
 * forbids all three) reporting a drift comparison, a gate, a rollout state, a monitor snapshot or a list of
 * findings: a summary first (drifted features, failed checks, the rollout's phase, findings by severity),
 * then the details (per feature the reference and current distributions overlaid in inline SVG, the
 * metric, its threshold and the verdict; anomalies; gate checks by slice, failed first; the rollout's
 * steps, comparisons with intervals and history). Every string from the data is HTML-escaped. The same
 * input and options give the same bytes; the clock is never read (pass `generatedAt`). O(input size);
 * a 20-feature comparison with profiles renders to about 45 kB.
 * @example renderReport([{ code: 'DRIFT_HIGH', severity: 'error', message: 'delay drifted', feature: 'delay' }]).includes('DRIFT_HIGH') // => true
 * @example renderReport({ kind: 'lockstep.unknown' }) // => throws LockstepError INVALID_ARGUMENT naming the kinds it renders
 * @throws LockstepError `INVALID_ARGUMENT` for an input of no known kind or shape, a field of the wrong
 *   type (naming its path, `input.checks[3].passed`), an unreadable input (a throwing getter or Proxy, a
 *   cycle, nesting deeper than 64), an unknown option key (naming the closest known one) or an option
 *   value out of range; profiles given for a gate, a rollout or findings.
 */
export function renderReport(input: ReportInput | unknown, options?: ReportOptions): string {
  const o = readOptions(FN, options, KEYS);
  const title = o.title === undefined ? undefined : checkString(FN, 'options.title', o.title, 200, true);
  const generatedAt =
    o.generatedAt === undefined
      ? undefined
      : checkString(FN, 'options.generatedAt', o.generatedAt, 100, true);
  const int = (
    key: 'maxFeatures' | 'maxCategories' | 'bins' | 'maxRows',
    fallback: number,
    min: number,
    max: number,
  ) => (o[key] === undefined ? fallback : checkInteger(FN, `options.${key}`, o[key], min, max));
  const reference =
    o.reference === undefined
      ? undefined
      : readProfile(snapshot('options.reference', o.reference), 'options.reference');
  const current =
    o.current === undefined
      ? undefined
      : readProfile(snapshot('options.current', o.current), 'options.current');
  const ctx: RenderContext = {
    maxFeatures: int('maxFeatures', 50, 1, 10_000),
    maxCategories: int('maxCategories', 10, 1, 100),
    bins: int('bins', 24, 2, 200),
    maxRows: int('maxRows', 200, 1, 100_000),
    reference,
    current,
  };
  const page = pageOf(snapshot('input', input), ctx, reference !== undefined || current !== undefined);
  const heading = title ?? page.title;
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<title>${escapeHtml(heading)}</title><style>${stylesheet()}</style></head><body>` +
    `<header><h1>${escapeHtml(heading)}</h1><p class="m">lockstep report · ${escapeHtml(page.kindLabel)}${generatedAt === undefined ? '' : ` · generated ${escapeHtml(generatedAt)}`}</p></header>` +
    `<main>${section('summary', 'Summary', page.rendered.summary)}${page.rendered.body}</main></body></html>\n`
  );
}
