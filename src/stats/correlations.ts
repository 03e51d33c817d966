import { checkArray, checkNumber, readOptions } from '../core/check.js';
import { describe, invalidArgument } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { Column, Frame, FrameInput } from '../core/frame.js';
import { readFrame } from './frame-input.js';

/** A measure of association between two columns. */
export type CorrelationMethod = 'pearson' | 'spearman' | 'cramersV';

export interface CorrelationsOptions {
  /**
   * Columns to compare, in this order (`a` of a pair comes before `b` in it), distinct. Default: every
   * column.
   */
  readonly features?: readonly string[];
  /** Keep pairs with |value| ≥ threshold, in [0, 1]. Default 0.7. */
  readonly threshold?: number;
  /** Measures to compute (at most 16 entries; repeats count once). Default all three. */
  readonly methods?: readonly CorrelationMethod[];
}

const KEYS: readonly (keyof CorrelationsOptions)[] = ['features', 'threshold', 'methods'];

/** One measured pair: `value` in [-1, 1] (Cramér's V in [0, 1]) over `n` complete observations. */
export interface CorrelationPair {
  readonly a: string;
  readonly b: string;
  readonly method: CorrelationMethod;
  readonly value: number;
  readonly n: number;
}

/**
 * Why a pair was skipped: `TOO_FEW_OBSERVATIONS` (fewer than 3 complete observations), `CONSTANT_COLUMN`
 * (a numeric column constant over them), `MIXED_TYPES` (a column mixing value types), `NO_PRESENT_VALUES`
 * (a column with nothing present).
 */
export type SkipReason = 'TOO_FEW_OBSERVATIONS' | 'CONSTANT_COLUMN' | 'MIXED_TYPES' | 'NO_PRESENT_VALUES';

/**
 * A pair that could not be measured: a finding (`code: 'PAIR_SKIPPED'`, severity `info`) with the pair,
 * the method, the stable `reasonCode` and the reason in plain words.
 */
export interface SkippedPair extends Finding<'PAIR_SKIPPED'> {
  readonly a: string;
  readonly b: string;
  readonly method: CorrelationMethod;
  readonly reasonCode: SkipReason;
  readonly reason: string;
}

/** Why, as a code and in words. */
interface Why {
  readonly code: SkipReason;
  readonly text: string;
}

function skip(a: string, b: string, method: CorrelationMethod, why: Why): SkippedPair {
  return {
    code: 'PAIR_SKIPPED',
    severity: 'info',
    message: `${describe(a)} and ${describe(b)} (${method}) were not measured: ${why.text}`,
    a,
    b,
    method,
    reasonCode: why.code,
    reason: why.text,
  };
}

export interface Correlations {
  /** Pairs with |value| ≥ threshold, by |value| descending, then a, b and method. */
  readonly pairs: readonly CorrelationPair[];
  /** Pairs that could not be measured (findings with code `PAIR_SKIPPED`), in the order they were met. */
  readonly skipped: readonly SkippedPair[];
}

const METHODS: readonly CorrelationMethod[] = ['pearson', 'spearman', 'cramersV'];

/** A column made ready for pairing once, so every pair reuses it. */
type Prepared =
  | {
      readonly group: 'numeric';
      readonly name: string;
      readonly values: Float64Array;
      /** 1 where the value is present and finite, or undefined when every row is. */
      readonly usable: Uint8Array | undefined;
      readonly count: number;
      /** Average ranks over the column's own usable rows (by row index), computed on first use. */
      ranks?: Float64Array;
    }
  | {
      readonly group: 'categorical';
      readonly name: string;
      /** Category code per row, -1 where missing. */
      readonly codes: Int32Array;
      readonly categories: number;
    }
  | { readonly group: 'unsupported'; readonly name: string; readonly why: Why };

/**
 * Pairwise correlations of a data set's columns, to find redundant or suspiciously related features.
 * Numeric columns: Pearson's r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²), two-pass in float64, and Spearman's ρ
 * = Pearson's r of average ranks (ties share their mean rank), each on the pair's complete observations
 * (both values present and finite). String, dictionary and boolean columns: Cramér's V = √(χ² / (n (min(r,
 * c) − 1))) of their contingency table, without bias correction, missing values left out; V = 0 when
 * either column has one category. Numeric × categorical pairs have no measure here and are not listed; a
 * column mixing value types, or with no present value, is skipped in every pair it would join. Pairs with
 * fewer than 3 complete observations or a constant column (Pearson, Spearman) are skipped with a reason
 * (a `PAIR_SKIPPED` finding with a `reasonCode`), never returned as NaN. Matches scipy.stats.pearsonr, scipy.stats.spearmanr and
 * scipy.stats.contingency.association(table, method='cramer', correction=False).
 * Cost: O(pairs × n) for Pearson and Cramér's V; Spearman adds O(n log n) per column, and per pair only
 * where the two columns' complete observations differ from a column's own.
 * References: Pearson (1895); Spearman (1904); Cramér (1946), Mathematical Methods of Statistics.
 * @example correlations({ x: [1, 2, 3, 4], y: [2, 4, 6, 9] }, { methods: ['spearman'] }).pairs[0].value // => 1
 * @example correlations({ x: [1, 2, 3], k: [5, 5, 5] }).skipped[0].reason // => 'column "k" is constant over the 3 complete observations'
 * @throws LockstepError `INVALID_ARGUMENT` naming `correlations` and the argument: an unknown option key,
 *   an unknown or repeated name in `options.features`, `options.threshold` outside [0, 1], an unknown
 *   method in `options.methods`, a malformed Frame; `INVALID_DATA` for data that cannot be read (see
 *   toFrame).
 */
export function correlations(data: FrameInput, options: CorrelationsOptions = {}): Correlations {
  const fn = 'correlations';
  const o = readOptions(fn, options, KEYS);
  const threshold =
    o.threshold === undefined ? 0.7 : checkNumber(fn, 'options.threshold', o.threshold, { min: 0, max: 1 });
  const methods = checkMethods(o.methods, fn);
  const frame = readFrame(fn, data);
  const names = selectColumns(frame, o.features, fn, 'options.features');
  const n = frame.length;
  const prepared = names.map((name) => prepare(name, columnOf(frame, name), n));

  const pairs: CorrelationPair[] = [];
  const skipped: SkippedPair[] = [];
  const want = (m: CorrelationMethod) => methods.includes(m);
  for (let i = 0; i < prepared.length; i++) {
    for (let j = i + 1; j < prepared.length; j++) {
      const A = prepared[i]!;
      const B = prepared[j]!;
      if (A.group === 'unsupported' || B.group === 'unsupported') {
        const why = A.group === 'unsupported' ? A.why : (B as { why: Why }).why;
        const other = A.group === 'unsupported' ? B.group : A.group;
        for (const method of methods) {
          const applies =
            other === 'unsupported' || (other === 'numeric' ? method !== 'cramersV' : method === 'cramersV');
          if (applies) skipped.push(skip(A.name, B.name, method, why));
        }
      } else if (A.group === 'numeric' && B.group === 'numeric') {
        if (want('pearson') || want('spearman')) numericPair(A, B, n, methods, pairs, skipped);
      } else if (A.group === 'categorical' && B.group === 'categorical') {
        if (want('cramersV')) {
          const result = cramersV(A, B, n);
          if ('text' in result) skipped.push(skip(A.name, B.name, 'cramersV', result));
          else pairs.push({ a: A.name, b: B.name, method: 'cramersV', value: result.value, n: result.n });
        }
      }
    }
  }
  const kept = pairs.filter((p) => Math.abs(p.value) >= threshold);
  kept.sort(
    (p, q) =>
      Math.abs(q.value) - Math.abs(p.value) ||
      compareText(p.a, q.a) ||
      compareText(p.b, q.b) ||
      METHODS.indexOf(p.method) - METHODS.indexOf(q.method),
  );
  return { pairs: kept, skipped };
}

function checkMethods(methods: unknown, fn: string): readonly CorrelationMethod[] {
  if (methods === undefined) return METHODS;
  const list = checkArray(fn, 'options.methods', methods, 16);
  for (let i = 0; i < list.length; i++) {
    if (!METHODS.includes(list[i] as CorrelationMethod))
      throw invalidArgument(
        fn,
        'options.methods',
        "must hold only 'pearson', 'spearman' or 'cramersV'",
        list[i],
      );
  }
  return METHODS.filter((m) => list.includes(m));
}

/** Code-unit order, the same on every machine (no locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The named columns (default: all, in frame order), checked once at the boundary. Shared with
 * featureLabelAssociation; not part of the public surface.
 */
export function selectColumns(frame: Frame, features: unknown, fn: string, arg: string): readonly string[] {
  if (features === undefined) return frame.names;
  const list = checkArray(fn, arg, features, 1 << 20);
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const name = list[i];
    if (typeof name !== 'string') throw invalidArgument(fn, arg, 'must hold only column names', name);
    if (!frame.columns.has(name) && frame.length > 0)
      throw invalidArgument(fn, arg, `must name columns of 'data' (${listNames(frame)})`, name);
    if (seen.has(name)) throw invalidArgument(fn, arg, 'must not repeat a name', name);
    seen.add(name);
  }
  return [...(list as readonly string[])];
}

function listNames(frame: Frame): string {
  if (frame.names.length === 0) return 'it has no columns';
  const shown = frame.names.slice(0, 10).map((n) => JSON.stringify(n));
  return `columns: ${shown.join(', ')}${frame.names.length > 10 ? ', ...' : ''}`;
}

/** The column, or an all-missing one for a name absent from a frame with no rows. */
export function columnOf(frame: Frame, name: string): Column {
  return frame.columns.get(name) ?? { kind: 'mixed', values: [] };
}

function prepare(name: string, column: Column, n: number): Prepared {
  switch (column.kind) {
    case 'numeric': {
      const { values, valid } = column;
      let usable: Uint8Array | undefined;
      let count = n;
      for (let i = 0; i < n; i++) {
        if ((valid && valid[i] === 0) || !Number.isFinite(values[i]!)) {
          if (!usable) usable = new Uint8Array(n).fill(1);
          usable[i] = 0;
          count--;
        }
      }
      return { group: 'numeric', name, values, usable, count };
    }
    case 'mixed': {
      let present = false;
      for (let i = 0; i < n && !present; i++) present = column.values[i] !== undefined;
      const why: Why = present
        ? { code: 'MIXED_TYPES', text: `column ${JSON.stringify(name)} mixes value types` }
        : { code: 'NO_PRESENT_VALUES', text: `column ${JSON.stringify(name)} has no present values` };
      return { group: 'unsupported', name, why };
    }
    default: {
      const { codes, k } = categoryCodes(column, n);
      return { group: 'categorical', name, codes, categories: k };
    }
  }
}

/**
 * Dense category codes (0, 1, … in order of first appearance; -1 where missing) for a string, dictionary or
 * boolean column. Dictionary entries that repeat a string share a code. Not part of the public surface.
 */
export function categoryCodes(
  column: Exclude<Column, { kind: 'numeric' } | { kind: 'mixed' }>,
  n: number,
): { codes: Int32Array; k: number } {
  const codes = new Int32Array(n);
  const index = new Map<string, number>();
  const codeOf = (text: string): number => {
    let c = index.get(text);
    if (c === undefined) index.set(text, (c = index.size));
    return c;
  };
  switch (column.kind) {
    case 'boolean':
      for (let i = 0; i < n; i++)
        codes[i] =
          column.valid && column.valid[i] === 0 ? -1 : codeOf(column.values[i] === 1 ? 'true' : 'false');
      break;
    case 'dictionary': {
      const map = new Int32Array(column.dictionary.length).fill(-1);
      for (let i = 0; i < n; i++) {
        const code = column.codes[i]!;
        if (code < 0) codes[i] = -1;
        else {
          if (map[code] === -1) map[code] = codeOf(column.dictionary[code]!);
          codes[i] = map[code]!;
        }
      }
      break;
    }
    default:
      for (let i = 0; i < n; i++) {
        const v = column.values[i];
        codes[i] = v === undefined ? -1 : codeOf(v);
      }
  }
  return { codes, k: index.size };
}

type NumericPrepared = Extract<Prepared, { group: 'numeric' }>;

function numericPair(
  A: NumericPrepared,
  B: NumericPrepared,
  n: number,
  methods: readonly CorrelationMethod[],
  pairs: CorrelationPair[],
  skipped: SkippedPair[],
): void {
  const rows = completeRows(A.usable, B.usable, n);
  const m = rows ? rows.length : n;
  const wanted = methods.filter((x) => x !== 'cramersV');
  let why: Why | undefined;
  let x: Float64Array | undefined;
  let y: Float64Array | undefined;
  if (m < 3) why = fewer(m);
  else {
    x = gather(A.values, rows);
    y = gather(B.values, rows);
    if (isConstant(x)) why = constantReason(A.name, m);
    else if (isConstant(y)) why = constantReason(B.name, m);
  }
  if (why !== undefined || !x || !y) {
    for (const method of wanted) skipped.push(skip(A.name, B.name, method, why ?? fewer(m)));
    return;
  }
  for (const method of wanted) {
    const value =
      method === 'pearson'
        ? pearson(x, y)
        : pearson(
            m === A.count ? gather(ownRanks(A, n), rows) : averageRanks(x),
            m === B.count ? gather(ownRanks(B, n), rows) : averageRanks(y),
          );
    pairs.push({ a: A.name, b: B.name, method, value, n: m });
  }
}

function constantReason(name: string, m: number): Why {
  return {
    code: 'CONSTANT_COLUMN',
    text: `column ${JSON.stringify(name)} is constant over the ${m} complete observations`,
  };
}

function fewer(m: number): Why {
  return { code: 'TOO_FEW_OBSERVATIONS', text: `fewer than 3 complete observations (${m})` };
}

/** Rows where both columns are usable, or undefined when that is every row. */
function completeRows(
  a: Uint8Array | undefined,
  b: Uint8Array | undefined,
  n: number,
): Uint32Array | undefined {
  if (!a && !b) return undefined;
  let m = 0;
  for (let i = 0; i < n; i++) if ((!a || a[i] === 1) && (!b || b[i] === 1)) m++;
  const rows = new Uint32Array(m);
  let k = 0;
  for (let i = 0; i < n; i++) if ((!a || a[i] === 1) && (!b || b[i] === 1)) rows[k++] = i;
  return rows;
}

function gather(values: Float64Array, rows: Uint32Array | undefined): Float64Array {
  if (!rows) return values;
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]!]!;
  return out;
}

/** The column's average ranks over its own usable rows, stored by row index; ranked once and cached. */
function ownRanks(A: NumericPrepared, n: number): Float64Array {
  if (A.ranks) return A.ranks;
  let rows: Uint32Array | undefined;
  if (A.usable) {
    rows = new Uint32Array(A.count);
    let k = 0;
    for (let i = 0; i < n; i++) if (A.usable[i] === 1) rows[k++] = i;
  }
  const local = averageRanks(gather(A.values, rows));
  let ranks = local;
  if (rows) {
    ranks = new Float64Array(n);
    for (let k = 0; k < rows.length; k++) ranks[rows[k]!] = local[k]!;
  }
  A.ranks = ranks;
  return ranks;
}

function isConstant(x: Float64Array): boolean {
  const first = x[0];
  for (let i = 1; i < x.length; i++) if (x[i] !== first) return false;
  return true;
}

/**
 * 1-based average ranks: tied values share the mean of the ranks they span (scipy.stats.rankdata
 * method='average'). ±Infinity rank at the ends; NaN must not occur. O(n log n). Not part of the public
 * surface.
 */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const m = x.length;
  const order = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  order.sort((p, q) => {
    const u = x[p]!;
    const v = x[q]!;
    return u < v ? -1 : u > v ? 1 : 0;
  });
  const ranks = new Float64Array(m);
  let s = 0;
  while (s < m) {
    const v = x[order[s]!]!;
    let e = s + 1;
    while (e < m && x[order[e]!]! === v) e++;
    const rank = (s + e + 1) / 2;
    for (let k = s; k < e; k++) ranks[order[k]!] = rank;
    s = e;
  }
  return ranks;
}

/**
 * Pearson's r, two-pass: means, then co-moments of the deviations scaled by their largest magnitude (as
 * scipy.stats.pearsonr does, so tiny or huge values neither underflow nor overflow). Clamped to [-1, 1].
 */
function pearson(x: Float64Array, y: Float64Array): number {
  const m = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < m; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / m;
  const my = sy / m;
  let ax = 0;
  let ay = 0;
  for (let i = 0; i < m; i++) {
    ax = Math.max(ax, Math.abs(x[i]! - mx));
    ay = Math.max(ay, Math.abs(y[i]! - my));
  }
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < m; i++) {
    const dx = (x[i]! - mx) / ax;
    const dy = (y[i]! - my) / ay;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  // √(s·s) is exactly s in IEEE arithmetic, so identical deviations give exactly 1; scaling keeps the
  // product in range (each sum lies in [1, m]).
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.min(1, Math.max(-1, r));
}

type CategoricalPrepared = Extract<Prepared, { group: 'categorical' }>;

/** Cramér's V over rows where both are present, or the reason it cannot be computed. */
function cramersV(
  A: CategoricalPrepared,
  B: CategoricalPrepared,
  n: number,
): { value: number; n: number } | Why {
  // Re-code to the categories seen on complete rows, so the table has no empty row or column.
  const mapA = new Int32Array(A.categories).fill(-1);
  const mapB = new Int32Array(B.categories).fill(-1);
  let r = 0;
  let c = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = A.codes[i]!;
    const b = B.codes[i]!;
    if (a < 0 || b < 0) continue;
    m++;
    if (mapA[a] === -1) mapA[a] = r++;
    if (mapB[b] === -1) mapB[b] = c++;
  }
  if (m < 3) return fewer(m);
  if (Math.min(r, c) === 1) return { value: 0, n: m };
  const rowSum = new Float64Array(r);
  const colSum = new Float64Array(c);
  const cells = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const a = A.codes[i]!;
    const b = B.codes[i]!;
    if (a < 0 || b < 0) continue;
    const ia = mapA[a]!;
    const ib = mapB[b]!;
    rowSum[ia]!++;
    colSum[ib]!++;
    const key = ia * c + ib;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  // χ² = Σ over observed cells (O − E)² / E + Σ over empty cells E, with E = rowSum·colSum / m. The second
  // sum is Σ_i rowSum_i (m − Σ_{j observed in row i} colSum_j) / m, with an exact integer in parentheses,
  // so high-cardinality tables cost O(cells + r) and lose nothing to cancellation.
  const observedCols = new Float64Array(r);
  let chi2 = 0;
  for (const [key, o] of cells) {
    const ia = Math.floor(key / c);
    const ib = key - ia * c;
    const e = (rowSum[ia]! * colSum[ib]!) / m;
    chi2 += ((o - e) * (o - e)) / e;
    observedCols[ia]! += colSum[ib]!;
  }
  for (let ia = 0; ia < r; ia++) chi2 += (rowSum[ia]! * (m - observedCols[ia]!)) / m;
  const v = Math.sqrt(chi2 / (m * (Math.min(r, c) - 1)));
  return { value: Math.min(1, v), n: m };
}
