// The data sets of test/fixtures/make-stats-profile.py, regenerated bit for bit: a 32-bit LCG and only
// exactly rounded operations, so numpy's statistics of them are an oracle for ours.
export const N = 1_000_000;

function lcg(seed: number, n: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296;
  }
  return out;
}

export type DatasetName = 'uniform' | 'normalish' | 'heavy' | 'sorted' | 'ties';

export function dataset(name: DatasetName): Float64Array {
  switch (name) {
    case 'uniform':
      return lcg(1, N).map((u) => u * 1000 - 500);
    case 'normalish': {
      const u = lcg(2, 12 * N);
      const out = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        let total = 0;
        for (let j = 0; j < 12; j++) total = total + u[i * 12 + j]!;
        out[i] = (total - 6) * 15 + 30;
      }
      return out;
    }
    case 'heavy':
      return lcg(3, N).map((u) => Math.floor(1 / (u + 1e-6)));
    case 'sorted':
      return Float64Array.from({ length: N }, (_, i) => i);
    case 'ties':
      return lcg(5, N).map((u) => Math.floor(u * 50));
  }
}
