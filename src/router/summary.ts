// Mergeable summaries of one metric on one arm of a rollout (error 0/1, latency in ms, a conversion, any
// number the host records): what the rollout analysis (sequential.ts) compares. Every service replica
// keeps its own summary per arm and metric, and a store adds them up; the sum is the summary of all the
// requests together, in any order.
//
// The rule, written once: a summary is `{ n, mean, m2 }`, the count, the mean and the sum of squared
// deviations from the mean (Welford's running form), not `{ n, sum, sumSquares }` as first planned.
// Latencies reach 1e6 ms, so Σx² of ten million of them is about 1e19, and the variance by
// Σx²/n − (Σx/n)² then cancels away most of its digits whenever the spread is small beside the mean
// (a 100,000 ms mean with a 10 ms spread loses all of them). Welford's update and Chan, Golub & LeVeque's
// pairwise merge keep the spread to within a few ulps whatever the offset, and merge in any order to
// within float rounding (exactly for 0/1 data while counts stay below 2^53 and the means are exact, which
// they are not in general: an order-free exact merge would need exact sums, which latencies cannot have).
// The summary stays plain JSON: three finite numbers.
//
// References: Welford (1962), "Note on a method for calculating corrected sums of squares and products",
// Technometrics 4(3); Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise algorithm for
// computing sample variances" (the merge); both as numpy's and Apache Spark's StatCounter do.
import { checkInteger, checkNumber, checkObject } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import { readFields } from '../core/read-fields.js';

/**
 * One arm's summary of one metric: `n` values, their `mean` and `m2` = Σ (x − mean)², the sum of squared
 * deviations (so the sample variance is m2 / (n − 1)). Plain readonly JSON data; an empty arm is
 * `{ n: 0, mean: 0, m2: 0 }`.
 */
export interface ArmSummary {
  readonly n: number;
  readonly mean: number;
  readonly m2: number;
}

/** A mutable accumulator for hot loops: `add` costs a few flops and allocates nothing. */
export interface SummaryAccumulator {
  /** Adds one finite value (checked: NaN and ±Infinity are refused). */
  add(value: number): void;
  /** Values added so far. */
  readonly n: number;
  /** The summary so far, a new frozen object. */
  summary(): ArmSummary;
}

const SUMMARY_KEYS = ['n', 'mean', 'm2'] as const;

function frozen(n: number, mean: number, m2: number): ArmSummary {
  return Object.freeze({ n, mean, m2 });
}

/**
 * Reads and checks a summary handed to a public function: `n` a non-negative safe integer, `mean` and
 * `m2` finite, `m2` ≥ 0, and an arm of fewer than 2 values with m2 = 0 (an empty arm also with mean 0).
 * Each field is read once.
 * @throws LockstepError `INVALID_ARGUMENT` naming `fn` and `arg` (with the field).
 */
export function readSummary(fn: string, arg: string, value: unknown): ArmSummary {
  const o = readFields(
    fn,
    arg,
    checkObject(fn, arg, value, 'must be a summary { n, mean, m2 }'),
    SUMMARY_KEYS,
  );
  const n = checkInteger(fn, `${arg}.n`, o.n, 0);
  const mean = checkNumber(fn, `${arg}.mean`, o.mean);
  const m2 = checkNumber(fn, `${arg}.m2`, o.m2, { min: 0 });
  if (n === 0 && (mean !== 0 || m2 !== 0))
    throw invalidArgument(fn, arg, 'must have mean 0 and m2 0 when n is 0 (an empty arm has no values)');
  if (n === 1 && m2 !== 0)
    throw invalidArgument(fn, `${arg}.m2`, 'must be 0 when n is 1 (one value has no spread)', m2);
  return { n, mean, m2 };
}

function checkValue(fn: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalidArgument(fn, 'value', 'must be a finite number', value);
  return value;
}

/**
 * The summary of no values: `{ n: 0, mean: 0, m2: 0 }`, frozen. O(1).
 * @example emptySummary() // => { n: 0, mean: 0, m2: 0 }
 */
export function emptySummary(): ArmSummary {
  return frozen(0, 0, 0);
}

/**
 * A new summary with one more value, by Welford's update: n' = n + 1, mean' = mean + (x − mean) / n',
 * m2' = m2 + (x − mean)(x − mean'). The input is not changed. O(1) (and one small allocation: use
 * {@link createAccumulator} in hot loops). Reference: Welford (1962).
 * @example observe(observe(emptySummary(), 1), 3) // => { n: 2, mean: 2, m2: 2 }
 * @throws LockstepError `INVALID_ARGUMENT` for a summary that is not one (see {@link mergeSummaries}) or a
 *   value that is not a finite number.
 */
export function observe(summary: ArmSummary, value: number): ArmSummary {
  const fn = 'observe';
  const s = readSummary(fn, 'summary', summary);
  const x = checkValue(fn, value);
  const n = s.n + 1;
  const delta = x - s.mean;
  const mean = s.mean + delta / n;
  const m2 = s.m2 + delta * (x - mean);
  if (!Number.isFinite(mean) || !Number.isFinite(m2))
    throw invalidArgument(fn, 'value', 'must keep the summary finite (the spread overflows float64)', x);
  return frozen(n, mean, Math.max(0, m2));
}

/**
 * The summary of two arms' values together, by Chan, Golub & LeVeque's pairwise rule: n = nA + nB,
 * δ = meanB − meanA, mean = meanA + δ · nB / n, m2 = m2A + m2B + δ² · nA · nB / n. Commutative and
 * associative up to float rounding (a few ulps), so replicas' summaries can be added in any order; an
 * empty summary is its identity. O(1). Reference: Chan, Golub & LeVeque (1979), eq. 2.1b.
 * @example mergeSummaries({ n: 2, mean: 2, m2: 2 }, { n: 1, mean: 5, m2: 0 }) // => { n: 3, mean: 3, m2: 8 }
 * @throws LockstepError `INVALID_ARGUMENT` naming `a` or `b` for a summary that is not `{ n, mean, m2 }`
 *   with n a non-negative safe integer, finite mean and m2 ≥ 0 (0 when n < 2, and mean 0 when n is 0), or
 *   two summaries whose total count is not a safe integer or whose merge overflows float64.
 */
export function mergeSummaries(a: ArmSummary, b: ArmSummary): ArmSummary {
  const fn = 'mergeSummaries';
  const x = readSummary(fn, 'a', a);
  const y = readSummary(fn, 'b', b);
  if (x.n === 0) return frozen(y.n, y.mean, y.m2);
  if (y.n === 0) return frozen(x.n, x.mean, x.m2);
  const n = x.n + y.n;
  if (!Number.isSafeInteger(n))
    throw invalidArgument(fn, 'b', `must keep the total count a safe integer (a has n = ${x.n})`, y.n);
  const merged = mergeInto(x.n, x.mean, x.m2, y.n, y.mean, y.m2);
  if (merged === undefined)
    throw invalidArgument(fn, 'b', 'must merge with a into finite numbers (the spread overflows float64)');
  return merged;
}

/** Chan's merge on checked parts; undefined when a result is not finite. */
function mergeInto(na: number, ma: number, qa: number, nb: number, mb: number, qb: number) {
  const n = na + nb;
  const delta = mb - ma;
  // The larger side anchors the mean, so merging a small batch into a big one moves it least.
  const mean = na >= nb ? ma + delta * (nb / n) : mb - delta * (na / n);
  const m2 = qa + qb + delta * delta * ((na / n) * nb);
  if (!Number.isFinite(mean) || !Number.isFinite(m2)) return undefined;
  return frozen(n, mean, m2);
}

/**
 * The summary of 0/1 data from its counts: `events` ones among `n` values (errors among requests,
 * conversions among visits), so a host that counts need not add values one by one. mean = events / n,
 * m2 = events · (1 − mean) (exactly Σ (x − mean)² for such data). O(1).
 * @example countSummary(3, 4) // => { n: 4, mean: 0.75, m2: 0.75 }
 * @throws LockstepError `INVALID_ARGUMENT` for `n` not a non-negative safe integer or `events` not an
 *   integer in [0, n].
 */
export function countSummary(events: number, n: number): ArmSummary {
  const fn = 'countSummary';
  const total = checkInteger(fn, 'n', n, 0);
  const k = checkInteger(fn, 'events', events, 0, total);
  if (total === 0) return frozen(0, 0, 0);
  const mean = k / total;
  return frozen(total, mean, k * (1 - mean));
}

/**
 * The summary of a list of values (an array or a typed array of finite numbers), by Welford's update in
 * order. O(n).
 * @example summarize([1, 2, 3, 4]) // => { n: 4, mean: 2.5, m2: 5 }
 * @throws LockstepError `INVALID_ARGUMENT` for anything but an array or typed array of finite numbers (of
 *   at most 2^32 − 1 values), naming the first bad index.
 */
export function summarize(values: ArrayLike<number>): ArmSummary {
  const fn = 'summarize';
  const typed = ArrayBuffer.isView(values) && !(values instanceof DataView);
  if (!Array.isArray(values) && !typed)
    throw invalidArgument(fn, 'values', 'must be an array or a typed array of finite numbers', values);
  const acc = createAccumulator();
  let length: number;
  try {
    length = (values as ArrayLike<number>).length;
  } catch {
    throw invalidArgument(fn, 'values', 'must be readable (reading its length threw)');
  }
  for (let i = 0; i < length; i++) {
    let v: unknown;
    try {
      v = (values as ArrayLike<unknown>)[i];
    } catch {
      throw invalidArgument(fn, `values[${i}]`, 'must be readable (its getter threw)');
    }
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw invalidArgument(fn, `values[${i}]`, 'must be a finite number', v);
    try {
      acc.add(v);
    } catch {
      throw invalidArgument(fn, 'values', 'must have a spread that fits in float64');
    }
  }
  return acc.summary();
}

/**
 * A mutable accumulator for a hot loop: `add(x)` is Welford's update in place (no allocation),
 * `summary()` returns the frozen {@link ArmSummary} so far. Start from `from` (a summary) to continue one.
 * O(1) a value.
 * @example const acc = createAccumulator(); acc.add(1); acc.add(3); acc.summary() // => { n: 2, mean: 2, m2: 2 }
 * @throws LockstepError `INVALID_ARGUMENT` for a `from` that is not a summary; `add` refuses a value that
 *   is not a finite number (naming `accumulator.add`).
 */
export function createAccumulator(from?: ArmSummary): SummaryAccumulator {
  const start = from === undefined ? undefined : readSummary('createAccumulator', 'from', from);
  let n = start?.n ?? 0;
  let mean = start?.mean ?? 0;
  let m2 = start?.m2 ?? 0;
  return {
    add(value: number): void {
      const x = checkValue('accumulator.add', value);
      const delta = x - mean;
      const nextMean = mean + delta / (n + 1);
      const nextM2 = m2 + delta * (x - nextMean);
      if (!Number.isFinite(nextMean) || !Number.isFinite(nextM2))
        throw invalidArgument(
          'accumulator.add',
          'value',
          'must keep the summary finite (the spread overflows float64)',
          x,
        );
      n += 1;
      mean = nextMean;
      m2 = nextM2;
    },
    get n() {
      return n;
    },
    summary(): ArmSummary {
      return frozen(n, mean, Math.max(0, m2));
    },
  };
}
