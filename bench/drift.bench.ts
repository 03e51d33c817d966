// lockstep/drift: KS and Wasserstein on 1 M vs 1 M values against scipy run on the same data in the same
// script (python3 with scipy; the peer is skipped with a printed note where it is not installed); PSI and
// Jensen-Shannon from two profiles. Target (the module's issue): at most 0.5x scipy's time for KS and
// Wasserstein.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jensenShannon, ksTest, psi, wasserstein } from 'lockstep/drift';
import { createRng } from 'lockstep/split';
import { profile } from 'lockstep/stats';
import { measure } from './harness.js';

const N = 1_000_000;
const rng = createRng('drift-bench');
// Normal samples (Box-Muller) with a 0.01 standard deviation shift: a trivial shift on a large sample.
function normals(n: number, mean: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const t = 2 * Math.PI * rng.next();
    out[i] = mean + r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = mean + r * Math.sin(t);
  }
  return out;
}
const a = normals(N, 0);
const b = normals(N, 0.01);

const ours = measure(
  1,
  [
    { name: 'lockstep ksTest', run: () => ksTest(a, b) },
    { name: 'lockstep wasserstein', run: () => wasserstein(a, b) },
  ],
  5,
  2,
);
const ks = ksTest(a, b);
const w = wasserstein(a, b).value;

let peer:
  | {
      scipy: string;
      ks: { seconds: number; statistic: number; pvalue: number };
      wasserstein: { seconds: number; value: number };
    }
  | undefined;
const dir = mkdtempSync(join(tmpdir(), 'lockstep-drift-'));
try {
  const bytes = (x: Float64Array) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength); // little-endian machines
  writeFileSync(join(dir, 'a.f64'), bytes(a));
  writeFileSync(join(dir, 'b.f64'), bytes(b));
  const script = new URL('./scipy-peer.py', import.meta.url).pathname;
  peer = JSON.parse(
    execFileSync('python3', [script, join(dir, 'a.f64'), join(dir, 'b.f64'), '5'], { encoding: 'utf8' }),
  );
} catch (error) {
  console.log(
    `\nscipy peer skipped: python3 with scipy is not available here (${(error as Error).message.split('\n')[0]})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log('\n### KS and Wasserstein, 1 M vs 1 M normal values (a 0.01 sd shift)\n');
console.log('| candidate | median time | vs scipy | result |');
console.log('|---|---:|---:|---|');
const row = (name: string, ms: number, scipyMs: number | undefined, result: string) =>
  console.log(
    `| ${name} | ${ms.toFixed(1)} ms | ${scipyMs ? `${(ms / scipyMs).toFixed(2)}x time` : ''} | ${result} |`,
  );
if (peer) {
  row(
    `scipy ${peer.scipy} ks_2samp`,
    peer.ks.seconds * 1000,
    peer.ks.seconds * 1000,
    `D ${peer.ks.statistic}, p ${peer.ks.pvalue.toExponential(3)}`,
  );
}
row(
  'lockstep ksTest',
  ours[0]!.medianMs,
  peer && peer.ks.seconds * 1000,
  `D ${ks.statistic}, p ${ks.pValue.toExponential(3)}`,
);
if (peer)
  row(
    `scipy ${peer.scipy} wasserstein_distance`,
    peer.wasserstein.seconds * 1000,
    peer.wasserstein.seconds * 1000,
    `${peer.wasserstein.value}`,
  );
row('lockstep wasserstein', ours[1]!.medianMs, peer && peer.wasserstein.seconds * 1000, `${w}`);
if (peer) {
  const ksRatio = ours[0]!.medianMs / (peer.ks.seconds * 1000);
  const wRatio = ours[1]!.medianMs / (peer.wasserstein.seconds * 1000);
  const same =
    ks.statistic === peer.ks.statistic && Math.abs(w - peer.wasserstein.value) <= 1e-9 * Math.abs(w);
  console.log(
    `\nKS ${ksRatio.toFixed(2)}x and Wasserstein ${wRatio.toFixed(2)}x scipy's time (target: at most 0.5x): ${ksRatio <= 0.5 && wRatio <= 0.5 ? 'met' : 'NOT met'}; same answers as scipy: ${same}`,
  );
}

// PSI and Jensen-Shannon from two profiles (the monitoring path: no raw data kept).
const pa = profile({ x: a });
const pb = profile({ x: b });
const fromProfiles = measure(
  1,
  [
    {
      name: 'lockstep psi from two profiles',
      run: () => psi({ profile: pa, feature: 'x' }, { profile: pb, feature: 'x' }),
    },
    {
      name: 'lockstep jensenShannon from two profiles',
      run: () => jensenShannon({ profile: pa, feature: 'x' }, { profile: pb, feature: 'x' }),
    },
  ],
  9,
  2,
);
console.log('\n### PSI and Jensen-Shannon from two profiles of 1 M values\n');
console.log('| candidate | median time | value |');
console.log('|---|---:|---:|');
console.log(
  `| ${fromProfiles[0]!.name} | ${fromProfiles[0]!.medianMs.toFixed(2)} ms | ${psi({ profile: pa, feature: 'x' }, { profile: pb, feature: 'x' }).value.toExponential(3)} |`,
);
console.log(
  `| ${fromProfiles[1]!.name} | ${fromProfiles[1]!.medianMs.toFixed(2)} ms | ${jensenShannon({ profile: pa, feature: 'x' }, { profile: pb, feature: 'x' }).value.toExponential(3)} |`,
);
