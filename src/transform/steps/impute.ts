// impute: fills a missing value (null, undefined, an absent key, or NaN) with the training mean, median
// (numpy's) or most frequent value, or a constant; with `indicator`, also outputs a 0/1 column marking
// the filled rows. It leads its chain and is fitted on the raw input.
import { checkString, MAX_STRING } from '../../core/check.js';
import { invalidArgument } from '../../core/errors.js';
import type { Emit } from '../kernel.js';
import {
  buildStep,
  checkFlag,
  fittedObject,
  isFiniteNumber,
  type StepKernel,
  type StepRules,
} from './common.js';

/** How `impute()` fills a missing value. */
export type ImputeStrategy = 'mean' | 'median' | 'mode' | 'constant';

export interface ImputeStep {
  readonly type: 'impute';
  readonly strategy: ImputeStrategy;
  /** The fill value for `strategy: 'constant'`. */
  readonly value?: number | string;
  /** Also output a column that is 1 where the value was missing. Default false. */
  readonly indicator?: boolean;
}

export type FittedImpute = ImputeStep & { readonly fitted: { readonly value: number | string } };

/**
 * Fills missing values (null, undefined, an absent key, or NaN) with the training mean, median or most
 * frequent value, or a constant; with `indicator`, also outputs a 0/1 column marking them.
 * @example impute({ strategy: 'median' }) // => { type: 'impute', strategy: 'median' }
 */
export function impute(options: {
  readonly strategy: ImputeStrategy;
  readonly value?: number | string;
  readonly indicator?: boolean;
}): ImputeStep {
  return buildStep(imputeStep, options);
}

export const imputeStep: StepRules<ImputeStep, FittedImpute> = {
  type: 'impute',
  options: ['strategy', 'value', 'indicator'],
  check(fn, at, s) {
    const strategy = s.strategy;
    if (strategy !== 'mean' && strategy !== 'median' && strategy !== 'mode' && strategy !== 'constant')
      throw invalidArgument(fn, `${at}.strategy`, "must be 'mean', 'median', 'mode' or 'constant'", strategy);
    if (strategy === 'constant') {
      const v = s.value;
      if (typeof v === 'string') checkString(fn, `${at}.value`, v, MAX_STRING);
      else if (!(typeof v === 'number' && Number.isFinite(v)))
        throw invalidArgument(fn, `${at}.value`, "must be a finite number or a string for 'constant'", v);
    } else if (s.value !== undefined) {
      throw invalidArgument(fn, `${at}.value`, "is only for strategy 'constant'", s.value);
    }
    checkFlag(fn, at, s, 'indicator');
  },
  fit: {
    phases: (step) => (step.strategy === 'constant' ? 0 : 1),
    accumulator: (step) =>
      step.strategy === 'mean' ? 'sum' : step.strategy === 'median' ? 'quantiles' : 'counts',
    finish(step, stats) {
      if (step.strategy === 'mean') return { ...step, fitted: { value: stats.mean() } };
      if (step.strategy === 'median') return { ...step, fitted: { value: stats.median() } };
      // Mode: the most frequent value; ties go to the smallest (numbers) or the first in code-unit order.
      const { entries } = stats.frequencies();
      if (entries.length === 0) throw stats.noValues();
      const top = entries[0]![1];
      if (stats.kind === 'number') {
        let best = Number.POSITIVE_INFINITY;
        for (const [v, c] of entries) if (c === top) best = Math.min(best, Number(v));
        return { ...step, fitted: { value: best } };
      }
      return { ...step, fitted: { value: entries[0]![0] } };
    },
  },
  fixed: (step) => ({ ...step, fitted: { value: step.value! } }),
  fittedProblem(step) {
    const f = step.fitted as unknown;
    const problem = fittedObject(f, ['value']);
    if (problem) return problem;
    const v = (f as { value?: unknown }).value;
    if (!((typeof v === 'string' && v.length <= MAX_STRING) || isFiniteNumber(v)))
      return ['fitted.value', `must be a finite number or a string of at most ${MAX_STRING} characters`];
    if (step.strategy === 'constant' && v !== step.value) return ['fitted.value', 'must equal value'];
    return undefined;
  },
};

export const imputeKernel: StepKernel<FittedImpute> = {
  number(step) {
    const fill = step.fitted.value as number;
    return (s, n) => {
      const { x, miss } = s;
      for (let i = 0; i < n; i++) if (miss[i] === 1) x[i] = fill;
    };
  },
  text(step) {
    const fill = String(step.fitted.value);
    return (s, n) => {
      const { text, miss } = s;
      for (let i = 0; i < n; i++) {
        if (text[i] === undefined) {
          text[i] = fill;
          miss[i] = 1;
        } else miss[i] = 0;
      }
    };
  },
  extra(step, name, main, at) {
    if (step.indicator !== true) return undefined;
    const emit: Emit = (s, n, out, base, stride, fail) => {
      main(s, n, out, base, stride, fail);
      const miss = s.miss;
      for (let i = 0; i < n; i++) out[base + i * stride + at] = miss[i]!;
    };
    return { emit, name: `${name}.missing` };
  },
};
