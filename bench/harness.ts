// A small, fair benchmark harness: candidates run in the same process, interleaved round by round after a
// warm-up, and each is reported by its median round. The ratio against the named peer is the figure that
// matters; absolute numbers vary from machine to machine.

export interface Candidate {
  readonly name: string;
  /** Runs one round over `items` items and returns a value that depends on the work (kept from the optimiser). */
  readonly run: () => unknown;
}

export interface Result {
  readonly name: string;
  readonly opsPerSecond: number;
  readonly medianMs: number;
}

let sink: unknown;

export function measure(items: number, candidates: readonly Candidate[], rounds = 9, warmup = 3): Result[] {
  const times = candidates.map(() => [] as number[]);
  for (let r = 0; r < warmup + rounds; r++) {
    candidates.forEach((c, i) => {
      const start = performance.now();
      sink = c.run();
      const elapsed = performance.now() - start;
      if (r >= warmup) times[i]!.push(elapsed);
    });
  }
  return summarize(items, candidates, times);
}

/** Each candidate's median round, as items per second. */
function summarize(
  items: number,
  candidates: readonly { readonly name: string }[],
  times: number[][],
): Result[] {
  if (sink === Symbol.for('never')) console.log(sink);
  return candidates.map((c, i) => {
    const sorted = times[i]!.sort((a, b) => a - b);
    const medianMs = sorted[Math.floor(sorted.length / 2)]!;
    return { name: c.name, medianMs, opsPerSecond: (items / medianMs) * 1000 };
  });
}

export interface AsyncCandidate {
  readonly name: string;
  /** Runs one round; may return a promise, which is awaited inside the timed region. */
  readonly run: () => unknown;
}

/**
 * `measure` for candidates that are asynchronous (a database query, a dynamic import): the same
 * interleaved rounds, warm-up and median, but each round's promise is awaited before the clock stops.
 */
export async function measureAsync(
  items: number,
  candidates: readonly AsyncCandidate[],
  rounds = 9,
  warmup = 3,
): Promise<Result[]> {
  const times = candidates.map(() => [] as number[]);
  for (let r = 0; r < warmup + rounds; r++) {
    for (let i = 0; i < candidates.length; i++) {
      const start = performance.now();
      sink = await candidates[i]!.run();
      const elapsed = performance.now() - start;
      if (r >= warmup) times[i]!.push(elapsed);
    }
  }
  return summarize(items, candidates, times);
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(1)} /s`;
}

/** Prints results as a Markdown table, with each candidate's ratio to `peer`. */
export function report(title: string, results: readonly Result[], peer: string): void {
  const base = results.find((r) => r.name === peer);
  console.log(`\n### ${title}\n`);
  console.log('| candidate | throughput | median round | vs ' + peer + ' |');
  console.log('|---|---:|---:|---:|');
  for (const r of results) {
    const ratio = base ? `${(r.opsPerSecond / base.opsPerSecond).toFixed(1)}x` : '';
    console.log(`| ${r.name} | ${formatRate(r.opsPerSecond)} | ${r.medianMs.toFixed(1)} ms | ${ratio} |`);
  }
}
