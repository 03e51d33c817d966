// A child process for the fs registry's multi-process tests (bundled by fs-processes.test.ts with esbuild):
//   register <dir> <count>   makes <count> concurrent registrations of model "m", prints their numbers as JSON
//   crash <dir>              registers versions with 256 kB artifacts until killed, printing each number
import { createFsRegistry } from '../../src/registry/fs/index.js';

const [mode, dir, count] = process.argv.slice(2);

if (mode === 'register') {
  const registry = createFsRegistry({ dir: dir!, fsync: false });
  const made = await Promise.all(
    Array.from({ length: Number(count) }, (_, i) =>
      registry.createVersion({
        name: 'm',
        metrics: { pid: process.pid, i },
        artifacts: { w: new Uint8Array([i]) },
      }),
    ),
  );
  process.stdout.write(`${JSON.stringify(made.map((v) => v.version))}\n`);
} else if (mode === 'crash') {
  const registry = createFsRegistry({ dir: dir! });
  for (let i = 0; ; i++) {
    const big = new Uint8Array(256 * 1024).fill(i % 256);
    const v = await registry.createVersion({
      name: 'm',
      artifacts: { w: big, cfg: { i } },
      tags: { i: String(i) },
    });
    await registry.setAlias('m', 'champion', v.version);
    process.stdout.write(`${v.version}\n`);
  }
}
