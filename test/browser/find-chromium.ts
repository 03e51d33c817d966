// The one place the tests find and launch Chromium. `npm test` must pass on a machine with only Node on it, so
// the browser comes, in this order, from:
//   1. LOCKSTEP_CHROMIUM, a path to a Chromium (or Chrome) executable. When it is set it is the only place
//      looked at: a wrong path fails the tests instead of quietly testing some other browser.
//   2. the system's Chromium: /usr/bin/chromium (Debian), then /usr/bin/chromium-browser.
//   3. the Chromium inside the devDependency @sparticuz/chromium (Linux x64 only), decompressed once into
//      <tmpdir>/lockstep-chromium-<version>-<uid>/ with the NSS and expat libraries the package ships for it,
//      so it needs nothing from the system but glibc.
// Nothing found is a failure whose message lists each place and why it did not do; the tests never skip.
//
// Several Vitest workers (or several Vitest processes) may unpack at once. Each unpacks into a fresh
// staging directory of its own and publishes it with one rename(2): a rename is atomic, and onto a directory
// that exists it fails, so the loser deletes its copy and uses the winner's. The final directory therefore
// never holds a half-written browser, and a run killed while unpacking leaves only a staging directory that
// nothing reads. This guards separate processes too, which a Vitest globalSetup would not, and costs nothing
// in runs that never open a browser.
import { accessSync, constants, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'] as const;

/** Headless, no sandbox (tests run as root in CI), and nothing that talks to the network or updates itself. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const;

export interface FoundChromium {
  readonly executablePath: string;
  /** Where it came from: `LOCKSTEP_CHROMIUM`, `system` or `@sparticuz/chromium`. */
  readonly source: string;
  /** Variables the browser process needs on top of the test's environment. */
  readonly env: Readonly<Record<string, string>>;
}

export interface FindOptions {
  /** Defaults to process.env.LOCKSTEP_CHROMIUM; an empty string counts as unset. */
  readonly override?: string | undefined;
  readonly systemPaths?: readonly string[];
  /** Where @sparticuz/chromium's browser is unpacked; defaults to the OS temporary directory. */
  readonly cacheDir?: string;
}

/** Why `path` cannot be run, or undefined when it is an executable file. */
function unusable(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'not a file';
    accessSync(path, constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'missing' : code === 'EACCES' ? 'not executable' : String(error);
  }
}

export async function findChromium(options: FindOptions = {}): Promise<FoundChromium> {
  const override = 'override' in options ? options.override : process.env.LOCKSTEP_CHROMIUM;
  if (override) {
    const why = unusable(override);
    if (why === undefined) return { executablePath: override, source: 'LOCKSTEP_CHROMIUM', env: {} };
    throw new Error(
      `no Chromium for the browser tests: LOCKSTEP_CHROMIUM=${override} is ${why}. When LOCKSTEP_CHROMIUM is ` +
        `set it is the only place looked at; unset it to use ${SYSTEM_CHROMIUMS.join(' or ')} or the ` +
        'Chromium inside @sparticuz/chromium',
    );
  }
  const looked = ['LOCKSTEP_CHROMIUM: not set'];
  for (const path of options.systemPaths ?? SYSTEM_CHROMIUMS) {
    const why = unusable(path);
    if (why === undefined) return { executablePath: path, source: 'system', env: {} };
    looked.push(`${path}: ${why}`);
  }
  try {
    return await sparticuzChromium(options.cacheDir ?? tmpdir());
  } catch (error) {
    looked.push(`@sparticuz/chromium: ${error instanceof Error ? error.message : String(error)}`);
  }
  throw new Error(
    `no Chromium for the browser tests. Looked, in order, at:\n  ${looked.join('\n  ')}\n` +
      "Set LOCKSTEP_CHROMIUM to a Chromium executable, install Debian's chromium, or run `npm install` " +
      '(the devDependency @sparticuz/chromium ships one for Linux x64)',
  );
}

/** The browser inside @sparticuz/chromium, unpacked under `cacheDir` unless a complete copy is already there. */
export async function sparticuzChromium(cacheDir: string): Promise<FoundChromium> {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`ships a browser for Linux x64 only, and this is ${process.platform} ${process.arch}`);
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  } catch {
    throw new Error('not installed (run `npm install`)');
  }
  const packageDir = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  // One directory per package version and user: an upgrade never runs an older browser, and the binary is
  // written mode 0700, so another user's copy could not be run anyway.
  const home = join(cacheDir, `lockstep-chromium-${version}-${process.getuid?.() ?? 'user'}`);
  const executablePath = join(home, 'chromium');
  if (unusable(executablePath) !== undefined) await unpack(packageDir, home);
  const why = unusable(executablePath);
  if (why !== undefined)
    throw new Error(`${executablePath} is ${why} after unpacking; delete ${home} and retry`);
  const libraries = join(home, 'al2023', 'lib');
  const inherited = process.env.LD_LIBRARY_PATH;
  return {
    executablePath,
    source: '@sparticuz/chromium',
    env: { LD_LIBRARY_PATH: inherited ? `${libraries}:${inherited}` : libraries },
  };
}

async function unpack(packageDir: string, home: string): Promise<void> {
  const { default: sparticuz, inflate } = await import('@sparticuz/chromium');
  const staging = mkdtempSync(`${home}.staging-`);
  try {
    // The package unpacks into os.tmpdir(), which reads TMPDIR. It reads it synchronously when called, so
    // TMPDIR points at the staging directory only for these two calls and no other code ever sees it; the
    // paths they return are checked below, in case a later version reads it after an await.
    const saved = process.env.TMPDIR;
    let browser: Promise<string>;
    let libraries: Promise<string>;
    process.env.TMPDIR = staging;
    try {
      browser = sparticuz.executablePath(join(packageDir, 'bin')); // chromium, fonts, swiftshader
      // Amazon Linux's NSS, NSPR and expat, which the package unpacks only on Lambda: with them the browser
      // needs no system library beyond glibc.
      libraries = inflate(join(packageDir, 'bin', 'al2023.tar.br'));
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    const [binary, lib] = await Promise.all([browser, libraries]);
    if (binary !== join(staging, 'chromium') || lib !== join(staging, 'al2023'))
      throw new Error(`@sparticuz/chromium unpacked to ${binary} and ${lib}, not into ${staging}`);
    try {
      renameSync(staging, home);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another worker published first: its copy is as good as ours.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      rmSync(staging, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

let found: Promise<FoundChromium> | undefined;

/** Finds Chromium (once per worker) and launches it headless with {@link CHROMIUM_FLAGS}. */
export async function launchChromium(): Promise<Browser> {
  found ??= findChromium();
  const browser = await found;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  try {
    return await chromium.launch({
      executablePath: browser.executablePath,
      args: [...CHROMIUM_FLAGS],
      env: { ...env, ...browser.env },
    });
  } catch (error) {
    throw new Error(
      `could not launch ${browser.executablePath} (from ${browser.source}); set LOCKSTEP_CHROMIUM to another ` +
        `Chromium: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
