// The one kernel every path runs: a fitted feature compiled into steps that work in place on a chunk of
// scratch space, then write Float32 output. `apply` runs it on a chunk of one row, `applyBatch` on chunks
// of 1,024 rows, and fitting runs its prefix; the arithmetic is the same float64 expressions in the same
// order in every case, so a row and a batch give the same bits.

import type { DictionaryColumn } from '../core/frame.js';
import { murmur3String } from '../core/murmur3.js';
import { countAtMost } from '../core/search.js';
import { datePart, PERIODS } from './dates.js';
import { type Fail, type Scratch, toText } from './read.js';
import type { FittedFeature, FittedStep, InputKind } from './types.js';

/** A step working in place on the first n values of a chunk. */
export type Prep = (s: Scratch, n: number, fail: Fail) => void;

/** The last step: writes the chunk's values to rows [0, n) of `out`, row i at `base + i * stride`. */
export type Emit = (
  s: Scratch,
  n: number,
  out: Float32Array,
  base: number,
  stride: number,
  fail: Fail,
) => void;

/** The index space of an index step (vocabulary, hashBucket, bucketize, cross). */
export interface IndexSpace {
  /** Number of indices. */
  readonly size: number;
  /** Index 0 means "no value" (a vocabulary's mask) and is written as all zeros by oneHot/multiHot. */
  readonly masked: boolean;
  /** The label of each index, for output column names. */
  label(index: number): string;
}

const MISSING_NUMBER = 'is missing; add impute() to fill it';

/** A numeric step compiled. Each loop runs the same float64 expression a row would. */
export function numberStep(step: FittedStep): Prep {
  switch (step.type) {
    case 'impute': {
      const fill = step.fitted.value as number;
      return (s, n) => {
        const { x, miss } = s;
        for (let i = 0; i < n; i++) if (miss[i] === 1) x[i] = fill;
      };
    }
    case 'standardize': {
      const { mean, std } = step.fitted;
      const scale = std === 0 ? 1 : std;
      return (s, n) => {
        const x = s.x;
        for (let i = 0; i < n; i++) x[i] = (x[i]! - mean) / scale;
      };
    }
    case 'minMax': {
      const { min, max } = step.fitted;
      const scale = max - min === 0 ? 1 : max - min;
      if (step.clip) {
        return (s, n) => {
          const x = s.x;
          for (let i = 0; i < n; i++) {
            const v = (x[i]! - min) / scale;
            x[i] = v < 0 ? 0 : v > 1 ? 1 : v;
          }
        };
      }
      return (s, n) => {
        const x = s.x;
        for (let i = 0; i < n; i++) x[i] = (x[i]! - min) / scale;
      };
    }
    case 'robustScale': {
      const { center, low, high } = step.fitted;
      const scale = high - low === 0 ? 1 : high - low;
      return (s, n) => {
        const x = s.x;
        for (let i = 0; i < n; i++) x[i] = (x[i]! - center) / scale;
      };
    }
    case 'clip': {
      const lo = step.fitted?.min ?? step.min ?? Number.NEGATIVE_INFINITY;
      const hi = step.fitted?.max ?? step.max ?? Number.POSITIVE_INFINITY;
      return (s, n) => {
        const x = s.x;
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          x[i] = v < lo ? lo : v > hi ? hi : v;
        }
      };
    }
    case 'log1p':
      return (s, n, fail) => {
        const x = s.x;
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          // NaN here is a missing value no impute filled, which the missing check reports.
          if (v > -1) x[i] = Math.log1p(v);
          else if (!Number.isNaN(v)) fail(i, 'must be greater than -1 for log1p', v);
        }
      };
    case 'passthrough':
      return () => {};
    default:
      throw new Error(`unreachable: ${step.type} is not a numeric step`);
  }
}

/** The vocabulary's or hash's index of one category text, and whether it fell outside the vocabulary. */
export type Indexer = (text: string) => number;

/** The index space and text indexer of a category step. */
export function categoryIndex(step: FittedStep): { space: IndexSpace; index: Indexer; outside: number } {
  if (step.type === 'vocabulary') {
    const { values } = step.fitted;
    const masked = step.mask !== undefined;
    const m = masked ? 1 : 0;
    const oov = step.oovBuckets ?? 1;
    const seed = murmur3String(step.salt ?? '', 0);
    const lookup = new Map<string, number>();
    values.forEach((v, i) => {
      lookup.set(v, i + m);
    });
    if (typeof step.mask === 'string') lookup.set(step.mask, 0);
    const first = m + values.length;
    const index: Indexer = (text) => {
      const found = lookup.get(text);
      if (found !== undefined) return found;
      return oov === 0 ? -1 : first + (murmur3String(text, seed) % oov);
    };
    const space: IndexSpace = {
      size: first + oov,
      masked,
      label: (i) => (i < m ? '#mask' : i < first ? values[i - m]! : `#oov${i - first}`),
    };
    return { space, index, outside: first };
  }
  if (step.type === 'hashBucket' || step.type === 'cross') {
    const seed = murmur3String(step.salt ?? '', 0);
    const buckets = step.buckets;
    const extra = step.missing === 'bucket' ? 1 : 0;
    return {
      space: {
        size: buckets + extra,
        masked: false,
        label: (i) => (i < buckets ? `#${i}` : '#missing'),
      },
      index: (text) => murmur3String(text, seed) % buckets,
      outside: Number.POSITIVE_INFINITY,
    };
  }
  throw new Error(`unreachable: ${step.type} is not a category step`);
}

/** The index space of a bucketize step: bucket i is [b(i−1), b(i)), then an optional missing bucket. */
export function bucketSpace(boundaries: readonly number[], missingBucket: boolean): IndexSpace {
  const m = boundaries.length;
  return {
    size: m + 1 + (missingBucket ? 1 : 0),
    masked: false,
    label: (i) =>
      i > m ? '#missing' : `[${i === 0 ? '-inf' : boundaries[i - 1]},${i === m ? 'inf' : boundaries[i]})`,
  };
}

/** countAtMost by a branch-free scan: faster than bisecting up to about 16 boundaries. */
function countAtMostByScan(b: Float64Array, v: number): number {
  let k = 0;
  for (let j = 0; j < b.length; j++) k += +(b[j]! <= v);
  return k;
}

/** The compiled form of a fitted feature. */
export interface CompiledFeature {
  readonly feature: FittedFeature;
  readonly kind: InputKind;
  /** Steps run in place before `emit`. */
  readonly prep: readonly Prep[];
  readonly emit: Emit;
  /** Output column names, `feature.width` of them. */
  readonly names: readonly string[];
  /** Whether a missing input is filled (impute) or encoded (a missing bucket, a mask) rather than an error. */
  readonly handlesMissing: 'impute' | 'bucket' | 'mask' | undefined;
  /**
   * For a category feature whose inputs are all dictionary columns: reads the codes and fills x, miss and
   * oov as `prep` would from the texts, indexing each distinct value (or combination, for a cross) once.
   */
  readonly byCodes?: CodePrep;
}

/** Rows [start, start + n) of dictionary columns, indexed through a memo of each distinct code (tuple). */
export type CodePrep = (
  s: Scratch,
  columns: readonly DictionaryColumn[],
  start: number,
  n: number,
  fail: Fail,
) => void;

/** Memo entry: 0 = not yet indexed; otherwise index + 2 (so -1, "cannot be encoded", is 1). */
interface Memo {
  readonly dictionaries: readonly (readonly string[])[];
  readonly table: Int32Array | undefined;
  readonly map: Map<number, number> | undefined;
}

const MEMO_TABLE = 1 << 16;

function codeIndexer(
  index: Indexer,
  outside: number,
  missingIndex: number,
  imputedText: string | undefined,
  missingProblem: string,
): CodePrep {
  const memos = new WeakMap<object, Memo>();
  const imputedIndex = imputedText === undefined ? -1 : index(imputedText);
  const memoOf = (columns: readonly DictionaryColumn[]): Memo => {
    const first = columns[0]!.dictionary;
    const m = memos.get(first);
    if (m?.dictionaries.every((d, k) => d === columns[k]!.dictionary)) return m;
    let size = 1;
    for (const c of columns) size *= c.dictionary.length;
    const small = size <= MEMO_TABLE;
    const made: Memo = {
      dictionaries: columns.map((c) => c.dictionary),
      table: small ? new Int32Array(size) : undefined,
      map: small ? undefined : new Map(),
    };
    memos.set(first, made);
    return made;
  };
  return (s, columns, start, n, fail) => {
    const { x, miss, oov } = s;
    const memo = memoOf(columns);
    const { table, map } = memo;
    const single = columns.length === 1;
    const codes0 = columns[0]!.codes;
    for (let i = 0; i < n; i++) {
      oov[i] = 0;
      // The tuple's key, or -1 when a value is missing.
      let key = codes0[start + i]!;
      if (!single && key >= 0) {
        for (let k = 1; k < columns.length; k++) {
          const code = columns[k]!.codes[start + i]!;
          if (code < 0) {
            key = -1;
            break;
          }
          key = key * columns[k]!.dictionary.length + code;
        }
      }
      if (key < 0) {
        miss[i] = 1;
        if (imputedText !== undefined) storeIndex(s, i, imputedIndex, imputedText, outside, fail);
        else if (missingIndex >= 0) x[i] = missingIndex;
        else fail(i, missingProblem);
        continue;
      }
      miss[i] = 0;
      let entry = table !== undefined ? table[key]! : (map!.get(key) ?? 0);
      if (entry === 0) {
        entry = index(textOf(columns, start + i)) + 2;
        if (table !== undefined) table[key] = entry;
        else map!.set(key, entry);
      }
      const k = entry - 2;
      storeIndex(s, i, k, k < 0 ? textOf(columns, start + i) : '', outside, fail);
    }
  };
}

/** Writes category index k at chunk position i, flagging an OOV bucket and reporting a value no index holds. */
function storeIndex(s: Scratch, i: number, k: number, text: string, outside: number, fail: Fail): void {
  if (k < 0) fail(i, 'is not in the vocabulary, and the vocabulary has no OOV buckets', text);
  else if (k >= outside) s.oov[i] = 1;
  s.x[i] = k;
}

function textOf(columns: readonly DictionaryColumn[], row: number): string {
  let t = columns[0]!.dictionary[columns[0]!.codes[row]!]!;
  for (let k = 1; k < columns.length; k++)
    t = `${t}\u001f${columns[k]!.dictionary[columns[k]!.codes[row]!]!}`;
  return t;
}

/** Compiles the first `count` steps of a chain into preps (for fitting, which runs a chain's prefix). */
export function compilePrefix(kind: InputKind, steps: readonly FittedStep[], count: number): Prep[] {
  const preps: Prep[] = [];
  for (let k = 0; k < count; k++) {
    const step = steps[k]!;
    if (kind === 'number') preps.push(numberStep(step));
    else if (step.type === 'impute') preps.push(textImpute(step.fitted.value as string | number));
  }
  return preps;
}

function textImpute(value: string | number): Prep {
  const fill = String(value);
  return (s, n) => {
    const { text, miss } = s;
    for (let i = 0; i < n; i++) {
      if (text[i] === undefined) {
        text[i] = fill;
        miss[i] = 1;
      } else miss[i] = 0;
    }
  };
}

/** Compiles a fitted feature: its preps, its emit, and its output column names. */
export function compileFeature(feature: FittedFeature): CompiledFeature {
  const { steps, kind, name } = feature;
  const imputed = steps[0]?.type === 'impute';
  const indicator = imputed && (steps[0] as { indicator?: boolean }).indicator === true;
  const last = steps[steps.length - 1]!;
  const oneHot = last.type === 'oneHot' || last.type === 'multiHot';
  const body = oneHot ? steps.slice(0, -1) : steps;

  if (kind === 'time') return compileTime(feature);

  const preps: Prep[] = [];
  let names: string[];
  let space: IndexSpace | undefined;
  let handlesMissing: CompiledFeature['handlesMissing'] = imputed ? 'impute' : undefined;
  let byCodes: CodePrep | undefined;

  if (kind === 'number') {
    const indexStep = body[body.length - 1]!;
    const bucketize = indexStep.type === 'bucketize' ? indexStep : undefined;
    for (const step of bucketize ? body.slice(0, -1) : body) preps.push(numberStep(step));
    if (bucketize) {
      const bounds = Float64Array.from(bucketize.fitted.boundaries);
      const missingBucket = bucketize.missing === 'bucket';
      if (missingBucket && !imputed) handlesMissing = 'bucket';
      space = bucketSpace(bucketize.fitted.boundaries, missingBucket);
      const missingIndex = bounds.length + 1;
      const few = bounds.length <= 16;
      preps.push((s, n, fail) => {
        const { x, miss } = s;
        for (let i = 0; i < n; i++) {
          if (miss[i] === 1 && !imputed) {
            if (missingBucket) x[i] = missingIndex;
            else fail(i, MISSING_NUMBER);
          } else x[i] = few ? countAtMostByScan(bounds, x[i]!) : countAtMost(bounds, x[i]!);
        }
      });
    } else if (!imputed) {
      preps.push((s, n, fail) => {
        const miss = s.miss;
        for (let i = 0; i < n; i++) if (miss[i] === 1) fail(i, MISSING_NUMBER);
      });
    }
  } else {
    // category, list: [impute] index step
    const indexStep = body[body.length - 1]!;
    if (imputed && kind === 'category')
      preps.push(textImpute((steps[0] as { fitted: { value: string } }).fitted.value));
    const { space: sp, index, outside } = categoryIndex(indexStep);
    space = sp;
    const rule =
      indexStep.type === 'hashBucket' || indexStep.type === 'cross' ? indexStep.missing : undefined;
    const missingIndex = sp.masked ? 0 : rule === 'bucket' ? sp.size - 1 : -1;
    if (!imputed && missingIndex >= 0) handlesMissing = sp.masked ? 'mask' : 'bucket';
    if (kind === 'category') {
      const missingProblem = `is missing; add impute() or ${feature.inputs.length > 1 ? "missing: 'bucket'" : 'a mask or missing bucket'}`;
      byCodes = codeIndexer(
        index,
        outside,
        missingIndex,
        imputed ? String((steps[0] as { fitted: { value: string | number } }).fitted.value) : undefined,
        missingProblem,
      );
      preps.push((s, n, fail) => {
        const { x, text, miss, oov } = s;
        for (let i = 0; i < n; i++) {
          const t = text[i];
          oov[i] = 0;
          if (t === undefined) {
            miss[i] = 1;
            if (missingIndex >= 0) x[i] = missingIndex;
            else fail(i, missingProblem);
            continue;
          }
          if (!imputed) miss[i] = 0;
          storeIndex(s, i, index(t), t, outside, fail);
        }
      });
    } else {
      // list: emit reads the lists directly.
      const width = sp.size - (sp.masked ? 1 : 0);
      const shift = sp.masked ? 1 : 0;
      names = Array.from({ length: width }, (_, j) => `${name}=${sp.label(j + shift)}`);
      const emit: Emit = (s, n, out, base, stride, fail) => {
        const { lists, oov } = s;
        for (let i = 0; i < n; i++) {
          const row = base + i * stride + feature.offset;
          out.fill(0, row, row + width);
          oov[i] = 0;
          const list = lists[i];
          if (list === undefined) continue;
          for (const v of list) {
            const t = toText(v);
            if (t === undefined) continue;
            if (typeof t === 'object') {
              fail(i, 'must hold categories (strings, finite numbers or booleans)', v);
              continue;
            }
            const k = index(t);
            if (k < 0)
              fail(
                i,
                'holds a value that is not in the vocabulary, and the vocabulary has no OOV buckets',
                t,
              );
            else {
              if (k >= outside) oov[i] = 1;
              if (k >= shift) out[row + k - shift] = 1;
            }
          }
        }
      };
      return { feature, kind, prep: preps, emit, names, handlesMissing: 'mask' };
    }
  }

  const offset = feature.offset;
  let emit: Emit;
  if (space !== undefined && oneHot) {
    const shift = space.masked ? 1 : 0;
    const width = space.size - shift;
    const sp = space;
    names = Array.from({ length: width }, (_, j) => `${name}=${sp.label(j + shift)}`);
    emit = (s, n, out, base, stride) => {
      const x = s.x;
      for (let i = 0; i < n; i++) {
        const row = base + i * stride + offset;
        out.fill(0, row, row + width);
        const k = x[i]! - shift;
        if (k >= 0) out[row + k] = 1;
      }
    };
  } else {
    names = [name];
    emit = (s, n, out, base, stride) => {
      const x = s.x;
      for (let i = 0; i < n; i++) out[base + i * stride + offset] = x[i]!;
    };
  }
  if (indicator) {
    const main = emit;
    const at = offset + names.length;
    names = [...names, `${name}.missing`];
    emit = (s, n, out, base, stride, fail) => {
      main(s, n, out, base, stride, fail);
      const miss = s.miss;
      for (let i = 0; i < n; i++) out[base + i * stride + at] = miss[i]!;
    };
  }
  return byCodes
    ? { feature, kind, prep: preps, emit, names, handlesMissing, byCodes }
    : { feature, kind, prep: preps, emit, names, handlesMissing };
}

function compileTime(feature: FittedFeature): CompiledFeature {
  const step = feature.steps[0]!;
  const offset = feature.offset;
  const requireTime: Prep = (s, n, fail) => {
    const miss = s.miss;
    for (let i = 0; i < n; i++) if (miss[i] === 1) fail(i, 'is missing; a date-time is required');
  };
  if (step.type === 'recencyWeight') {
    const { reference } = step.fitted;
    const halfLife = step.halfLife;
    // Writes one weight per row: the caller passes the weights array with stride 1 and base 0.
    const emit: Emit = (s, n, out, base, stride) => {
      const x = s.x;
      for (let i = 0; i < n; i++) {
        // Rows newer than the newest training row weigh 1, like it: weights stay in (0, 1].
        const age = reference - x[i]!;
        out[base + i * stride] = age > 0 ? 2 ** (-age / halfLife) : 1;
      }
    };
    return { feature, kind: 'time', prep: [requireTime], emit, names: [], handlesMissing: undefined };
  }
  if (step.type !== 'datetime') throw new Error(`unreachable: ${step.type} on a time input`);
  const cyclical = step.cyclical === true;
  const names: string[] = [];
  const plan: { part: (typeof step.parts)[number]; period: readonly [number, number] | undefined }[] = [];
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
  return { feature, kind: 'time', prep: [requireTime], emit, names, handlesMissing: undefined };
}
