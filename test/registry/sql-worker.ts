// A child process for the PostgreSQL registry's multi-process tests (bundled by postgres.test.ts with esbuild):
//   register <url> <count>                    <count> concurrent registrations of model "m"; prints their numbers
//   alias <url> <version> <expected> <at-ms>  at <at-ms> tries to move m@champion to <version> expecting
//                                             <expected>; prints "won" or the error's code
import pg from 'pg';
import { createSqlRegistry } from '../../src/registry/sql/index.js';

const [mode, url, a, b, at] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 4 });
const registry = createSqlRegistry({ pool });

try {
  if (mode === 'register') {
    const made = await Promise.all(
      Array.from({ length: Number(a) }, (_, i) =>
        registry.createVersion({
          name: 'm',
          metrics: { pid: process.pid, i },
          artifacts: { w: new Uint8Array([i]) },
        }),
      ),
    );
    process.stdout.write(`${JSON.stringify(made.map((v) => v.version))}\n`);
  } else if (mode === 'alias') {
    await registry.getModel('m'); // connected and migrated before the start line
    await new Promise((r) => setTimeout(r, Math.max(0, Number(at) - Date.now())));
    try {
      await registry.setAlias('m', 'champion', Number(a), {
        expected: Number(b),
        actor: `pid-${process.pid}`,
      });
      process.stdout.write('won\n');
    } catch (error) {
      process.stdout.write(`${(error as { code?: string }).code ?? String(error)}\n`);
    }
  }
} finally {
  await pool.end();
}
