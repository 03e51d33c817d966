// KLL quantile sketch (Karnin, Lang and Liberty, "Optimal Quantile Approximation in Streams", 2016).
//
// A stack of compactors: level h holds items of weight 2^h. Items enter the bottom level unsorted; when the
// sketch holds as many items as its levels' total capacity, the lowest level at or over its own capacity
// is sorted and halved (every other item, from a random offset, moves up a level with twice the weight):
// the lazy schedule of Apache DataSketches. Capacities shrink by 2/3 per level below the top level's k, to
// a floor of 8.
//
// Levels are kept unsorted and sorted when compacted, so promotion and merging are appends.
//
// Below the compactors whose capacity is at least twice the floor, the paper's sampler takes over: once
// the stack is deeper than those levels (9 at k = 400), the bottom level s is compacted away and from then on one uniformly chosen item of every 2^s
// enters at weight 2^s. Skipping the other items of a block costs nothing, so an update costs O(1)
// amortised instead of a sort per item, and the error stays within the bound measured in
// test/stats/kll.test.ts and stated in docs/stats.md. All randomness comes from a xorshift32 state kept in
// the sketch: a profile is deterministic and serialisable, sampler state included.

export interface Kll {
  readonly k: number;
  /** Items seen. */
  n: number;
  /** Level h holds items of weight 2^h, unsorted (sorted only when compacted). */
  levels: Float64Array[];
  /** Items in use in each level's array (arrays may have spare room). */
  sizes: number[];
  /** xorshift32 state. */
  rng: number;
  /** Bottom active level: items enter with weight 2^s (0 while there is no sampling). */
  s: number;
  /** Items seen in the current sampler block (of 2^s items). */
  seen: number;
  /** Index within the block of the item the block keeps. */
  target: number;
  /** That item, once seen (target < seen). */
  candidate: number;
}

const MIN_CAPACITY = 8;
const RNG_SEED = 0x2545f491;

/** Capacity of a level `depth` levels below the top: max(8, ceil(k · (2/3)^depth)), in exact integers. */
function capacityOf(k: number, depth: number): number {
  let num = k;
  let den = 1;
  for (let d = 0; d < depth; d++) {
    num *= 2;
    den *= 3;
    if (num / den < MIN_CAPACITY) return MIN_CAPACITY;
  }
  return Math.max(MIN_CAPACITY, Math.ceil(num / den));
}

interface Capacities {
  /** byDepth[d]: capacity of the level d below the top. */
  readonly byDepth: Int32Array;
  /** upTo[L]: total capacity of a stack L levels deep. */
  readonly upTo: Float64Array;
  /** How deep the stack may grow before the sampler takes the bottom level: levels of capacity ≥ 16. */
  readonly maxActive: number;
}

/** The deepest stack of active levels (above the sampler's) a sketch can hold. */
export const MAX_DEPTH = 64;
// Capacity tables per k, built on first use (no work at import).
let tables: Map<number, Capacities> | undefined;

function capacities(k: number): Capacities {
  tables ??= new Map();
  let t = tables.get(k);
  if (!t) {
    const byDepth = new Int32Array(MAX_DEPTH);
    const upTo = new Float64Array(MAX_DEPTH + 1);
    let maxActive = 0;
    for (let d = 0; d < MAX_DEPTH; d++) {
      byDepth[d] = capacityOf(k, d);
      upTo[d + 1] = upTo[d]! + byDepth[d]!;
      if (byDepth[d]! >= 2 * MIN_CAPACITY) maxActive = d + 1;
    }
    t = { byDepth, upTo, maxActive: Math.max(2, maxActive) };
    tables.set(k, t);
  }
  return t;
}

/**
 * The most items a sketch of size k can retain: the total capacity of a stack MAX_DEPTH levels deep. A
 * serialised sketch holding more was not written by lockstep (the profile artifact's check refuses it).
 */
export function kllMaxRetained(k: number): number {
  return capacities(k).upTo[MAX_DEPTH]!;
}

function capacity(k: number, depth: number): number {
  return capacities(k).byDepth[depth]!;
}

export function createKll(k: number): Kll {
  return {
    k,
    n: 0,
    levels: [new Float64Array(capacity(k, 0))],
    sizes: [0],
    rng: RNG_SEED,
    s: 0,
    seen: 0,
    target: 0,
    candidate: 0,
  };
}

function nextU32(s: Kll): number {
  let x = s.rng;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  s.rng = x >>> 0;
  return s.rng;
}

function totalCapacity(s: Kll): number {
  return capacities(s.k).upTo[s.levels.length - s.s]!;
}

function retained(s: Kll): number {
  let total = 0;
  for (const size of s.sizes) total += size;
  return total;
}

/** Appends `count` items from `from` to level h, growing its array as needed. */
function appendTo(s: Kll, h: number, from: Float64Array, count: number): void {
  const size = s.sizes[h]!;
  if (size + count > s.levels[h]!.length) grow(s, h, size + count);
  s.levels[h]!.set(count === from.length ? from : from.subarray(0, count), size);
  s.sizes[h] = size + count;
}

/** Gives level h room for at least `need` items (doubling). */
function grow(s: Kll, h: number, need: number): void {
  const level = s.levels[h]!;
  const grown = new Float64Array(Math.max(MIN_CAPACITY, need, level.length * 2));
  grown.set(level.subarray(0, s.sizes[h]!));
  s.levels[h] = grown;
}

// Scratch for promoted items, made on first use; grows to the largest level ever compacted.
let promotedScratch: Float64Array | undefined;

/**
 * Halves level h: sorts it, then moves every other item (from a random offset) up to level h + 1. With
 * `all`, the odd item left over moves up too with probability 1/2 (so no weight is lost on average);
 * otherwise it stays. Levels are unsorted between compactions: promotion is an append, not a merge.
 */
function compactLevel(s: Kll, h: number, all: boolean): void {
  const size = s.sizes[h]!;
  const items = s.levels[h]!;
  items.subarray(0, size).sort();
  const odd = size & 1;
  const offset = nextU32(s) & 1;
  const keepOdd = odd === 1 && all && (nextU32(s) & 1) === 1;
  const count = ((size - odd) >> 1) + (keepOdd ? 1 : 0);
  if (!promotedScratch || promotedScratch.length < count) {
    promotedScratch = new Float64Array(Math.max(count, 2 * (promotedScratch?.length ?? 0)));
  }
  const promoted = promotedScratch;
  let o = 0;
  if (keepOdd) promoted[o++] = items[0]!;
  for (let i = odd + offset; o < count; i += 2) promoted[o++] = items[i]!;
  if (h === s.levels.length - 1) {
    s.levels.push(new Float64Array(0));
    s.sizes.push(0);
  }
  appendTo(s, h + 1, promoted, count);
  s.sizes[h] = all ? 0 : odd; // the odd item, the smallest, is already at index 0
}

/** Moves the bottom active level up: afterwards items enter with twice the weight. */
function raiseSampler(s: Kll): void {
  compactLevel(s, s.s, true);
  s.levels[s.s] = new Float64Array(0);
  s.s++;
}

/** One compaction: the lowest level at or over capacity; then the sampler rises if the stack is too deep. */
function compress(s: Kll): void {
  const top = s.levels.length - 1;
  let h = s.s;
  while (h < top && s.sizes[h]! < capacity(s.k, top - h)) h++;
  compactLevel(s, h, false);
  if (s.levels.length - s.s > capacities(s.k).maxActive) raiseSampler(s);
}

/** Appends one item of weight 2^s to the bottom level, compressing first while the sketch is full. */
function pushBottom(s: Kll, x: number): void {
  const level = s.s;
  while (retained(s) >= totalCapacity(s)) compress(s);
  // If compressing raised the sampler, x carries 2^level of weight where the bottom now carries more: keep
  // it with probability 2^(level - s), so the expected weight is still right.
  for (let h = level; h < s.s; h++) if ((nextU32(s) & 1) === 0) return;
  const size = s.sizes[s.s]!;
  if (size >= s.levels[s.s]!.length) grow(s, s.s, size + 1);
  s.levels[s.s]![size] = x;
  s.sizes[s.s] = size + 1;
}

function startBlock(s: Kll): void {
  s.seen = 0;
  // A uniform index in [0, 2^s): the top s bits of a 32-bit draw (two draws beyond 2^32 items a block).
  const s_ = s.s;
  s.target =
    s_ === 0
      ? 0
      : s_ < 32
        ? nextU32(s) >>> (32 - s_)
        : nextU32(s) * 2 ** (s_ - 32) + (nextU32(s) >>> (64 - s_));
}

/** Adds finite values[start..end). */
export function kllAdd(s: Kll, values: ArrayLike<number>, start: number, end: number): void {
  s.n += end - start;
  let i = start;
  while (i < end) {
    if (s.s === 0) {
      // No sampling: every item enters level 0. Fill the free room in one loop.
      while (retained(s) >= totalCapacity(s)) compress(s);
      if (s.s !== 0) {
        startBlock(s);
        continue;
      }
      const room = totalCapacity(s) - retained(s);
      let level0 = s.levels[0]!;
      let size = s.sizes[0]!;
      const take = Math.min(room, end - i);
      if (size + take > level0.length) {
        const grown = new Float64Array(Math.max(size + take, level0.length * 2));
        grown.set(level0.subarray(0, size));
        s.levels[0] = level0 = grown;
      }
      for (let j = 0; j < take; j++) level0[size++] = values[i + j]!;
      s.sizes[0] = size;
      i += take;
      continue;
    }
    // Sampling: each block of 2^s items keeps the one at `target`.
    const block = s.s < 31 ? 1 << s.s : 2 ** s.s;
    const available = end - i;
    if (s.target >= s.seen && s.target - s.seen < available) s.candidate = values[i + s.target - s.seen]!;
    const rest = block - s.seen;
    if (available < rest) {
      s.seen += available;
      return;
    }
    i += rest;
    pushBottom(s, s.candidate);
    startBlock(s);
  }
}

/** Copy of a sketch (levels trimmed to their sizes). */
function copyKll(s: Kll): Kll {
  return { ...s, levels: s.levels.map((l, h) => l.slice(0, s.sizes[h]!)), sizes: s.sizes.slice() };
}

/** Ends a partial sampler block: its item (present with probability seen / 2^s) enters at weight 2^s. Unbiased. */
function flushBlock(s: Kll): void {
  if (s.s > 0 && s.seen > 0 && s.target < s.seen) pushBottom(s, s.candidate);
  startBlock(s);
}

/** Merges `b` into `a`; `b` is not changed. */
export function kllMerge(a: Kll, b: Kll): void {
  if (b.n === 0) return;
  const t = copyKll(b);
  t.rng = a.rng; // draw t's coins from a's stream, so the merge is deterministic
  flushBlock(t);
  if (a.s < t.s) {
    flushBlock(a);
    while (a.s < t.s) raiseSampler(a);
    startBlock(a);
  }
  while (t.s < a.s) raiseSampler(t);
  a.rng = t.rng;
  while (a.levels.length < t.levels.length) {
    a.levels.push(new Float64Array(0));
    a.sizes.push(0);
  }
  for (let h = a.s; h < t.levels.length; h++) appendTo(a, h, t.levels[h]!, t.sizes[h]!);
  a.n += b.n;
  while (retained(a) > totalCapacity(a)) compress(a);
}

/** Retained items sorted, with weights; a pending sampler item counts at weight 2^s (unbiased). */
export function kllSorted(s: Kll): { items: Float64Array; weights: Float64Array } {
  const entries: [number, number][] = [];
  for (let h = s.s; h < s.levels.length; h++) {
    const w = 2 ** h;
    const level = s.levels[h]!;
    for (let i = 0; i < s.sizes[h]!; i++) entries.push([level[i]!, w]);
  }
  if (s.s > 0 && s.target < s.seen) entries.push([s.candidate, 2 ** s.s]);
  entries.sort((x, y) => x[0] - y[0]);
  return { items: Float64Array.from(entries, (e) => e[0]), weights: Float64Array.from(entries, (e) => e[1]) };
}

/** Sampler state: the bottom level, and the block in progress (items seen, index kept, the kept item). */
export interface KllSampler {
  readonly level: number;
  readonly seen: number;
  readonly target: number;
  readonly candidate: number;
}

/** The serialisable state: items level by level (level 0 first), level sizes and sampler state. */
export interface KllState {
  readonly k: number;
  readonly n: number;
  readonly items: Float64Array;
  readonly sizes: readonly number[];
  readonly rng: number;
  readonly sampler: KllSampler;
}

export function kllState(s: Kll): KllState {
  const items = new Float64Array(retained(s));
  let at = 0;
  for (let h = 0; h < s.levels.length; h++) {
    items.set(s.levels[h]!.subarray(0, s.sizes[h]!), at);
    at += s.sizes[h]!;
  }
  return {
    k: s.k,
    n: s.n,
    items,
    sizes: s.sizes.slice(),
    rng: s.rng,
    sampler: { level: s.s, seen: s.seen, target: s.target, candidate: s.candidate },
  };
}

/** Rebuilds a sketch from kllState output (validated by the caller). */
export function kllFromState(state: KllState): Kll {
  const levels: Float64Array[] = [];
  let at = 0;
  for (const size of state.sizes) {
    levels.push(state.items.slice(at, at + size));
    at += size;
  }
  if (levels.length === 0) return createKll(state.k);
  const { level, seen, target, candidate } = state.sampler;
  return {
    k: state.k,
    n: state.n,
    levels,
    sizes: state.sizes.slice(),
    rng: state.rng,
    s: level,
    seen,
    target,
    candidate,
  };
}
