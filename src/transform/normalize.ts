// Checking a spec: every step well-formed, and every chain one the kernel can run. The grammar of a chain:
//   number:   [impute] (standardize | minMax | robustScale | clip | log1p | passthrough)* [bucketize [oneHot]]
//   category: [impute] (vocabulary | hashBucket) [oneHot]      list: (vocabulary | hashBucket) multiHot
//   cross [oneHot]      datetime      recencyWeight
import { invalidArgument } from '../core/errors.js';
import type { DatePart, Step } from './spec.js';
import type { FittedFeature, InputKind } from './types.js';

/** A feature of a spec, checked and in one shape: a fitted feature before fitting and layout. */
export interface NormalizedFeature extends Omit<FittedFeature, 'steps' | 'offset' | 'width'> {
  readonly steps: readonly Step[];
}

export const DATE_PARTS: readonly DatePart[] = [
  'year',
  'month',
  'dayOfMonth',
  'dayOfWeek',
  'dayOfYear',
  'hour',
  'minute',
];

const NUMERIC_OPS = new Set(['standardize', 'minMax', 'robustScale', 'clip', 'log1p', 'passthrough']);
const KNOWN = new Set([
  ...NUMERIC_OPS,
  'bucketize',
  'vocabulary',
  'oneHot',
  'multiHot',
  'hashBucket',
  'cross',
  'impute',
  'datetime',
  'recencyWeight',
]);

/** Options allowed on each step type, beyond `type` (and `fitted` in an artifact). */
const OPTIONS: Readonly<Record<string, readonly string[]>> = {
  standardize: [],
  minMax: ['clip'],
  robustScale: ['quantiles'],
  clip: ['min', 'max', 'quantiles'],
  log1p: [],
  passthrough: [],
  bucketize: ['boundaries', 'quantiles', 'missing'],
  vocabulary: ['topK', 'minFrequency', 'oovBuckets', 'mask', 'salt'],
  oneHot: [],
  multiHot: [],
  hashBucket: ['buckets', 'salt', 'missing'],
  cross: ['inputs', 'buckets', 'salt', 'missing'],
  impute: ['strategy', 'value', 'indicator'],
  datetime: ['parts', 'cyclical'],
  recencyWeight: ['column', 'halfLife'],
};

const MAX_BUCKETS = 1 << 24;

/** Checks one step's options; `at` is its path in the spec, for messages. */
export function checkStep(fn: string, at: string, step: unknown, allowFitted: boolean): Step {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) {
    throw invalidArgument(fn, at, 'must be a step object such as standardize()', step);
  }
  const s = step as Record<string, unknown>;
  const type = s.type;
  if (typeof type !== 'string' || !KNOWN.has(type)) {
    throw invalidArgument(fn, `${at}.type`, `must be one of ${[...KNOWN].join(', ')}`, type);
  }
  const allowed = OPTIONS[type]!;
  for (const key of Object.keys(s)) {
    if (key !== 'type' && !allowed.includes(key) && !(allowFitted && key === 'fitted')) {
      throw invalidArgument(fn, `${at}.${key}`, `is not an option of ${type}()`, s[key]);
    }
  }
  const bool = (key: string) => {
    if (s[key] !== undefined && typeof s[key] !== 'boolean')
      throw invalidArgument(fn, `${at}.${key}`, 'must be a boolean', s[key]);
  };
  const salt = () => {
    if (s.salt !== undefined && typeof s.salt !== 'string')
      throw invalidArgument(fn, `${at}.salt`, 'must be a string', s.salt);
  };
  const missing = () => {
    if (s.missing !== undefined && s.missing !== 'error' && s.missing !== 'bucket')
      throw invalidArgument(fn, `${at}.missing`, "must be 'error' or 'bucket'", s.missing);
  };
  const count = (key: string, min: number, max: number, required: boolean) => {
    const v = s[key];
    if (v === undefined && !required) return;
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
      throw invalidArgument(fn, `${at}.${key}`, `must be an integer in [${min}, ${max}]`, v);
  };
  const probabilities = (key: string) => {
    const q = s[key];
    if (
      !Array.isArray(q) ||
      q.length !== 2 ||
      !q.every((p) => typeof p === 'number' && p >= 0 && p <= 1) ||
      !(q[0] < q[1])
    ) {
      throw invalidArgument(fn, `${at}.${key}`, 'must be two probabilities [low, high] with low < high', q);
    }
  };
  switch (type) {
    case 'minMax':
      bool('clip');
      break;
    case 'robustScale':
      if (s.quantiles !== undefined) probabilities('quantiles');
      break;
    case 'clip':
      if (s.quantiles !== undefined) {
        if (s.min !== undefined || s.max !== undefined)
          throw invalidArgument(fn, at, 'must give either quantiles or min/max, not both', step);
        probabilities('quantiles');
      } else {
        for (const key of ['min', 'max']) {
          if (s[key] !== undefined && (typeof s[key] !== 'number' || Number.isNaN(s[key])))
            throw invalidArgument(fn, `${at}.${key}`, 'must be a number', s[key]);
        }
        if (s.min === undefined && s.max === undefined)
          throw invalidArgument(fn, at, 'must give min, max or quantiles', step);
        if (s.min !== undefined && s.max !== undefined && !((s.min as number) <= (s.max as number)))
          throw invalidArgument(fn, `${at}.max`, `must be at least min (${s.min as number})`, s.max);
      }
      break;
    case 'bucketize':
      missing();
      if ((s.boundaries === undefined) === (s.quantiles === undefined))
        throw invalidArgument(fn, at, 'must give either boundaries or quantiles', step);
      if (s.boundaries !== undefined) checkBoundaries(fn, `${at}.boundaries`, s.boundaries);
      else count('quantiles', 2, 10_000, true);
      break;
    case 'vocabulary':
      count('topK', 1, MAX_BUCKETS, false);
      count('minFrequency', 1, Number.MAX_SAFE_INTEGER, false);
      count('oovBuckets', 0, MAX_BUCKETS, false);
      salt();
      if (s.mask !== undefined && s.mask !== true && typeof s.mask !== 'string')
        throw invalidArgument(fn, `${at}.mask`, 'must be a string or true', s.mask);
      break;
    case 'hashBucket':
      count('buckets', 1, MAX_BUCKETS, true);
      salt();
      missing();
      break;
    case 'cross': {
      count('buckets', 1, MAX_BUCKETS, true);
      salt();
      missing();
      const inputs = s.inputs;
      if (
        !Array.isArray(inputs) ||
        inputs.length < 2 ||
        !inputs.every((c) => typeof c === 'string') ||
        new Set(inputs).size !== inputs.length
      ) {
        throw invalidArgument(fn, `${at}.inputs`, 'must be two or more distinct column names', inputs);
      }
      break;
    }
    case 'impute': {
      const strategy = s.strategy;
      if (strategy !== 'mean' && strategy !== 'median' && strategy !== 'mode' && strategy !== 'constant')
        throw invalidArgument(
          fn,
          `${at}.strategy`,
          "must be 'mean', 'median', 'mode' or 'constant'",
          strategy,
        );
      if (strategy === 'constant') {
        const v = s.value;
        if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)))
          throw invalidArgument(fn, `${at}.value`, "must be a finite number or a string for 'constant'", v);
      } else if (s.value !== undefined) {
        throw invalidArgument(fn, `${at}.value`, "is only for strategy 'constant'", s.value);
      }
      bool('indicator');
      break;
    }
    case 'datetime': {
      const parts = s.parts;
      if (
        !Array.isArray(parts) ||
        parts.length === 0 ||
        !parts.every((p) => DATE_PARTS.includes(p)) ||
        new Set(parts).size !== parts.length
      ) {
        throw invalidArgument(fn, `${at}.parts`, `must be distinct parts of ${DATE_PARTS.join(', ')}`, parts);
      }
      bool('cyclical');
      break;
    }
    case 'recencyWeight':
      if (typeof s.column !== 'string' || s.column === '')
        throw invalidArgument(fn, `${at}.column`, 'must be a column name', s.column);
      if (typeof s.halfLife !== 'number' || !(s.halfLife > 0) || !Number.isFinite(s.halfLife))
        throw invalidArgument(fn, `${at}.halfLife`, 'must be a positive number of milliseconds', s.halfLife);
      break;
  }
  return step as Step;
}

/** Checks bucket boundaries: finite and strictly increasing. */
export function checkBoundaries(fn: string, at: string, b: unknown): void {
  if (
    !Array.isArray(b) ||
    !b.every((x, i) => typeof x === 'number' && Number.isFinite(x) && (i === 0 || x > b[i - 1]))
  ) {
    throw invalidArgument(fn, at, 'must be finite numbers in strictly increasing order', b);
  }
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
