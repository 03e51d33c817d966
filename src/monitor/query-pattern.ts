// A query-pattern monitor: per caller, is the traffic what a model's users send, or is someone walking the
// input space to copy the model (model extraction) or map its decision boundary? The rules, written once:
//
// - The reference is the training profile (`baseline`). Each watched feature is cut into bins: a numeric
//   feature into `bins` equal-width bins over the profile's [min, max], plus one bin below, one above and
//   one for a missing or non-finite value; a categorical feature into one bin for each of its (up to
//   `maxCategories`) most frequent values, one for any other value and one for a missing value. The
//   profile says how much of the training data fell in each bin: the reference probability p_b, mixed
//   with 1 % of the uniform distribution so that no bin is impossible (an empty bin costs at most
//   ln(100 · bins) nats, not infinity). An 'other' category costs −ln(p_other / (distinct − kept)): the
//   reference mass of the rest, shared among the categories the profile saw but did not keep.
// - Surprise: a request's surprise in a feature is s_b = −ln p_b of the bin it falls in. Real traffic
//   has a mean surprise equal to the reference entropy H = Σ p_b s_b (that is what entropy is); a caller
//   whose requests land where the data is not (a grid or a uniform sweep over each feature's range, values
//   past the range, rare categories) has a mean surprise above it. The excess, mean surprise − H in nats
//   (the cross-entropy of the caller's bins under the reference, less the reference's own entropy), is
//   what the probing score is made of. It needs no histogram pass: the monitor keeps the running sum of
//   s_b and of c · ln c per feature, O(1) a feature a request.
// - Coverage: the entropy of the caller's own bin histogram (Miller–Madow corrected for small samples)
//   over the reference's bin entropy. Probing spreads requests over the bins (near or above 1); a
//   legitimate caller whose traffic is narrow (one airport, one product, long flights only) concentrates
//   them (well below 1). Each feature's excess surprise counts only as far as the caller covers it: the
//   score is (1/F) Σ_f max(0, excess_f) · min(1, coverage_f), so real traffic in a rare region (high
//   surprise, narrow) is not taken for probing, while a sweep (high surprise, wide) is.
// - Distinct inputs: a HyperLogLog (256 registers, about 6.5 % error) of the hash of the canonical row
//   (the watched features' values, type-tagged). Repeating one input is not extraction (it is what a
//   retrying client does), so a flag also needs distinct / requests of at least `minDistinctRatio`.
// - Decisions: after `minRequests` requests, a caller is flagged (a `PROBING` finding) when the score is
//   at least `flagAt` with enough distinct inputs, and stays flagged until the score falls
//   below `clearAt` (hysteresis: a score hovering near the threshold does not flap) or `flagTtlMs` passes
//   with no new request that still scores at least `clearAt`. A caller's counts are halved each time it
//   reaches `horizon` requests, so old traffic fades and a caller that turns to probing late is seen.
// - Rate: per caller, requests in aligned windows ⌊t / windowMs⌋ · windowMs, counted in a count-min sketch
//   (Cormode and Muthukrishnan, 2005; conservative update) of `depth` × `width` counters for the current and
//   the previous window, so the rate of any number of callers costs fixed memory and is never
//   under-estimated (over by at most e / width of the window's requests, with probability 1 − e^−depth).
//   The sliding rate is current + previous · (1 − elapsed fraction of the current window). Above
//   `rate.limit` a caller is denied (`QUERY_RATE`), with the wait until it is under again.
// - Bounded memory: detailed state (bin counts, sums, a 256-register HyperLogLog) is kept for at most
//   `maxCallers` callers, least recently seen evicted first (a Map in recency order, O(1) a request); a
//   flag survives its caller's eviction in a table of at most `maxCallers` flags, so an attacker cannot
//   clear its own flag by flooding the table with new caller keys.

import { type ArtifactIssue, artifactIssue, invalidArtifact } from '../core/artifact.js';
import { base64ToBytes, bytesToBase64 } from '../core/base64.js';
import { checkInteger, checkNumber, checkStrings, readOptions } from '../core/check.js';
import { readEpochClock } from '../core/clock.js';
import { describe, invalidArgument } from '../core/errors.js';
import type { Finding, Severity } from '../core/finding.js';
import { deepFreeze } from '../core/freeze.js';
import { murmur3String } from '../core/murmur3.js';
import type { ProfileArtifact } from '../stats/artifact.js';
import { sealedProfile } from '../stats/artifact.js';
import { createHll, type Hll, hllAddHash, hllEstimate } from '../stats/hll.js';
import { histogram } from '../stats/read.js';

/** Rate limiting of createQueryMonitor: aligned windows counted in a count-min sketch. */
export interface QueryRateOptions {
  /** Window length in ms (the rate is requests per window). Default 60,000. */
  readonly windowMs?: number;
  /**
   * Most requests a caller may make in a sliding window: `allow` denies a caller whose sliding count is
   * above `limit − 1` (one more would pass the limit). Default: no limit (the rate is still measured).
   */
  readonly limit?: number;
  /** Counters per row of the sketch, in [16, 2^20]. Default 2048 (overestimate ≤ 0.13 % of a window's requests). */
  readonly width?: number;
  /** Rows (hash functions) of the sketch, in [1, 8]. Default 4. */
  readonly depth?: number;
}

/** createQueryMonitor's options; no other key is accepted. */
export interface QueryMonitorOptions {
  /** The training profile: the distribution real traffic comes from (lockstep/stats `profile`). */
  readonly baseline: ProfileArtifact;
  /**
   * The features to watch: numeric (with finite values), categorical or boolean features of the baseline.
   * Default: all of them. Timestamps are refused (time moves on: serving requests fall past the training
   * range), and so are mixed and empty features.
   */
  readonly features?: readonly string[];
  /** Equal-width bins over a numeric feature's [min, max], in [2, 1024]. Default 32. */
  readonly bins?: number;
  /** Most frequent categories with a bin of their own, in [1, 4096]. Default 128. */
  readonly maxCategories?: number;
  /** Callers with detailed state, in [1, 2^24]; least recently seen evicted. Default 4096. */
  readonly maxCallers?: number;
  /** Requests before a caller can be flagged, in [1, 2^30]. Default 50. */
  readonly minRequests?: number;
  /** Probing score (excess surprise, nats a feature) at which a caller is flagged. Default 0.75. */
  readonly flagAt?: number;
  /** Score below which a flagged caller is cleared, at most `flagAt`. Default 0.4. */
  readonly clearAt?: number;
  /** Distinct inputs / requests a flag needs, in [0, 1]. Default 0.5. */
  readonly minDistinctRatio?: number;
  /** A caller's counts are halved when they reach this many requests, in [minRequests·2, 2^30]. Default 2048. */
  readonly horizon?: number;
  /** A flag lapses this long (ms) after the last request that kept it. Default 3,600,000 (an hour). */
  readonly flagTtlMs?: number;
  readonly rate?: QueryRateOptions;
  /** The clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Resume from a saved `monitor.state()` (after a restart): the same baseline, features, bins,
   * categories and rate sketch are required. Callers beyond `maxCallers` are dropped, oldest first.
   */
  readonly state?: QueryMonitorState;
}

/** A caller's saved detailed state. */
export interface QueryCallerState {
  readonly caller: string;
  /** Bin counts, float32 little-endian, base64. */
  readonly counts: string;
  /** Requests since the last halving (the counts of each feature sum to it). */
  readonly n: number;
  /** The running sums (surprise, then c · ln c, per feature), float64 little-endian, base64. */
  readonly sums: string;
  readonly hllN: number;
  readonly ratio: number;
  /** HyperLogLog registers (256 bytes), base64. */
  readonly hll: string;
}

/** A saved flag. */
export interface QueryFlagState {
  readonly caller: string;
  readonly since: number;
  readonly kept: number;
  readonly score: number;
  readonly requests: number;
  readonly coverage: number;
  readonly distinctRatio: number;
}

/** What `monitor.state()` saves: plain JSON, deeply frozen; resume with `createQueryMonitor({ state })`. */
export interface QueryMonitorState {
  readonly kind: 'lockstep.query-monitor-state';
  readonly formatVersion: 1;
  /** The configuration measured with (baseline fingerprint, features, bins, categories, rate sketch). */
  readonly config: string;
  readonly requests: number;
  readonly evicted: number;
  /** Index of the current rate window (⌊t / windowMs⌋), or null before any request. */
  readonly window: number | null;
  /** The count-min sketches of the current and previous windows, uint32 little-endian, base64. */
  readonly current: string;
  readonly previous: string;
  /** Least recently seen first. */
  readonly callers: readonly QueryCallerState[];
  /** Oldest first. */
  readonly flags: readonly QueryFlagState[];
}

/** A `PROBING` finding: a caller whose traffic walks the input space. */
export interface ProbingFinding extends Finding<'PROBING'> {
  readonly caller: string;
  /** The probing score: mean excess surprise over the features, nats. */
  readonly score: number;
  readonly requests: number;
  readonly coverage: number;
  readonly distinctRatio: number;
  /** Since when (epoch ms) the caller has been flagged. */
  readonly since: number;
}

/** A `QUERY_RATE` finding: a caller over `rate.limit`. */
export interface QueryRateFinding extends Finding<'QUERY_RATE'> {
  readonly caller: string;
  /** Estimated requests in the sliding window. */
  readonly rate: number;
  readonly limit: number;
  readonly windowMs: number;
}

export type QueryFinding = ProbingFinding | QueryRateFinding;

/** What `allow(caller)` decides. */
export interface QueryDecision {
  readonly allowed: boolean;
  /** Why not: `PROBING` (flagged) or `QUERY_RATE` (over the limit). */
  readonly reason?: 'PROBING' | 'QUERY_RATE';
  /** How long until the caller would be allowed again (ms), when denied. */
  readonly retryAfterMs?: number;
}

/** One feature's part of a caller's measure. */
export interface QueryFeatureStats {
  readonly feature: string;
  /** Mean surprise − reference entropy (nats); 0 for traffic like the reference, above for probing. */
  readonly excessSurprise: number;
  /** Caller bin entropy (Miller–Madow) / reference bin entropy. */
  readonly coverage: number;
  /** Bins the caller touched (since the last halving), of `bins`. */
  readonly touched: number;
  readonly bins: number;
}

/** A tracked caller's measures, as plain frozen data. */
export interface QueryCallerStats {
  readonly caller: string;
  /** Requests recorded since the caller was (last) admitted to the table. */
  readonly requests: number;
  readonly score: number;
  readonly coverage: number;
  readonly distinctRatio: number;
  /** Estimated requests in the sliding rate window. */
  readonly rate: number;
  readonly flagged: boolean;
  readonly features: readonly QueryFeatureStats[];
}

/** The monitor at a moment: totals and findings, plain frozen data. */
export interface QueryMonitorSnapshot {
  readonly at: number;
  readonly requests: number;
  /** Callers with detailed state now (at most `maxCallers`). */
  readonly tracked: number;
  readonly maxCallers: number;
  /** Callers evicted from the table so far. */
  readonly evicted: number;
  readonly findings: readonly QueryFinding[];
}

/** What createQueryMonitor returns. */
export interface QueryMonitor {
  /** Records one request of `caller` with its input `row`, at `at` (epoch ms; default the clock). */
  record(caller: string | number | bigint, row: Readonly<Record<string, unknown>>, at?: number): void;
  /** Whether to serve `caller` now (read-only: records nothing). */
  allow(caller: string | number | bigint): QueryDecision;
  /** The caller's measures, or null for a caller not in the table. */
  inspect(caller: string | number | bigint): QueryCallerStats | null;
  /** Findings now: every flagged caller (`PROBING`) and every tracked caller over the rate limit. */
  flags(): readonly QueryFinding[];
  /** Clears a caller's flag (an operator's decision); true when it was flagged. */
  clear(caller: string | number | bigint): boolean;
  snapshot(): QueryMonitorSnapshot;
  /** Everything the monitor knows, as frozen JSON, for `createQueryMonitor({ ..., state })` after a restart. */
  state(): QueryMonitorState;
}

const FN = 'createQueryMonitor';
const OPTION_KEYS: readonly (keyof QueryMonitorOptions)[] = [
  'baseline',
  'features',
  'bins',
  'maxCategories',
  'maxCallers',
  'minRequests',
  'flagAt',
  'clearAt',
  'minDistinctRatio',
  'horizon',
  'flagTtlMs',
  'rate',
  'now',
  'state',
];
const STATE_KIND = 'lockstep.query-monitor-state';
const RATE_KEYS: readonly (keyof QueryRateOptions)[] = ['windowMs', 'limit', 'width', 'depth'];
/** Share of the uniform distribution mixed into each reference: no bin has probability 0. */
const UNIFORM_SHARE = 0.01;
/** Longest caller key: 1,024 characters (a key names a client; hostile text is refused unread). */
export const MAX_CALLER_LENGTH = 1024;
const HLL_P = 8;
const SEVERITY: Severity = 'warning';

interface FeatureBins {
  readonly name: string;
  readonly numeric: boolean;
  readonly offset: number;
  readonly size: number;
  /** Numeric: min, max, interior bins. */
  readonly min: number;
  readonly max: number;
  readonly interior: number;
  /** Categorical: bin of each kept category. */
  readonly categories: Map<string, number>;
  /** −ln p of each bin. */
  readonly surprise: Float64Array;
  /** Reference entropy (expected surprise) and reference bin entropy. */
  readonly entropy: number;
  readonly binEntropy: number;
}

interface CallerState {
  readonly key: string;
  /** Bin counts of every feature, end to end; float32 (exact for halved counts below 2^24), halved at the horizon. */
  readonly counts: Float32Array;
  /** Per feature: Σ counts · surprise, and Σ c ln c. */
  readonly surpriseSum: Float64Array;
  readonly cLogC: Float64Array;
  /** Per feature: bins with a count of at least 0.5 (a request since the last halving, or two before). */
  readonly touched: Int32Array;
  n: number;
  hll: Hll;
  hllN: number;
  ratio: number;
  score: number;
  coverage: number;
}

interface FlagState {
  since: number;
  /** Last time a request kept it (epoch ms). */
  kept: number;
  score: number;
  requests: number;
  coverage: number;
  distinctRatio: number;
}

function xlogx(c: number): number {
  return c > 0 ? c * Math.log(c) : 0;
}

/** The bins of one feature, with their reference surprise, from the profile. */
function featureBins(
  profile: ProfileArtifact,
  name: string,
  bins: number,
  maxCategories: number,
  offset: number,
): FeatureBins {
  const f = profile.features.find((x) => x.name === name)!;
  const missing = f.missing + f.invalid;
  const mass: number[] = [];
  let otherEach = 0; // categorical: categories sharing the 'other' bin's mass
  let min = 0;
  let max = 0;
  let interior = 0;
  const categories = new Map<string, number>();
  if (f.numeric) {
    const n = f.numeric;
    min = n.min!;
    max = n.max!;
    interior = max > min ? bins : 1;
    const h = histogram(profile, name, { bins: interior });
    mass.push(...h.counts, h.underflow, h.overflow, missing + n.nan + n.posInf + n.negInf);
  } else {
    const c = f.categorical!;
    const kept = c.frequencies.slice(0, maxCategories);
    let sum = 0;
    for (const [value, count] of kept) {
      categories.set(value, mass.length);
      mass.push(count);
      sum += count;
    }
    mass.push(Math.max(0, c.count - sum), missing);
    otherEach = Math.max(1, c.distinct - kept.length);
  }
  const size = mass.length;
  const total = mass.reduce((a, b) => a + b, 0);
  const surprise = new Float64Array(size);
  let entropy = 0;
  let binEntropy = 0;
  for (let b = 0; b < size; b++) {
    const p = (1 - UNIFORM_SHARE) * (total > 0 ? mass[b]! / total : 0) + UNIFORM_SHARE / size;
    const other = !f.numeric && b === size - 2;
    surprise[b] = -Math.log(other ? p / otherEach : p);
    entropy += p * surprise[b]!;
    binEntropy -= p * Math.log(p);
  }
  return {
    name,
    numeric: f.numeric !== undefined,
    offset,
    size,
    min,
    max,
    interior,
    categories,
    surprise,
    entropy,
    binEntropy,
  };
}

/** The bin (within the feature) of a value. */
function binOf(f: FeatureBins, v: unknown): number {
  if (f.numeric) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return f.interior + 2;
    if (v < f.min) return f.interior;
    if (v > f.max) return f.interior + 1;
    if (f.max === f.min) return 0;
    return Math.min(f.interior - 1, Math.floor(((v - f.min) / (f.max - f.min)) * f.interior));
  }
  if (v === undefined || v === null) return f.size - 1;
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  return f.categories.get(text) ?? f.size - 2;
}

/** The canonical text of a value for the distinct-input hash: a type tag, and strings length-prefixed. */
function valueText(v: unknown): string {
  if (typeof v === 'number') return `n${v}`;
  if (typeof v === 'string') return `s${v.length}:${v}`;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v === undefined || v === null) return 'm';
  return 'o';
}

function callerKey(fn: string, caller: unknown): string {
  let key: string;
  if (typeof caller === 'string') key = caller;
  else if (typeof caller === 'number' && Number.isFinite(caller)) key = String(caller);
  else if (typeof caller === 'bigint') key = String(caller);
  else throw invalidArgument(fn, 'caller', 'must be a string, a finite number or a bigint', caller);
  if (key.length > MAX_CALLER_LENGTH) {
    throw invalidArgument(
      fn,
      'caller',
      `must be at most ${MAX_CALLER_LENGTH} characters long, got ${key.length}`,
    );
  }
  return key;
}

/**
 * A query-pattern monitor for model extraction and probing: per caller, the sliding request rate (a
 * count-min sketch over aligned windows), the distinct inputs (HyperLogLog) and the spread of its inputs
 * over each feature's bins against the training profile. Its probing score is
 * (1/F) Σ_f max(0, excess_f) · min(1, coverage_f), where excess_f = (1/n) Σ −ln p_ref(bin) − H_ref is the
 * caller's mean surprise over the reference entropy (nats) and coverage_f its bin entropy over the
 * reference's: about 0 for traffic drawn like the training data (at most 0.43 on flights, for a caller
 * sending long flights only), 1.6 to 1.9 for a grid or uniform sweep over the feature ranges. A caller is
 * flagged after `minRequests` when the score reaches `flagAt` and at least `minDistinctRatio` of its
 * inputs are distinct, and cleared when it falls below `clearAt`. O(features) a request (1.6–3 µs);
 * memory O(maxCallers · Σ bins), about 2.9 KB a caller for flights' four features. The rules are at
 * the top of src/monitor/query-pattern.ts and in docs/monitor.md ("Query patterns (model extraction)").
 * References: Tramèr et al., "Stealing machine learning models via prediction APIs" (2016); Juuti et al.,
 * "PRADA: protecting against DNN model stealing attacks" (2019) for watching the query distribution;
 * Cormode and Muthukrishnan (2005) for the count-min sketch.
 * @example
 * const rows = Array.from({ length: 1000 }, (_, i) => ({ x: Math.round(50 + 10 * Math.sin(i)) }));
 * const qm = createQueryMonitor({ baseline: profile(rows), minRequests: 20, now: () => 0 });
 * for (let i = 0; i < 40; i++) { qm.record('user', rows[i * 7]); qm.record('sweeper', { x: 40 + i / 2 }); }
 * [qm.allow('user'), qm.allow('sweeper')] // => [{ allowed: true }, { allowed: false, reason: 'PROBING', retryAfterMs: 3600000 }]
 * @throws LockstepError `INVALID_ARGUMENT` for an unknown option key (naming the closest known one), a
 *   value out of range, a feature the baseline does not have or that is a timestamp, mixed or empty;
 *   `INVALID_ARTIFACT` for a baseline lockstep did not make or parse, or a `state` that is broken or was
 *   saved with another configuration (with the JSON path). The monitor's methods throw
 *   `INVALID_ARGUMENT` for a caller that is not a string, finite number or bigint of at most 1,024
 *   characters, a row that is not a readable object, or a time that is not epoch milliseconds.
 */
export function createQueryMonitor(options: QueryMonitorOptions): QueryMonitor {
  const o = readOptions(FN, options, OPTION_KEYS);
  if (o.baseline === undefined)
    throw invalidArgument(FN, 'options.baseline', 'is required (a training profile)');
  const baseline = sealedProfile(FN, 'options.baseline', o.baseline);
  const bins = o.bins === undefined ? 32 : checkInteger(FN, 'options.bins', o.bins, 2, 1024);
  const maxCategories =
    o.maxCategories === undefined ? 128 : checkInteger(FN, 'options.maxCategories', o.maxCategories, 1, 4096);
  const maxCallers =
    o.maxCallers === undefined ? 4096 : checkInteger(FN, 'options.maxCallers', o.maxCallers, 1, 1 << 24);
  const minRequests =
    o.minRequests === undefined ? 50 : checkInteger(FN, 'options.minRequests', o.minRequests, 1, 2 ** 30);
  const flagAt = o.flagAt === undefined ? 0.75 : checkNumber(FN, 'options.flagAt', o.flagAt, { min: 0 });
  const clearAt =
    o.clearAt === undefined
      ? Math.min(0.4, flagAt)
      : checkNumber(FN, 'options.clearAt', o.clearAt, { min: 0, max: flagAt });
  const minDistinctRatio =
    o.minDistinctRatio === undefined
      ? 0.5
      : checkNumber(FN, 'options.minDistinctRatio', o.minDistinctRatio, { min: 0, max: 1 });
  const horizon =
    o.horizon === undefined
      ? Math.max(2048, 2 * minRequests)
      : checkInteger(FN, 'options.horizon', o.horizon, 2 * minRequests, 2 ** 30);
  const flagTtlMs =
    o.flagTtlMs === undefined ? 3_600_000 : checkNumber(FN, 'options.flagTtlMs', o.flagTtlMs, { min: 0 });
  const r = o.rate === undefined ? {} : readOptions(FN, o.rate, RATE_KEYS, 'options.rate');
  const windowMs =
    r.windowMs === undefined
      ? 60_000
      : checkNumber(FN, 'options.rate.windowMs', r.windowMs, { min: 0, minOpen: true });
  const limit =
    r.limit === undefined
      ? Number.POSITIVE_INFINITY
      : checkNumber(FN, 'options.rate.limit', r.limit, { min: 1 });
  const width = r.width === undefined ? 2048 : checkInteger(FN, 'options.rate.width', r.width, 16, 1 << 20);
  const depth = r.depth === undefined ? 4 : checkInteger(FN, 'options.rate.depth', r.depth, 1, 8);
  const clock = readEpochClock(FN, o.now);

  // Timestamps are left out: time moves on, so every serving request would fall past the training range
  // and look like probing. Mixed and empty features have no one distribution to compare with.
  const usable = baseline.features.filter(
    (f) =>
      (f.type === 'numeric' && f.numeric !== undefined && f.numeric.count > 0) ||
      ((f.type === 'categorical' || f.type === 'boolean') && f.categorical !== undefined),
  );
  const names =
    o.features === undefined
      ? usable.map((f) => f.name)
      : checkStrings(FN, 'options.features', o.features, 4096);
  if (names.length === 0) throw invalidArgument(FN, 'options.features', 'must name at least one feature');
  const features: FeatureBins[] = [];
  let totalBins = 0;
  for (const name of names) {
    if (!usable.some((x) => x.name === name)) {
      throw invalidArgument(
        FN,
        'options.features',
        `must name numeric (with finite values), categorical or boolean features of the baseline, not timestamps (${usable
          .slice(0, 10)
          .map((x) => JSON.stringify(x.name))
          .join(', ')})`,
        name,
      );
    }
    const fb = featureBins(baseline, name, bins, maxCategories, totalBins);
    features.push(fb);
    totalBins += fb.size;
  }
  const F = features.length;

  // Rate: count-min sketches of the current and previous aligned windows.
  const current = new Uint32Array(depth * width);
  const previous = new Uint32Array(depth * width);
  let windowIndex = Number.NEGATIVE_INFINITY;
  const cells = new Int32Array(depth);
  const locate = (key: string): void => {
    const h1 = murmur3String(key, 0x9747b28c);
    const h2 = murmur3String(key, 0x5bd1e995) | 1;
    for (let d = 0; d < depth; d++) cells[d] = d * width + (((h1 + Math.imul(d, h2)) >>> 0) % width);
  };
  const roll = (t: number): void => {
    const k = Math.floor(t / windowMs);
    if (k <= windowIndex) return;
    if (k === windowIndex + 1) previous.set(current);
    else previous.fill(0);
    current.fill(0);
    windowIndex = k;
  };
  const estimate = (table: Uint32Array): number => {
    let m = Number.POSITIVE_INFINITY;
    for (let d = 0; d < depth; d++) m = Math.min(m, table[cells[d]!]!);
    return m;
  };
  /** Sliding rate at t of the key located in `cells`, with the current and previous window counts. */
  const rateAt = (t: number): { rate: number; cur: number; prev: number; frac: number } => {
    const k = Math.floor(t / windowMs);
    let cur = 0;
    let prev = 0;
    if (k === windowIndex) {
      cur = estimate(current);
      prev = estimate(previous);
    } else if (k === windowIndex + 1) prev = estimate(current);
    const frac = (t - k * windowMs) / windowMs;
    return { rate: cur + prev * (1 - frac), cur, prev, frac };
  };

  const table = new Map<string, CallerState>();
  const flagged = new Map<string, FlagState>();
  let requests = 0;
  let evicted = 0;
  const config = [
    baseline.fingerprint,
    JSON.stringify(names),
    bins,
    maxCategories,
    windowMs,
    width,
    depth,
  ].join('|');

  const recompute = (s: CallerState): void => {
    for (let j = 0; j < F; j++) {
      const f = features[j]!;
      let sum = 0;
      let cl = 0;
      for (let b = 0; b < f.size; b++) {
        const c = s.counts[f.offset + b]!;
        sum += c * f.surprise[b]!;
        cl += xlogx(c);
      }
      s.surpriseSum[j] = sum;
      s.cLogC[j] = cl;
      s.touched[j] = touchedOf(s, f);
    }
  };

  const touchedOf = (s: CallerState, f: FeatureBins): number => {
    let touched = 0;
    for (let b = 0; b < f.size; b++) if (s.counts[f.offset + b]! >= 0.5) touched++;
    return touched;
  };

  /** A feature's excess surprise (nats) and coverage: O(1) from the running sums. */
  const excessOf = (s: CallerState, j: number): number => s.surpriseSum[j]! / s.n - features[j]!.entropy;
  const coverageOf = (s: CallerState, j: number): number => {
    const n = s.n;
    const f = features[j]!;
    const h = Math.log(n) - s.cLogC[j]! / n + (s.touched[j]! - 1) / (2 * n);
    return f.binEntropy > 0 ? h / f.binEntropy : 0;
  };

  const featureStats = (s: CallerState): QueryFeatureStats[] =>
    features.map((f, j) => ({
      feature: f.name,
      excessSurprise: s.n > 0 ? excessOf(s, j) : 0,
      coverage: s.n > 0 ? coverageOf(s, j) : 0,
      touched: s.touched[j]!,
      bins: f.size,
    }));

  /** Score and coverage, O(features); the distinct ratio (O(registers)) only when `withRatio`. */
  const evaluate = (s: CallerState, withRatio: boolean): void => {
    let score = 0;
    let coverage = 0;
    for (let j = 0; j < F; j++) {
      const c = coverageOf(s, j);
      // A feature counts as far as the caller spreads over it: narrow traffic in a rare region is not probing.
      score += Math.max(0, excessOf(s, j)) * Math.min(1, c);
      coverage += c;
    }
    s.score = score / F;
    s.coverage = coverage / F;
    if (withRatio && (s.hllN >= 32 || s.hllN >= s.n)) {
      s.ratio = Math.min(1, hllEstimate(s.hll) / Math.max(1, s.hllN));
    }
  };

  const setFlag = (key: string, s: CallerState, t: number): void => {
    const existing = flagged.get(key);
    if (existing === undefined && flagged.size >= maxCallers) {
      // The oldest flag makes room (Map order is insertion order).
      const oldest = flagged.keys().next().value as string;
      flagged.delete(oldest);
    }
    const f: FlagState = existing ?? {
      since: t,
      kept: t,
      score: 0,
      requests: 0,
      coverage: 0,
      distinctRatio: 0,
    };
    f.kept = Math.max(f.kept, t);
    f.score = s.score;
    f.requests = s.n;
    f.coverage = s.coverage;
    f.distinctRatio = s.ratio;
    if (existing === undefined) flagged.set(key, f);
  };

  const flagOf = (key: string, t: number): FlagState | undefined => {
    const f = flagged.get(key);
    if (f !== undefined && t - f.kept >= flagTtlMs) {
      flagged.delete(key);
      return undefined;
    }
    return f;
  };

  const readRow = (row: unknown): unknown[] => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw invalidArgument('queryMonitor.record', 'row', 'must be an object (a request row)', row);
    }
    const values = new Array<unknown>(F);
    try {
      for (let j = 0; j < F; j++) values[j] = (row as Record<string, unknown>)[features[j]!.name];
    } catch {
      throw invalidArgument('queryMonitor.record', 'row', 'must be readable (a getter or Proxy threw)');
    }
    return values;
  };

  const readTime = (fn: string, at: unknown): number => {
    if (at === undefined) return clock(fn);
    if (typeof at !== 'number' || !Number.isFinite(at) || Math.abs(at) > 8.64e15) {
      throw invalidArgument(fn, 'at', 'must be epoch milliseconds (a finite number)', at);
    }
    return at;
  };

  const rateFinding = (key: string, rate: number): QueryRateFinding => ({
    code: 'QUERY_RATE',
    severity: SEVERITY,
    message: `caller ${describe(key)}: about ${Math.round(rate)} requests in the last ${windowMs} ms, at its limit of ${limit}`,
    caller: key,
    rate,
    limit,
    windowMs,
  });

  const probingFinding = (key: string, f: FlagState): ProbingFinding => ({
    code: 'PROBING',
    severity: SEVERITY,
    message: `caller ${describe(key)}: inputs spread over the feature space like probing (score ${f.score.toFixed(2)} nats ≥ ${flagAt}, coverage ${f.coverage.toFixed(2)}, ${Math.round(f.distinctRatio * 100)} % distinct, ${f.requests} requests)`,
    caller: key,
    score: f.score,
    requests: f.requests,
    coverage: f.coverage,
    distinctRatio: f.distinctRatio,
    since: f.since,
  });

  if (o.state !== undefined) resume(o.state);

  return {
    record(caller, row, at) {
      const fn = 'queryMonitor.record';
      const key = callerKey(fn, caller);
      const values = readRow(row);
      const t = readTime(fn, at);
      requests++;

      // Rate: conservative update (raise only the cells at the minimum), in the window t falls in.
      roll(t);
      locate(key);
      const k = Math.floor(t / windowMs);
      const target = k === windowIndex ? current : k === windowIndex - 1 ? previous : undefined;
      if (target !== undefined) {
        const m = estimate(target) + 1;
        for (let d = 0; d < depth; d++) if (target[cells[d]!]! < m) target[cells[d]!] = m;
      }

      // Detailed state, least recently seen evicted.
      let s = table.get(key);
      if (s === undefined) {
        let reuse: CallerState | undefined;
        if (table.size >= maxCallers) {
          const oldest = table.keys().next().value as string;
          reuse = table.get(oldest);
          table.delete(oldest);
          evicted++;
        }
        s = {
          // The evicted caller's arrays, zeroed: a table at its bound allocates nothing more.
          key,
          counts: reuse ? reuse.counts.fill(0) : new Float32Array(totalBins),
          surpriseSum: reuse ? reuse.surpriseSum.fill(0) : new Float64Array(F),
          cLogC: reuse ? reuse.cLogC.fill(0) : new Float64Array(F),
          touched: reuse ? reuse.touched.fill(0) : new Int32Array(F),
          hll: reuse ? { p: HLL_P, registers: reuse.hll.registers.fill(0) } : createHll(HLL_P),
          n: 0,
          hllN: 0,
          ratio: 1,
          score: 0,
          coverage: 0,
        };
      } else table.delete(key);
      table.set(key, s);

      let text = '';
      for (let j = 0; j < F; j++) {
        const f = features[j]!;
        const v = values[j];
        const b = binOf(f, v);
        const i = f.offset + b;
        const c = s.counts[i]!;
        s.counts[i] = c + 1;
        s.surpriseSum[j]! += f.surprise[b]!;
        s.cLogC[j]! += xlogx(c + 1) - xlogx(c);
        if (c < 0.5) s.touched[j]!++;
        text += valueText(v);
      }
      s.n++;
      hllAddHash(s.hll, murmur3String(text, 0));
      s.hllN++;

      if (s.n >= minRequests) {
        evaluate(s, false);
        const isFlagged = flagOf(key, t) !== undefined;
        if (isFlagged ? s.score >= clearAt : s.score >= flagAt) {
          // The distinct count is read only when the score would flag or keep a flag (it costs a pass
          // over the registers); reading it is what a flag's finding reports.
          evaluate(s, true);
          if (isFlagged || s.ratio >= minDistinctRatio) setFlag(key, s, t);
        } else if (isFlagged) flagged.delete(key);
      }
      if (s.n >= horizon) {
        // The distinct ratio of the period ending now stands until 32 requests of the next are counted.
        evaluate(s, true);
        // Halved exactly (counts are floats), so every feature's counts still sum to n.
        for (let i = 0; i < totalBins; i++) s.counts[i] = s.counts[i]! / 2;
        s.n /= 2;
        recompute(s);
        s.hll.registers.fill(0);
        s.hllN = 0;
      }
    },

    allow(caller) {
      const fn = 'queryMonitor.allow';
      const key = callerKey(fn, caller);
      const t = clock(fn);
      const flag = flagOf(key, t);
      if (flag !== undefined) {
        return Object.freeze({
          allowed: false,
          reason: 'PROBING' as const,
          retryAfterMs: Math.max(1, Math.ceil(flag.kept + flagTtlMs - t)),
        });
      }
      if (limit !== Number.POSITIVE_INFINITY) {
        locate(key);
        const { rate, cur, prev } = rateAt(t);
        if (rate > limit - 1) {
          // One more request would pass the limit. It is allowed again once the sliding count is at most
          // limit − 1: cur + prev · (1 − f) ≤ limit − 1 in this window, or cur · (1 − f') ≤ limit − 1 in the next.
          const room = limit - 1;
          const start = Math.floor(t / windowMs) * windowMs;
          const wait =
            cur > room
              ? start + windowMs + windowMs * (1 - room / cur) - t
              : start + windowMs * (1 - (room - cur) / prev) - t;
          return Object.freeze({
            allowed: false,
            reason: 'QUERY_RATE' as const,
            retryAfterMs: Math.max(1, Math.ceil(wait)),
          });
        }
      }
      return Object.freeze({ allowed: true });
    },

    inspect(caller) {
      const fn = 'queryMonitor.inspect';
      const key = callerKey(fn, caller);
      const s = table.get(key);
      if (s === undefined) return null;
      const t = clock(fn);
      locate(key);
      const stats = featureStats(s);
      if (s.n > 0) evaluate(s, true);
      return deepFreeze({
        caller: key,
        requests: s.n,
        score: s.score,
        coverage: s.coverage,
        distinctRatio: s.ratio,
        rate: rateAt(t).rate,
        flagged: flagOf(key, t) !== undefined,
        features: stats,
      });
    },

    flags() {
      const t = clock('queryMonitor.flags');
      return deepFreeze(findingsAt(t));
    },

    clear(caller) {
      const key = callerKey('queryMonitor.clear', caller);
      return flagged.delete(key);
    },

    state() {
      const u8 = (a: ArrayBufferView) => bytesToBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      const callers: QueryCallerState[] = [];
      for (const c of table.values()) {
        const sums = new Float64Array(2 * F);
        sums.set(c.surpriseSum);
        sums.set(c.cLogC, F);
        callers.push({
          caller: c.key,
          counts: u8(c.counts),
          n: c.n,
          sums: u8(sums),
          hllN: c.hllN,
          ratio: c.ratio,
          hll: u8(c.hll.registers),
        });
      }
      const flags: QueryFlagState[] = [];
      for (const [caller, f] of flagged) flags.push({ caller, ...f });
      return deepFreeze({
        kind: STATE_KIND,
        formatVersion: 1 as const,
        config,
        requests,
        evicted,
        window: windowIndex === Number.NEGATIVE_INFINITY ? null : windowIndex,
        current: u8(current),
        previous: u8(previous),
        callers,
        flags,
      });
    },

    snapshot() {
      const t = clock('queryMonitor.snapshot');
      return deepFreeze({
        at: t,
        requests,
        tracked: table.size,
        maxCallers,
        evicted,
        findings: findingsAt(t),
      });
    },
  };

  /**
   * Loads a saved state, checking every field: a state is JSON that may have been stored, edited or
   * corrupted, so each number, string and array length is checked before it is used.
   * @throws LockstepError `INVALID_ARTIFACT` naming `options.state` and the JSON path.
   */
  function resume(raw: unknown): void {
    const fail = (path: string, message: string): never => {
      const issues: ArtifactIssue[] = [artifactIssue(path, message)];
      throw invalidArtifact(FN, STATE_KIND, issues, 'options.state');
    };
    const st = readRecord(raw, '$', fail);
    if (st.kind !== STATE_KIND) fail('$.kind', `must be "${STATE_KIND}", got ${describe(st.kind)}`);
    if (st.formatVersion !== 1) fail('$.formatVersion', `must be 1, got ${describe(st.formatVersion)}`);
    if (st.config !== config) {
      fail('$.config', 'was saved with another baseline, features, bins, maxCategories or rate sketch');
    }
    const count = (path: string, v: unknown): number =>
      typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
        ? v
        : fail(path, `must be a count, got ${describe(v)}`);
    const finite = (path: string, v: unknown, lo = 0, hi = Number.MAX_VALUE): number =>
      typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi
        ? v
        : fail(path, `must be a finite number in [${lo}, ${hi}], got ${describe(v)}`);
    const bytes = (path: string, v: unknown, length: number): Uint8Array => {
      const b = typeof v === 'string' && v.length <= 4 * length ? base64ToBytes(v) : undefined;
      return b !== undefined && b.length === length ? b : fail(path, `must be base64 of ${length} bytes`);
    };
    const list = (path: string, v: unknown, max: number): readonly unknown[] =>
      Array.isArray(v) && v.length <= max ? v : fail(path, `must be an array of at most ${max} items`);
    const callerText = (path: string, v: unknown): string =>
      typeof v === 'string' && v.length <= MAX_CALLER_LENGTH
        ? v
        : fail(path, `must be a caller key, got ${describe(v)}`);

    requests = count('$.requests', st.requests);
    evicted = count('$.evicted', st.evicted);
    if (st.window !== null) {
      const w = st.window;
      windowIndex =
        typeof w === 'number' && Number.isSafeInteger(w)
          ? w
          : fail('$.window', `must be an integer or null, got ${describe(w)}`);
    }
    current.set(new Uint32Array(copyBuffer(bytes('$.current', st.current, current.byteLength))));
    previous.set(new Uint32Array(copyBuffer(bytes('$.previous', st.previous, previous.byteLength))));

    const callers = list('$.callers', st.callers, 1 << 24);
    const first = Math.max(0, callers.length - maxCallers); // the most recent maxCallers
    for (let i = first; i < callers.length; i++) {
      const at = `$.callers[${i}]`;
      const c = readRecord(callers[i], at, fail);
      const key = callerText(`${at}.caller`, c.caller);
      if (table.has(key)) fail(`${at}.caller`, 'repeats an earlier caller');
      const counts = new Float32Array(copyBuffer(bytes(`${at}.counts`, c.counts, totalBins * 4)));
      for (let b = 0; b < totalBins; b++) {
        const v = counts[b]!;
        if (!(v >= 0 && v <= 2 ** 30))
          fail(`${at}.counts`, `must hold counts in [0, 2^30], got ${describe(v)}`);
      }
      const n = finite(`${at}.n`, c.n, 0, 2 ** 30);
      const sums = new Float64Array(copyBuffer(bytes(`${at}.sums`, c.sums, 16 * F)));
      if (!sums.every((x, k) => Number.isFinite(x) && (k >= F || x >= 0))) {
        fail(`${at}.sums`, 'must hold finite sums (the surprise sums ≥ 0)');
      }
      const registers = bytes(`${at}.hll`, c.hll, 1 << HLL_P);
      if (registers.some((r) => r > 32 - HLL_P + 1))
        fail(`${at}.hll`, 'holds a register past its largest rank');
      const state: CallerState = {
        key,
        counts,
        surpriseSum: new Float64Array(F),
        cLogC: new Float64Array(F),
        touched: new Int32Array(F),
        hll: { p: HLL_P, registers },
        n,
        hllN: count(`${at}.hllN`, c.hllN),
        ratio: finite(`${at}.ratio`, c.ratio, 0, 1),
        score: 0,
        coverage: 0,
      };
      // The running sums as saved, not recomputed: a resumed monitor decides bit for bit as the original.
      state.surpriseSum.set(sums.subarray(0, F));
      state.cLogC.set(sums.subarray(F));
      for (let j = 0; j < F; j++) state.touched[j] = touchedOf(state, features[j]!);
      if (n > 0) evaluate(state, false);
      table.set(key, state);
    }
    const flags = list('$.flags', st.flags, 1 << 24);
    for (let i = Math.max(0, flags.length - maxCallers); i < flags.length; i++) {
      const at = `$.flags[${i}]`;
      const f = readRecord(flags[i], at, fail);
      const key = callerText(`${at}.caller`, f.caller);
      const time = (name: string) => finite(`${at}.${name}`, f[name], -8.64e15, 8.64e15);
      flagged.set(key, {
        since: time('since'),
        kept: time('kept'),
        score: finite(`${at}.score`, f.score),
        requests: finite(`${at}.requests`, f.requests),
        coverage: finite(`${at}.coverage`, f.coverage),
        distinctRatio: finite(`${at}.distinctRatio`, f.distinctRatio, 0, 1),
      });
    }
  }

  function findingsAt(t: number): QueryFinding[] {
    const out: QueryFinding[] = [];
    for (const key of [...flagged.keys()]) {
      const f = flagOf(key, t);
      if (f !== undefined) out.push(probingFinding(key, f));
    }
    if (limit !== Number.POSITIVE_INFINITY) {
      for (const key of table.keys()) {
        locate(key);
        const { rate } = rateAt(t);
        if (rate > limit - 1) out.push(rateFinding(key, rate));
      }
    }
    return out;
  }
}

/** An own-keys snapshot of a JSON object (a getter or Proxy that throws is a broken state). */
function readRecord(
  v: unknown,
  path: string,
  fail: (path: string, message: string) => never,
): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return fail(path, `must be an object, got ${describe(v)}`);
  const out: Record<string, unknown> = Object.create(null);
  try {
    for (const key of Object.keys(v)) out[key] = (v as Record<string, unknown>)[key];
  } catch {
    return fail(path, 'could not be read (a getter or Proxy threw)');
  }
  return out;
}

/** The bytes in a fresh, aligned buffer (a decoded view may sit at any offset). */
function copyBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out.buffer;
}
