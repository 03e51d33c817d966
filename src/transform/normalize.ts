// Checking a spec: every step well-formed, and every chain one the kernel can run. The grammar of a chain:
//   number:   [impute] (standardize | minMax | robustScale | clip | log1p | passthrough)* [bucketize [oneHot]]
//   category: [impute] (vocabulary | hashBucket) [oneHot]      list: (vocabulary | hashBucket) multiHot
//   cross [oneHot]      datetime      recencyWeight
import { invalidArgument } from '../core/errors.js';
import type { Step } from './spec.js';
import { isStepType, STEPS, stepRules } from './steps/index.js';
import type { FittedFeature, InputKind } from './types.js';

/** A feature of a spec, checked and in one shape: a fitted feature before fitting and layout. */
export interface NormalizedFeature extends Omit<FittedFeature, 'steps' | 'offset' | 'width'> {
  readonly steps: readonly Step[];
}

const NUMERIC_OPS = new Set(['standardize', 'minMax', 'robustScale', 'clip', 'log1p', 'passthrough']);

/** Checks one step's options (by its definition in steps/); `at` is its path in the spec, for messages. */
export function checkStep(fn: string, at: string, step: unknown, allowFitted: boolean): Step {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) {
    throw invalidArgument(fn, at, 'must be a step object such as standardize()', step);
  }
  const s = step as Record<string, unknown>;
  const type = s.type;
  if (!isStepType(type)) {
    throw invalidArgument(fn, `${at}.type`, `must be one of ${Object.keys(STEPS).join(', ')}`, type);
  }
  const def = stepRules(type);
  for (const key of Object.keys(s)) {
    if (key !== 'type' && !def.options.includes(key) && !(allowFitted && key === 'fitted')) {
      throw invalidArgument(fn, `${at}.${key}`, `is not an option of ${type}()`, s[key]);
    }
  }
  def.check(fn, at, s);
  return step as Step;
}

/** Checks a chain against the grammar at the top of this file and says what it reads. */
export function chainKind(fn: string, at: string, steps: readonly Step[]): InputKind {
  const types = steps.map((s) => s.type);
  const fail = (i: number, why: string): never => {
    throw invalidArgument(fn, `${at}[${i}]`, why, types[i]);
  };
  types.forEach((t, i) => {
    if (i > 0 && (t === 'impute' || t === 'cross' || t === 'datetime' || t === 'recencyWeight'))
      fail(i, `must come first in its chain (${t} reads the raw input)`);
  });
  const first = types[0]!;
  if (first === 'datetime' || first === 'recencyWeight') {
    if (types.length > 1) fail(1, `cannot follow ${first}, which must be alone in its chain`);
    return 'time';
  }
  let i = first === 'impute' ? 1 : 0;
  const impute = steps[0]?.type === 'impute' ? steps[0] : undefined;
  const tail = (from: number, after: string) => {
    if (from < types.length && types[from] === 'oneHot') from++;
    if (from < types.length) fail(from, `cannot follow ${after}; only oneHot can`);
  };
  const t = types[i];
  if (first === 'cross') {
    tail(1, 'cross');
    return 'category';
  }
  if (t === 'vocabulary' || t === 'hashBucket') {
    if (types[i + 1] === 'multiHot') {
      if (impute) fail(0, 'cannot come before multiHot: a missing list is an empty one');
      if (i + 2 < types.length) fail(i + 2, 'cannot follow multiHot, which must end its chain');
      return 'list';
    }
    tail(i + 1, t);
    if (impute?.strategy === 'mean' || impute?.strategy === 'median')
      fail(0, `cannot fill a category with the ${impute.strategy}; use 'mode' or 'constant'`);
    return 'category';
  }
  if (impute?.strategy === 'constant' && typeof impute.value !== 'number')
    fail(0, 'must fill a number with a number value');
  while (i < types.length && NUMERIC_OPS.has(types[i]!)) i++;
  if (i < types.length) {
    if (types[i] === 'bucketize') tail(i + 1, 'bucketize');
    else if (types[i] === 'oneHot' || types[i] === 'multiHot')
      fail(i, 'must follow an index step (vocabulary, hashBucket, bucketize or cross)');
    else fail(i, 'cannot follow a numeric step');
  }
  return 'number';
}

/** Checks a spec and puts every feature in one shape: name, inputs, kind, steps, role. */
export function normalizeSpec(fn: string, spec: unknown): NormalizedFeature[] {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw invalidArgument(fn, 'spec', 'must be an object of feature names to chains of steps', spec);
  }
  const names = Object.keys(spec);
  if (names.length === 0) throw invalidArgument(fn, 'spec', 'must have at least one feature', spec);
  return names.map((name) => {
    const entry = (spec as Record<string, unknown>)[name];
    const at = `spec.${name}`;
    let input = name;
    let raw: unknown;
    if (Array.isArray(entry)) raw = entry;
    else if (typeof entry === 'object' && entry !== null && 'steps' in entry) {
      const { input: given, steps, ...rest } = entry as { input?: unknown; steps?: unknown };
      if (typeof given !== 'string' || given === '')
        throw invalidArgument(fn, `${at}.input`, 'must be a column name', given);
      const extra = Object.keys(rest);
      if (extra.length > 0)
        throw invalidArgument(fn, `${at}.${extra[0]}`, 'is not a feature option (input, steps)');
      input = given;
      raw = steps;
    } else raw = [entry];
    if (!Array.isArray(raw) || raw.length === 0)
      throw invalidArgument(fn, at, 'must be a step, a non-empty array of steps, or { input, steps }', entry);
    const steps = raw.map((s, i) => checkStep(fn, `${at}[${i}]`, s, false));
    const kind = chainKind(fn, at, steps);
    const first = steps[0]!;
    if (first.type === 'recencyWeight') return { name, inputs: [first.column], kind, steps, role: 'weight' };
    const inputs = first.type === 'cross' ? first.inputs : [input];
    return { name, inputs, kind, steps, role: 'input' };
  });
}
