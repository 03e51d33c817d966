// lockstep/registry: warm resolve-by-alias latency and registrations per second, per back end, against the
// same operations written by hand in the same run: plain JSON files for the fs back end, plain SQL on the
// same PGlite database for the SQL back end.
// Target (issue 11): a warm resolve under 1 ms on fs and PGlite, within 1.5x of the hand-written path.
//
// The hand-written paths do only what a quick script would: no lock, no journal, no history, no integrity
// check, no argument checks. Registration is where that shows; resolve is the path a service runs per
// model load, and the one the target is about.

import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createMemoryRegistry, type ModelRegistry } from 'lockstep/registry';
import { createFsRegistry } from 'lockstep/registry/fs';
import { createSqlRegistry } from 'lockstep/registry/sql';
import { measureAsync, report } from './harness.js';

const VERSIONS = 20;
const RESOLVES = 200;
const REGISTRATIONS = 20;
const lineage = { seed: 2001, codeVersion: 'bench' };
const model = { weights: Array.from({ length: 64 }, (_, i) => i / 64) };

async function seed(registry: ModelRegistry): Promise<void> {
  for (let i = 0; i < VERSIONS; i++)
    await registry.createVersion({ name: 'flights', artifacts: { 'model.json': model }, lineage });
  await registry.setAlias('flights', 'champion', 3);
}

const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-registry-'));
try {
  // --- the back ends -------------------------------------------------------------------------------
  const memory = createMemoryRegistry();
  const fsRegistry = createFsRegistry({ dir: join(dir, 'registry') });
  const pglite = new PGlite();
  const sqlRegistry = createSqlRegistry({ client: pglite });
  for (const r of [memory, fsRegistry, sqlRegistry]) await seed(r);

  // --- hand-written: plain JSON files -------------------------------------------------------------
  const plain = join(dir, 'plain');
  mkdirSync(join(plain, 'versions'), { recursive: true });
  const writeAtomic = (path: string, text: string) => {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  };
  for (let v = 1; v <= VERSIONS; v++)
    writeAtomic(
      join(plain, 'versions', `${v}.json`),
      JSON.stringify({ name: 'flights', version: v, lineage }),
    );
  writeAtomic(join(plain, 'model.json'), JSON.stringify({ versions: VERSIONS, aliases: { champion: 3 } }));
  const plainResolve = () => {
    const m = JSON.parse(readFileSync(join(plain, 'model.json'), 'utf8')) as {
      aliases: Record<string, number>;
    };
    return JSON.parse(readFileSync(join(plain, 'versions', `${m.aliases.champion}.json`), 'utf8')) as {
      version: number;
    };
  };
  const plainRegister = () => {
    const m = JSON.parse(readFileSync(join(plain, 'model.json'), 'utf8')) as { versions: number };
    const version = m.versions + 1;
    writeAtomic(
      join(plain, 'versions', `${version}.json`),
      JSON.stringify({ name: 'flights', version, model }),
    );
    writeAtomic(join(plain, 'model.json'), JSON.stringify({ ...m, versions: version }));
  };

  // --- hand-written: plain SQL on the same PGlite ------------------------------------------------
  await pglite.exec(`
    CREATE TABLE plain_versions (name text, version int, body jsonb, PRIMARY KEY (name, version));
    CREATE TABLE plain_aliases (name text, alias text, version int, PRIMARY KEY (name, alias));
  `);
  for (let v = 1; v <= VERSIONS; v++)
    await pglite.query('INSERT INTO plain_versions VALUES ($1, $2, $3)', ['flights', v, { lineage }]);
  await pglite.query("INSERT INTO plain_aliases VALUES ('flights', 'champion', 3)");
  const sqlResolve = () =>
    pglite.query(
      'SELECT v.version, v.body FROM plain_aliases a JOIN plain_versions v ON v.name = a.name AND v.version = a.version WHERE a.name = $1 AND a.alias = $2',
      ['flights', 'champion'],
    );
  const sqlRegister = async () => {
    await pglite.transaction(async (tx) => {
      const { rows } = await tx.query<{ v: number | null }>(
        'SELECT max(version) AS v FROM plain_versions WHERE name = $1',
        ['flights'],
      );
      await tx.query('INSERT INTO plain_versions VALUES ($1, $2, $3)', [
        'flights',
        (rows[0]?.v ?? 0) + 1,
        { model },
      ]);
    });
  };

  // Every path must find the same version before it is timed.
  const found = [
    (await memory.resolve('flights@champion')).version,
    (await fsRegistry.resolve('flights@champion')).version,
    (await sqlRegistry.resolve('flights@champion')).version,
    plainResolve().version,
    (await sqlResolve()).rows.length === 1 ? 3 : -1,
  ];
  if (found.some((v) => v !== 3)) throw new Error(`resolve disagrees: ${found.join(', ')}`);

  const loop = (resolve: () => unknown) => async () => {
    let last: unknown;
    for (let i = 0; i < RESOLVES; i++) last = await resolve();
    return last;
  };
  const resolves = await measureAsync(RESOLVES, [
    { name: 'lockstep memory resolve', run: loop(() => memory.resolve('flights@champion')) },
    { name: 'lockstep fs resolve', run: loop(() => fsRegistry.resolve('flights@champion')) },
    { name: 'hand-written JSON files', run: loop(plainResolve) },
    { name: 'lockstep sql (PGlite) resolve', run: loop(() => sqlRegistry.resolve('flights@champion')) },
    { name: 'hand-written SQL (PGlite)', run: loop(sqlResolve) },
  ]);
  report(
    `Warm resolve('flights@champion') per second (${RESOLVES} a round)`,
    resolves,
    'hand-written JSON files',
  );

  const registrations = await measureAsync(
    REGISTRATIONS,
    [
      {
        name: 'lockstep memory createVersion',
        run: async () => {
          for (let i = 0; i < REGISTRATIONS; i++)
            await memory.createVersion({ name: 'flights', artifacts: { 'model.json': model }, lineage });
        },
      },
      {
        name: 'lockstep fs createVersion',
        run: async () => {
          for (let i = 0; i < REGISTRATIONS; i++)
            await fsRegistry.createVersion({ name: 'flights', artifacts: { 'model.json': model }, lineage });
        },
      },
      {
        name: 'hand-written JSON files',
        run: () => {
          for (let i = 0; i < REGISTRATIONS; i++) plainRegister();
        },
      },
      {
        name: 'lockstep sql (PGlite) createVersion',
        run: async () => {
          for (let i = 0; i < REGISTRATIONS; i++)
            await sqlRegistry.createVersion({ name: 'flights', artifacts: { 'model.json': model }, lineage });
        },
      },
      {
        name: 'hand-written SQL (PGlite)',
        run: async () => {
          for (let i = 0; i < REGISTRATIONS; i++) await sqlRegister();
        },
      },
    ],
    5,
    1,
  );
  report(`Registrations per second (${REGISTRATIONS} a round)`, registrations, 'hand-written JSON files');

  const latency = (name: string) => {
    const r = resolves.find((x) => x.name === name)!;
    return r.medianMs / RESOLVES;
  };
  const check = (ours: string, peer: string) => {
    const ms = latency(ours);
    const ratio = ms / latency(peer);
    const met = ms < 1 && ratio <= 1.5;
    console.log(
      `${ours}: ${(ms * 1000).toFixed(0)} µs a resolve, ${ratio.toFixed(2)}x ${peer} (targets: < 1 ms, <= 1.5x): ${met ? 'met' : 'NOT met'}`,
    );
  };
  console.log('');
  check('lockstep fs resolve', 'hand-written JSON files');
  check('lockstep sql (PGlite) resolve', 'hand-written SQL (PGlite)');
  await pglite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
