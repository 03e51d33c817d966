// One in-process PostgreSQL (PGlite) for a test file: started before its tests, closed after them. PGlite
// takes seconds to load here, so a file shares one and each case clears the tables it uses.
//
//   const db = pglite();          // at the top of the file
//   it('…', async () => { await db().query('…') });
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll } from 'vitest';

/** Registers beforeAll / afterAll for one PGlite; returns the getter of the running database. */
export function pglite(): () => PGlite {
  let db: PGlite | undefined;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });
  return () => {
    if (db === undefined) throw new Error('pglite: the database is not started (call db() inside a test)');
    return db;
  };
}
