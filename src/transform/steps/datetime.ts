// datetime: parts of a UTC date-time (epoch ms, a Date, or ISO-8601 text), as numbers or, with `cyclical`,
// as the sine and cosine of their place in the period. It reads its input alone and learns nothing.
import { invalidArgument } from '../../core/errors.js';
import { datePart, PERIODS } from '../dates.js';
import type { Emit } from '../kernel.js';
import { buildStep, checkFlag, learnsNothing, type StepKernel, type StepRules } from './common.js';

/** Parts of a UTC date-time that `datetime()` can output. */
export type DatePart = 'year' | 'month' | 'dayOfMonth' | 'dayOfWeek' | 'dayOfYear' | 'hour' | 'minute';

export const DATE_PARTS: readonly DatePart[] = [
  'year',
  'month',
  'dayOfMonth',
  'dayOfWeek',
  'dayOfYear',
  'hour',
  'minute',
];

export interface DatetimeStep {
  readonly type: 'datetime';
  readonly parts: readonly DatePart[];
  /** Output each periodic part as its sine and cosine. Default false. */
  readonly cyclical?: boolean;
}

/**
 * Parts of a UTC date-time (epoch milliseconds, a Date, or an ISO-8601 string), as numbers or, with
 * `cyclical`, as the sine and cosine of their place in the period.
 * @example datetime({ parts: ['hour'], cyclical: true }) // => { type: 'datetime', parts: ['hour'], cyclical: true }
 */
export function datetime(options: {
  readonly parts: readonly DatePart[];
  readonly cyclical?: boolean;
}): DatetimeStep {
  return buildStep(datetimeStep, options);
}

export const datetimeStep: StepRules<DatetimeStep, DatetimeStep> = {
  type: 'datetime',
  options: ['parts', 'cyclical'],
  check(fn, at, s) {
    const parts = s.parts;
    if (
      !Array.isArray(parts) ||
      parts.length === 0 ||
      parts.length > DATE_PARTS.length ||
      !parts.every((p) => DATE_PARTS.includes(p)) ||
      new Set(parts).size !== parts.length
    ) {
      throw invalidArgument(fn, `${at}.parts`, `must be distinct parts of ${DATE_PARTS.join(', ')}`, parts);
    }
    checkFlag(fn, at, s, 'cyclical');
  },
  fittedProblem: learnsNothing,
};

export const datetimeKernel: StepKernel<DatetimeStep> = {
  time(step, feature) {
    const offset = feature.offset;
    const cyclical = step.cyclical === true;
    const names: string[] = [];
    const plan: { part: DatePart; period: readonly [number, number] | undefined }[] = [];
    for (const part of step.parts) {
      const period = cyclical ? PERIODS[part] : undefined;
      plan.push({ part, period });
      if (period) names.push(`${feature.name}.${part}_sin`, `${feature.name}.${part}_cos`);
      else names.push(`${feature.name}.${part}`);
    }
    // A periodic part takes `period` integer values from `base`: its sines and cosines are tabulated once,
    // by the same expression, so the table holds the very bits Math.sin and Math.cos would give per row.
    const parts = plan.map((p) => p.part);
    const tables = plan.map(({ period }) => {
      if (!period) return undefined;
      const sin = new Float64Array(period[0]);
      const cos = new Float64Array(period[0]);
      for (let j = 0; j < period[0]; j++) {
        const angle = (2 * Math.PI * j) / period[0]; // v − base = j: the expression the row would compute
        sin[j] = Math.sin(angle);
        cos[j] = Math.cos(angle);
      }
      return { sin, cos, base: period[1] };
    });
    const emit: Emit = (s, n, out, base, stride) => {
      const x = s.x;
      for (let i = 0; i < n; i++) {
        let at = base + i * stride + offset;
        const t = x[i]!;
        for (let k = 0; k < parts.length; k++) {
          const v = datePart(t, parts[k]!);
          const table = tables[k];
          if (table) {
            out[at++] = table.sin[v - table.base]!;
            out[at++] = table.cos[v - table.base]!;
          } else out[at++] = v;
        }
      }
    };
    return { emit, names };
  },
};
