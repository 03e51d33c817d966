import { defineConfig } from 'tsup';

// One entry per public module; each becomes a subpath in package.json#exports.
export const entries = {
  index: 'src/index.ts',
  split: 'src/split/index.ts',
  stats: 'src/stats/index.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['zod', '@tensorflow/tfjs', 'apache-arrow'],
});
