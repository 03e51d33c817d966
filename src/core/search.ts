// Binary search over sorted numbers, shared by drift's bins and transform's buckets.

/**
 * How many of the ascending `sorted` are at most x: the bin of x under (−∞, s₁), [s₁, s₂), …, [s_k, +∞),
 * numpy's `searchsorted(sorted, x, side='right')`. O(log n).
 */
export function countAtMost(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
