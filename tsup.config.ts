import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
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
  evaluate: 'src/evaluate/index.ts',
  registry: 'src/registry/index.ts',
  'registry/fs': 'src/registry/fs/index.ts',
  'registry/sql': 'src/registry/sql/index.ts',
  router: 'src/router/index.ts',
  monitor: 'src/monitor/index.ts',
  report: 'src/report/index.ts',
  tfjs: 'src/tfjs/index.ts',
  arrow: 'src/arrow/index.ts',
};

// Built files that are not subpaths: the program each worker thread of lockstep/stats/workers runs, next to
// dist/stats/workers.{js,cjs}, where `new URL('./worker.js', import.meta.url)` looks for it.
const workerEntries = {
  'stats/worker': 'src/stats/workers/worker.ts',
};

// The command line's module (not a subpath): bin/lockstep.js imports its `main` from dist/cli.js.
const binEntries = {
  cli: 'src/cli/main.ts',
};

/** Where the declarations of `src/x/y.ts` go: `dist/types/x/y.d.ts` (ESM) and `dist/types/x/y.d.cts` (CJS). */
export function typesOf(source: string, format: 'esm' | 'cjs'): string {
  return `./dist/types/${source.replace(/^src\//, '').replace(/\.ts$/, format === 'esm' ? '.d.ts' : '.d.cts')}`;
}

/**
 * Declarations, one file per source file as tsc writes them (tsconfig.build.json), with declaration maps into
 * the shipped src/, so go-to-definition in a user's editor opens lockstep's TypeScript source rather than a
 * bundled chunk. tsup's own dts build bundles with rollup-plugin-dts, which splits shared types into hashed
 * chunks and turns declaration maps off.
 *
 * The package is `"type": "module"`, so a `.d.ts` describes an ES module; `require` needs CommonJS types, or
 * attw reports them as masquerading. Each file is therefore written twice: `x.d.ts`, and `x.d.cts` whose
 * relative imports name `.cjs` files (so they resolve to the other `.d.cts` files), each with its own map.
 */
async function emitDeclarations(): Promise<void> {
  const { default: ts } = await import('typescript');
  const configFile = ts.getParsedCommandLineOfConfigFile(
    'tsconfig.build.json',
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!configFile) throw new Error('tsconfig.build.json could not be read');
  const program = ts.createProgram(configFile.fileNames, configFile.options);
  const toCjs = (text: string) =>
    text.replace(/((?:from|import\()\s*['"]\.\.?\/[^'"]*?)\.js(['"])/g, '$1.cjs$2');
  const result = program.emit(
    undefined,
    (fileName, text) => {
      mkdirSync(dirname(fileName), { recursive: true });
      writeFileSync(fileName, text);
      if (fileName.endsWith('.d.ts')) {
        const cts = `${fileName.slice(0, -'.d.ts'.length)}.d.cts`;
        writeFileSync(cts, toCjs(text).replace(/(sourceMappingURL=.*)\.d\.ts\.map$/m, '$1.d.cts.map'));
      } else if (fileName.endsWith('.d.ts.map')) {
        const map = JSON.parse(text) as { file: string };
        map.file = map.file.replace(/\.d\.ts$/, '.d.cts');
        writeFileSync(`${fileName.slice(0, -'.d.ts.map'.length)}.d.cts.map`, JSON.stringify(map));
      }
    },
    undefined,
    true,
  );
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length > 0 || result.emitSkipped) {
    throw new Error(
      ts.formatDiagnosticsWithColorAndContext(diagnostics, {
        getCanonicalFileName: (name) => name,
        getCurrentDirectory: ts.sys.getCurrentDirectory,
        getNewLine: () => ts.sys.newLine,
      }),
    );
  }
}

export default defineConfig({
  entry: { ...entries, ...workerEntries, ...binEntries },
  format: ['esm', 'cjs'],
  dts: false,
  onSuccess: emitDeclarations,
  clean: true,
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
  external: [
    'zod',
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-backend-wasm',
    'apache-arrow',
    'csv-parse',
    'cli-progress',
    'parquet-wasm',
    'pg',
  ],
});
