import { describe, invalidArgument, LockstepError } from '../core/errors.js';
import { type FrameInput, frameOf, isArrowTable, isFrame } from '../core/frame.js';
import { fromFeatureProfile, isTrusted, type ProfileArtifact, parseProfile, toArtifact } from './artifact.js';
import {
  addColumn,
  createFeature,
  DEFAULT_SIZES,
  type FeatureState,
  mergeFeature,
  type ReadAs,
  type Scratch,
  type SketchSizes,
} from './feature.js';

/** Progress of a long profile: rows done so far, and the total when it is known. */
export interface ProfileProgress {
  readonly rows: number;
  readonly total: number | undefined;
}

export interface ProfileOptions {
  /** Profile only these features (a listed feature absent from the data is profiled as all missing). */
  readonly features?: readonly string[];
  /** Read a feature as numbers (strings are parsed) or as categories (numbers become strings), by name. */
  readonly types?: Readonly<Record<string, 'numeric' | 'categorical'>>;
  /** Sketch sizes; profiles merge only with profiles of the same sizes. */
  readonly sketches?: Partial<SketchSizes>;
  /** Called after every chunk of rows (65,536 by default). */
  readonly onProgress?: (progress: ProfileProgress) => void;
  /** Rows per chunk; the profiler holds one chunk's scratch space at a time. Default 65,536. */
  readonly chunkRows?: number;
}

/** A profile being built from a stream of batches. */
export interface Profiler {
  /** Adds a batch: rows, a record of columns, an Arrow table or record batch, or a Frame. */
  update(batch: FrameInput): Profiler;
  /** Adds another profiler's data, or a profile artifact's. Sketch sizes must match. */
  merge(other: Profiler | ProfileArtifact): Profiler;
  /** The profile of everything added so far, as a JSON artifact. The profiler can keep going. */
  result(): ProfileArtifact;
  /** Rows added so far. */
  readonly rows: number;
}

const PROFILER = Symbol.for('lockstep.profiler');

interface ProfilerInternals {
  readonly sizes: SketchSizes;
  readonly states: Map<string, FeatureState>;
  rows: number;
}

function checkSizes(fn: string, sizes: Partial<SketchSizes> | undefined): SketchSizes {
  const out = { ...DEFAULT_SIZES };
  if (sizes === undefined) return out;
  if (typeof sizes !== 'object' || sizes === null)
    throw invalidArgument(fn, 'options.sketches', 'must be an object', sizes);
  const ranges: Record<keyof SketchSizes, [number, number]> = {
    quantileK: [8, 1 << 16],
    distinctP: [4, 18],
    frequentCapacity: [1, 1 << 24],
  };
  for (const key of Object.keys(ranges) as (keyof SketchSizes)[]) {
    const v = sizes[key];
    if (v === undefined) continue;
    const [lo, hi] = ranges[key];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw invalidArgument(fn, `options.sketches.${key}`, `must be an integer in [${lo}, ${hi}]`, v);
    }
    out[key] = v;
  }
  return out;
}

function checkOptions(fn: string, options: ProfileOptions) {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(fn, 'options', 'must be an object', options);
  const sizes = checkSizes(fn, options.sketches);
  const readAs = new Map<string, ReadAs>();
  if (options.types !== undefined) {
    if (typeof options.types !== 'object' || options.types === null) {
      throw invalidArgument(
        fn,
        'options.types',
        'must be an object of feature names to types',
        options.types,
      );
    }
    for (const [name, type] of Object.entries(options.types)) {
      if (type !== 'numeric' && type !== 'categorical') {
        throw invalidArgument(fn, `options.types.${name}`, "must be 'numeric' or 'categorical'", type);
      }
      readAs.set(name, type);
    }
  }
  const only = options.features;
  if (only !== undefined && (!Array.isArray(only) || only.some((f) => typeof f !== 'string'))) {
    throw invalidArgument(fn, 'options.features', 'must be an array of feature names', only);
  }
  const chunkRows = options.chunkRows ?? 65_536;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) {
    throw invalidArgument(fn, 'options.chunkRows', 'must be a positive integer', chunkRows);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw invalidArgument(fn, 'options.onProgress', 'must be a function', options.onProgress);
  }
  return { sizes, readAs, only: only ? new Set(only) : undefined, chunkRows, onProgress: options.onProgress };
}

/**
 * A profiler for data that arrives in pieces: Arrow record batches, chunks of a file, pages of rows. Memory
 * is bounded by the sketch sizes and one chunk of scratch space, not by the rows seen. Profilers merge with
 * profilers and profile artifacts, so pieces can be profiled on many workers and combined.
 * @example const p = createProfiler(); for await (const batch of reader) p.update(batch); p.result()
 * @throws LockstepError `INVALID_ARGUMENT` for bad options.
 */
export function createProfiler(options: ProfileOptions = {}): Profiler {
  const fn = 'createProfiler';
  const { sizes, readAs, only, chunkRows, onProgress } = checkOptions(fn, options);
  const internals: ProfilerInternals = { sizes, states: new Map(), rows: 0 };
  const scratch: Scratch = { finite: new Float64Array(0) };
  for (const name of only ?? [])
    internals.states.set(name, createFeature(name, sizes, readAs.get(name) ?? 'auto'));

  const stateFor = (name: string): FeatureState => {
    let state = internals.states.get(name);
    if (!state) {
      state = createFeature(name, sizes, readAs.get(name) ?? 'auto');
      state.missing = internals.rows; // absent from every earlier batch
      internals.states.set(name, state);
    }
    return state;
  };

  const profiler: Profiler & { [PROFILER]: ProfilerInternals } = {
    [PROFILER]: internals,
    get rows() {
      return internals.rows;
    },
    update(batch) {
      const frame = frameOf(batch, 'profiler.update', only);
      const n = frame.length;
      const columns = [...frame.columns].filter(([name]) => !only || only.has(name));
      const seen = new Set<FeatureState>();
      const pairs = columns.map(([name, column]) => {
        const state = stateFor(name);
        seen.add(state);
        return [state, column] as const;
      });
      for (const state of internals.states.values()) if (!seen.has(state)) state.missing += n;
      for (let start = 0; start < n; start += chunkRows) {
        const end = Math.min(n, start + chunkRows);
        for (const [state, column] of pairs) addColumn(state, column, start, end, scratch);
        onProgress?.({ rows: internals.rows + end, total: undefined });
      }
      internals.rows += n;
      return profiler;
    },
    merge(other) {
      const theirs = internalsOf(other, 'profiler.merge');
      if (!sameSizes(theirs.sizes, sizes)) {
        throw new LockstepError(
          'INVALID_ARGUMENT',
          `profiler.merge: argument 'other' has sketch sizes ${JSON.stringify(theirs.sizes)}, this profiler ${JSON.stringify(sizes)}; only equal sizes merge`,
        );
      }
      for (const [name, state] of internals.states)
        if (!theirs.states.has(name)) state.missing += theirs.rows;
      for (const [name, state] of theirs.states) {
        if (only && !only.has(name)) continue;
        const mine = stateFor(name);
        mergeFeature(mine, state);
      }
      internals.rows += theirs.rows;
      return profiler;
    },
    result() {
      return toArtifact(internals.rows, sizes, [...internals.states.values()]);
    },
  };
  return profiler;
}

function sameSizes(a: SketchSizes, b: SketchSizes): boolean {
  return (
    a.quantileK === b.quantileK && a.distinctP === b.distinctP && a.frequentCapacity === b.frequentCapacity
  );
}

/**
 * The live state behind a profiler, or rebuilt from a profile artifact that lockstep made or validated.
 * (An artifact from elsewhere goes through parseProfile first, so building profiles needs no zod.)
 */
function internalsOf(other: unknown, fn: string): ProfilerInternals {
  if (typeof other === 'object' && other !== null && PROFILER in other) {
    return (other as { [PROFILER]: ProfilerInternals })[PROFILER];
  }
  if (
    typeof other === 'object' &&
    other !== null &&
    (other as { kind?: unknown }).kind === 'lockstep.profile'
  ) {
    if (!isTrusted(other)) {
      throw invalidArgument(
        fn,
        'other',
        'must be a profile made by lockstep or checked by parseProfile (pass JSON from elsewhere through parseProfile, or use mergeProfiles)',
      );
    }
    const artifact = other as ProfileArtifact;
    const states = new Map(
      artifact.features.map((f) => [f.name, fromFeatureProfile(f, artifact.sketches)] as const),
    );
    return { sizes: artifact.sketches, states, rows: artifact.rows };
  }
  throw invalidArgument(fn, 'other', 'must be a profiler or a lockstep.profile artifact', other);
}

/**
 * The profile of a data set: per feature, counts (present, missing, NaN, ±Infinity), numeric moments and a
 * KLL quantile sketch, categorical frequencies (exact up to a capacity, then heavy hitters), a
 * HyperLogLog distinct count and string lengths. One pass, O(rows × features); memory bounded by the
 * sketch sizes. Anchors: TFDV statistics, whylogs profiles, DuckDB SUMMARIZE.
 * @example profile([{ x: 1 }, { x: 3 }]).features[0].numeric.mean // => 2
 * @throws LockstepError `INVALID_ARGUMENT` for bad options; `INVALID_DATA` for unreadable data.
 */
export function profile(data: FrameInput, options: ProfileOptions = {}): ProfileArtifact {
  const frame = frameOf(data, 'profile', options.features ? new Set(options.features) : undefined);
  const onProgress = options.onProgress;
  const profiler = createProfiler({
    ...options,
    onProgress: onProgress && ((p) => onProgress({ rows: p.rows, total: frame.length })),
  });
  return profiler.update(frame).result();
}

/**
 * Merges profiles of parts of a data set into the profile of the whole: counts, minimum and maximum exactly,
 * mean and variance to rounding (Chan et al. 1979), distinct counts exactly as sketched (HyperLogLog
 * registers merge losslessly), quantiles and frequencies within their sketches' bounds. Associative and
 * commutative within those bounds. A feature missing from one part counts as missing for its rows.
 * Profiles from elsewhere (parsed JSON) are validated with parseProfile first.
 * @example mergeProfiles(profile(partA), profile(partB)) // => the profile of partA and partB together
 * @throws LockstepError `INVALID_ARGUMENT` when given no profile or profiles of different sketch sizes;
 *   `INVALID_ARTIFACT` for a malformed profile.
 */
export function mergeProfiles(...profiles: ProfileArtifact[]): ProfileArtifact {
  if (profiles.length === 0)
    throw invalidArgument('mergeProfiles', 'profiles', 'must hold at least one profile', profiles);
  const first = profiles[0]!;
  if (typeof first !== 'object' || first === null || first.kind !== 'lockstep.profile') {
    throw invalidArgument(
      'mergeProfiles',
      'profiles[0]',
      'must be a lockstep.profile artifact',
      describe(first),
    );
  }
  const merged = createProfiler({ sketches: first.sketches });
  for (const p of profiles) merged.merge(isTrusted(p) ? p : parseProfile(p));
  return merged.result();
}

/** What a stream may yield: single rows, or whole batches (arrays of rows, Arrow tables or record batches, Frames). */
export type StreamItem = Readonly<Record<string, unknown>> | FrameInput;

/**
 * The profile of a stream: an iterable or async iterable of rows (objects) or of batches (arrays of rows,
 * Arrow tables or record batches, Frames), in any mix. Rows are gathered into batches of `batchRows`
 * (default 65,536) before they are profiled, so memory stays bounded by one batch and the sketches.
 * A plain object is taken as a row: pass a record of columns through `toFrame` to send it as a batch.
 * @example await profileStream(readNdjsonLines(file)) // => the profile of every line
 * @throws LockstepError as createProfiler and profiler.update; the stream's own errors reject the promise.
 */
export async function profileStream(
  source: Iterable<StreamItem> | AsyncIterable<StreamItem>,
  options: ProfileOptions & { readonly batchRows?: number } = {},
): Promise<ProfileArtifact> {
  const fn = 'profileStream';
  const { batchRows = 65_536, ...rest } = options;
  if (!Number.isInteger(batchRows) || batchRows < 1) {
    throw invalidArgument(fn, 'options.batchRows', 'must be a positive integer', batchRows);
  }
  if (
    source === null ||
    typeof source !== 'object' ||
    !(Symbol.asyncIterator in source || Symbol.iterator in source)
  ) {
    throw invalidArgument(fn, 'source', 'must be an iterable or async iterable of rows or batches', source);
  }
  const profiler = createProfiler(rest);
  let rows: unknown[] = [];
  const flush = () => {
    if (rows.length > 0) profiler.update(rows);
    rows = [];
  };
  for await (const item of source as AsyncIterable<StreamItem>) {
    if (
      Array.isArray(item) ||
      isFrame(item) ||
      (typeof item === 'object' && item !== null && isArrowTable(item))
    ) {
      flush();
      profiler.update(item as FrameInput);
    } else {
      rows.push(item);
      if (rows.length >= batchRows) flush();
    }
  }
  flush();
  return profiler.result();
}
