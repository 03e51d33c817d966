// The PII canary (issue 15, docs/security.md): the end-to-end demo gives every flight a traveller's contact
// address, personal data that suggestPii proposes and the demo marks (markPii), and one of those addresses
// is a canary, planted both in the training months and in a request the monitor's 1 % log samples. The
// demo runs as a child process, as `npm run demo` does, writing every output (reports, the sampled request
// log, the fs registry with its schema, profiles, models and gates) into a temporary directory; the canary
// must be in none of them, nor in anything the demo printed. The control run leaves contact unmarked
// (LOCKSTEP_DEMO_PII=off): then the canary does show up, so the scan can fail.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const CANARY = 'canary.traveller.7f3a';
const root = join(import.meta.dirname, '../..');
const dirs: string[] = [];

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Runs the demo into a fresh directory; returns where the canary was found (files and streams) and the output. */
async function runDemo(env: Record<string, string>) {
  const out = mkdtempSync(join(tmpdir(), 'lockstep-demo-canary-'));
  dirs.push(out);
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(root, 'examples/demo/index.ts')],
    { cwd: root, env: { ...process.env, ...env, LOCKSTEP_DEMO_OUT: out }, maxBuffer: 64 << 20 },
  );
  const written = files(out);
  const found = written.filter((path) => readFileSync(path).includes(CANARY));
  if (stdout.includes(CANARY)) found.push('stdout');
  if (stderr.includes(CANARY)) found.push('stderr');
  return { out, written, found: found.map((f) => f.replace(out, '$OUT')), stdout };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the PII canary in the demo', () => {
  it('appears in no report, log, registry file or printed line when contact is marked pii', {
    timeout: 300_000,
  }, async () => {
    const run = await runDemo({});
    expect(run.stdout).toContain('suggestPii: contact e-mail-shaped (EMAIL); marked pii');
    // What was written: both reports, the sampled log, and the registry's entries and blobs.
    const names = run.written.map((f) => f.replace(run.out, ''));
    expect(names).toEqual(
      expect.arrayContaining(['/demo-monitor.html', '/demo-drift.html', '/demo-sampled-requests.jsonl']),
    );
    expect(names.filter((n) => n.startsWith('/registry/sha256/')).length).toBeGreaterThanOrEqual(10);
    // The sampled log holds the request with the canary, redacted.
    const log = readFileSync(join(run.out, 'demo-sampled-requests.jsonl'), 'utf8');
    expect(log).toContain('"key":"flight-492"');
    expect(log).toContain('[redacted]');
    expect(run.found).toEqual([]);
  });

  it('shows up when contact is not marked (the control: the scan finds it)', {
    timeout: 300_000,
  }, async () => {
    const run = await runDemo({ LOCKSTEP_DEMO_PII: 'off' });
    expect(run.found).toContain('$OUT/demo-sampled-requests.jsonl');
    expect(run.found.some((f) => f.startsWith('$OUT/registry/sha256/'))).toBe(true);
  });
});
