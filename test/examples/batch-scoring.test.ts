// examples/batch-scoring, run as a user runs it (its command line, in a child process) on the first rows of
// flights-3m, against a model trained here into an fs registry. Its lookup table is read back and checked
// against the model's scores computed independently: the champion loaded from the registry, each sampled
// flight turned into a request object (no Arrow), `apply`, and tfjs predict on the WASM backend.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { type Table, tableFromIPC } from 'apache-arrow';
import { createFsRegistry } from 'lockstep/registry/fs';
import { useBackend } from 'lockstep/tfjs';
import { apply } from 'lockstep/transform';
import { readParquet } from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlights3m } from '../../examples/flights-3m.js';
import { loadFlightsModel, trainFlightsModel } from '../../examples/shared/flights-model.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const LIMIT = 50_000;

let dir: string;
let input: Table;
/** Model scores of sampled rows, computed in this process: `apply` on request objects, then tfjs predict. */
let expected: Map<number, number>;
const sample = [...Array.from({ length: 400 }, (_, k) => k * 125), 16_383, 16_384, 32_767, 32_768, LIMIT - 1];

function cli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'examples/batch-scoring/index.ts', ...args], {
    cwd: root,
    maxBuffer: 1 << 24,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-batch-scoring-test-'));
  const registry = createFsRegistry({ dir: join(dir, 'registry') });
  (await trainFlightsModel(registry)).model.dispose();
  await useBackend('wasm');
  const served = await loadFlightsModel(registry);
  input = await loadFlights3m({ limit: LIMIT });
  const column = (name: string) => input.getChild(name)!;
  const rows = sample.map((i) => ({
    date: new Date(Number(column('date').get(i))),
    distance: Number(column('distance').get(i)),
    origin: String(column('origin').get(i)),
    destination: String(column('destination').get(i)),
  }));
  const width = served.transform.columns.length;
  const features = new Float32Array(rows.length * width);
  rows.forEach((row, k) => {
    features.set(apply(served.transform, row), k * width);
  });
  const scores = tf.tidy(() =>
    (served.model.predict(tf.tensor2d(features, [rows.length, width])) as tf.Tensor).dataSync(),
  );
  expected = new Map(sample.map((i, k) => [i, scores[k]!]));
  served.model.dispose();
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function check(table: Table, rows: number) {
  expect(table.numRows).toBe(rows);
  expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
    'row:Uint32',
    'date:Timestamp<MICROSECOND>',
    'origin:LargeUtf8',
    'destination:LargeUtf8',
    'score:Float32',
  ]);
  const row = table.getChild('row')!.toArray() as Uint32Array;
  expect(row.every((r, i) => r === i)).toBe(true);
  const scores = table.getChild('score')!.toArray() as Float32Array;
  const outside = scores.filter((s) => !(s >= 0 && s <= 1));
  expect(outside.length).toBe(0);
  // The keys are the input's own values, row for row.
  for (const i of sample.filter((i) => i < rows))
    for (const name of ['date', 'origin', 'destination'])
      expect(table.getChild(name)!.get(i)).toEqual(input.getChild(name)!.get(i));
  return scores;
}

describe('examples/batch-scoring', () => {
  it('scores 50,000 rows with the plain-JS scorer: within float32 rounding of tfjs, Arrow and Parquet alike', async () => {
    const out = join(dir, 'js');
    const { stdout } = await cli(
      '--registry',
      join(dir, 'registry'),
      '--out',
      out,
      '--limit',
      String(LIMIT),
      '--batch-size',
      '16384',
      '--every',
      '1',
    );
    // Not a terminal: plain progress lines, one a batch here, and the throughput.
    expect(stdout).toMatch(/4 batches, 50000 of 50000 rows, \d+ rows\/s/);
    expect(stdout).toMatch(/scored 50000 rows .* with flights-delay\/1 \(js scorer/);
    expect(stdout).toMatch(/[\d,]+ rows\/s \(read/);
    const table = tableFromIPC(readFileSync(join(out, 'scores.arrow')));
    const scores = check(table, LIMIT);
    let exact = 0;
    for (const [i, score] of expected) {
      expect(Math.abs(scores[i]! - score)).toBeLessThanOrEqual(1e-6);
      if (Object.is(scores[i], score)) exact++;
    }
    // Mostly the same float32, but not always: float64 sums in another order than XNNPACK's float32 ones.
    expect(exact).toBeGreaterThan(sample.length / 4);

    const parquet = tableFromIPC(readParquet(readFileSync(join(out, 'scores.parquet'))).intoIPCStream());
    const parquetScores = check(parquet, LIMIT);
    expect(Buffer.from(parquetScores.buffer, parquetScores.byteOffset, parquetScores.byteLength)).toEqual(
      Buffer.from(scores.buffer, scores.byteOffset, scores.byteLength),
    );
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      ref: 'flights-delay/1',
      rows: LIMIT,
      batches: 4,
      scorer: 'js',
      backend: 'wasm',
    });
    expect(summary.rowsPerSecond).toBeGreaterThan(0);
  }, 120_000);

  it('scores with tfjs predict on the WASM backend: bit-identical to the independent scores', async () => {
    const out = join(dir, 'tfjs');
    await cli(
      '--registry',
      join(dir, 'registry'),
      '--out',
      out,
      '--limit',
      String(LIMIT),
      '--batch-size',
      '16384',
      '--scorer',
      'tfjs',
      '--no-parquet',
    );
    const scores = check(tableFromIPC(readFileSync(join(out, 'scores.arrow'))), LIMIT);
    const differ = [...expected].filter(([i, score]) => !Object.is(scores[i], score));
    expect(differ).toEqual([]);
  }, 120_000);

  it('refuses a bad option with exit code 2 and the usage', async () => {
    const failure = await cli('--limit', '0').catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/--limit must be a positive integer, got "0"/);
  }, 60_000);
});
