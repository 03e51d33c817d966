// Special functions behind the two-sample tests' p-values, in float64, accurate to about 1e-12 relative
// (most to a few ulps) over the ranges the tests use. Out-of-domain arguments give NaN, as scipy.special
// does; the two-sample tests (ks-test.ts, …) check their arguments before calling these.
//
// Sources of the methods (the code is written from the maths, not translated):
//  - log-gamma: Stirling's series with the Bernoulli-number correction for x ≥ 10, the recurrence below;
//  - incomplete gamma and beta: Numerical Recipes (Press et al., 3rd ed., §6.2, §6.4): power series and
//    continued fractions evaluated by the modified Lentz method (Lentz 1976; Thompson & Barnett 1986),
//    with the prefactors x^a e^-x / Γ(a) and x^a y^b / B(a, b) computed from Stirling's series so that the
//    large terms cancel analytically (Temme, "Special Functions", 1996, §11.3; DiDonato & Morris 1992);
//  - erf, erfc: Maclaurin series for small arguments, Laplace's continued fraction above, with exp(-x²)
//    split so that x² is not rounded (Cody 1969);
//  - binomial probabilities: Loader, "Fast and accurate computation of binomial probabilities" (2000);
//  - Kolmogorov–Smirnov distributions: Kolmogorov (1933) and its theta-function form; Birnbaum & Tingey
//    (1951) for the one-sided D+_n; Simard & L'Ecuyer, "Computing the two-sided Kolmogorov–Smirnov
//    distribution", J. Stat. Softw. 39(11) (2011) for the two-sided D_n (Durbin's matrix in the form of
//    Marsaglia, Tsang & Wang 2003, Pomeranz 1974, Pelz & Good 1976, Ruben & Gambino 1982), with the same
//    switching rules as scipy.stats.kstwo; Hodges, "The significance probability of the Smirnov two-sample
//    test", Ark. Mat. 3 (1958) and Viehmann, arXiv:2102.08037 (2021) for the exact two-sample law;
//  - Mann–Whitney U: the null distribution's generating function is the Gaussian binomial coefficient
//    [n1 + n2 choose n1]_q (Mann & Whitney 1947; Andrews, "The Theory of Partitions", 1976, §3.3).

const LOG_SQRT_2PI = 0.9189385332046728; // ½ ln(2π)
const SQRT_2PI = 2.5066282746310002;
const LOG_SQRT_PI = 0.5723649429247001; // ½ ln π
const INV_SQRT_PI = 0.5641895835477563; // 1 / √π
const EPS = 2.220446049250313e-16;
const TINY = 1e-300; // Lentz's stand-in for a zero denominator
const LOG_MAX = 709.782712893384; // ln(Number.MAX_VALUE)
const LOG_MIN_NORMAL = -708.3964185322641; // ln(2^-1022)
const TWO_POW_128 = 3.402823669209385e38;
const TWO_POW_MINUS_128 = 2.938735877055719e-39;

// ------------------------------------------------------------------------------------------ log-gamma

/** Σ B_2k / (2k (2k−1) x^(2k−1)), the Stirling-series remainder ln Γ(x) − [(x−½) ln x − x + ½ ln 2π]; x ≥ 10. */
function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  return (
    (0.08333333333333333 +
      r *
        (-0.002777777777777778 +
          r *
            (0.0007936507936507937 +
              r *
                (-0.0005952380952380952 +
                  r * (0.0008417508417508417 + r * (-0.0019175269175269176 + r * 0.00641025641025641)))))) /
    x
  );
}

/**
 * ln Γ(x) for x > 0: Stirling's series with seven correction terms for x ≥ 10 (error < 1e-17 relative),
 * Γ(x) = Γ(x + k) / (x (x+1) … (x+k−1)) below, and the factorial products for whole and half-whole x < 10.
 * NaN for x ≤ 0 or NaN. Absolute error about 2e-15 near the zeros at 1 and 2, relative error a few ulps
 * elsewhere. Equals scipy.special.gammaln for x > 0.
 * @example [logGamma(1), logGamma(4), logGamma(0.5)] // => [0, 1.791759469228055, 0.5723649429247001]
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + stirlingCorrection(x);
  if (Number.isInteger(2 * x)) {
    // Whole and half-whole x (degrees of freedom over 2): Γ(n) = (n − 1)!, Γ(n + ½) = (n − ½)(n − 3/2)…(½)√π,
    // a product good to a few ulps, so ln Γ is too (ln Γ(1) = ln Γ(2) = 0 exactly).
    let product = 1;
    for (let y = x - 1; y > 0; y -= 1) product *= y;
    return Number.isInteger(x) ? Math.log(product) : Math.log(product) + LOG_SQRT_PI;
  }
  let product = 1;
  let y = x;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + LOG_SQRT_2PI + stirlingCorrection(y) - Math.log(product);
}

/** log1p(u) − u, accurate also where the two nearly cancel (|u| small). */
function log1pmx(u: number): number {
  if (Math.abs(u) > 0.5) return Math.log1p(u) - u;
  // log1p(u) = 2 atanh(v) with v = u / (2 + u), and u − 2v = u v, so log1p(u) − u = −u v + 2 (v³/3 + v⁵/5 …).
  const v = u / (2 + u);
  const v2 = v * v;
  let power = v * v2;
  let sum = 0;
  for (let k = 3; ; k += 2) {
    const term = power / k;
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * EPS * 0.5) break;
    power *= v2;
  }
  return 2 * sum - u * v;
}

/**
 * a (ln r − r + 1) for a ratio r = 1 + u: through log1pmx(u) near r = 1, where u carries the accuracy,
 * and through ln r away from it, where r does (1 + u rounded would lose digits as r → 0).
 */
function scaledLogRatio(a: number, r: number, u: number): number {
  return Math.abs(u) <= 0.5 ? a * log1pmx(u) : a * (Math.log(r) - u);
}

/** ln(x^a e^−x / Γ(a)), with the large terms of ln Γ(a) cancelled analytically when a ≥ 10. */
function logGammaPrefix(a: number, x: number): number {
  // a ln x − x − ln Γ(a) = a (ln(x/a) − (x/a − 1)) + ½ ln a − ½ ln 2π − corr(a)
  if (a >= 10)
    return scaledLogRatio(a, x / a, (x - a) / a) + 0.5 * Math.log(a) - LOG_SQRT_2PI - stirlingCorrection(a);
  return a * Math.log(x) - x - logGamma(a);
}

// ------------------------------------------------------------------------------------ incomplete gamma

/** Σ x^n / ((a+1)…(a+n)) · x^a e^−x / Γ(a+1): the lower regularized gamma P(a, x); converges for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  const maxIterations = 1000 + 20 * Math.ceil(Math.sqrt(a));
  for (let n = 1; n < maxIterations; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * EPS * 0.5) break;
  }
  return sum * Math.exp(logGammaPrefix(a, x));
}

/** Upper regularized gamma Q(a, x) by its continued fraction (Lentz); converges fast for x ≥ a + 1. */
function gammaQFraction(a: number, x: number): number {
  // Q = prefix / (x + 1 − a − 1(1−a) / (x + 3 − a − 2(2−a) / (x + 5 − a − …)))
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  const maxIterations = 1000 + 20 * Math.ceil(Math.sqrt(a));
  for (let i = 1; i < maxIterations; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logGammaPrefix(a, x)) * h;
}

/**
 * Lower regularized incomplete gamma P(a, x) = γ(a, x) / Γ(a), for a > 0, x ≥ 0: the series for
 * x < a + 1, else 1 − Q by the continued fraction. NaN outside the domain.
 * @example [regularizedGammaP(1, 2), regularizedGammaP(3, 0)] // => [0.8646647167633873, 0]
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? gammaPSeries(a, x) : 1 - gammaQFraction(a, x);
}

/**
 * Upper regularized incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x), accurate to about 1e-14
 * relative also deep in the upper tail (the continued fraction computes Q itself there).
 * @example [regularizedGammaQ(1, 2), regularizedGammaQ(0.5, 0)] // => [0.1353352832366127, 1]
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQFraction(a, x);
}

/**
 * Survival function of the chi-square distribution with `dof` degrees of freedom: P(X ≥ x) =
 * Q(dof / 2, x / 2), as scipy.stats.chi2.sf. 1 for x ≤ 0; NaN when dof ≤ 0.
 * @example [chiSquareSf(3.841458820694124, 1), chiSquareSf(0, 4)] // => [0.05000000000000011, 1]
 */
export function chiSquareSf(x: number, dof: number): number {
  if (!(dof > 0) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}

// ------------------------------------------------------------------------------------- incomplete beta

/** ln(x^a y^b / B(a, b)) with y = 1 − x given separately; the large terms cancel analytically. */
function logBetaPrefix(a: number, b: number, x: number, y: number): number {
  const c = a + b;
  if (a >= 10 && b >= 10) {
    // ln B = a ln(a/c) + b ln(b/c) − ½ ln(ab/c) + ½ ln 2π + corr(a) + corr(b) − corr(c). With
    // w = xb − ya, x c/a = 1 + w/a and y c/b = 1 − w/b, and the linear parts of a ln(xc/a) + b ln(yc/b)
    // cancel: a w/a − b w/b = 0.
    const w = x * b - y * a;
    return (
      scaledLogRatio(a, (x * c) / a, w / a) +
      scaledLogRatio(b, (y * c) / b, -w / b) +
      0.5 * Math.log((a / c) * b) -
      LOG_SQRT_2PI -
      stirlingCorrection(a) -
      stirlingCorrection(b) +
      stirlingCorrection(c)
    );
  }
  if (a >= 10 || b >= 10) {
    // One large parameter (say a): ln Γ(a) − ln Γ(c) = −(a − ½) ln(c/a) − b ln c + b + corr(a) − corr(c),
    // so the prefix is a ln(xc/a) + ½ ln(a/c) + b ln(yc) − b − ln Γ(b) − corr(a) + corr(c).
    const [big, small, xBig, xSmall] = a >= 10 ? [a, b, x, y] : [b, a, y, x];
    const u = (xBig * small - xSmall * big) / big; // xBig·c/big − 1
    const logRatio = Math.abs(u) <= 0.5 ? Math.log1p(u) : Math.log((xBig * c) / big);
    return (
      big * logRatio +
      0.5 * Math.log(big / c) +
      small * Math.log(xSmall * c) -
      small -
      logGamma(small) -
      stirlingCorrection(big) +
      stirlingCorrection(c)
    );
  }
  return a * Math.log(x) + b * Math.log(y) - logGamma(a) - logGamma(b) + logGamma(c);
}

/** The k-th partial numerator (k ≥ 1) of the continued fraction I_x(a, b) = prefix / (a (1 + d₁/(1 + d₂/…))). */
function betaFractionTerm(a: number, b: number, x: number, k: number): number {
  const m = k >> 1;
  if (k % 2 === 0) return (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
  return (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
}

/**
 * The continued fraction 1/(1 + d₁/(1 + d₂/(1 + …))) of I_x(a, b) (Numerical Recipes' betacf). The
 * modified Lentz method finds how many terms it needs; the value is then summed from that depth back up,
 * because with a large and x near the switch-over point the partial numerators approach −1 and the forward
 * evaluation loses digits (1e-12 relative at a = 10⁴), the backward one does not.
 */
function betaFraction(a: number, b: number, x: number): number {
  let c = 1;
  let d = 0;
  let depth = 0;
  const maxTerms = 2000 + 40 * Math.ceil(Math.sqrt(Math.max(a, b)));
  for (let k = 1; k < maxTerms; k++) {
    const term = betaFractionTerm(a, b, x, k);
    d = 1 + term * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + term / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    depth = k;
    if (k % 2 === 0 && Math.abs(delta - 1) < EPS) break;
  }
  let f = 1;
  for (let k = Math.min(2 * depth + 20, maxTerms); k >= 1; k--) f = 1 + betaFractionTerm(a, b, x, k) / f;
  return 1 / f;
}

/**
 * c_k = B_2k / (2k (2k)!): ln(sinh(w/2) / (w/2)) = Σ_{k≥1} c_k w^(2k) (B_2k the Bernoulli numbers).
 */
const SINH_LOG_COEFFICIENTS = [
  0.041666666666666664, -0.00034722222222222224, 5.5114638447971785e-6, -1.033399470899471e-7,
  2.08767569878681e-9, -4.403491782239578e-11, 9.55895466477477e-13, -2.1185501852016142e-14,
  4.770034475709914e-16, -1.087434349279031e-17, 2.5040921947091955e-19, -5.814360285755218e-21,
  1.3595027075497952e-22, -3.1976847953705525e-24, 7.559841507792277e-26, -1.7952470840225633e-27,
  4.279919045926073e-29, -1.0238874835181417e-30, 2.4570353308144855e-32, -5.912556039251575e-34,
];

/**
 * I_x(a, b) (or 1 − I_x(a, b) when `complement`) for large a and small b, for −ln x ≤ 1, by the expansion
 * behind DiDonato & Morris's BGRAT (1992): with W = −ln X, X ~ Beta(a, b), T = a + (b − 1)/2 and
 * (1 − e^−w)^(b−1) = w^(b−1) e^(−(b−1)w/2) g(w), g(w) = (sinh(w/2)/(w/2))^(b−1) = Σ p_n w^(2n),
 * I_x(a, b) = P(W ≥ −ln x) = Γ(a+b)/(Γ(a) T^b) Σ_n p_n (b)_2n Q(b + 2n, u) / T^(2n), u = −T ln x
 * (and P in place of Q for the complement). Here the continued fraction is ill-conditioned (its value is
 * about a, and rounding in its terms is amplified by as much), while every term of this sum is positive.
 */
function betaLargeA(a: number, b: number, x: number, y: number, complement: boolean): number {
  const T = a + (b - 1) / 2;
  const w = y < 0.5 ? -Math.log1p(-y) : -Math.log(x);
  const u = T * w;
  const c = a + b;
  // ln(Γ(a+b) / (Γ(a) T^b)) = (a − ½) ln(c/a) + b ln(c/T) − b + corr(c) − corr(a), all terms moderate.
  const logScale =
    (a - 0.5) * Math.log1p(b / a) +
    b * Math.log1p((b + 1) / (2 * T)) -
    b +
    stirlingCorrection(c) -
    stirlingCorrection(a);
  const p: number[] = [1];
  let gamma = complement ? regularizedGammaP(b, u) : regularizedGammaQ(b, u); // at s = b + 2n
  // u^s e^−u / Γ(s + 1), the step Q(s + 1, u) − Q(s, u) = P(s, u) − P(s + 1, u).
  let step = Math.exp(b * Math.log(u) - u - logGamma(b + 1));
  let pochhammer = 1; // (b)_2n
  let inverseT2n = 1;
  let sum = gamma;
  for (let n = 1; n <= SINH_LOG_COEFFICIENTS.length; n++) {
    let pn = 0;
    for (let k = 1; k <= n; k++) pn += k * SINH_LOG_COEFFICIENTS[k - 1]! * p[n - k]!;
    pn *= (b - 1) / n;
    p.push(pn);
    const s = b + 2 * n - 2;
    if (complement) {
      gamma = regularizedGammaP(s + 2, u);
    } else {
      gamma += step;
      step *= u / (s + 1);
      gamma += step;
      step *= u / (s + 2);
    }
    pochhammer *= s * (s + 1);
    inverseT2n /= T * T;
    const term = pn * pochhammer * gamma * inverseT2n;
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * EPS * 0.05) break;
  }
  return clamp01(Math.exp(logScale) * sum);
}

/**
 * Regularized incomplete beta I_x(a, b) = B(x; a, b) / B(a, b) for a, b > 0 and 0 ≤ x ≤ 1. Pass `y`
 * = 1 − x when it is known more accurately than 1 − x rounds to (as for Student's t). Continued fraction
 * for x < (a + 1) / (a + b + 2), else 1 − I_y(b, a).
 * @example [regularizedBeta(0.5, 2, 2), regularizedBeta(0.25, 1, 1)] // => [0.5, 0.25]
 */
export function regularizedBeta(x: number, a: number, b: number, y: number = 1 - x): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1) || !(y >= 0 && y <= 1)) return Number.NaN;
  if (x === 0) return 0;
  if (y === 0) return 1;
  // Large a, small b near x = 1 (Student's t with many degrees of freedom): the expansion, not the fraction.
  if (a >= 15 && b <= 1 && x >= 0.36787944117144233) return betaLargeA(a, b, x, y, false);
  if (b >= 15 && a <= 1 && y >= 0.36787944117144233) return betaLargeA(b, a, y, x, true);
  if (x * (a + b + 2) < a + 1) return (Math.exp(logBetaPrefix(a, b, x, y)) * betaFraction(a, b, x)) / a;
  return 1 - (Math.exp(logBetaPrefix(b, a, y, x)) * betaFraction(b, a, y)) / b;
}

/**
 * Survival function of Student's t with `df` degrees of freedom, P(T > t) = ½ I_{df/(df+t²)}(df/2, ½)
 * for t > 0 (and 1 minus that for t < 0), as scipy.stats.t.sf; accurate in both tails.
 * @example [studentTSf(0, 3), studentTSf(2.7764451051977987, 4)] // => [0.5, 0.024999999999999894]
 */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return Number.NaN;
  if (t === 0) return 0.5;
  const t2 = t * t;
  let x: number; // df / (df + t²)
  let y: number; // t² / (df + t²)
  if (t2 > df) {
    const r = df / t2;
    x = r / (1 + r);
    y = 1 / (1 + r);
  } else {
    const r = t2 / df;
    x = 1 / (1 + r);
    y = r / (1 + r);
  }
  const tail = 0.5 * regularizedBeta(x, df / 2, 0.5, y); // P(T > |t|)
  return t > 0 ? tail : 1 - tail;
}

/**
 * Cumulative distribution function of Student's t: P(T ≤ t) = studentTSf(−t, df), as scipy.stats.t.cdf.
 * @example [studentTCdf(0, 10), studentTCdf(-Infinity, 10)] // => [0.5, 0]
 */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}

// ------------------------------------------------------------------------------------- erf and normal

/** exp(−x²) without rounding x² first: x = hi + lo with hi on a 2^-16 grid, so hi² is exact. */
function expMinusSquare(x: number): number {
  const hi = Math.floor(x * 65536) / 65536;
  return Math.exp(-hi * hi) * Math.exp(-(x - hi) * (x + hi));
}

/** erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)) for |x| ≤ 1 (terms fall monotonically). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let power = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    power *= -x2 / n;
    const term = power / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * EPS * 0.25) break;
  }
  return 2 * INV_SQRT_PI * sum;
}

/** erfc(x) for x ≥ 1 by Laplace's continued fraction x + ½/(x + 1/(x + 3/2/(x + 2/(x + …)))), Lentz. */
function erfcFraction(x: number): number {
  if (x > 27.3) return 0; // below the smallest subnormal
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = x + a / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return (expMinusSquare(x) * INV_SQRT_PI) / f;
}

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.
 * @example [erf(0), erf(Infinity)] // => [0, 1]
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (Math.abs(x) <= 1) return erfSeries(x);
  const tail = erfcFraction(Math.abs(x));
  return x > 0 ? 1 - tail : tail - 1;
}

/**
 * The complementary error function erfc(x) = 1 − erf(x), accurate to a few ulps relative for x > 0 up to
 * its underflow near x = 27.2 (the continued fraction computes the tail itself).
 * @example [erfc(0), erfc(-Infinity)] // => [1, 2]
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < -1) return 2 - erfcFraction(-x);
  if (x <= 1) return 1 - erfSeries(x);
  return erfcFraction(x);
}

/**
 * Standard normal cumulative distribution function Φ(x), computed as scipy.special.ndtr does: with
 * t = x/√2, ½ + ½ erf(t) for |t| < 1/√2, else ½ erfc(|t|) (or 1 minus it), so the lower tail is
 * accurate to a few ulps relative.
 * @example [normalCdf(0), normalCdf(-Infinity)] // => [0.5, 0]
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return x;
  const t = x * Math.SQRT1_2;
  const z = Math.abs(t);
  if (z < Math.SQRT1_2) return 0.5 + 0.5 * erf(t);
  const half = 0.5 * erfc(z);
  return t > 0 ? 1 - half : half;
}

/**
 * Standard normal survival function 1 − Φ(x) = Φ(−x), accurate in the upper tail.
 * @example [normalSf(0), normalSf(Infinity)] // => [0.5, 0]
 */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

// ------------------------------------------------------------------------------ binomial probabilities

/** ln(n!) − ln(√(2πn) (n/e)^n), the error of Stirling's formula (Loader 2000). */
function stirlingError(n: number): number {
  if (n > 15) return stirlingCorrection(n);
  return logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - LOG_SQRT_2PI;
}

/** The deviance term x ln(x / m) + m − x, computed without cancellation when x ≈ m (Loader 2000). */
function devianceTerm(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    const v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    const v2 = v * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * Binomial probability C(n, k) p^k q^(n−k) for 0 < k < n, given n·p and n·q (= n − n·p) to full
 * accuracy; relative error a few ulps (Loader's saddle-point form, no large cancelling logarithms).
 */
function binomialPmf(k: number, n: number, np: number, nq: number): number {
  const lc =
    stirlingError(n) -
    stirlingError(k) -
    stirlingError(n - k) -
    devianceTerm(k, np) -
    devianceTerm(n - k, nq);
  return Math.exp(lc) * Math.sqrt(n / (2 * Math.PI * k * (n - k)));
}

/** ln C(n, k) for integers 0 ≤ k ≤ n. */
function logBinomial(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

// ------------------------------------------------------------------------------ Kolmogorov–Smirnov laws

/**
 * Survival function of Kolmogorov's limit distribution, P(K > x) with K = lim √n D_n:
 * 2 Σ_{k≥1} (−1)^(k−1) e^(−2k²x²) for x > 0.82, else 1 − (√(2π)/x) Σ_{k≥1} e^(−(2k−1)²π²/(8x²)).
 * Equals scipy.special.kolmogorov (and scipy.stats.kstwobign.sf).
 * @example [kolmogorov(0), kolmogorov(1)] // => [1, 0.26999967167735456]
 */
export function kolmogorov(x: number): number {
  if (Number.isNaN(x)) return x;
  // Below π / √(8 · 746) every term of the small-x series underflows: the cdf is 0.
  if (x <= 0.040611972203751713) return 1;
  if (x <= 0.82) {
    const q = Math.exp((-Math.PI * Math.PI) / (8 * x * x));
    let sum = 0;
    for (let k = 1; k < 20; k++) {
      const odd = 2 * k - 1;
      const term = q ** (odd * odd);
      sum += term;
      if (term <= sum * EPS * 0.25) break;
    }
    return clamp01(1 - (SQRT_2PI / x) * sum);
  }
  const v = Math.exp(-2 * x * x);
  let sum = 0;
  let sign = 1;
  for (let k = 1; k < 20; k++) {
    const term = v ** (k * k);
    sum += sign * term;
    sign = -sign;
    if (term <= Math.abs(sum) * EPS * 0.25) break;
  }
  return clamp01(2 * sum);
}

/**
 * Survival function of the one-sided one-sample Kolmogorov–Smirnov statistic, P(D+_n ≥ x), by the
 * Birnbaum–Tingey sum x Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v), each term a
 * binomial probability computed with Loader's method, with n·x split exactly into integer and fraction.
 * Cost O(n) at most (the sum stops once the remaining terms cannot change it). Equals
 * scipy.special.smirnov (including its approximation e^(−(6nx+1)²/(18n)) for n > 10⁶).
 * @example [smirnov(1, 0.25), smirnov(5, 0)] // => [0.75, 1]
 */
export function smirnov(n: number, x: number): number {
  if (!(Number.isInteger(n) && n > 0) || !(x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  // n·x = whole + fraction, exactly (Dekker's product splits the rounding error off n·x).
  const product = n * x;
  let whole = Math.floor(product);
  let fraction = product - whole + twoProductError(n, x, product);
  if (fraction < 0) {
    whole -= 1;
    fraction += 1;
  } else if (fraction >= 1) {
    whole += 1;
    fraction -= 1;
  }
  if (whole === 0 || (whole === 1 && fraction === 0)) {
    // x ≤ 1/n: P(D+_n < x) = x (1 + x)^(n−1).
    return clamp01(1 - x * Math.exp((n - 1) * Math.log1p(x)));
  }
  if (-2 * n * x * x < LOG_MIN_NORMAL) return 0;
  if (whole >= n - 1) return clamp01(Math.exp(n * Math.log1p(-x))); // x ≥ 1 − 1/n: (1 − x)^n
  if (n > 1_000_000) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return Math.exp(logp);
  }
  // Terms v = 0 … n − whole − 1 (the term at v = n(1 − x) exactly is zero).
  const last = n - whole - 1;
  let sum = Math.exp(n * Math.log1p(-x)) / x; // v = 0: (1 − x)^n / x
  let previous = sum;
  for (let v = 1; v <= last; v++) {
    const np = v + whole + fraction; // n (x + v/n)
    const nq = n - v - whole - fraction; // n (1 − x − v/n)
    const term = (binomialPmf(v, n, np, nq) * n) / np;
    sum += term;
    if (term < previous && term * (last - v) < sum * EPS * 0.25) break;
    previous = term;
  }
  return clamp01(x * sum);
}

/** The rounding error of a·b = p (Dekker 1971 / Veltkamp splitting): a·b − p exactly. */
function twoProductError(a: number, b: number, p: number): number {
  const split = 134217729; // 2^27 + 1
  const ca = split * a;
  const aHi = ca - (ca - a);
  const aLo = a - aHi;
  const cb = split * b;
  const bHi = cb - (cb - b);
  const bLo = b - bHi;
  return aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
}

/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic, P(D_n ≥ x), as
 * scipy.stats.kstwo.sf(x, n) computes it (Simard & L'Ecuyer 2011's choice of method): Ruben–Gambino's
 * closed forms for n·x ≤ 1 and n·x ≥ n − 1, 2·smirnov(n, x) for x ≥ ½ and in the far tail, Durbin's
 * matrix (Marsaglia–Tsang–Wang) or Pomeranz's recursion for n ≤ 140, the Durbin matrix or the Pelz–Good
 * expansion for larger n. Used by the asymptotic two-sample KS p-value with n = round(n1·n2 / (n1 + n2)).
 * @example [kstwoSf(10, 0), kstwoSf(10, 1)] // => [1, 0]
 */
export function kstwoSf(n: number, x: number): number {
  if (!(Number.isInteger(n) && n > 0) || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben & Gambino: P(D_n ≤ x) = n!/n^n (2t − 1)^n for ½ ≤ t ≤ 1.
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= (i / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clamp01(1 - cdf);
  }
  if (t >= n - 1) return clamp01(2 * (1 - x) ** n);
  if (x >= 0.5) return clamp01(2 * smirnov(n, x));
  const nxx = t * x;
  if (n <= 140) {
    if (nxx <= 0.754693) return clamp01(1 - durbinMatrixCdf(n, x));
    if (nxx <= 4) return clamp01(1 - pomeranzCdf(n, x));
    return clamp01(2 * smirnov(n, x));
  }
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clamp01(2 * smirnov(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clamp01(1 - cdf);
}

/** ln(n! / n^n) from Stirling's series with ln n · n taken out first (no cancellation). */
function logFactorialOverPower(n: number): number {
  return 0.5 * Math.log(n) - n + LOG_SQRT_2PI + stirlingCorrection(n);
}

/**
 * P(D_n ≤ d) by Durbin's matrix method as Marsaglia, Tsang & Wang (2003) evaluate it: with n·d = k − h,
 * 0 ≤ h < 1, the (2k−1)² matrix H, the answer is n!/n^n (H^n)_{k,k}, the power taken by squaring with the
 * exponent tracked separately so nothing overflows. O(k³ log n).
 */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H: Float64Array = new Float64Array(m * m);
  // Interior: H[i][j] = 1/(i − j + 1)! where i − j + 1 ≥ 0.
  const inverseFactorial = new Float64Array(m + 1);
  inverseFactorial[0] = 1;
  for (let j = 1; j <= m; j++) inverseFactorial[j] = inverseFactorial[j - 1]! / j;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) if (i - j + 1 >= 0) H[i * m + j] = inverseFactorial[i - j + 1]!;
  // First column and last row: (1 − h^r)/r!; the corner (1 − 2h^m + max(0, 2h − 1)^m)/m!.
  for (let i = 0; i < m; i++) {
    const r = i + 1;
    H[i * m] = (1 - h ** r) * inverseFactorial[r]!;
    H[(m - 1) * m + (m - 1 - i)] = (1 - h ** r) * inverseFactorial[r]!;
  }
  H[(m - 1) * m] = (1 - 2 * h ** m + Math.max(0, 2 * h - 1) ** m) * inverseFactorial[m]!;

  let power: Float64Array | undefined; // H^(bits of n seen so far), scaled by 2^(-powerExponent)
  let powerExponent = 0;
  let hExponent = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) {
      power = power === undefined ? H.slice() : multiply(power, H, m);
      powerExponent += hExponent;
    }
    if (rest > 1) {
      H = multiply(H, H, m);
      hExponent *= 2;
      if (H[(k - 1) * m + (k - 1)]! > TWO_POW_128) {
        for (let i = 0; i < m * m; i++) H[i]! *= TWO_POW_MINUS_128;
        hExponent += 128;
      }
    }
  }
  let p = power![(k - 1) * m + (k - 1)]!;
  let exponent = powerExponent;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (p < TWO_POW_MINUS_128) {
      p *= TWO_POW_128;
      exponent -= 128;
    }
  }
  return clamp01(scaleByPowerOfTwo(p, exponent));
}

/** x · 2^e without overflowing or underflowing 2^e on the way. */
function scaleByPowerOfTwo(x: number, e: number): number {
  let y = x;
  let rest = e;
  while (rest > 1000) {
    y *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    y *= 2 ** -1000;
    rest += 1000;
  }
  return y * 2 ** rest;
}

/** The m × m matrix product a·b (row-major). */
function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l]!;
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j]! += ail * b[l * m + j]!;
    }
  return out;
}

/**
 * P(D_n ≤ d) by Pomeranz's recursion (1974) in Simard & L'Ecuyer's formulation: 2n + 2 rows, each the
 * convolution of the previous one with a truncated Poisson kernel, nonzero only on a band of columns,
 * rescaled by 2^128 when it underflows; the answer is n! times the last row's entry at column n.
 */
function pomeranzCdf(n: number, d: number): number {
  const t = n * d;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const powers = 2 * (ll + 1);
  // kernels: (g/n)^j/j!, (2g/n)^j/j!, ((1 − 2g)/n)^j/j!
  const gPower = new Float64Array(powers);
  const twoGPower = new Float64Array(powers);
  const oneMinusTwoGPower = new Float64Array(powers);
  gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1;
  for (let j = 1; j < powers; j++) {
    gPower[j] = (gPower[j - 1]! * (g / n)) / j;
    twoGPower[j] = (twoGPower[j - 1]! * ((2 * g) / n)) / j;
    oneMinusTwoGPower[j] = (oneMinusTwoGPower[j - 1]! * ((1 - 2 * g) / n)) / j;
  }
  // The band of columns [low, high] that row i may hold.
  const band = (i: number): [number, number] => {
    let low: number;
    let high: number;
    if (i === 0) {
      low = -ll - ceilF - 1;
      high = ll + ceilF - 1;
    } else {
      const half = Math.floor((i + 1) / 2);
      if ((i + 1) % 2 === 0) {
        if (half === n + 1) {
          low = n - ll - ceilF - 1;
          high = n + ll + ceilF - 1;
        } else {
          low = half - 1 - ll - roundF - 1;
          high = half + ll - 1 + ceilF - 1;
        }
      } else {
        low = half - 1 - ll - 1;
        high = half + ll + roundF - 1;
      }
    }
    return [Math.max(low + 2, 0), Math.min(high, n)];
  };
  let previous = new Float64Array(n + 1);
  let current = new Float64Array(n + 1);
  previous[0] = 1;
  let [prevLow, prevHigh] = band(0);
  let exponent = 0;
  for (let i = 1; i <= 2 * n + 1; i++) {
    const [low, high] = band(i);
    const kernel = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinusTwoGPower;
    current.fill(0);
    let largest = 0;
    if (high >= prevLow) {
      for (let col = low; col <= high; col++) {
        let sum = 0;
        const top = Math.min(col, prevHigh, high);
        for (let from = prevLow; from <= top; from++) {
          const lag = col - from;
          if (lag < powers) sum += previous[from]! * kernel[lag]!;
        }
        current[col] = sum;
        if (sum > largest) largest = sum;
      }
      if (largest > 0 && largest < TWO_POW_MINUS_128) {
        for (let col = low; col <= high; col++) current[col]! *= TWO_POW_128;
        exponent -= 128;
      }
    }
    [previous, current] = [current, previous];
    prevLow = low;
    prevHigh = high;
  }
  let answer = previous[n]!;
  for (let j = 1; j <= n; j++) {
    if (Math.abs(answer) > TWO_POW_128) {
      answer *= TWO_POW_MINUS_128;
      exponent += 128;
    }
    answer *= j;
  }
  return clamp01(scaleByPowerOfTwo(answer, exponent));
}

/**
 * P(D_n ≤ x) by the Pelz–Good (1976) expansion K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5, z = x√n, in its
 * theta-function form for small z.
 */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const pi2 = Math.PI * Math.PI;
  const pi4 = pi2 * pi2;
  const pi6 = pi4 * pi2;
  const logQ = -pi2 / 8 / z2;
  if (logQ < -708) return 0;
  let q = Math.exp(logQ);

  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;

  // Σ over odd m = 2k − 1 of c(m) q^(m²), by Horner in q^8k from the highest k down.
  const maxK = Math.ceil((16 * z) / Math.PI);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let k = maxK; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qPower = q ** (8 * k);
    s0 = s0 * qPower + 1;
    s1 = s1 * qPower + (k1a + k1b * m2);
    s2 = s2 * qPower + (k2a + k2b * m2 + k2c * m4);
    s3 = s3 * qPower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const scale = q * SQRT_2PI;
  const K0 = (s0 * scale) / z;
  let K1 = (s1 * scale) / (6 * z4);
  let K2 = (s2 * scale) / (72 * z4 * z3);
  let K3 = (s3 * scale) / (6480 * z4 * z6);

  // The sums over all integers k for K2 and K3.
  q = Math.exp(-pi2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let extra2 = 0;
  let extra3 = 0;
  for (let k = maxK; k >= 1; k--) {
    const k2 = k * k;
    const qPower = q ** k2;
    const kPi = Math.PI * k;
    extra2 += k2 * qPower;
    extra3 += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qPower;
  }
  K2 += (extra2 * pi2 * SQRT_2PI) / (-36 * z3);
  K3 += (extra3 * pi2 * SQRT_2PI) / (216 * z6);
  K1 /= Math.sqrt(n);
  K2 /= n;
  K3 /= n ** 1.5;
  return K0 + K1 + K2 + K3;
}

/**
 * P(D ≥ h/n) for two samples of equal size n (two-sided): Hodges' reflection sum
 * 2 Σ_{k≥1} (−1)^(k−1) C(2n, n − kh) / C(2n, n), evaluated from the innermost term outwards as
 * 2 A₁(1 − A₂(1 − A₃(…))) with A_k = C(2n, n − kh) / C(2n, n − (k−1)h), so it never subtracts large numbers.
 */
function outsideSquareSf(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h) + 1; k >= 1; k--) {
    // A_k = Π_{j<h} (n − (k−1)h − j) / (n + (k−1)h + j + 1)
    let ratio = 1;
    const offset = (k - 1) * h;
    for (let j = 0; j < h; j++) ratio = (ratio * (n - offset - j)) / (n + offset + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * P(D ≥ h/lcm) for two samples of sizes m ≥ n (two-sided), by the lattice-path recursion in its form for
 * the p-value itself (Viehmann 2021): A(i, j) is the share of the paths from (0, 0) to (i, j) that have
 * left the band |i·n/g − j·m/g| < h, A = 1 outside the band, A(i, j) = (i A(i−1, j) + j A(i, j−1)) / (i + j)
 * inside it; the answer is A(m, n). Only the band is visited: O(m · (2h·g/m + 1)).
 */
function insideBandSf(m: number, n: number, g: number, h: number): number {
  const mg = m / g;
  const ng = n / g;
  // column[j] holds A(i − 1, j) before column i is filled in, A(i, j) after; cells never written are 1
  // (above the band), cells below the band are never read again once the band has moved past them.
  const column = new Float64Array(n + 1).fill(1);
  let high = Math.min(Math.ceil(h / mg), n + 1); // band of column 0: j < high
  for (let j = 0; j < high; j++) column[j] = 0;
  for (let i = 1; i <= m; i++) {
    const low = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    high = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (high <= low) return 1;
    let below = low === 0 ? 0 : 1; // A(i, low − 1): outside the band (or no such cell)
    for (let j = low; j < high; j++) {
      below = (i * column[j]! + j * below) / (i + j);
      column[j] = below;
    }
  }
  return column[n]!;
}

/**
 * P(D+ ≥ h/lcm) for two samples of sizes m ≥ n (one-sided), by the same recursion with one boundary:
 * A = 1 where i·n/g − j·m/g ≥ h. O(m·n); used only while C(m + n, n) is finite, as scipy does.
 */
function insideHalfPlaneSf(m: number, n: number, g: number, h: number): number {
  const mg = m / g;
  const ng = n / g;
  const column = new Float64Array(n + 1); // column 0: all inside (0 ≥ h never holds), A = 0
  for (let i = 1; i <= m; i++) {
    // Inside: j·mg > ng·i − h, i.e. j ≥ low.
    const low = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    if (low > n) return 1;
    let below = low === 0 ? 0 : 1;
    for (let j = low; j <= n; j++) {
      below = (i * column[j]! + j * below) / (i + j);
      column[j] = below;
    }
  }
  return column[n]!;
}

/** Which tail a two-sample statistic is tested in. */
export type Alternative = 'two-sided' | 'less' | 'greater';

/**
 * Exact p-value of the two-sample Kolmogorov–Smirnov statistic D = h / lcm(n1, n2) (two-sided: P(D ≥ d);
 * one-sided: P(D+ ≥ d), the same for 'less' and 'greater'), as scipy.stats.ks_2samp(method='exact'):
 * n1 = n2 two-sided by Hodges' reflection sum, one-sided by Π_{j<h} (n − j)/(n + j + 1); unequal sizes by
 * the lattice-path recursion of Hodges (1958) in Viehmann's form (2021). Returns undefined where scipy's
 * exact computation gives up (one-sided with unequal sizes once C(n1 + n2, n1) overflows a double), so the
 * caller can fall back to the asymptotic p-value as scipy does.
 * @example [ksTwoSampleExactSf(3, 3, 3, 'two-sided'), ksTwoSampleExactSf(3, 3, 3, 'greater')] // => [0.09999999999999999, 0.05]
 */
export function ksTwoSampleExactSf(
  n1: number,
  n2: number,
  h: number,
  alternative: Alternative,
): number | undefined {
  if (h <= 0) return 1;
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const g = gcd(m, n);
  if (alternative === 'two-sided')
    return clamp01(n1 === n2 ? outsideSquareSf(n, h) : insideBandSf(m, n, g, h));
  if (n1 === n2) {
    let p = 1;
    for (let j = 0; j < h; j++) p *= (n - j) / (n + j + 1);
    return clamp01(p);
  }
  if (logBinomial(m + n, n) >= LOG_MAX) return undefined;
  return clamp01(insideHalfPlaneSf(m, n, g, h));
}

/**
 * Greatest common divisor of two non-negative integers, by Euclid's algorithm (used for lcm(n1, n2) in the
 * two-sample KS test). O(log min(a, b)).
 * @example [gcd(12, 18), gcd(7, 0)] // => [6, 7]
 */
export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

// ------------------------------------------------------------------------------------- Mann–Whitney U

/**
 * P(U ≤ k) for the Mann–Whitney U statistic of samples of sizes n1 and n2 without ties. The counts of U's
 * null distribution are the coefficients of the Gaussian binomial coefficient
 * [n1 + n2 choose m]_q = Π_{i=1}^{m} (1 − q^(N+i)) / (1 − q^i), m = min(n1, n2), N = max(n1, n2), built
 * factor by factor (divide by 1 − q^i: a running sum with stride i; then multiply by 1 − q^(N+i)) and
 * truncated at degree k; after factor i they are divided by C(N + i, i) (multiplied by i / (N + i)), so
 * they stay probabilities and never overflow. O(m·k) time, O(k) memory.
 */
function mannWhitneyCdf(n1: number, n2: number, k: number): number {
  const m = Math.min(n1, n2);
  const big = Math.max(n1, n2);
  const mass = new Float64Array(k + 1);
  mass[0] = 1;
  for (let i = 1; i <= m; i++) {
    for (let u = i; u <= k; u++) mass[u]! += mass[u - i]!;
    const shift = big + i;
    for (let u = k; u >= shift; u--) mass[u]! -= mass[u - shift]!;
    const scale = i / shift;
    for (let u = 0; u <= k; u++) mass[u]! *= scale;
  }
  let below = 0;
  for (let u = 0; u <= k; u++) below += mass[u]!;
  return below;
}

/**
 * Exact P(U ≥ u) for the Mann–Whitney U statistic of two samples of sizes n1 and n2 without ties (the
 * null distribution is symmetric about n1·n2/2; the smaller tail is summed). As
 * scipy.stats.mannwhitneyu(method='exact') before its doubling for a two-sided test. Cost
 * O(min(n1, n2) · min(u, n1·n2 − u)).
 * @example [mannWhitneyUSf(2, 2, 4), mannWhitneyUSf(2, 2, 0)] // => [0.16666666666666666, 1]
 */
export function mannWhitneyUSf(n1: number, n2: number, u: number): number {
  const total = n1 * n2;
  if (u <= 0) return 1;
  if (u > total) return 0;
  const upper = total - u; // P(U ≥ u) = P(U ≤ n1 n2 − u)
  if (upper <= u - 1) return clamp01(mannWhitneyCdf(n1, n2, upper));
  return clamp01(1 - mannWhitneyCdf(n1, n2, u - 1));
}

function clamp01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
