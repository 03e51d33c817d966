// Applying a fitted transform: one request row, or a batch of rows, through the same compiled kernel.
import { describe, invalidArgument, LockstepError } from '../core/errors.js';
import { type DictionaryColumn, type FrameInput, frameOf } from '../core/frame.js';
import { type CompiledFeature, compileFeature } from './kernel.js';
import {
  CHUNK,
  createScratch,
  type Fail,
  readListValue,
  readTextValue,
  readValue,
  type Scratch,
} from './read.js';
import { readChunk } from './read-chunk.js';
import type { TransformArtifact, TransformedBatch } from './types.js';

/** A fitted transform compiled for applying: its features' kernels and its scratch space. */
export interface Plan {
  readonly columns: number;
  readonly names: readonly string[];
  readonly inputs: readonly CompiledFeature[];
  readonly weight: CompiledFeature | undefined;
  /** The columns every feature reads (for Arrow and Frame input: only these are converted). */
  readonly reads: ReadonlySet<string>;
  readonly scratch: Scratch;
  /** Scratch for the extra inputs of `cross` features. */
  readonly crossText: (string | undefined)[];
  /** `apply`'s error reporter for each input feature, made once rather than per request. */
  readonly rowFails: readonly Fail[];
}

const plans = new WeakMap<object, Plan>();

/** The compiled plan of a fitted transform, compiled once per artifact object. */
export function planOf(fn: string, fitted: TransformArtifact): Plan {
  if (typeof fitted !== 'object' || fitted === null || fitted.kind !== 'lockstep.transform') {
    throw invalidArgument(
      fn,
      'fitted',
      'must be a lockstep.transform artifact (from fit or parseTransform)',
      fitted,
    );
  }
  let plan = plans.get(fitted);
  if (plan === undefined) {
    const compiled = fitted.features.map(compileFeature);
    const reads = new Set<string>();
    for (const f of fitted.features) for (const c of f.inputs) reads.add(c);
    const inputs = compiled.filter((c) => c.feature.role === 'input');
    plan = {
      columns: fitted.columns.length,
      names: fitted.columns.map((c) => c.name),
      inputs,
      rowFails: inputs.map((c) => rowFail('apply', c.feature.name)),
      weight: compiled.find((c) => c.feature.role === 'weight'),
      reads,
      scratch: createScratch(),
      crossText: new Array(CHUNK).fill(undefined),
    };
    plans.set(fitted, plan);
  }
  return plan;
}

/** What `apply` saw in a request, with `{ explain: true }`: which inputs were missing or out of vocabulary. */
export interface ApplyExplanation {
  readonly values: Float32Array;
  /** Features whose input was missing, and how the transform filled it. */
  readonly missing: readonly { readonly feature: string; readonly filled: 'impute' | 'bucket' | 'mask' }[];
  /** Features whose category was outside the vocabulary (sent to an OOV bucket). */
  readonly outOfVocabulary: readonly { readonly feature: string; readonly value: string }[];
}

export interface ApplyOptions {
  /** Write into this array (at least as long as the transform's columns) instead of allocating one. */
  readonly into?: Float32Array;
  /** Also say which inputs were missing and which categories were out of vocabulary. */
  readonly explain?: boolean;
}

function rowFail(fn: string, feature: string): Fail {
  return (_i, problem, value) => {
    const shown = value === undefined ? '' : `, got ${describe(value)}`;
    throw new LockstepError(
      'INVALID_DATA',
      `${fn}: feature '${feature}' of argument 'row' ${problem}${shown}`,
      [{ row: 0, feature, problem, value }],
    );
  };
}

/**
 * A row's own value for a column. Only names that Object.prototype also has (`constructor`, `toString`,
 * `__proto__`, …) need the own-property check; every other name is read directly, which is faster.
 */
function own(row: Readonly<Record<string, unknown>>, name: string): unknown {
  if (!(name in Object.prototype)) return row[name];
  return Object.hasOwn(row, name) ? row[name] : undefined;
}

/** Reads one row's inputs for a feature into position 0 of the scratch. */
function readRow(plan: Plan, c: CompiledFeature, row: Readonly<Record<string, unknown>>, fail: Fail): void {
  const s = plan.scratch;
  const inputs = c.feature.inputs;
  switch (c.kind) {
    case 'number':
    case 'time':
      readValue(s, c.kind, own(row, inputs[0]!), fail);
      return;
    case 'list':
      readListValue(s, own(row, inputs[0]!), fail);
      return;
    default:
      readTextValue(s, own(row, inputs[0]!), fail);
      if (inputs.length > 1) {
        let joined = s.text[0];
        for (let k = 1; k < inputs.length; k++) {
          readTextValue(s, own(row, inputs[k]!), fail);
          const t = s.text[0];
          joined = joined === undefined || t === undefined ? undefined : `${joined}\u001f${t}`;
        }
        s.text[0] = joined;
      }
  }
}

/**
 * Transforms one request row into a Float32Array of the transform's columns, in its output order. No
 * Frame is built, and nothing is allocated when `into` is given. With `{ explain: true }` the result also
 * lists the features whose input was missing (and how it was filled) and the categories outside the
 * vocabulary, for monitors to count. Sample weights (`recencyWeight`) are a training matter and are skipped.
 * Bit-identical to the same row of `applyBatch`. O(columns).
 * @throws LockstepError `INVALID_ARGUMENT` for a bad artifact or `into`; `INVALID_DATA` naming the feature
 *   for a value the transform cannot encode (a missing value with no rule for it, a wrong type, log1p of a
 *   value at or below −1, a category outside a vocabulary with no OOV buckets).
 */
export function apply(
  fitted: TransformArtifact,
  row: Readonly<Record<string, unknown>>,
  options: ApplyOptions & { readonly explain: true },
): ApplyExplanation;
export function apply(
  fitted: TransformArtifact,
  row: Readonly<Record<string, unknown>>,
  options?: ApplyOptions,
): Float32Array;
export function apply(
  fitted: TransformArtifact,
  row: Readonly<Record<string, unknown>>,
  options?: ApplyOptions,
): Float32Array | ApplyExplanation {
  const fn = 'apply';
  const plan = planOf(fn, fitted);
  if (typeof row !== 'object' || row === null) throw invalidArgument(fn, 'row', 'must be an object', row);
  const into = options?.into;
  let out: Float32Array;
  if (into === undefined) out = new Float32Array(plan.columns);
  else if (into instanceof Float32Array && into.length >= plan.columns) out = into;
  else
    throw invalidArgument(
      fn,
      'options.into',
      `must be a Float32Array of length at least ${plan.columns}`,
      into,
    );
  const explain = options?.explain === true;
  const missing: { feature: string; filled: 'impute' | 'bucket' | 'mask' }[] = explain ? [] : NONE;
  const outOfVocabulary: { feature: string; value: string }[] = explain ? [] : NONE;
  const s = plan.scratch;
  const { inputs, rowFails } = plan;
  for (let k = 0; k < inputs.length; k++) {
    const c = inputs[k]!;
    const fail = rowFails[k]!;
    readRow(plan, c, row, fail);
    for (const prep of c.prep) prep(s, 1, fail);
    c.emit(s, 1, out, 0, 0, fail);
    if (explain) {
      if (c.kind !== 'list' && s.miss[0] === 1 && c.handlesMissing)
        missing.push({ feature: c.feature.name, filled: c.handlesMissing });
      if ((c.kind === 'category' || c.kind === 'list') && s.oov[0] === 1)
        outOfVocabulary.push({ feature: c.feature.name, value: oovText(c, s) });
    }
  }
  return explain ? { values: out, missing, outOfVocabulary } : out;
}

const NONE: never[] = [];

function oovText(c: CompiledFeature, s: Scratch): string {
  if (c.kind === 'category') return s.text[0]!;
  return JSON.stringify(s.lists[0]);
}

export interface ApplyBatchOptions {
  /** At most this many bad values are listed in the error (all are counted). Default 20. */
  readonly maxIssues?: number;
}

/** One value `applyBatch` could not encode. */
export interface BatchIssue {
  readonly row: number;
  readonly feature: string;
  readonly problem: string;
  readonly value?: unknown;
}

/**
 * Transforms a batch (rows, a record of columns, an Arrow table or record batch, or a Frame) into one
 * row-major Float32Array, ready for a tensor. Arrow tables and Frames are read column by column, without
 * building row objects; only the columns the transform reads are converted. Rows are processed in chunks
 * of 1,024 through the same kernel as `apply`, so each row's values are bit-identical to `apply`'s.
 * O(rows × columns). A value the transform cannot encode is never skipped: every such value is counted and
 * the call throws, listing the first ones by row and feature.
 * @throws LockstepError `INVALID_ARGUMENT` for a bad artifact; `INVALID_DATA` listing the rows and features
 *   that cannot be encoded (in `issues`).
 */
export function applyBatch(
  fitted: TransformArtifact,
  data: FrameInput,
  options: ApplyBatchOptions = {},
): TransformedBatch {
  const fn = 'applyBatch';
  const plan = planOf(fn, fitted);
  const frame = frameOf(data, fn, plan.reads);
  const rows = frame.length;
  const maxIssues = options.maxIssues ?? 20;
  const stride = plan.columns;
  const values = new Float32Array(rows * stride);
  const weights = plan.weight ? new Float32Array(rows) : undefined;
  const issues: BatchIssue[] = [];
  let bad = 0;
  const s = plan.scratch;
  // One issue per row and feature (a value of the wrong type is not reported again as missing), listed
  // in row order.
  const failed = new Uint8Array(CHUNK);
  const chunkIssues: BatchIssue[] = [];
  // Category features whose inputs are all dictionary columns read codes, not texts.
  const dictionaries = plan.inputs.map((c) => {
    if (c.byCodes === undefined) return undefined;
    const cols = c.feature.inputs.map((name) => frame.columns.get(name));
    return cols.every((col) => col?.kind === 'dictionary') ? (cols as DictionaryColumn[]) : undefined;
  });
  for (let start = 0; start < rows; start += CHUNK) {
    const n = Math.min(CHUNK, rows - start);
    const run = (
      c: CompiledFeature,
      out: Float32Array,
      base: number,
      step: number,
      codes: readonly DictionaryColumn[] | undefined,
    ) => {
      const feature = c.feature.name;
      failed.fill(0, 0, n);
      const fail: Fail = (i, problem, value) => {
        if (failed[i] === 1) return;
        failed[i] = 1;
        bad++;
        if (issues.length + chunkIssues.length < maxIssues)
          chunkIssues.push({ row: start + i, feature, problem, value });
      };
      if (codes !== undefined) c.byCodes!(s, codes, start, n, fail);
      else {
        readChunk(plan, c, frame.columns, start, n, fail);
        for (const prep of c.prep) prep(s, n, fail);
      }
      c.emit(s, n, out, base, step, fail);
    };
    for (let f = 0; f < plan.inputs.length; f++)
      run(plan.inputs[f]!, values, start * stride, stride, dictionaries[f]);
    if (plan.weight && weights) run(plan.weight, weights, start, 1, undefined);
    if (chunkIssues.length > 0) {
      issues.push(...chunkIssues.sort((a, b) => a.row - b.row));
      chunkIssues.length = 0;
    }
  }
  if (bad > 0) {
    const first = issues[0]!;
    const shown = first.value === undefined ? '' : `, got ${describe(first.value)}`;
    throw new LockstepError(
      'INVALID_DATA',
      `${fn}: argument 'data' has ${bad} value${bad === 1 ? '' : 's'} the transform cannot encode; first: row ${first.row}, feature '${first.feature}' ${first.problem}${shown}`,
      issues,
    );
  }
  return weights
    ? { values, rows, columns: stride, names: plan.names, weights }
    : { values, rows, columns: stride, names: plan.names };
}
