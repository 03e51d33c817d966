// Builds the browser example into a directory a static server can serve (see README.md beside this file):
//   index.html, page.js             the page and its bundle (esbuild: page.ts with lockstep/transform and tfjs)
//   artifacts/manifest.json         the exported version: its ref, and each artifact's file, SHA-256 and size
//   artifacts/model.json, weights.bin, transform.json
//                                   the registry's artifacts, byte for byte as the registry stores them
//   artifacts/flights.json          sample flights (the second half of March 2001, never trained on)
//
//   npx tsx examples/browser/build.ts [--registry DIR] [--ref REF] [--out DIR (default .tmp/browser-example)]
// Without --registry it trains the flights model into a temporary fs registry first (examples/shared).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import type { ModelRegistry } from 'lockstep/registry';
import { createFsRegistry } from 'lockstep/registry/fs';
import { FLIGHTS_MODEL, loadFlights20k, trainFlightsModel } from '../shared/flights-model.js';
import type { FlightRequest, Manifest } from './page.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '..', '..');

/** Artifact name in the registry → file name in artifacts/. */
const FILES = {
  'model.json': 'model.json',
  'weights.bin': 'weights.bin',
  transform: 'transform.json',
} as const;

export interface BuildOptions {
  readonly registry: ModelRegistry;
  /** Default `flights-delay@champion`. */
  readonly ref?: string;
  readonly outDir: string;
  /** How many sample flights the page shows. Default 50. */
  readonly flights?: number;
  /** Minify the bundle. Default true. */
  readonly minify?: boolean;
}

/** Flights of 16 to 31 March 2001 from flights-20k (the demo's test split), dates as ISO strings. */
export function marchFlights(count: number): FlightRequest[] {
  return loadFlights20k()
    .filter((f) => f.date >= new Date('2001-03-16T00:00:00Z'))
    .slice(0, count)
    .map((f) => ({
      date: f.date.toISOString(),
      distance: f.distance,
      origin: f.origin,
      destination: f.destination,
    }));
}

/** Exports the version at `ref` from the registry and bundles the page into `outDir`. */
export async function buildBrowserExample(
  options: BuildOptions,
): Promise<Manifest & { bundleBytes: number }> {
  const resolvedFrom = options.ref ?? `${FLIGHTS_MODEL}@champion`;
  const version = await options.registry.resolve(resolvedFrom);
  const artifactsDir = join(options.outDir, 'artifacts');
  mkdirSync(artifactsDir, { recursive: true });
  const artifacts: Record<string, { file: string; sha256: string; size: number }> = {};
  for (const [name, file] of Object.entries(FILES)) {
    const entry = version.artifacts[name];
    if (!entry) throw new Error(`buildBrowserExample: ${version.ref} has no artifact '${name}'`);
    // readArtifact re-hashes the bytes; the page checks the same SHA-256 again after its fetch.
    writeFileSync(join(artifactsDir, file), await options.registry.readArtifact(version.ref, name));
    artifacts[name] = { file, sha256: entry.sha256, size: entry.size };
  }
  writeFileSync(join(artifactsDir, 'flights.json'), JSON.stringify(marchFlights(options.flights ?? 50)));
  const manifest: Manifest = {
    ref: version.ref,
    resolvedFrom,
    artifacts,
    flights: 'artifacts/flights.json',
  };
  writeFileSync(join(artifactsDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  // `lockstep/*` resolves through tsconfig.json's paths to src/, as for every example.
  const result = await build({
    entryPoints: [join(here, 'page.ts')],
    outfile: join(options.outDir, 'page.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? true,
    sourcemap: true,
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'warning',
    metafile: true,
  });
  copyFileSync(join(here, 'index.html'), join(options.outDir, 'index.html'));
  const bundleBytes =
    result.metafile.outputs[Object.keys(result.metafile.outputs).find((o) => o.endsWith('page.js'))!]!.bytes;
  return { ...manifest, bundleBytes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: args } = parseArgs({
    options: {
      registry: { type: 'string' },
      ref: { type: 'string' },
      // .tmp/ is ignored by git and by biome (which would otherwise lint the bundle).
      out: { type: 'string', default: join(root, '.tmp', 'browser-example') },
    },
    strict: true,
  });
  let temporary: string | undefined;
  let registryDir = args.registry ? resolve(args.registry) : undefined;
  if (!registryDir) {
    temporary = mkdtempSync(join(tmpdir(), 'lockstep-browser-example-'));
    registryDir = temporary;
    const trained = await trainFlightsModel(createFsRegistry({ dir: registryDir }), {
      actor: 'browser-example',
    });
    trained.model.dispose();
    console.log(`trained ${trained.version.ref} into a temporary registry`);
  }
  try {
    const out = resolve(args.out);
    const built = await buildBrowserExample({
      registry: createFsRegistry({ dir: registryDir }),
      ...(args.ref ? { ref: args.ref } : {}),
      outDir: out,
    });
    console.log(
      `exported ${built.ref} (${built.resolvedFrom}) and bundled page.js (${(built.bundleBytes / 1024).toFixed(0)} kB) into ${out}`,
    );
    console.log(`serve it: npx tsx examples/browser/serve.ts ${out}`);
  } finally {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}
