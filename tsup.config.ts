import { defineConfig } from 'tsup';

// One entry per public module; each becomes a subpath in package.json#exports.
export const entries = {
  index: 'src/index.ts',
  split: 'src/split/index.ts',
  stats: 'src/stats/index.ts',
  'stats/workers': 'src/stats/workers/index.ts',
  schema: 'src/schema/index.ts',
  drift: 'src/drift/index.ts',
  transform: 'src/transform/index.ts',
  tfjs: 'src/tfjs/index.ts',
  arrow: 'src/arrow/index.ts',
};

// Built files that are not subpaths: the program each worker thread of lockstep/stats/workers runs, next to
// dist/stats/workers.{js,cjs}, where `new URL('./worker.js', import.meta.url)` looks for it.
const workerEntries = {
  'stats/worker': 'src/stats/workers/worker.ts',
};

export default defineConfig({
  entry: { ...entries, ...workerEntries },
  format: ['esm', 'cjs'],
  dts: { entry: entries },
  clean: true,
  sourcemap: true,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['zod', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'apache-arrow'],
});
