// The boundary of the two-sided asymptotic confidence sequence of Waudby-Smith, Arnold, Wu, Howard &
// Ramdas (2023), "Time-uniform central limit theory and asymptotic confidence sequences" (arXiv 2103.06476,
// eq. 9 for the boundary and eq. 161 for ρ), written once for the two modules that judge a running mean
// at every look: the router's arm comparison (compareArms, confidenceSequenceHalfWidth) and the online
// trainer's rollback rule (paired log-loss differences on the holdout).
//
//   half-width = SE · √( (t + 1) / t · (ln(t + 1) − 2 ln α) ),   t = n ρ²,
//   ρ² = (−2 ln α + ln(1 − 2 ln α)) / N,
//
// for an estimate with standard error SE after n values; with σ̂² = n · SE² it is the paper's
// σ̂ √(2(nρ² + 1) / (n²ρ²) · ln(√(nρ² + 1) / α)). N (the tuning) is the sample size at which the sequence
// is tightest. Callers check their arguments; these functions do not.

/** ρ² = (−2 ln α + ln(1 − 2 ln α)) / tuning, for α in (0, 1) and tuning ≥ 1. */
export function sequenceRho2(alpha: number, tuning: number): number {
  const m = -2 * Math.log(alpha);
  return (m + Math.log1p(m)) / tuning;
}

/**
 * The half-width SE · √((t + 1) / t · (ln(1 + t) − 2 ln α)), t = n ρ², given −2 ln α and ρ²
 * (sequenceRho2), so a caller that looks after every value computes the logarithms of α once. O(1).
 */
export function sequenceHalfWidth(
  standardError: number,
  n: number,
  minusTwoLogAlpha: number,
  rho2: number,
): number {
  const t = n * rho2;
  return standardError * Math.sqrt(((t + 1) / t) * (Math.log1p(t) + minusTwoLogAlpha));
}
