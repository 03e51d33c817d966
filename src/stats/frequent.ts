// Frequencies of categorical values: exact while there are at most `capacity` distinct values, then a
// Misra–Gries heavy-hitters summary (Misra and Gries 1982; mergeable per Agarwal et al. 2012). When the
// table overflows, every count is lowered by the median count and the counts at or below zero are dropped;
// the total lowered so far is `error`. Every kept count c of a value with true frequency f satisfies
// c ≤ f ≤ c + error, and a value not kept has f ≤ error. Each purge removes at least half the table,
// so error ≤ 2n / capacity.

export interface Frequencies {
  readonly capacity: number;
  readonly counts: Map<string, number>;
  /** Upper bound on how much any count is under its true frequency; 0 while the counts are exact. */
  error: number;
}

export function createFrequencies(capacity: number): Frequencies {
  return { capacity, counts: new Map(), error: 0 };
}

/** Adds `count` occurrences of `value`, purging when the table overflows. */
export function frequenciesAdd(s: Frequencies, value: string, count: number): void {
  s.counts.set(value, (s.counts.get(value) ?? 0) + count);
  if (s.counts.size > s.capacity) purge(s);
}

function purge(s: Frequencies): void {
  const sorted = [...s.counts.values()].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  for (const [value, count] of s.counts) {
    if (count <= median) s.counts.delete(value);
    else s.counts.set(value, count - median);
  }
  s.error += median;
}

/** Adds `b` into `a`: counts add, errors add, then one purge if the table overflows. */
export function frequenciesMerge(a: Frequencies, b: Frequencies): void {
  for (const [value, count] of b.counts) a.counts.set(value, (a.counts.get(value) ?? 0) + count);
  a.error += b.error;
  while (a.counts.size > a.capacity) purge(a);
}

/** Entries by count descending, then value ascending (by UTF-16 code units): a canonical order. */
export function frequenciesSorted(s: Frequencies): [string, number][] {
  return [...s.counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}
