// The batch-scoring command line: see README.md beside this file.
//   npx tsx examples/batch-scoring/index.ts [--input FILE] [--out DIR] [--limit N] [--registry DIR] …
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { createFsRegistry } from 'lockstep/registry/fs';
import { FLIGHTS_3M_ROWS, flights3mPath } from '../flights-3m.js';
import { FLIGHTS_MODEL, trainFlightsModel } from '../shared/flights-model.js';
import { batchScore, type Progress, type ScorerName } from './batch-score.js';

const USAGE = `usage: npx tsx examples/batch-scoring/index.ts [options]
  --input FILE      Parquet or Arrow IPC file to score (default: vega-datasets flights-3m.parquet)
  --out DIR         where scores.arrow, scores.parquet and summary.json go (default: .tmp/batch-scores)
  --limit N         score at most N rows (default: all)
  --registry DIR    an fs registry holding ${FLIGHTS_MODEL} (default: train one into a temporary directory)
  --ref REF         the version or alias to score with (default: ${FLIGHTS_MODEL}@champion)
  --batch-size N    rows per record batch (default: 65536)
  --scorer js|tfjs  plain-JS dense forward pass (default) or tfjs predict on the WASM backend
  --no-parquet      write only the Arrow IPC file
  --every N         without a terminal, print a progress line every N batches (default: 10)
  --help`;

const { values: args } = parseArgs({
  options: {
    input: { type: 'string' },
    // .tmp/ is ignored by git and by biome.
    out: { type: 'string', default: fileURLToPath(new URL('../../.tmp/batch-scores', import.meta.url)) },
    limit: { type: 'string' },
    registry: { type: 'string' },
    ref: { type: 'string', default: `${FLIGHTS_MODEL}@champion` },
    'batch-size': { type: 'string', default: '65536' },
    scorer: { type: 'string', default: 'js' },
    'no-parquet': { type: 'boolean', default: false },
    every: { type: 'string', default: '10' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

function count(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(text)}\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}
const limit = count('limit', args.limit);
const batchSize = count('batch-size', args['batch-size'])!;
const every = count('every', args.every)!;
if (args.scorer !== 'js' && args.scorer !== 'tfjs') {
  console.error(`--scorer must be js or tfjs, got ${JSON.stringify(args.scorer)}\n\n${USAGE}`);
  process.exit(2);
}
const scorer: ScorerName = args.scorer;

// The model: from the given registry, or trained now (a few seconds) into a temporary one.
let registryDir = args.registry ? resolve(args.registry) : undefined;
let temporary: string | undefined;
if (!registryDir) {
  temporary = mkdtempSync(join(tmpdir(), 'lockstep-batch-scoring-'));
  registryDir = temporary;
  const start = performance.now();
  const trained = await trainFlightsModel(createFsRegistry({ dir: registryDir }), { actor: 'batch-scoring' });
  trained.model.dispose();
  console.log(
    `trained ${trained.version.ref} into ${registryDir} (${((performance.now() - start) / 1000).toFixed(1)} s)`,
  );
}

const input = args.input ? resolve(args.input) : flights3mPath();
// The expected total, for the bar: known for flights-3m; otherwise the limit, or unknown.
const total = limit ?? (input === flights3mPath() ? FLIGHTS_3M_ROWS : undefined);
const rate = (p: Progress) => Math.round(p.rows / Math.max(p.seconds, 1e-9));
let onBatch: (p: Progress) => void;
let bar: SingleBar | undefined;
if (process.stdout.isTTY) {
  bar = new SingleBar({
    format: 'scoring [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | {duration_formatted}',
    hideCursor: true,
  });
  bar.start(total ?? 0, 0, { rate: 0 });
  onBatch = (p) => {
    if (total === undefined) bar!.setTotal(p.rows);
    bar!.update(p.rows, { rate: rate(p) });
  };
} else {
  onBatch = (p) => {
    if (p.batches % every === 0)
      console.log(`  ${p.batches} batches, ${p.rows}${total ? ` of ${total}` : ''} rows, ${rate(p)} rows/s`);
  };
}

try {
  const result = await batchScore({
    registry: createFsRegistry({ dir: registryDir }),
    ref: args.ref,
    input,
    outDir: resolve(args.out),
    ...(limit !== undefined ? { limit } : {}),
    batchSize,
    scorer,
    parquet: !args['no-parquet'],
    onBatch,
  });
  bar?.stop();
  writeFileSync(join(resolve(args.out), 'summary.json'), `${JSON.stringify(result, null, 2)}\n`);
  const s = result.stages;
  console.log(
    `scored ${result.rows} rows of ${result.input} with ${result.ref} (${result.scorer} scorer, tfjs backend ${result.backend}) in ${result.batches} batches`,
  );
  console.log(
    `  ${result.seconds.toFixed(2)} s, ${Math.round(result.rowsPerSecond).toLocaleString('en-US')} rows/s (read ${s.read.toFixed(2)} s, transform ${s.transform.toFixed(2)} s, score ${s.score.toFixed(2)} s, write ${s.write.toFixed(2)} s)`,
  );
  console.log(`  wrote ${Object.values(result.files).join(', ')} and summary.json`);
} finally {
  bar?.stop();
  if (temporary) rmSync(temporary, { recursive: true, force: true });
}
