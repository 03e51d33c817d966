// The built `lockstep` binary run as a child process on flights-20k (vega-datasets) written as CSV, JSON,
// JSON lines and Arrow IPC, and on flights-3m.parquet: exit codes, and artifacts equal to the library's
// own on the same rows. `npm test` builds first; in a lone run, `npm run build` before vitest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromJSON, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vegaDataPath } from '../../examples/data.js';
import { inferSchema, parseSchema, validate } from '../../src/schema/index.js';
import { profile } from '../../src/stats/index.js';
import { fit as fitTransform } from '../../src/transform/index.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'lockstep.js');
let dir: string;
let rows: Record<string, unknown>[];

function run(args: readonly string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'cli.js')))
    throw new Error('run npm run build first');
  dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-'));
  rows = JSON.parse(readFileSync(vegaDataPath('flights-20k.json'), 'utf8'));
  const cols = Object.keys(rows[0]!);
  writeFileSync(join(dir, 'f.json'), JSON.stringify(rows));
  writeFileSync(join(dir, 'f.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  writeFileSync(
    join(dir, 'f.csv'),
    `${cols.join(',')}\n${rows.map((r) => cols.map((c) => r[c]).join(',')).join('\n')}\n`,
  );
  writeFileSync(join(dir, 'f.arrow'), tableToIPC(tableFromJSON(rows), 'file'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const p = (name: string) => join(dir, name);

describe('lockstep profile', () => {
  it.each(['f.csv', 'f.json', 'f.jsonl'])('profiles %s as the library profiles the rows', (file) => {
    const r = run(['profile', p(file)]);
    expect(r.code).toBe(0);
    const artifact = JSON.parse(r.stdout);
    expect(artifact.fingerprint).toBe(profile(rows).fingerprint);
    expect(r.stderr).toContain('20000 rows, 5 features');
  });

  it('profiles Arrow IPC as the library profiles the same Arrow table', () => {
    const r = run(['profile', p('f.arrow'), '-o', p('arrow.profile.json')]);
    expect(r.code).toBe(0);
    const artifact = JSON.parse(readFileSync(p('arrow.profile.json'), 'utf8'));
    expect(artifact.fingerprint).toBe(profile(tableFromJSON(rows)).fingerprint);
    expect(r.stdout).toContain('20000 rows');
  });

  it('streams the first rows of flights-3m.parquet (ZSTD) in batches', () => {
    // The whole file takes ~20 s; the CSV of its first batch is compared with a count only.
    const r = run(['profile', vegaDataPath('flights-3m.parquet'), '--json']);
    expect(r.code).toBe(0);
    const artifact = JSON.parse(r.stdout);
    expect(artifact.rows).toBe(3_000_000);
    expect(artifact.features.map((f: { name: string }) => f.name)).toEqual([
      'date',
      'delay',
      'distance',
      'origin',
      'destination',
    ]);
  }, 120_000);
});

describe('lockstep infer-schema, validate, compare, fit, diff', () => {
  it('infers the schema the library infers, with reasons', () => {
    const r = run(['infer-schema', p('f.csv'), '-o', p('s.json')]);
    expect(r.code).toBe(0);
    const schema = parseSchema(JSON.parse(readFileSync(p('s.json'), 'utf8')));
    expect(schema.fingerprint).toBe(inferSchema(profile(rows)).fingerprint);
    expect(r.stdout).toContain('whole numbers: integer');
  });

  it('validates clean data with exit 0 and bad data with exit 1, the library’s anomalies, every row accounted for', () => {
    run(['infer-schema', p('f.jsonl'), '-o', p('s2.json'), '--infer-ranges']);
    expect(run(['validate', p('f.csv'), '--schema', p('s2.json')]).code).toBe(0);
    const bad = rows.map((r, i) =>
      i % 1000 === 7 ? { ...r, delay: 99_999 } : i % 1000 === 8 ? { ...r, distance: null } : r,
    );
    writeFileSync(p('bad.jsonl'), `${bad.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const r = run([
      'validate',
      p('bad.jsonl'),
      '--schema',
      p('s2.json'),
      '--quarantine',
      p('q.jsonl'),
      '--json',
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const lib = validate(bad, parseSchema(JSON.parse(readFileSync(p('s2.json'), 'utf8'))));
    expect(out.anomalies).toEqual(JSON.parse(JSON.stringify(lib.anomalies)));
    const q = readFileSync(p('q.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(q.length).toBe(40);
    expect(out.valid + out.quarantined).toBe(20_000);
    expect(q[0]).toMatchObject({ row: 7, reasons: [{ code: 'OUT_OF_RANGE', feature: 'delay' }] });
    // In batches of 1,234 rows (createValidator carries the whole-file checks across them), exactly the
    // library's report on all the rows: counts, fractions, messages, examples with file row numbers.
    const b = JSON.parse(
      run(['validate', p('bad.jsonl'), '--schema', p('s2.json'), '--json', '--batch-rows', '1234']).stdout,
    );
    expect(b.anomalies).toEqual(JSON.parse(JSON.stringify(lib.anomalies)));
  });

  it('compares two files: no drift on the same data, drift (exit 1 with --fail-on-drift) on shifted data, an HTML report', () => {
    expect(run(['compare', p('f.csv'), p('f.arrow'), '--fail-on-drift']).code).toBe(0);
    const shifted = rows.map((r) => ({ ...r, distance: (r.distance as number) * 3 }));
    writeFileSync(p('shifted.json'), JSON.stringify(shifted));
    const r = run(['compare', p('f.csv'), p('shifted.json'), '--fail-on-drift', '--html', p('r.html')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/distance .*DRIFT/);
    expect(readFileSync(p('r.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('fits a JSON spec as the library fits it, and diffs two transforms', () => {
    const spec = {
      distance: [{ type: 'log1p' }, { type: 'standardize' }],
      origin: [{ type: 'vocabulary', topK: 20 }, { type: 'oneHot' }],
    };
    writeFileSync(p('spec.json'), JSON.stringify(spec));
    const r = run(['fit', p('spec.json'), p('f.csv'), '-o', p('t.json')]);
    expect(r.code).toBe(0);
    const t = JSON.parse(readFileSync(p('t.json'), 'utf8'));
    expect(t.fingerprint).toBe(fitTransform(spec as never, rows).fingerprint);
    writeFileSync(
      p('spec2.json'),
      JSON.stringify({ ...spec, origin: [{ type: 'vocabulary', topK: 10 }, { type: 'oneHot' }] }),
    );
    run(['fit', p('spec2.json'), p('f.jsonl'), '-o', p('t2.json')]);
    expect(run(['diff', p('t.json'), p('t.json'), '--fail-on-change']).stdout).toBe('no changes\n');
    const d = run(['diff', p('t.json'), p('t2.json'), '--fail-on-change']);
    expect(d.code).toBe(1);
    expect(run(['diff', p('t.json'), p('s.json')]).code).toBe(2);
  });
});
