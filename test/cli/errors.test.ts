// Bad input gives one clear line on stderr and exit code 2, never a stack unless --debug; --help on every
// command exits 0 with an example; no ANSI codes off a terminal or with NO_COLOR.

import { spawnSync } from 'node:child_process';
import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromJSON, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vegaDataPath } from '../../examples/data.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'lockstep.js');
let dir: string;
const p = (name: string) => join(dir, name);

function run(args: readonly string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLine(r: ReturnType<typeof run>, pattern: RegExp) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-err-'));
  const rows = (JSON.parse(readFileSync(vegaDataPath('flights-20k.json'), 'utf8')) as object[]).slice(
    0,
    2000,
  );
  const json = JSON.stringify(rows);
  writeFileSync(p('trunc.json'), json.slice(0, json.length / 2));
  const csv = `date,delay,distance,origin,destination\n${rows.map((r) => Object.values(r).join(',')).join('\n')}\n`;
  // Cut inside a record's first field, so the last record lacks fields (a cut inside the last field of a
  // record cannot be told from data in CSV).
  writeFileSync(p('trunc.csv'), csv.slice(0, csv.indexOf('\n', csv.length / 2) + 12));
  writeFileSync(p('semi.csv'), csv.replaceAll(',', ';'));
  const arrow = tableToIPC(tableFromJSON(rows as Record<string, unknown>[]), 'file');
  writeFileSync(p('trunc.arrow'), arrow.subarray(0, arrow.length / 2));
  writeFileSync(
    p('latin1.csv'),
    Buffer.concat([Buffer.from('city,n\nM'), Buffer.from([0xfc]), Buffer.from('nchen,1\n')]),
  );
  // A 1 GB line: a sparse file (no disk used) of NUL bytes with no newline; the reader gives up after
  // 16 Mi characters (the --max-record default), so the test reads 16 MB, not 1 GB.
  for (const name of ['huge.jsonl', 'huge.csv']) {
    const fd = openSync(p(name), 'w');
    ftruncateSync(fd, 1024 ** 3);
    closeSync(fd);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bad files: one line, exit 2', () => {
  it('truncated JSON', () =>
    expectOneLine(
      run(['profile', p('trunc.json')]),
      /^lockstep profile: .*trunc\.json: .*(not closed|not valid JSON)/,
    ));
  it('truncated CSV', () =>
    expectOneLine(run(['profile', p('trunc.csv')]), /^lockstep profile: .*trunc\.csv: not valid CSV/));
  it('truncated Arrow', () =>
    expectOneLine(run(['profile', p('trunc.arrow')]), /^lockstep profile: .*trunc\.arrow/));
  it('wrong delimiter', () =>
    expectOneLine(run(['profile', p('semi.csv')]), /semicolon-delimited; read it with --delimiter ';'/));
  it('reads it with --delimiter', () =>
    expect(run(['profile', p('semi.csv'), '--delimiter', ';']).code).toBe(0));
  it('invalid UTF-8', () =>
    expectOneLine(run(['profile', p('latin1.csv')]), /latin1\.csv is not valid UTF-8/));
  it.each(['huge.jsonl', 'huge.csv'])(
    'a 1 GB line in %s fails fast',
    (name) => {
      const t = Date.now();
      expectOneLine(run(['validate', p(name), '--schema', p('none.json')]), /cannot read schema/);
      expectOneLine(run(['profile', p(name)]), /longer than 16777216 characters/);
      expect(Date.now() - t).toBeLessThan(20_000);
    },
    30_000,
  );
  it('a missing file, an unknown flag, an unknown command', () => {
    expectOneLine(run(['profile', p('nope.csv')]), /no such file/);
    expectOneLine(run(['profile', p('trunc.csv'), '--nope']), /Unknown option '--nope'/);
    expect(run(['nope']).code).toBe(2);
  });
  it('--debug shows the stack', () => {
    const r = run(['profile', p('trunc.json'), '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('conventions', () => {
  it.each(['profile', 'infer-schema', 'validate', 'compare', 'fit', 'diff'])(
    '%s --help exits 0 with an example',
    (c) => {
      const r = run([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: lockstep ${c} `));
      expect(r.stdout).toMatch(new RegExp(`example:\\n  lockstep ${c} `));
    },
  );
  it('no ANSI codes off a terminal, with or without NO_COLOR', () => {
    for (const env of [{}, { NO_COLOR: '1' }] as Record<string, string>[]) {
      const r = run(['profile', p('semi.csv')], env);
      expect((r.stderr + r.stdout).includes(String.fromCharCode(27))).toBe(false);
    }
  });
});
