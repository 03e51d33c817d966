// The Kolmogorov–Smirnov distributions: the limit law, the one-sample one- and two-sided laws for n values,
// and the exact two-sample law, in float64, accurate to about 1e-12 relative (most to a few ulps) over the
// ranges the two-sample tests use. Out-of-domain arguments give NaN, as scipy.special does; callers (the
// two-sample tests of lockstep/drift) check their arguments before calling these. The code is written from
// the maths, not translated.
//
// Sources: Kolmogorov (1933) and its theta-function form; Birnbaum & Tingey (1951) for the one-sided D+_n;
// Simard & L'Ecuyer, "Computing the two-sided Kolmogorov–Smirnov distribution", J. Stat. Softw. 39(11)
// (2011) for the two-sided D_n (Durbin's matrix in the form of Marsaglia, Tsang & Wang 2003, Pomeranz
// 1974, Pelz & Good 1976, Ruben & Gambino 1982), with the same switching rules as scipy.stats.kstwo;
// Hodges, "The significance probability of the Smirnov two-sample test", Ark. Mat. 3 (1958) and Viehmann,
// arXiv:2102.08037 (2021) for the exact two-sample law.

import { binomialPmf, logBinomial } from './binomial.js';
import {
  clamp01,
  EPS,
  LOG_MAX,
  LOG_MIN_NORMAL,
  LOG_SQRT_2PI,
  SQRT_2PI,
  TWO_POW_128,
  TWO_POW_MINUS_128,
} from './common.js';
import { stirlingCorrection } from './gamma.js';

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
