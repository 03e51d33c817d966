// ============================================================================================================
// THE lockstep/stats CALLS. Every call the stats benchmarks make into lockstep/stats goes through this file,
// so that the benchmarks run before the module lands (its rows are skipped, with a printed note) and so that
// a change to its API is fixed here and nowhere else.
//
// The API the benchmarks expect (the module's issue):
//   profile(data: rows | Arrow Table | record of columns, options?: { features?: string[] }): ProfileArtifact
//   createProfiler(options?) => { update(batch: Arrow RecordBatch | any of the above): void; result(): ProfileArtifact }
//   quantiles(profile: ProfileArtifact, feature: string, ps: number[]): number[]
// ============================================================================================================

export interface ProfileOptions {
  readonly features?: string[];
}

export interface Profiler {
  update(batch: unknown): void;
  result(): unknown;
}

export interface LockstepStats {
  readonly profile?: (data: unknown, options?: ProfileOptions) => unknown;
  readonly createProfiler?: (options?: ProfileOptions) => Profiler;
  readonly quantiles?: (profile: unknown, feature: string, ps: number[]) => number[];
}

// A variable, not a literal: the module does not exist yet, and a literal would fail the type check. tsx still
// resolves it through tsconfig's `paths` (lockstep/* -> src/*/index.ts) at run time.
const STATS_MODULE = 'lockstep/stats';

/**
 * Imports lockstep/stats, or returns undefined (after printing why) when it is not there yet. Any other failure
 * (the module is there but throws while loading) is rethrown: a broken module must fail the benchmark.
 */
export async function loadLockstepStats(): Promise<LockstepStats | undefined> {
  try {
    return (await import(STATS_MODULE)) as LockstepStats;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      console.log(`\n> note: ${STATS_MODULE} is not there yet (${code}); the lockstep rows are skipped.`);
      return undefined;
    }
    throw error;
  }
}

/** Names the functions `stats` lacks among `needed`, printing a note when some are missing. */
export function lacks(stats: LockstepStats | undefined, needed: readonly (keyof LockstepStats)[]): boolean {
  if (!stats) return true;
  const missing = needed.filter((name) => typeof stats[name] !== 'function');
  if (missing.length > 0)
    console.log(
      `\n> note: ${STATS_MODULE} has no ${missing.join(', ')} yet; the rows that need it are skipped.`,
    );
  return missing.length > 0;
}

/** lockstep's `profile(data, options)`. */
export function lockstepProfile(stats: LockstepStats, data: unknown, options?: ProfileOptions): unknown {
  return stats.profile!(data, options);
}

/** lockstep's `quantiles(profile, feature, ps)`. */
export function lockstepQuantiles(
  stats: LockstepStats,
  profile: unknown,
  feature: string,
  ps: number[],
): number[] {
  return stats.quantiles!(profile, feature, ps);
}

/** lockstep's `createProfiler(options)`. */
export function lockstepProfiler(stats: LockstepStats, options?: ProfileOptions): Profiler {
  return stats.createProfiler!(options);
}
