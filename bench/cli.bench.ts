// The `lockstep` command line: `lockstep profile` on vega-datasets flights-3m (Parquet, 3 M rows) against
// DuckDB's SUMMARIZE of the same file, each a whole process timed from spawn to exit (Node's start, module
// loading, reading and decoding the Parquet file, the profile, writing the result), in the same run,
// interleaved round by round after a warm-up, medians reported. Target (issue 16): at most DuckDB's time on
// one thread, with memory flat in rows.
//
//   lockstep:  node bin/lockstep.js profile flights-3m.parquet --out /dev/null
//   DuckDB:    node -e "…DuckDBInstance.create(':memory:', { threads: '1' }) … SUMMARIZE SELECT * FROM
//              read_parquet('flights-3m.parquet')" (@duckdb/node-api, the same engine as the duckdb CLI)
//
// Peak memory is each process's own maxRSS (getrusage, via `process.resourceUsage()`), written at exit by a
// preload module both processes get (`node --import data:…`), so no wrapper process is counted.
//
// Flatness: the first 1/4, 1/2 and all of the rows, written by DuckDB (one thread, insertion order kept) to
// Parquet files of the same layout (ZSTD, row groups of 272,727 rows as in the original), profiled the same
// way; lockstep's peak RSS should not grow with the row count. DuckDB's is shown beside it.
//
// Needs `npm run build` first (bin/lockstep.js runs dist/cli.js).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { flights3mPath } from '../examples/flights-3m.js';
import { type AsyncCandidate, measureAsync, report } from './harness.js';

const MB = 2 ** 20;
const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'lockstep.js');
const source = flights3mPath();
const work = mkdtempSync(join(tmpdir(), 'lockstep-cli-bench-'));
const rssFile = join(work, 'rss');

/** Preload for both processes: at exit, write this process's peak RSS (bytes) where the bench reads it. */
const rssPreload = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs';" +
    "process.on('exit', () => { const f = process.env.LOCKSTEP_BENCH_RSS; " +
    'if (f) writeFileSync(f, String(process.resourceUsage().maxRSS * 1024)); });',
)}`;

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The DuckDB peer as a program for `node --input-type=module -e`: SUMMARIZE on `threads` threads. */
function duckProgram(file: string, threads: number): string {
  return [
    "import { DuckDBInstance } from '@duckdb/node-api';",
    `const db = await DuckDBInstance.create(':memory:', { threads: '${threads}' });`,
    'const c = await db.connect();',
    `const r = await c.runAndReadAll(${JSON.stringify(`SUMMARIZE SELECT * FROM read_parquet(${sqlString(file)})`)});`,
    'process.stdout.write(JSON.stringify(r.getRowObjectsJson()));',
  ].join('\n');
}

interface ProcessRun {
  readonly ms: number;
  readonly maxRss: number;
  readonly out: string;
}

/** Runs `node <args>` from the repository root, timed from spawn to exit; fails loudly on a non-zero exit. */
function runNode(args: readonly string[]): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    rmSync(rssFile, { force: true });
    const start = performance.now();
    const child = spawn(process.execPath, ['--import', rssPreload, ...args], {
      cwd: root,
      env: { ...process.env, LOCKSTEP_BENCH_RSS: rssFile, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) {
        reject(
          new Error(`node ${args.slice(0, 3).join(' ')} … exited ${code}: ${err.trim().split('\n')[0]}`),
        );
        return;
      }
      resolve({ ms, maxRss: Number(readFileSync(rssFile, 'utf8')), out });
    });
  });
}

const lockstepProfile = (file: string) => runNode([bin, 'profile', file, '--out', '/dev/null']);
const duckSummarize = (file: string, threads: number) =>
  runNode(['--input-type=module', '-e', duckProgram(file, threads)]);

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  if (!existsSync(join(root, 'dist', 'cli.js')))
    throw new Error('dist/cli.js is missing: run `npm run build` first');
  const help = await runNode([bin, 'profile', '--help']).catch((e: Error) => e);
  if (help instanceof Error) throw new Error(`lockstep profile is not usable yet (${help.message})`);

  console.log(
    `\nflights-3m.parquet: ${(statSync(source).size / MB).toFixed(1)} MB, 3,000,000 rows; ` +
      `${availableParallelism()} cores, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at start`,
  );

  // Check both candidates once, untimed: they succeed and agree on the row count.
  const check = await lockstepProfile(source);
  const duckCheck = await duckSummarize(source, 1);
  const duckRows = JSON.parse(duckCheck.out) as { column_name: string; count: string }[];
  console.log(
    `lockstep profile printed: ${check.out.split('\n')[0]}; DuckDB SUMMARIZE: ` +
      duckRows.map((r) => `${r.column_name} count ${r.count}`).join(', '),
  );

  // -------------------------------------------------------------------------------------------------------
  // 1. Whole process, whole file: lockstep profile vs DuckDB SUMMARIZE (1 thread, and every core).
  // -------------------------------------------------------------------------------------------------------
  const rss: Record<string, number[]> = {};
  const timed = (name: string, run: () => Promise<ProcessRun>): AsyncCandidate => ({
    name,
    run: async () => {
      const r = await run();
      (rss[name] ??= []).push(r.maxRss);
      return r.ms;
    },
  });
  const cores = availableParallelism();
  const duckOne = 'DuckDB SUMMARIZE, 1 thread (node API)';
  const results = await measureAsync(
    3_000_000,
    [
      timed('lockstep profile (CLI)', () => lockstepProfile(source)),
      timed(duckOne, () => duckSummarize(source, 1)),
      timed(`DuckDB SUMMARIZE, ${cores} threads (node API)`, () => duckSummarize(source, cores)),
    ],
    5,
    1,
  );
  report('flights-3m.parquet, whole process (spawn to exit), rows per second', results, duckOne);
  console.log('\n| candidate | median peak RSS |\n|---|---:|');
  for (const r of results) console.log(`| ${r.name} | ${(median(rss[r.name]!) / MB).toFixed(0)} MB |`);
  const lockstep = results[0]!;
  const duck = results[1]!;
  console.log(
    `\nlockstep / DuckDB (1 thread) time: ${(lockstep.medianMs / duck.medianMs).toFixed(2)} ` +
      `(target <= 1.00): ${lockstep.medianMs <= duck.medianMs ? 'met' : 'NOT met'}`,
  );

  // -------------------------------------------------------------------------------------------------------
  // 2. Memory flat in rows: 1/4, 1/2 and all of the rows, in Parquet files of the same layout.
  // -------------------------------------------------------------------------------------------------------
  const writer = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
  await writer.run('SET preserve_insertion_order = true');
  const sizes = [750_000, 1_500_000, 3_000_000];
  const files = sizes.map((n) => join(work, `flights-${n}.parquet`));
  for (let i = 0; i < sizes.length; i++) {
    await writer.run(
      `COPY (SELECT * FROM read_parquet(${sqlString(source)}) LIMIT ${sizes[i]}) TO ${sqlString(files[i]!)} ` +
        '(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 272727)',
    );
  }
  writer.closeSync();
  const series = sizes.map(() => ({
    lockstepRss: [] as number[],
    lockstepMs: [] as number[],
    duckRss: [] as number[],
    duckMs: [] as number[],
  }));
  // Row 0: what each process costs before any data (Node and module loading; DuckDB's library).
  const start = {
    lockstepRss: [] as number[],
    lockstepMs: [] as number[],
    duckRss: [] as number[],
    duckMs: [] as number[],
  };
  const selectOne = [
    "import { DuckDBInstance } from '@duckdb/node-api';",
    "const c = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();",
    "await c.runAndReadAll('SELECT 1');",
  ].join('\n');
  for (let round = 0; round < 3; round++) {
    const l0 = await runNode([bin, 'profile', '--help']);
    start.lockstepRss.push(l0.maxRss);
    start.lockstepMs.push(l0.ms);
    const d0 = await runNode(['--input-type=module', '-e', selectOne]);
    start.duckRss.push(d0.maxRss);
    start.duckMs.push(d0.ms);
    for (let i = 0; i < sizes.length; i++) {
      const l = await lockstepProfile(files[i]!);
      series[i]!.lockstepRss.push(l.maxRss);
      series[i]!.lockstepMs.push(l.ms);
      const d = await duckSummarize(files[i]!, 1);
      series[i]!.duckRss.push(d.maxRss);
      series[i]!.duckMs.push(d.ms);
    }
  }
  console.log('\n### Whole process by rows (the same file layout, written by DuckDB; medians of 3 rounds)\n');
  console.log(
    '| rows | file | lockstep profile | DuckDB SUMMARIZE (1 thread) | lockstep peak RSS | DuckDB peak RSS |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  const row = (label: string, file: string, s: typeof start) =>
    console.log(
      `| ${label} | ${file} | ${(median(s.lockstepMs) / 1000).toFixed(2)} s | ${(median(s.duckMs) / 1000).toFixed(2)} s | ` +
        `${(median(s.lockstepRss) / MB).toFixed(0)} MB | ${(median(s.duckRss) / MB).toFixed(0)} MB |`,
    );
  row('0 (start: `profile --help`, `SELECT 1`)', '-', start);
  for (let i = 0; i < sizes.length; i++) {
    row(sizes[i]!.toLocaleString('en-US'), `${(statSync(files[i]!).size / MB).toFixed(1)} MB`, series[i]!);
  }
  const first = median(series[0]!.lockstepRss);
  const last = median(series.at(-1)!.lockstepRss);
  console.log(
    `\nlockstep peak RSS, all rows vs 1/4: ${((last - first) / MB).toFixed(0)} MB ` +
      `(${((last / first - 1) * 100).toFixed(0)} %) for 4x the rows; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the end`,
  );
} catch (error) {
  console.log(`\ncli bench not run: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
