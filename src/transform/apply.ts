// Applying a fitted transform: one request row, or a batch of rows, through the same compiled kernel.
// Both take only a transform lockstep made or parsed (sealed, so trusted in O(1)); the compiled kernel is
// cached by the artifact's identity, which its freezing keeps valid forever. A plain object (JSON.parse
// output, an edited copy) is refused with a pointer to parseTransform rather than parsed here, so the
// request path bundles no zod and never re-parses per request.
import { readOptions } from '../core/check.js';
import { describe, invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import { type DictionaryColumn, type FrameInput, frameOf } from '../core/frame.js';
import { type BatchIssue, batchError, batchIssue, shown } from './issues.js';
import { type CompiledFeature, compileFeature } from './kernel.js';
import { isTransform } from './kind.js';
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
import { keyIdsOf, readKeys, type TokenKey } from './steps/tokenize.js';
import type { TransformArtifact, TransformedBatch } from './types.js';

export type { BatchIssue, BatchIssueCode } from './issues.js';

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
  /** The key ids of the transform's tokenize steps, whose keys every call must be given. */
  readonly keyIds: readonly string[];
}

const plans = new WeakMap<object, Plan>();

/**
 * The compiled plan of a fitted transform, compiled once per artifact object. Only a transform lockstep
 * sealed is compiled, so a plan exists only for those, and a hit in `plans` needs no further check.
 */
export function planOf(fn: string, fitted: unknown): Plan {
  let plan = plans.get(fitted as object);
  if (plan !== undefined) return plan;
  if (!isTransform(fitted)) {
    throw invalidArgument(
      fn,
      'fitted',
      'must be a transform that fit, fitStream or parseTransform returned (give JSON text or a parsed object to parseTransform first)',
      fitted,
    );
  }
  const compiled = fitted.features.map((f) => compileFeature(f));
  const reads = new Set<string>();
  for (const f of fitted.features) for (const c of f.inputs) reads.add(c);
  const inputs = compiled.filter((c) => c.feature.role === 'input');
  plan = {
    columns: fitted.columns.length,
    names: fitted.columns.map((c) => c.name),
    inputs,
    rowFails: inputs.map((c) => rowFail('apply', c.feature.name)),
    keyIds: [...new Set(inputs.flatMap((c) => keyIdsOf(c.feature.steps)))],
    weight: compiled.find((c) => c.feature.role === 'weight'),
    reads,
    scratch: createScratch(),
    crossText: new Array(CHUNK).fill(undefined),
  };
  plans.set(fitted, plan);
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
  /**
   * The host's keys for the transform's `tokenize` steps, by key id, each made by `tokenKey(bytes)`.
   * Required for every key id the transform names; never stored.
   */
  readonly keys?: Readonly<Record<string, TokenKey>>;
}

const APPLY_KEYS = ['into', 'explain', 'keys'] as const;

function rowFail(fn: string, feature: string): Fail {
  return (_i, code, problem, value) => {
    throw new LockstepError(
      'INVALID_DATA',
      `${fn}: feature '${feature}' of argument 'row' ${problem}${shown(value)}`,
      { fn, arg: 'row', issues: [batchIssue(0, feature, code, problem, value)] },
    );
  };
}

/**
 * A row's own value for a column. Only names that Object.prototype also has (`constructor`, `toString`,
 * `__proto__`, …) need the own-property check; every other name is read directly, which is faster.
 */
function own(row: object, name: string): unknown {
  if (!(name in Object.prototype)) return (row as Record<string, unknown>)[name];
  return Object.hasOwn(row, name) ? (row as Record<string, unknown>)[name] : undefined;
}

/** Reads one row's inputs for a feature into position 0 of the scratch. */
function readRow(plan: Plan, c: CompiledFeature, row: object, fail: Fail): void {
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

// `apply`'s options once read (module scratch, so the common call allocates nothing).
let optInto: unknown;
let optExplain: unknown;
let optKeys: unknown;

/**
 * Reads `apply`'s options into optInto and optExplain. A plain object whose keys are all known is read
 * directly (the common `{ into }` costs a few nanoseconds); anything else goes through readOptions, so a
 * misspelled key, a non-object or a throwing getter is an INVALID_ARGUMENT as everywhere else.
 */
function readApplyOptions(fn: string, options: unknown): void {
  if (typeof options === 'object' && options !== null) {
    try {
      let known = Object.getPrototypeOf(options) === Object.prototype;
      if (known)
        for (const key in options) {
          if (key !== 'into' && key !== 'explain' && key !== 'keys') {
            known = false;
            break;
          }
        }
      if (known) {
        optInto = (options as ApplyOptions).into;
        optExplain = (options as ApplyOptions).explain;
        optKeys = (options as ApplyOptions).keys;
        return;
      }
    } catch {
      // A Proxy or a throwing getter: readOptions says so.
    }
  }
  const o = readOptions(fn, options, APPLY_KEYS);
  optInto = o.into;
  optExplain = o.explain;
  optKeys = o.keys;
}

/**
 * Transforms one request row into a Float32Array of the transform's columns, in its output order. No
 * Frame is built, and nothing is allocated when `into` is given. With `{ explain: true }` the result also
 * lists the features whose input was missing (and how it was filled) and the categories outside the
 * vocabulary, for monitors to count. Sample weights (`recencyWeight`) are a training matter and are skipped.
 * `fitted` must be a transform lockstep made or parsed: parse JSON once with `parseTransform`, then apply
 * it to every request. Bit-identical to the same row of `applyBatch`. O(columns).
 * @throws LockstepError `INVALID_ARGUMENT` for a transform lockstep did not make or parse, a row that is not
 *   an object, or bad options (an unknown key, `into` too short, a key id of a tokenize step missing from
 *   `keys` or its key not made by `tokenKey`, named as `options.keys.<keyId>`); `INVALID_DATA` naming the feature (its
 *   issue in `issues`) for a value the transform cannot encode (a missing value with no rule for it, a
 *   wrong type, log1p of a value at or below −1, a category outside a vocabulary with no OOV buckets, a
 *   value whose getter throws).
 */
export function apply(
  fitted: TransformArtifact,
  row: object,
  options: ApplyOptions & { readonly explain: true },
): ApplyExplanation;
export function apply(fitted: TransformArtifact, row: object, options?: ApplyOptions): Float32Array;
export function apply(
  fitted: TransformArtifact,
  row: object,
  options?: ApplyOptions,
): Float32Array | ApplyExplanation {
  const fn = 'apply';
  const plan = planOf(fn, fitted);
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw invalidArgument(fn, 'row', 'must be an object', row);
  let into: unknown;
  let explain = false;
  let keys: unknown;
  if (options !== undefined) {
    readApplyOptions(fn, options);
    into = optInto;
    keys = optKeys;
    optKeys = undefined;
    if (optExplain !== undefined && typeof optExplain !== 'boolean')
      throw invalidArgument(fn, 'options.explain', 'must be a boolean', optExplain);
    explain = optExplain === true;
    optInto = undefined;
  }
  let out: Float32Array;
  if (into === undefined) out = new Float32Array(plan.columns);
  else if (ArrayBuffer.isView(into) && into instanceof Float32Array && into.length >= plan.columns)
    out = into;
  else
    throw invalidArgument(
      fn,
      'options.into',
      `must be a Float32Array of length at least ${plan.columns}`,
      into,
    );
  if (plan.keyIds.length > 0 || keys !== undefined) readKeys(fn, keys, plan.keyIds, plan.scratch.tokenizers);
  const missing: { feature: string; filled: 'impute' | 'bucket' | 'mask' }[] = explain ? [] : NONE;
  const outOfVocabulary: { feature: string; value: string }[] = explain ? [] : NONE;
  const s = plan.scratch;
  const { inputs, rowFails } = plan;
  try {
    for (let k = 0; k < inputs.length; k++) {
      const c = inputs[k]!;
      const fail = rowFails[k]!;
      try {
        readRow(plan, c, row, fail);
      } catch (error) {
        if (isLockstepError(error)) throw error;
        fail(0, 'INVALID_VALUE', 'could not be read (a getter or Proxy threw)');
      }
      for (const prep of c.prep) prep(s, 1, fail);
      c.emit(s, 1, out, 0, 0, fail);
      if (explain) {
        if (c.kind !== 'list' && s.miss[0] === 1 && c.handlesMissing)
          missing.push({ feature: c.feature.name, filled: c.handlesMissing });
        if ((c.kind === 'category' || c.kind === 'list') && s.oov[0] === 1)
          outOfVocabulary.push({ feature: c.feature.name, value: oovText(c, s) });
      }
    }
  } finally {
    // The tokenizers (the host's keys, hashed into HMAC state) are dropped once the call is done.
    if (plan.keyIds.length > 0) s.tokenizers.clear();
  }
  return explain ? { values: out, missing, outOfVocabulary } : out;
}

const NONE: never[] = [];

function oovText(c: CompiledFeature, s: Scratch): string {
  if (c.kind === 'category') return s.text[0]!;
  // A list of categories as JSON; one holding a bigint (a category JSON cannot write) in words.
  try {
    return JSON.stringify(s.lists[0]);
  } catch {
    return describe(s.lists[0]);
  }
}

export interface ApplyBatchOptions {
  /**
   * At most this many bad values are listed in the error's `issues` (all are counted): a non-negative
   * integer or Infinity. Default 20.
   */
  readonly maxIssues?: number;
  /** The host's keys for the transform's `tokenize` steps, by key id, as `apply` takes them. */
  readonly keys?: Readonly<Record<string, TokenKey>>;
}

const BATCH_KEYS = ['maxIssues', 'keys'] as const;

/**
 * Transforms a batch (rows, a record of columns, an Arrow table or record batch, or a Frame) into one
 * row-major Float32Array, ready for a tensor. Arrow tables and Frames are read column by column, without
 * building row objects; only the columns the transform reads are converted. Rows are processed in chunks
 * of 1,024 through the same kernel as `apply`, so each row's values are bit-identical to `apply`'s.
 * `fitted` must be a transform lockstep made or parsed. O(rows × columns). A value the transform cannot
 * encode is never skipped: every such value is counted and the call throws, listing the first ones by row
 * and feature as BatchIssue findings (codes MISSING_VALUE, INVALID_VALUE, OUT_OF_VOCABULARY).
 * @throws LockstepError `INVALID_ARGUMENT` for a transform lockstep did not make or parse, data of another
 *   type, or bad options (as `apply`'s `keys`); `INVALID_DATA` listing the rows and features that cannot be encoded (in
 *   `issues`).
 */
export function applyBatch(
  fitted: TransformArtifact,
  data: FrameInput,
  options?: ApplyBatchOptions,
): TransformedBatch {
  const fn = 'applyBatch';
  const plan = planOf(fn, fitted);
  const o = readOptions(fn, options, BATCH_KEYS);
  const maxIssues =
    o.maxIssues === undefined
      ? 20
      : o.maxIssues === Number.POSITIVE_INFINITY ||
          (Number.isSafeInteger(o.maxIssues) && (o.maxIssues as number) >= 0)
        ? (o.maxIssues as number)
        : Number.NaN;
  if (Number.isNaN(maxIssues))
    throw invalidArgument(fn, 'options.maxIssues', 'must be a non-negative integer or Infinity', o.maxIssues);
  if (plan.keyIds.length > 0 || o.keys !== undefined)
    readKeys(fn, o.keys, plan.keyIds, plan.scratch.tokenizers);
  const frame = frameOf(data, fn, plan.reads);
  const rows = frame.length;
  const stride = plan.columns;
  const values = new Float32Array(rows * stride);
  const weights = plan.weight ? new Float32Array(rows) : undefined;
  // At least one issue is kept, for the message, even when none is listed.
  const keep = Math.max(1, maxIssues);
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
  try {
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
        const fail: Fail = (i, code, problem, value) => {
          if (failed[i] === 1) return;
          failed[i] = 1;
          bad++;
          if (issues.length + chunkIssues.length < keep)
            chunkIssues.push(batchIssue(start + i, feature, code, problem, value));
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
  } finally {
    if (plan.keyIds.length > 0) s.tokenizers.clear();
  }
  if (bad > 0) throw batchError(fn, 'data', bad, 'the transform cannot encode', issues, maxIssues);
  return weights
    ? { values, rows, columns: stride, names: plan.names, weights }
    : { values, rows, columns: stride, names: plan.names };
}
