// The one kernel every path runs: a fitted feature compiled into steps that work in place on a chunk of
// scratch space, then write Float32 output. `apply` runs it on a chunk of one row, `applyBatch` on chunks
// of 1,024 rows, and fitting runs its prefix; the arithmetic is the same float64 expressions in the same
// order in every case, so a row and a batch give the same bits.
//
// What each step computes is in its file under steps/ (its kernel object, looked up in the kernel table of
// steps/index.ts, never its rules, so `apply` bundles no option checks or fitting code); this file
// assembles a feature's steps into one compiled feature, and holds what several steps share: the category
// readers and the dictionary-code memo.

import type { DictionaryColumn } from '../core/frame.js';
import type { Fail, Scratch } from './read.js';
import { MISSING_NUMBER } from './steps/common.js';
import { stepKernel } from './steps/index.js';
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

/** The vocabulary's or hash's index of one category text, and whether it fell outside the vocabulary. */
export type Indexer = (text: string) => number;

/** A category index step compiled: its index space, its indexer, and the first out-of-vocabulary index. */
export interface CategoryIndex {
  readonly space: IndexSpace;
  readonly index: Indexer;
  /** Indices from here on are out-of-vocabulary buckets (Infinity when there are none). */
  readonly outside: number;
}

/**
 * A step's kernel hook, or an error naming the step that has none where the grammar put it. The message
 * is short: it cannot happen for a checked transform, and it is on apply's request path (bundle size).
 */
function hook<H>(h: H | undefined, step: FittedStep): H {
  if (h === undefined) throw new Error(`unreachable: no kernel for ${step.type} here`);
  return h;
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
        else fail(i, 'MISSING_VALUE', missingProblem);
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
  if (k < 0)
    fail(i, 'OUT_OF_VOCABULARY', 'is not in the vocabulary, and the vocabulary has no OOV buckets', text);
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
    const def = stepKernel(step.type);
    if (kind === 'number') preps.push(hook(def.number, step)(step));
    else if (def.text) preps.push(def.text(step));
  }
  return preps;
}

/**
 * Most output columns a transform may have (1,048,576): fitting and parsing refuse a oneHot or multiHot
 * over a larger index space before its column names are made (through `width` below), so a hostile bucket
 * count cannot exhaust memory.
 */
export const MAX_COLUMNS = 1 << 20;

/** The problem with a transform of `columns` output columns, more than MAX_COLUMNS. */
export function columnsProblem(columns: number): string {
  return `would give the transform ${columns} output columns; a transform has at most ${MAX_COLUMNS}`;
}

/**
 * Compiles a fitted feature: its preps, its emit, and its output column names. `width`, when given, is
 * called with the number of columns an expansion (oneHot, multiHot) will make, before it makes them, and
 * may throw; an artifact lockstep sealed needs no such check.
 */
export function compileFeature(feature: FittedFeature, width?: (columns: number) => void): CompiledFeature {
  const { steps, kind, name } = feature;
  const first = steps[0]!;
  const imputed = first.type === 'impute';
  const last = steps[steps.length - 1]!;
  const expands = last.type === 'oneHot' || last.type === 'multiHot';
  const body = expands ? steps.slice(0, -1) : steps;

  if (kind === 'time') return compileTime(feature);

  const preps: Prep[] = [];
  let names: string[];
  let space: IndexSpace | undefined;
  let handlesMissing: CompiledFeature['handlesMissing'] = imputed ? 'impute' : undefined;
  let byCodes: CodePrep | undefined;

  if (kind === 'number') {
    const indexStep = body[body.length - 1]!;
    const buckets = stepKernel(indexStep.type).buckets;
    for (const step of buckets ? body.slice(0, -1) : body)
      preps.push(hook(stepKernel(step.type).number, step)(step));
    if (buckets) {
      const compiled = buckets(indexStep, imputed);
      if (compiled.handlesMissing) handlesMissing = 'bucket';
      space = compiled.space;
      preps.push(compiled.prep);
    } else if (!imputed) {
      preps.push((s, n, fail) => {
        const miss = s.miss;
        for (let i = 0; i < n; i++) if (miss[i] === 1) fail(i, 'MISSING_VALUE', MISSING_NUMBER);
      });
    }
  } else {
    // category, list: [impute | tokenize] index step
    const indexStep = body[body.length - 1]!;
    if (kind === 'category')
      for (const step of body.slice(0, -1)) preps.push(hook(stepKernel(step.type).text, step)(step));
    const categories = hook(stepKernel(indexStep.type).index, indexStep)(indexStep);
    const { space: sp, index, outside } = categories;
    space = sp;
    const rule =
      indexStep.type === 'hashBucket' || indexStep.type === 'cross' ? indexStep.missing : undefined;
    const missingIndex = sp.masked ? 0 : rule === 'bucket' ? sp.size - 1 : -1;
    if (!imputed && missingIndex >= 0) handlesMissing = sp.masked ? 'mask' : 'bucket';
    if (expands) width?.(sp.size);
    if (kind === 'list') {
      // list: the expansion reads the lists directly.
      const list = hook(stepKernel(last.type).list, last)(feature, categories);
      return { feature, kind, prep: preps, emit: list.emit, names: list.names, handlesMissing: 'mask' };
    }
    const missingProblem = `is missing; add impute() or ${feature.inputs.length > 1 ? "missing: 'bucket'" : 'a mask or missing bucket'}`;
    // A tokenized feature reads texts: its index depends on the key given at each call, so a memo of
    // each dictionary code's index (kept with the compiled transform) could outlive the key it was made with.
    if (first.type !== 'tokenize')
      byCodes = codeIndexer(
        index,
        outside,
        missingIndex,
        first.type === 'impute' ? String(first.fitted.value) : undefined,
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
          else fail(i, 'MISSING_VALUE', missingProblem);
          continue;
        }
        if (!imputed) miss[i] = 0;
        storeIndex(s, i, index(t), t, outside, fail);
      }
    });
  }

  const offset = feature.offset;
  let emit: Emit;
  if (space !== undefined && expands) {
    width?.(space.size);
    const expanded = hook(stepKernel(last.type).expand, last)(space, name, offset);
    emit = expanded.emit;
    names = expanded.names;
  } else {
    names = [name];
    emit = (s, n, out, base, stride) => {
      const x = s.x;
      for (let i = 0; i < n; i++) out[base + i * stride + offset] = x[i]!;
    };
  }
  const extra = stepKernel(first.type).extra?.(first, name, emit, offset + names.length);
  if (extra) {
    emit = extra.emit;
    names = [...names, extra.name];
  }
  return byCodes
    ? { feature, kind, prep: preps, emit, names, handlesMissing, byCodes }
    : { feature, kind, prep: preps, emit, names, handlesMissing };
}

/** A date-time feature (datetime, or a recencyWeight's weight): a required time, then the step's emit. */
function compileTime(feature: FittedFeature): CompiledFeature {
  const step = feature.steps[0]!;
  const requireTime: Prep = (s, n, fail) => {
    const miss = s.miss;
    for (let i = 0; i < n; i++)
      if (miss[i] === 1) fail(i, 'MISSING_VALUE', 'is missing; a date-time is required');
  };
  const { emit, names } = hook(stepKernel(step.type).time, step)(step, feature);
  return { feature, kind: 'time', prep: [requireTime], emit, names, handlesMissing: undefined };
}
