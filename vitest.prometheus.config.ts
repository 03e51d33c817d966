// `npm run test:prometheus`: the example service scraped by a real Prometheus server (Debian's
// `prometheus` package: /usr/bin/prometheus and /usr/bin/promtool). Kept out of `npm test`, which needs
// nothing but Node: the files are named *.prometheus.ts, which vitest.config.ts's `test/**/*.test.ts`
// does not match.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^lockstep$/, replacement: src('index.ts') },
      { find: /^lockstep\/(.*)$/, replacement: src('$1/index.ts') },
    ],
  },
  test: {
    include: ['test/prometheus/**/*.prometheus.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'reports/vitest-prometheus.json' }]],
  },
});
