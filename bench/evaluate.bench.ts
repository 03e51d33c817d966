// lockstep/evaluate: evaluate() with bootstrap intervals on 200,000 binary rows sliced by a column of 50
// values, ROC AUC and log loss, 200 resamples, against numpy doing the same bootstrap in the same run
// (python3 with numpy and scipy; the peer is skipped with a printed note where they are not installed):
// for the whole batch and each slice, 200 resamples drawn with numpy's default_rng, ROC AUC from
// scipy.stats.rankdata's tie-averaged ranks (the Mann–Whitney form of the trapezoid AUC, one sort per
// resample), log loss vectorised, numpy.percentile. The two draw different rows (different generators),
// so their intervals agree to sampling error, not digit for digit; the table shows both.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from 'lockstep/evaluate';
import { createRng } from 'lockstep/split';
import { measure } from './harness.js';

const N = 200_000;
const SLICES = 50;
const RESAMPLES = 200;
const rng = createRng('evaluate-bench');
const labels = new Uint8Array(N);
const scores = new Float64Array(N);
const codes = new Int32Array(N);
const region: string[] = [];
for (let i = 0; i < N; i++) {
  const y = rng.next() < 0.3 ? 1 : 0;
  labels[i] = y;
  // Scores to three decimals, so there are ties, as there are in a real model's rounded outputs.
  scores[i] = Math.round(Math.min(1, Math.max(0, 0.3 * y + 0.7 * rng.next())) * 1000) / 1000;
  codes[i] = rng.int(SLICES);
  region.push(`r${codes[i]}`);
}
const options = {
  task: 'binary',
  labels,
  predictions: scores,
  data: { region },
  slices: ['region'],
  metrics: ['rocAuc', 'logLoss'],
  interval: 'bootstrap',
  resamples: RESAMPLES,
  seed: 'bench',
} as const;

const [ours] = measure(1, [{ name: 'lockstep evaluate', run: () => evaluate(options) }], 3, 1);
const result = evaluate(options);

const PEER = `
import json, statistics, sys, time
import numpy as np
import scipy
from scipy.stats import rankdata
y_all = np.fromfile(sys.argv[1], dtype=np.uint8).astype(np.float64)
s_all = np.fromfile(sys.argv[2], dtype="<f8")
codes = np.fromfile(sys.argv[3], dtype="<i4")
resamples, rounds = int(sys.argv[4]), int(sys.argv[5])
eps = np.finfo(np.float64).eps
def auc(y, s):
    pos = y.sum(); neg = len(y) - pos
    if pos == 0 or neg == 0: return np.nan
    r = rankdata(s)
    return (r[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg)
def log_loss(y, s):
    p = np.clip(s, eps, 1 - eps)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
def interval(rng, y, s):
    n = len(y); a = np.empty(resamples); l = np.empty(resamples)
    for r in range(resamples):
        idx = rng.integers(0, n, n)
        a[r] = auc(y[idx], s[idx]); l[r] = log_loss(y[idx], s[idx])
    a = a[~np.isnan(a)]
    return [float(v) for v in (np.percentile(a, 2.5), np.percentile(a, 97.5), np.percentile(l, 2.5), np.percentile(l, 97.5))]
def run():
    rng = np.random.default_rng(0)
    out = [interval(rng, y_all, s_all)]
    for k in range(codes.max() + 1):
        m = codes == k
        out.append(interval(rng, y_all[m], s_all[m]))
    return out
times = []
for _ in range(rounds):
    start = time.perf_counter(); res = run(); times.append(time.perf_counter() - start)
print(json.dumps({"numpy": np.__version__, "scipy": scipy.__version__, "seconds": statistics.median(times), "overall": res[0]}))
`;

let peer: { numpy: string; scipy: string; seconds: number; overall: number[] } | undefined;
const dir = mkdtempSync(join(tmpdir(), 'lockstep-evaluate-'));
try {
  const bytes = (x: ArrayBufferView) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength); // little-endian machines
  writeFileSync(join(dir, 'y.u8'), bytes(labels));
  writeFileSync(join(dir, 's.f64'), bytes(scores));
  writeFileSync(join(dir, 'c.i32'), bytes(codes));
  peer = JSON.parse(
    execFileSync(
      'python3',
      ['-', join(dir, 'y.u8'), join(dir, 's.f64'), join(dir, 'c.i32'), String(RESAMPLES), '2'],
      { input: PEER, encoding: 'utf8', maxBuffer: 1 << 20 },
    ),
  );
} catch (error) {
  console.log(
    `\nnumpy peer skipped: python3 with numpy and scipy is not available here (${(error as Error).message.split('\n')[0]})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const auc = result.metrics.rocAuc!;
const ll = result.metrics.logLoss!;
const fmt = (v: number) => v.toFixed(4);
console.log(
  `\n### Bootstrap intervals: ${N / 1000}k binary rows, ${SLICES} slices, ${RESAMPLES} resamples, rocAuc + logLoss\n`,
);
console.log('| candidate | median time | vs numpy | overall ROC AUC 95% | overall log loss 95% |');
console.log('|---|---:|---:|---|---|');
if (peer) {
  const [a0, a1, l0, l1] = peer.overall as [number, number, number, number];
  console.log(
    `| numpy ${peer.numpy} + scipy ${peer.scipy} rankdata | ${(peer.seconds * 1000).toFixed(0)} ms | 1.00x | [${fmt(a0)}, ${fmt(a1)}] | [${fmt(l0)}, ${fmt(l1)}] |`,
  );
}
console.log(
  `| lockstep evaluate | ${ours!.medianMs.toFixed(0)} ms | ${peer ? `**${(ours!.medianMs / (peer.seconds * 1000)).toFixed(2)}x time**` : ''} | [${fmt(auc.low)}, ${fmt(auc.high)}] | [${fmt(ll.low)}, ${fmt(ll.high)}] |`,
);
