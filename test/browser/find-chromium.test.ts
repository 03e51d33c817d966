// The browser finder: its order, its failures, and unpacking @sparticuz/chromium from several callers at once.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, sparticuzChromium } from './find-chromium.js';

let dir = '';
let fakeA = '';
let fakeB = '';
let notExecutable = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-find-chromium-'));
  fakeA = join(dir, 'chromium-a');
  fakeB = join(dir, 'chromium-b');
  notExecutable = join(dir, 'chromium-plain');
  for (const path of [fakeA, fakeB, notExecutable]) writeFileSync(path, '#!/bin/sh\n');
  chmodSync(fakeA, 0o755);
  chmodSync(fakeB, 0o755);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('findChromium', () => {
  it('takes LOCKSTEP_CHROMIUM first, then the system paths in order', async () => {
    expect(await findChromium({ override: fakeB, systemPaths: [fakeA] })).toEqual({
      executablePath: fakeB,
      source: 'LOCKSTEP_CHROMIUM',
      env: {},
    });
    const missing = join(dir, 'absent');
    expect(await findChromium({ override: '', systemPaths: [missing, fakeA, fakeB] })).toEqual({
      executablePath: fakeA,
      source: 'system',
      env: {},
    });
  });

  it('fails, without looking further, when LOCKSTEP_CHROMIUM is not an executable file', async () => {
    await expect(findChromium({ override: '/nonexistent', systemPaths: [fakeA] })).rejects.toThrow(
      'LOCKSTEP_CHROMIUM=/nonexistent is missing',
    );
    await expect(findChromium({ override: notExecutable, systemPaths: [fakeA] })).rejects.toThrow(
      `LOCKSTEP_CHROMIUM=${notExecutable} is not executable`,
    );
    await expect(findChromium({ override: dir, systemPaths: [fakeA] })).rejects.toThrow(
      `LOCKSTEP_CHROMIUM=${dir} is not a file`,
    );
  });

  it('falls back to @sparticuz/chromium, unpacked once however many callers race for it', async () => {
    const cache = join(dir, 'cache');
    writeFileSync(cache, ''); // a file where the cache directory should be: unpacking fails
    await expect(
      findChromium({ override: '', systemPaths: [notExecutable], cacheDir: cache }),
    ).rejects.toThrow(
      new RegExp(
        `Looked, in order, at:\\n  LOCKSTEP_CHROMIUM: not set\\n  ${notExecutable}: not executable\\n  @sparticuz/chromium: `,
      ),
    );
    rmSync(cache);
    mkdirSync(cache);
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      await expect(sparticuzChromium(cache)).rejects.toThrow('ships a browser for Linux x64 only');
      return;
    }
    const all = await Promise.all([
      sparticuzChromium(cache),
      sparticuzChromium(cache),
      sparticuzChromium(cache),
    ]);
    expect(new Set(all.map((found) => found.executablePath)).size).toBe(1);
    const found = all[0]!;
    expect(found.source).toBe('@sparticuz/chromium');
    expect(found.executablePath.startsWith(cache)).toBe(true);
    expect(found.env.LD_LIBRARY_PATH?.split(':')[0]).toBe(join(found.executablePath, '..', 'al2023', 'lib'));
    // One published directory and no staging copy left behind by the callers that lost the race.
    expect(readdirSync(cache)).toEqual([found.executablePath.split('/').at(-2)]);
    // A later call reuses it.
    expect(await findChromium({ override: '', systemPaths: [], cacheDir: cache })).toEqual(found);
  }, 120_000);
});
