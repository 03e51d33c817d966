// Alea, Johannes Baagøe's multiply-with-carry generator (2010), the algorithm behind seedrandom's
// `alea`. Implemented here so the RNG is plain side-effect-free ESM that bundlers drop when unused (a
// CommonJS import of seedrandom is kept in every bundle); test/core/rng.test.ts checks every draw against
// seedrandom's own implementation.

const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;
const TWO_POW_MINUS_53 = 1.1102230246251565e-16;

/** Alea's generator state: three lags and a carry, all plain numbers. */
export interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/** Baagøe's Mash: a string hash with a running state, returning fractions in [0, 1). */
function createMash(): (text: string) => number {
  let n = 0xefc8249d;
  return (text) => {
    for (let i = 0; i < text.length; i++) {
      n += text.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * TWO_POW_32;
    }
    return (n >>> 0) * TWO_POW_MINUS_32;
  };
}

/** The initial state for a seed string. */
export function aleaSeed(seed: string): AleaState {
  const mash = createMash();
  const state = { c: 1, s0: mash(' '), s1: mash(' '), s2: mash(' ') };
  state.s0 -= mash(seed);
  if (state.s0 < 0) state.s0 += 1;
  state.s1 -= mash(seed);
  if (state.s1 < 0) state.s1 += 1;
  state.s2 -= mash(seed);
  if (state.s2 < 0) state.s2 += 1;
  return state;
}

/** One step: a fraction in [0, 1) with 32 bits of randomness. Mutates `s`. */
export function aleaNext(s: AleaState): number {
  const t = 2091639 * s.s0 + s.c * TWO_POW_MINUS_32;
  s.s0 = s.s1;
  s.s1 = s.s2;
  s.c = t | 0;
  s.s2 = t - s.c;
  return s.s2;
}

/** Two steps combined into a fraction in [0, 1) with 53 bits, as seedrandom's `double()`. */
export function aleaDouble(s: AleaState): number {
  return aleaNext(s) + ((aleaNext(s) * 0x200000) | 0) * TWO_POW_MINUS_53;
}
