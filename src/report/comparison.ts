// A drift comparison (lockstep/drift's `compare` result, read by its shape): the data set's verdict and the
// drifted features first, then an overview table, then one card per feature with its distributions
// overlaid, the metric, the threshold and the verdict, then the anomalies and skipped features.
//
// The result carries each feature's statistics but no histogram; it carries `top`, the bins or categories
// contributing most, for the distances that have them. So the distributions come from the profiles the
// comparison was made from (options.reference, options.current) when they are given, else from `top`
// (drawn as "the bins contributing most"), else the card says there is nothing to draw and why.
import {
  type CategoricalSide,
  categoricalSide,
  categoryBars,
  histogram,
  type NumericSide,
  numericSide,
  type ProfileFeatures,
} from './distribution.js';
import { escapeHtml, formatNumber, formatShare } from './html.js';
import { badge, definitions, findingsTable, more, note, section, severityCounts, table } from './page.js';
import {
  array,
  boolean,
  isObject,
  number,
  object,
  optionalArray,
  optionalNumber,
  optionalObject,
  optionalString,
  type Plain,
  type PlainObject,
  string,
} from './read.js';
import { categoryBarsSvg, histogramSvg } from './svg.js';

/** What every section renderer is given besides its input. */
export interface RenderContext {
  readonly maxFeatures: number;
  readonly maxCategories: number;
  readonly maxRows: number;
  readonly bins: number;
  readonly reference: ProfileFeatures | undefined;
  readonly current: ProfileFeatures | undefined;
}

/** A rendered input: its part of the summary, and its sections. */
export interface Rendered {
  readonly summary: string;
  readonly body: string;
}

interface FeatureRow {
  readonly feature: string;
  readonly type: string | undefined;
  readonly method: string;
  readonly reason: string | undefined;
  readonly statistic: number | null;
  readonly pValue: number | null | undefined;
  readonly threshold: number | null;
  readonly drifted: boolean;
  readonly top: readonly { label: string; reference: number; current: number }[];
  readonly missing: { reference: number | null; current: number | null; drifted: boolean } | undefined;
  readonly n: { reference: number | null; current: number | null } | undefined;
}

const METRICS: Readonly<Record<string, string>> = {
  ks: 'Kolmogorov–Smirnov D',
  chiSquare: 'chi-square statistic',
  wasserstein: 'Wasserstein distance (reference std. devs.)',
  jensenShannon: 'Jensen–Shannon divergence (bits)',
  psi: 'population stability index',
  lInfinity: 'L-infinity distance',
};

function readFeature(v: Plain | undefined, path: string): FeatureRow {
  const f = object(v, path);
  const missing = optionalObject(f.missing, `${path}.missing`);
  const n = optionalObject(f.n, `${path}.n`);
  return {
    feature: string(f.feature, `${path}.feature`),
    type: optionalString(f.type, `${path}.type`),
    method: string(f.method, `${path}.method`),
    reason: optionalString(f.reason, `${path}.reason`),
    statistic: number(f.statistic, `${path}.statistic`),
    pValue: optionalNumber(f.pValue, `${path}.pValue`),
    threshold: number(f.threshold, `${path}.threshold`),
    drifted: boolean(f.drifted, `${path}.drifted`),
    top: optionalArray(f.top, `${path}.top`).map((t, i) => {
      const o = object(t, `${path}.top[${i}]`);
      return {
        label: string(o.label, `${path}.top[${i}].label`),
        reference: number(o.reference, `${path}.top[${i}].reference`) ?? 0,
        current: number(o.current, `${path}.top[${i}].current`) ?? 0,
      };
    }),
    missing:
      missing === undefined
        ? undefined
        : {
            reference: number(missing.reference, `${path}.missing.reference`),
            current: number(missing.current, `${path}.missing.current`),
            drifted: missing.drifted === true,
          },
    n:
      n === undefined
        ? undefined
        : {
            reference: number(n.reference, `${path}.n.reference`),
            current: number(n.current, `${path}.n.current`),
          },
  };
}

const isTest = (f: FeatureRow) =>
  f.method === 'ks' || f.method === 'chiSquare' || typeof f.pValue === 'number';

/** The verdict's rule in words: `p-value 0.001 < 0.05` or `0.14 ≥ 0.1`. */
function rule(f: FeatureRow): string {
  if (isTest(f) && f.pValue !== undefined)
    return `p-value ${formatNumber(f.pValue)} ${f.drifted ? '<' : '≥'} ${formatNumber(f.threshold)}`;
  return `${formatNumber(f.statistic)} ${f.drifted ? '≥' : '<'} ${formatNumber(f.threshold)}`;
}

function figure(f: FeatureRow, ctx: RenderContext): string {
  const refFeature = ctx.reference?.byName.get(f.feature);
  const curFeature = ctx.current?.byName.get(f.feature);
  if (refFeature !== undefined || curFeature !== undefined) {
    const numericFirst =
      f.type === 'numeric' || (f.type === undefined && isObject((refFeature ?? curFeature)!.feature.numeric));
    if (numericFirst) {
      const side = (p: typeof refFeature): NumericSide | undefined =>
        p === undefined ? undefined : numericSide(p.feature, p.path);
      const h = histogram(side(refFeature), side(curFeature), ctx.bins);
      if (h !== undefined)
        return `<figure>${histogramSvg(f.feature, h)}<figcaption><span class="s sr" aria-hidden="true"></span>reference <span class="s sc" aria-hidden="true"></span>current: share of values per bin, from the profiles' quantile sketches${h.tails ? '; the outer bins also hold values beyond the 1st and 99th percentiles' : ''}.</figcaption></figure>`;
    } else {
      const side = (p: typeof refFeature): CategoricalSide | undefined =>
        p === undefined ? undefined : categoricalSide(p.feature, p.path);
      const bars = categoryBars(side(refFeature), side(curFeature), ctx.maxCategories);
      if (bars.rows.length > 0)
        return `<figure>${categoryBarsSvg(f.feature, bars, `top ${bars.rows.length} values`)}<figcaption><span class="s sr" aria-hidden="true"></span>reference <span class="s sk" aria-hidden="true"></span>current: share of present values, from the profiles' frequencies.</figcaption></figure>`;
    }
  }
  if (f.top.length > 0) {
    const bars = {
      rows: f.top.map((t) => [t.label, t.reference, t.current] as const),
      other: [0, 0] as const,
    };
    return `<figure>${categoryBarsSvg(f.feature, bars, 'the bins contributing most to the statistic')}<figcaption><span class="s sr" aria-hidden="true"></span>reference <span class="s sk" aria-hidden="true"></span>current: the ${f.top.length} bins or values contributing most to the statistic (the comparison carries no full distribution; pass its profiles as options.reference and options.current to draw one).</figcaption></figure>`;
  }
  return note(
    'No distribution to draw: the comparison carries statistics only. Pass the profiles it was made from as options.reference and options.current to draw the distributions.',
  );
}

/** Renders a comparison read by its shape; `prefix` keeps anchors unique when a page holds several. */
export function renderComparison(
  c: PlainObject,
  path: string,
  ctx: RenderContext,
  prefix: string,
  heading = 'Drift',
): Rendered {
  const features = array(c.features, `${path}.features`).map((f, i) =>
    readFeature(f, `${path}.features[${i}]`),
  );
  const dataset = object(c.dataset, `${path}.dataset`);
  const anomalies = array(c.anomalies, `${path}.anomalies`).map((a, i) =>
    object(a, `${path}.anomalies[${i}]`),
  );
  const skipped = optionalArray(c.skipped, `${path}.skipped`).map((s, i) =>
    object(s, `${path}.skipped[${i}]`),
  );
  const mode = optionalString(c.mode, `${path}.mode`);
  const compared = number(dataset.compared, `${path}.dataset.compared`) ?? features.length;
  const drifted =
    number(dataset.drifted, `${path}.dataset.drifted`) ?? features.filter((f) => f.drifted).length;
  const datasetDrift = boolean(dataset.datasetDrift, `${path}.dataset.datasetDrift`);
  const driftShare = optionalNumber(dataset.driftShare, `${path}.dataset.driftShare`);

  // Drifted first, then as given: the order the reader should look in.
  const order = features
    .map((f, i) => [f, i] as const)
    .sort((a, b) => Number(b[0].drifted) - Number(a[0].drifted) || a[1] - b[1]);
  const id = (i: number) => `${prefix}f${i}`;

  const driftedList = order
    .filter(([f]) => f.drifted)
    .slice(0, ctx.maxRows)
    .map(
      ([f, i]) =>
        `<li><a href="#${id(i)}">${escapeHtml(f.feature)}</a>: ${escapeHtml(METRICS[f.method] ?? f.method)} ${escapeHtml(rule(f))}</li>`,
    )
    .join('');
  const missingDrift = features.filter((f) => f.missing?.drifted);
  const summary =
    `<p>${badge(datasetDrift ? 'error' : 'ok', datasetDrift ? 'data set drifted' : 'no data-set drift')} ` +
    `<strong>${drifted} of ${compared} features drifted</strong>${mode === undefined ? '' : ` (mode ${escapeHtml(mode)})`}` +
    `${driftShare === undefined || driftShare === null ? '' : `; the data set counts as drifted from a share of ${formatShare(driftShare)}`}.</p>` +
    (driftedList === '' ? note('No feature drifted.') : `<ul>${driftedList}</ul>`) +
    (missingDrift.length > 0
      ? `<p>Missing-value share changed: ${missingDrift.map((f) => escapeHtml(f.feature)).join(', ')}.</p>`
      : '') +
    `<p>Anomalies: ${severityCounts(anomalies)}${anomalies.length > 0 ? ` (<a href="#${prefix}anomalies">see below</a>)` : ''}. Skipped features: ${skipped.length}.</p>`;

  const overview =
    table(
      'Every compared feature, drifted first',
      ['Feature', 'Type', 'Metric', 'Statistic', 'p-value', 'Threshold', 'Missing (ref → cur)', 'Verdict'],
      order
        .slice(0, ctx.maxRows)
        .map(([f, i]) => [
          `<a href="#${id(i)}">${escapeHtml(f.feature)}</a>`,
          escapeHtml(f.type ?? '–'),
          escapeHtml(f.method),
          formatNumber(f.statistic),
          f.pValue === undefined ? '–' : formatNumber(f.pValue),
          formatNumber(f.threshold),
          f.missing === undefined
            ? '–'
            : `${formatShare(f.missing.reference)} → ${formatShare(f.missing.current)}`,
          f.drifted ? badge('error', 'drifted') : badge('ok', 'no drift'),
        ]),
      [3, 4, 5],
    ) + more(order.length - Math.min(order.length, ctx.maxRows), 'features', 'maxRows');

  const cards = order
    .slice(0, ctx.maxFeatures)
    .map(([f, i]) => {
      const facts: [string, string][] = [
        [
          'Verdict',
          `${f.drifted ? badge('error', 'drifted') : badge('ok', 'no drift')} ${escapeHtml(rule(f))}`,
        ],
        ['Metric', `${escapeHtml(METRICS[f.method] ?? f.method)} (${escapeHtml(f.method)})`],
        ['Statistic', formatNumber(f.statistic)],
      ];
      if (f.pValue !== undefined) facts.push(['p-value', formatNumber(f.pValue)]);
      facts.push([
        'Threshold',
        `${formatNumber(f.threshold)} (${isTest(f) ? 'drift when the p-value is below it' : 'drift at or above it'})`,
      ]);
      if (f.n !== undefined)
        facts.push(['Values (ref, cur)', `${formatNumber(f.n.reference)}, ${formatNumber(f.n.current)}`]);
      if (f.missing !== undefined)
        facts.push([
          'Missing share',
          `${formatShare(f.missing.reference)} → ${formatShare(f.missing.current)}${f.missing.drifted ? ` ${badge('warning', 'changed')}` : ''}`,
        ]);
      if (f.reason !== undefined) facts.push(['Why this metric', escapeHtml(f.reason)]);
      return `<section class="f" id="${id(i)}" aria-labelledby="${id(i)}-h"><h3 id="${id(i)}-h">${escapeHtml(f.feature)}</h3>${definitions(facts)}${figure(f, ctx)}</section>`;
    })
    .join('');

  const body =
    section(
      `${prefix}features`,
      `${heading}: features`,
      overview +
        cards +
        more(order.length - Math.min(order.length, ctx.maxFeatures), 'feature cards', 'maxFeatures'),
    ) +
    section(
      `${prefix}anomalies`,
      `${heading}: anomalies`,
      findingsTable('Anomalies, worst first', anomalies, ctx.maxRows),
    ) +
    (skipped.length > 0
      ? section(
          `${prefix}skipped`,
          `${heading}: skipped features`,
          findingsTable('Features not compared, and why', skipped, ctx.maxRows),
        )
      : '');
  return { summary, body };
}
