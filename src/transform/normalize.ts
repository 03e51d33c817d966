// Checking a spec: every step well-formed, and every chain one the kernel can run. The grammar of a chain:
//   number:   [impute] (standardize | minMax | robustScale | clip | log1p | passthrough)* [bucketize [oneHot]]
//   category: [impute] (vocabulary | hashBucket) [oneHot]      list: (vocabulary | hashBucket) multiHot
//   tokenize (vocabulary | hashBucket) [oneHot]      cross [oneHot]      datetime      recencyWeight
// tokenize leads its chain with no impute before it: an impute would learn a raw value (a mode) into the
// artifact, which a pseudonymised feature must never hold; a missing value stays missing instead.
import { checkString, readOptions } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import type { Step } from './spec.js';
import { MAX_NAME, optionValue } from './steps/common.js';
import { isStepType, STEPS, stepRules } from './steps/index.js';
import type { FittedFeature, InputKind } from './types.js';

/** A feature of a spec, checked and in one shape: a fitted feature before fitting and layout. */
export interface NormalizedFeature extends Omit<FittedFeature, 'steps' | 'offset' | 'width'> {
  readonly steps: readonly Step[];
}

/**
 * Bounds of a spec (and of a fitted transform): at most 65,536 features, and at most 32 steps in a chain.
 * Fitting takes one pass over the data per stage, and a chain of n steps can need up to 2n stages, so the
 * chain's bound is what keeps `fit` from reading the data thousands of times.
 */
export const MAX_FEATURES = 1 << 16;
export const MAX_CHAIN = 32;

const NUMERIC_OPS = new Set(['standardize', 'minMax', 'robustScale', 'clip', 'log1p', 'passthrough']);

/** The error for a spec, step or artifact part that could not be read (a getter or Proxy threw). */
function unreadable(fn: string, at: string) {
  return invalidArgument(fn, at, 'could not be read (a getter or Proxy threw)');
}

/**
 * Checks one step's options (by its rules in steps/) and returns a copy lockstep owns: a fresh object of
 * the same keys in the same order, arrays copied (-0 written as 0, see optionValue), so later edits of the
 * caller's object (or a getter that answers differently the second time) cannot change a fitted
 * transform. `at` is its path in the spec, for messages; an unknown key names the closest known one.
 */
export function checkStep(fn: string, at: string, step: unknown, allowFitted: boolean): Step {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) {
    throw invalidArgument(fn, at, 'must be a step object such as standardize()', step);
  }
  let type: unknown;
  try {
    type = (step as { type?: unknown }).type;
  } catch {
    throw unreadable(fn, at);
  }
  if (!isStepType(type)) {
    throw invalidArgument(fn, `${at}.type`, `must be one of ${Object.keys(STEPS).join(', ')}`, type);
  }
  const rules = stepRules(type);
  const known = allowFitted ? ['type', ...rules.options, 'fitted'] : ['type', ...rules.options];
  // A copy is checked and kept: each value as optionValue keeps it, and the type read above (a getter may
  // answer otherwise the second time).
  const o = readOptions(fn, step, known, at) as Readonly<Record<string, unknown>>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(o)) copy[key] = optionValue(fn, `${at}.${key}`, o[key]);
  copy.type = type;
  rules.check(fn, at, copy);
  return copy as unknown as Step;
}

/** Checks a chain against the grammar at the top of this file and says what it reads. */
export function chainKind(fn: string, at: string, steps: readonly Step[]): InputKind {
  const types = steps.map((s) => s.type);
  const fail = (i: number, why: string): never => {
    throw invalidArgument(fn, `${at}[${i}]`, why, types[i]);
  };
  types.forEach((t, i) => {
    if (i > 0 && t === 'tokenize')
      fail(
        i,
        "must come first in its chain (it reads the raw input, and an impute before it would keep a raw value in the artifact; a missing value stays missing: use vocabulary's mask or hashBucket's missing: 'bucket')",
      );
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
  if (first === 'tokenize') {
    const next = types[1];
    if (next !== 'vocabulary' && next !== 'hashBucket')
      throw invalidArgument(
        fn,
        `${at}[1]`,
        'must be vocabulary or hashBucket after tokenize (a token is a category)',
        next,
      );
    if (types[2] === 'multiHot')
      fail(2, 'cannot follow a tokenized category: tokenize reads one category, not a list');
    tail(2, next);
    return 'category';
  }
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
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec) || ArrayBuffer.isView(spec)) {
    throw invalidArgument(fn, 'spec', 'must be an object of feature names to chains of steps', spec);
  }
  let names: string[];
  try {
    names = Object.keys(spec);
  } catch {
    throw unreadable(fn, 'spec');
  }
  if (names.length === 0) throw invalidArgument(fn, 'spec', 'must have at least one feature', spec);
  if (names.length > MAX_FEATURES)
    throw invalidArgument(fn, 'spec', `must have at most ${MAX_FEATURES} features, got ${names.length}`);
  return names.map((name) => {
    if (name.length > MAX_NAME)
      throw invalidArgument(
        fn,
        'spec',
        `has a feature name of ${name.length} characters; at most ${MAX_NAME}`,
      );
    const at = `spec.${name}`;
    let entry: unknown;
    try {
      entry = (spec as Record<string, unknown>)[name];
    } catch {
      throw unreadable(fn, at);
    }
    let input = name;
    let raw: unknown;
    if (Array.isArray(entry)) raw = entry;
    else if (isFeatureObject(fn, at, entry)) {
      const o = readOptions(fn, entry, ['input', 'steps'], at);
      input = checkString(fn, `${at}.input`, o.input, MAX_NAME, true);
      raw = o.steps;
    } else raw = [entry];
    let length: number;
    try {
      length = Array.isArray(raw) ? raw.length : 0;
    } catch {
      throw unreadable(fn, at);
    }
    if (length === 0)
      throw invalidArgument(fn, at, 'must be a step, a non-empty array of steps, or { input, steps }', entry);
    if (length > MAX_CHAIN)
      throw invalidArgument(fn, at, `must have at most ${MAX_CHAIN} steps, got ${length}`);
    const steps: Step[] = [];
    for (let i = 0; i < length; i++) {
      let step: unknown;
      try {
        step = (raw as readonly unknown[])[i];
      } catch {
        throw unreadable(fn, `${at}[${i}]`);
      }
      steps.push(checkStep(fn, `${at}[${i}]`, step, false));
    }
    const kind = chainKind(fn, at, steps);
    const first = steps[0]!;
    if (first.type === 'recencyWeight') return { name, inputs: [first.column], kind, steps, role: 'weight' };
    const inputs = first.type === 'cross' ? [...first.inputs] : [input];
    return { name, inputs, kind, steps, role: 'input' };
  });
}

/** True for a feature written as `{ input, steps }` (an object with a `steps` or `input` key), not a step. */
function isFeatureObject(fn: string, at: string, entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  try {
    return 'steps' in entry || 'input' in entry;
  } catch {
    throw unreadable(fn, at);
  }
}
