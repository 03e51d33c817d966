// Count, mean and sum of squared deviations (M2), merged with Chan, Golub and LeVeque's pairwise formula
// (1979), which stays accurate where the textbook sum-of-squares formula cancels catastrophically.

/** Mergeable first and second moments of finite values. */
export interface Moments {
  count: number;
  mean: number;
  /** Sum of squared deviations from the mean. */
  m2: number;
}

export function emptyMoments(): Moments {
  return { count: 0, mean: 0, m2: 0 };
}

/** Adds `b` into `a` (Chan et al. 1979): exact counts, mean and M2 correct to rounding. */
export function mergeMoments(a: Moments, b: Moments): void {
  if (b.count === 0) return;
  if (a.count === 0) {
    a.count = b.count;
    a.mean = b.mean;
    a.m2 = b.m2;
    return;
  }
  const n = a.count + b.count;
  const delta = b.mean - a.mean;
  a.mean += (delta * b.count) / n;
  a.m2 += b.m2 + (delta * delta * a.count * b.count) / n;
  a.count = n;
}

/** Population variance (ddof = 0, numpy's default); NaN when empty. */
export function populationVariance(m: Moments): number {
  return m.count === 0 ? Number.NaN : m.m2 / m.count;
}
