// `lockstep registry …` as a user runs it: `node bin/lockstep.js` in a child process (the built dist/cli.js,
// so `npm run build` first; `npm test` does), against a registry directory and a real PostgreSQL server that
// the library itself filled. Every --json answer must equal the library's own answer for the same question,
// and every error must be one line with its exit code.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryCommand } from '../../src/cli/registry.js';
import { createFsRegistry } from '../../src/registry/fs/index.js';
import type { ModelRegistry } from '../../src/registry/index.js';
import { createSqlRegistry } from '../../src/registry/sql/index.js';
import { postgresServer } from '../helpers/postgres.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'lockstep.js');

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** `node bin/lockstep.js registry …args`, with a clean environment plus `env`. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const base = { ...process.env };
  for (const k of ['LOCKSTEP_REGISTRY', 'LOCKSTEP_ACTOR', 'NO_COLOR', 'FORCE_COLOR']) delete base[k];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'registry', ...args],
      { cwd: root, env: { ...base, ...env }, encoding: 'utf8' },
      (error, out, err) => {
        const code = error ? ((error as { code?: unknown }).code as number | null) : 0;
        resolve({ code: typeof code === 'number' ? code : null, out, err });
      },
    );
  });
}

/** Plain JSON of a library answer (the CLI's --json is this, parsed back). */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

/** An error as the conventions want it: exit `code`, one line on stderr naming the command, nothing on stdout. */
function expectOneLineError(r: Run, code: number, command: string): void {
  expect(r.code, r.err).toBe(code);
  expect(r.out).toBe('');
  const lines = r.err.split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe('');
  expect(lines[0]).toMatch(new RegExp(`^lockstep registry ${command}: \\S`));
  expect(r.err).not.toMatch(/\n\s+at /);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: no ANSI colour off a terminal.
  expect(r.err).not.toMatch(/\u001b\[/);
}

/** Two models: flights (3 versions with artifacts, lineage, metrics, tags; champion moved 1 → 2; canary 3), weather. */
async function fill(registry: ModelRegistry): Promise<void> {
  await registry.createVersion({
    name: 'flights',
    artifacts: { weights: new Uint8Array(1500).fill(7), config: { layers: [8, 1] } },
    lineage: { seed: 42, split: { salt: 'v1', weights: { train: 0.8, test: 0.2 } }, codeVersion: 'abc123' },
    metrics: { auc: 0.91 },
    tags: { team: 'delays' },
    description: 'first model',
    actor: 'ci',
  });
  await registry.createVersion({ name: 'flights', metrics: { auc: 0.93 }, actor: 'ci' });
  await registry.createVersion({ name: 'flights', lineage: { parent: 'flights/2' }, metrics: { auc: 0.94 } });
  await registry.setAlias('flights', 'champion', 1, { expected: null, actor: 'ana', reason: 'gate passed' });
  await registry.setAlias('flights', 'champion', 2, { expected: 1, actor: 'ana' });
  await registry.setAlias('flights', 'canary', 3, { actor: 'bo' });
  await registry.setStatus('flights/2', 'approved', { actor: 'ana' });
  await registry.createVersion({ name: 'weather' });
}

/** Everything the CLI must agree with the library on, for a registry reached by `target`. */
function agreement(
  label: string,
  target: () => string,
  open: () => ModelRegistry,
  ready: () => Promise<void>,
) {
  describe(`lockstep registry on ${label}`, () => {
    const r = (...args: string[]) => cli([...args, '--registry', target()]);

    it('ls --json is every model as getModel returns it; ls lists names, latest versions and aliases', async () => {
      await ready();
      const registry = open();
      const names = await registry.listModels();
      const models = await Promise.all(names.map((n) => registry.getModel(n)));
      const json = await r('ls', '--json');
      expect(json.code, json.err).toBe(0);
      expect(JSON.parse(json.out)).toEqual(plain(models));
      expect(models.map((m) => m.name)).toEqual(['flights', 'weather']);
      const text = await r('ls');
      expect(text.code).toBe(0);
      const lines = text.out.trim().split('\n');
      expect(lines[0]).toMatch(/^model\s+latest\s+aliases\s+created$/);
      expect(lines[2]).toMatch(/^flights\s+3\s+canary=3, champion=2\s+\d{4}-/);
      expect(lines[3]).toMatch(/^weather\s+1\s+-\s+\d{4}-/);
    });

    it('show --json is resolve(ref), for a version, an alias and latest', async () => {
      await ready();
      const registry = open();
      for (const ref of ['flights/1', 'flights@champion', 'flights@latest', 'weather/1']) {
        const run = await r('show', ref, '--json');
        expect(run.code, run.err).toBe(0);
        expect(JSON.parse(run.out)).toEqual(plain(await registry.resolve(ref)));
      }
    });

    it('show prints status, aliases, lineage, metrics, tags and each artifact with its size and sha256', async () => {
      await ready();
      const v1 = await open().resolve('flights/1');
      const run = await r('show', 'flights/1');
      expect(run.code, run.err).toBe(0);
      expect(run.out.split('\n')[0]).toBe('flights/1  pending');
      expect(run.out).toContain('first model');
      expect(run.out).toMatch(/^\s+auc\s+0\.91$/m);
      expect(run.out).toMatch(/^\s+team\s+delays$/m);
      expect(run.out).toMatch(/^\s+codeVersion\s+abc123$/m);
      expect(run.out).toMatch(/^\s+seed\s+42$/m);
      expect(run.out).toMatch(
        new RegExp(
          `^\\s+weights\\s+1\\.5 KiB\\s+${v1.artifacts.weights!.sha256}\\s+application/octet-stream$`,
          'm',
        ),
      );
      expect(run.out).toContain(v1.artifacts.config!.sha256);
      const champion = await r('show', 'flights@champion');
      expect(champion.out.split('\n')[0]).toBe('flights/2  approved  @champion');
    });

    it('history --json is history(name); history lists each event with its actor and reason', async () => {
      await ready();
      const events = await open().history('flights');
      const json = await r('history', 'flights', '--json');
      expect(json.code, json.err).toBe(0);
      expect(JSON.parse(json.out)).toEqual(plain(events));
      const text = await r('history', 'flights');
      const lines = text.out.trim().split('\n');
      expect(lines).toHaveLength(events.length + 2);
      expect(lines.find((l) => l.includes('@champion unset -> 1'))).toMatch(/\bana\b.*gate passed$/);
      expect(lines.find((l) => l.includes('@champion 1 -> 2'))).toBeDefined();
    });

    it('alias moves an alias by compare-and-set, recording actor and reason; a lost compare-and-set exits 1', async () => {
      await ready();
      const registry = open();
      const moved = await cli(
        [
          'alias',
          'flights',
          'champion',
          '3',
          '--expected',
          '2',
          '--reason',
          'canary held',
          '--registry',
          target(),
        ],
        { LOCKSTEP_ACTOR: 'carol' },
      );
      expect(moved.code, moved.err).toBe(0);
      expect(moved.out).toBe('flights@champion -> 3\n');
      expect((await registry.getModel('flights')).aliases.champion).toBe(3);
      const last = (await registry.history('flights')).at(-1)!;
      expect(last).toMatchObject({
        type: 'alias.set',
        alias: 'champion',
        from: 2,
        to: 3,
        actor: 'carol',
        reason: 'canary held',
      });

      const lost = await r('alias', 'flights', 'champion', '1', '--expected', '2');
      expectOneLineError(lost, 1, 'alias');
      expect(lost.err).toContain('not the expected 2');
      expect((await registry.getModel('flights')).aliases.champion).toBe(3);

      const json = await r(
        'alias',
        'flights',
        'shadow',
        '1',
        '--expected',
        'none',
        '--actor',
        'dan',
        '--json',
      );
      expect(json.code, json.err).toBe(0);
      expect(JSON.parse(json.out)).toEqual(plain(await registry.getModel('flights')));
      expect((await registry.history('flights')).at(-1)).toMatchObject({
        alias: 'shadow',
        from: null,
        actor: 'dan',
      });
      const again = await r('alias', 'flights', 'shadow', '2', '--expected', 'none');
      expectOneLineError(again, 1, 'alias');
    });

    it('of 3 processes setting a new alias with --expected none at once, exactly one wins; the others exit 1', async () => {
      await ready();
      const runs = await Promise.all(
        [1, 2, 3].map((v) => r('alias', 'flights', 'race', String(v), '--expected', 'none')),
      );
      expect(runs.map((x) => x.code).sort()).toEqual([0, 1, 1]);
      const winner = runs.findIndex((x) => x.code === 0) + 1;
      expect(runs[winner - 1]!.out).toBe(`flights@race -> ${winner}\n`);
      for (const lost of runs.filter((x) => x.code === 1)) expectOneLineError(lost, 1, 'alias');
      expect((await open().getModel('flights')).aliases.race).toBe(winner);
      const sets = (await open().history('flights')).filter(
        (e) => e.type === 'alias.set' && e.alias === 'race',
      );
      expect(sets).toHaveLength(1);
    });

    it('rollback moves the alias back to its previous version; with none left it exits 2', async () => {
      await ready();
      const registry = open();
      const run = await r(
        'rollback',
        'flights',
        'champion',
        '--reason',
        'latency',
        '--actor',
        'erin',
        '--json',
      );
      expect(run.code, run.err).toBe(0);
      const model = await registry.getModel('flights');
      expect(JSON.parse(run.out)).toEqual(plain(model));
      expect(model.aliases.champion).toBe(2);
      expect((await registry.history('flights')).at(-1)).toMatchObject({
        type: 'alias.rolledBack',
        alias: 'champion',
        from: 3,
        to: 2,
        actor: 'erin',
        reason: 'latency',
      });
      expectOneLineError(await r('rollback', 'flights', 'canary'), 2, 'rollback');
    });

    it('unknown models, versions and aliases exit 2 with one line', async () => {
      await ready();
      expectOneLineError(await r('show', 'nope/1'), 2, 'show');
      expectOneLineError(await r('show', 'flights/99'), 2, 'show');
      expectOneLineError(await r('show', 'flights@nobody'), 2, 'show');
      expectOneLineError(await r('history', 'nope'), 2, 'history');
      expectOneLineError(await r('alias', 'flights', 'champion', '99'), 2, 'alias');
    });

    it('hostile refs and names exit 2 with one line, and change nothing', async () => {
      await ready();
      const registry = open();
      const before = await registry.history('flights');
      const hostile: string[][] = [
        ['show', '../x'],
        ['show', '../../etc/passwd/1'],
        ['show', 'flights/1\nlockstep registry show: forged'],
        ['show', 'flights@../../x'],
        ['history', '../x'],
        ['history', 'a/b'],
        ['alias', '../x', 'champion', '1'],
        ['alias', 'flights', '../x', '1'],
        ['alias', 'flights', 'latest', '1'],
        ['alias', 'flights', 'champion', '-1'],
        ['alias', 'flights', 'champion', '1e3'],
        ['alias', 'flights', 'champion', '1', '--expected', '../1'],
        ['rollback', '.hidden', 'champion'],
      ];
      for (const args of hostile) expectOneLineError(await r(...args), 2, args[0]!);
      expect(await registry.history('flights')).toEqual(before);
    });
  });
}

describe('lockstep registry on a directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-registry-'));
  const registryDir = join(dir, 'registry');
  beforeAll(async () => {
    expect(existsSync(join(root, 'dist', 'cli.js')), 'run `npm run build` first').toBe(true);
    await fill(createFsRegistry({ dir: registryDir }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  agreement(
    'an fs directory',
    () => registryDir,
    () => createFsRegistry({ dir: registryDir }),
    async () => {},
  );

  it('LOCKSTEP_REGISTRY names the registry when --registry is not given; a relative path is from the cwd', async () => {
    const run = await cli(['show', 'weather/1', '--json'], { LOCKSTEP_REGISTRY: registryDir });
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out).ref).toBe('weather/1');
    // The command runs in the repository root, wherever the checkout is.
    const rel = await cli(['ls', '--registry', relative(root, registryDir)]);
    expect(relative(root, registryDir).startsWith('/')).toBe(false);
    expect(rel.code, rel.err).toBe(0);
  });

  it('a hostile ref writes nothing outside the registry directory', async () => {
    await cli(['alias', '../escape', 'champion', '1', '--registry', registryDir]);
    expect(readdirSync(dir)).toEqual(['registry']);
  });

  it('no registry, a missing directory, a file: exit 2 with one line', async () => {
    expectOneLineError(await cli(['ls']), 2, 'ls');
    expectOneLineError(await cli(['ls', '--registry', join(dir, 'missing')]), 2, 'ls');
    expectOneLineError(await cli(['ls', '--registry', bin]), 2, 'ls');
  });

  it('usage errors exit 2 with one line: unknown flags, wrong argument counts, unknown subcommands', async () => {
    expectOneLineError(await cli(['ls', '--registry', registryDir, '--bogus']), 2, 'ls');
    expectOneLineError(await cli(['ls', 'extra', '--registry', registryDir]), 2, 'ls');
    expectOneLineError(await cli(['show', '--registry', registryDir]), 2, 'show');
    expectOneLineError(await cli(['alias', 'flights', 'champion', '--registry', registryDir]), 2, 'alias');
    expectOneLineError(
      await cli(['alias', 'flights', 'champion', 'two', '--registry', registryDir]),
      2,
      'alias',
    );
    const unknown = await cli(['frob']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(
      /^lockstep registry: unknown command "frob"; commands: ls, show, history, alias, rollback\n$/,
    );
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('usage: lockstep registry <command>');
  });

  it('--debug adds the stack to the error line', async () => {
    const run = await cli(['show', 'nope/1', '--debug', '--registry', registryDir]);
    expect(run.code).toBe(2);
    expect(run.err.split('\n')[0]).toBe('lockstep registry show: resolve: no model named "nope"');
    expect(run.err).toMatch(/\n\s+at /);
  });

  it('--help on every subcommand prints its usage, options and an example, exit 0', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const sub of ['ls', 'show', 'history', 'alias', 'rollback'])
      expect(top.out).toMatch(new RegExp(`^  ${sub}\\s`, 'm'));
    for (const sub of ['ls', 'show', 'history', 'alias', 'rollback']) {
      const run = await cli([sub, '--help']);
      expect(run.code, run.err).toBe(0);
      expect(run.out).toMatch(new RegExp(`^usage: lockstep registry ${sub} `));
      expect(run.out).toContain('--registry <value>');
      expect(run.out).toMatch(new RegExp(`examples?:\\n  lockstep registry ${sub} `));
      expect(run.err).toBe('');
    }
  });
});

describe('lockstep registry colours (in process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-colour-'));
  beforeAll(() => fill(createFsRegistry({ dir })));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const io = (isTTY: boolean, env: Record<string, string>) => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdout: { write: (t: string) => out.push(t), isTTY },
        stderr: { write: (t: string) => err.push(t), isTTY },
        env: { LOCKSTEP_REGISTRY: dir, ...env },
        cwd: root,
      },
    };
  };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes.
  const ansi = /\u001b\[/;

  it('colours on a terminal, none with NO_COLOR, none off a terminal', async () => {
    const tty = io(true, {});
    expect(await registryCommand(['show', 'flights@champion'], tty.io)).toBe(0);
    expect(tty.out.join('')).toMatch(ansi);
    const noColor = io(true, { NO_COLOR: '1' });
    expect(await registryCommand(['show', 'flights@champion'], noColor.io)).toBe(0);
    expect(noColor.out.join('')).not.toMatch(ansi);
    const pipe = io(false, {});
    expect(await registryCommand(['show', 'flights@champion'], pipe.io)).toBe(0);
    expect(pipe.out.join('')).not.toMatch(ansi);
    expect(pipe.out.join('')).toBe(noColor.out.join(''));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing ANSI escapes.
    expect(tty.out.join('').replace(/\u001b\[[0-9;]*m/g, '')).toBe(pipe.out.join(''));
  });

  it('--json is never coloured, even on a terminal', async () => {
    const tty = io(true, {});
    expect(await registryCommand(['history', 'flights', '--json'], tty.io)).toBe(0);
    expect(tty.out.join('')).not.toMatch(ansi);
  });
});

describe('lockstep registry on PostgreSQL', () => {
  const server = postgresServer('cli-registry postgres');
  let filled: Promise<void> | undefined;
  const ready = async () => {
    await server.ready();
    filled ??= fill(createSqlRegistry({ pool: server.pool }));
    await filled;
  };

  agreement(
    'a PostgreSQL server (postgresql:// URL)',
    () => server.url,
    () => createSqlRegistry({ pool: server.pool }),
    ready,
  );

  it('a postgres:// URL works as well', async () => {
    await ready();
    const run = await cli([
      'show',
      'weather/1',
      '--json',
      '--registry',
      server.url.replace(/^postgresql:/, 'postgres:'),
    ]);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toEqual(
      plain(await createSqlRegistry({ pool: server.pool }).resolve('weather/1')),
    );
  });

  it('an unreachable server exits 2 with one line that does not show the password', async () => {
    await ready();
    const url = server.url.replace(/:(\d+)\//, ':1/');
    const run = await cli(['ls', '--registry', url]);
    expectOneLineError(run, 2, 'ls');
    expect(run.err).not.toContain('lockstep-test');
  });
});
