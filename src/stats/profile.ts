import {
  checkFunction,
  checkInteger,
  checkObject,
  checkStrings,
  objectKeys,
  type RawOptions,
  readOptions,
} from '../core/check.js';
import { describe, invalidArgument, LockstepError } from '../core/errors.js';
import { type Frame, type FrameInput, isArrowTable, isFrame } from '../core/frame.js';
import {
  claimsProfile,
  fromFeatureProfile,
  isProfile,
  type ProfileArtifact,
  parseProfileAs,
  SKETCH_RANGES,
  sealedProfile,
  toArtifact,
} from './artifact.js';
import {
  addColumn,
  createFeature,
  DEFAULT_SIZES,
  type FeatureState,
  mergeFeature,
  type PiiToken,
  type ReadAs,
  type Scratch,
  type SketchSizes,
} from './feature.js';
import { readFrame } from './frame-input.js';
import { isoDateColumn } from './iso-dates.js';

/** Progress of a long profile: rows done so far, and the total when it is known. */
export interface ProfileProgress {
  readonly rows: number;
  readonly total: number | undefined;
}

/** Most rows a chunk (`chunkRows`) or a gathered batch (`batchRows`) may hold: 2^24. */
export const MAX_CHUNK_ROWS = 1 << 24;

export interface ProfileOptions {
  /**
   * Profile only these features (a listed feature absent from the data is profiled as all missing).
   * Distinct names.
   */
  readonly features?: readonly string[];
  /**
   * Read a feature as numbers (strings are parsed) or as categories (numbers become strings), by name.
   * Either turns off the reading of ISO-8601 date strings as timestamps for that feature.
   */
  readonly types?: Readonly<Record<string, 'numeric' | 'categorical'>>;
  /**
   * Sketch sizes; profiles merge only with profiles of the same sizes. `quantileK` in [8, 65536],
   * `distinctP` in [4, 18], `frequentCapacity` in [1, 2^24].
   */
  readonly sketches?: Partial<SketchSizes>;
  /** Called after every chunk of rows (65,536 by default). */
  readonly onProgress?: (progress: ProfileProgress) => void;
  /**
   * Rows per chunk; the profiler holds one chunk's scratch space at a time (8 bytes a row). An integer in
   * [1, 2^24]. Default 65,536.
   */
  readonly chunkRows?: number;
  /**
   * Features holding personal data, whose profile keeps no raw value: counts by type, the HyperLogLog
   * distinct estimate (its registers hold no value), no quantile sketch, minimum, maximum, lengths or
   * frequencies. Names (`['email']`), or by name `true` or `{ token }`: a token function (a keyed HMAC,
   * say) whose tokens' frequencies are kept instead of the values'. `types` does not apply to them. Pass a
   * schema's PII features with lockstep/schema's `piiFeatures(schema)`.
   */
  readonly pii?: PiiOption;
}

/** The `pii` option of profile, createProfiler and profileStream. */
export type PiiOption =
  | readonly string[]
  | Readonly<Record<string, true | { readonly token: (value: string) => string }>>;

/** The option keys of profile and createProfiler. */
const PROFILE_KEYS: readonly (keyof ProfileOptions)[] = [
  'features',
  'types',
  'sketches',
  'onProgress',
  'chunkRows',
  'pii',
];
const STREAM_KEYS: readonly (keyof ProfileOptions | 'batchRows')[] = [
  'features',
  'types',
  'sketches',
  'onProgress',
  'chunkRows',
  'pii',
  'batchRows',
];
const SKETCH_KEYS: readonly (keyof SketchSizes)[] = ['quantileK', 'distinctP', 'frequentCapacity'];
const READ_AS: readonly ('numeric' | 'categorical')[] = ['numeric', 'categorical'];

/** A profile being built from a stream of batches. */
export interface Profiler {
  /** Adds a batch: rows, a record of columns, an Arrow table or record batch, or a Frame. */
  update(batch: FrameInput): Profiler;
  /**
   * Adds another profiler's data, or a profile artifact's (one lockstep made or parsed: pass JSON
   * through parseProfile first). Sketch sizes must match.
   */
  merge(other: Profiler | ProfileArtifact): Profiler;
  /** The profile of everything added so far, as a sealed (deeply frozen) artifact. The profiler can keep going. */
  result(): ProfileArtifact;
  /** Rows added so far. */
  readonly rows: number;
}

interface ProfilerInternals {
  readonly sizes: SketchSizes;
  readonly states: Map<string, FeatureState>;
  rows: number;
}

/** Profile options, checked. */
export interface ProfileSettings {
  readonly sizes: SketchSizes;
  readonly readAs: ReadonlyMap<string, ReadAs>;
  readonly only: ReadonlySet<string> | undefined;
  readonly features: readonly string[] | undefined;
  readonly types: Readonly<Record<string, 'numeric' | 'categorical'>> | undefined;
  readonly sketches: Partial<SketchSizes> | undefined;
  readonly chunkRows: number;
  readonly onProgress: ((progress: ProfileProgress) => void) | undefined;
  /** PII features and their token functions (undefined: counts only). */
  readonly pii: ReadonlyMap<string, { readonly token: PiiToken | undefined }>;
}

// The live state of each profiler lockstep made, so merge recognises profilers without a visible property
// (created on first use).
let profilers: WeakMap<object, ProfilerInternals> | undefined;

function checkSizes(fn: string, value: unknown): SketchSizes {
  const out = { ...DEFAULT_SIZES };
  if (value === undefined) return out;
  const sizes = readOptions(fn, value, SKETCH_KEYS, 'options.sketches');
  for (const key of SKETCH_KEYS) {
    const v = sizes[key];
    if (v === undefined) continue;
    const [lo, hi] = SKETCH_RANGES[key];
    out[key] = checkInteger(fn, `options.sketches.${key}`, v, lo, hi);
  }
  return out;
}

/** The `types` option: feature name to 'numeric' or 'categorical', read once (any key is a name). */
function checkTypes(fn: string, value: unknown): Map<string, 'numeric' | 'categorical'> {
  const readAs = new Map<string, 'numeric' | 'categorical'>();
  if (value === undefined) return readAs;
  const types = checkObject(fn, 'options.types', value);
  const names = objectKeys(fn, 'options.types', types);
  for (const name of names) {
    const at = `options.types.${name.length > 60 ? `${name.slice(0, 57)}...` : name}`;
    let type: unknown;
    try {
      type = types[name];
    } catch {
      throw invalidArgument(fn, at, 'must be readable (its getter threw)');
    }
    if (!READ_AS.includes(type as 'numeric'))
      throw invalidArgument(fn, at, "must be 'numeric' or 'categorical'", type);
    readAs.set(name, type as 'numeric' | 'categorical');
  }
  return readAs;
}

/** The `pii` option: names, or a record of name to true or { token }. */
function checkPii(fn: string, value: unknown): Map<string, { token: PiiToken | undefined }> {
  const out = new Map<string, { token: PiiToken | undefined }>();
  if (value === undefined) return out;
  if (Array.isArray(value)) {
    for (const name of checkStrings(fn, 'options.pii', value)) out.set(name, { token: undefined });
    return out;
  }
  const record = checkObject(fn, 'options.pii', value, 'must be an array of feature names or a record');
  for (const name of objectKeys(fn, 'options.pii', record)) {
    const at = `options.pii.${name.length > 60 ? `${name.slice(0, 57)}...` : name}`;
    let entry: unknown;
    try {
      entry = record[name];
    } catch {
      throw invalidArgument(fn, at, 'must be readable (its getter threw)');
    }
    if (entry === true) {
      out.set(name, { token: undefined });
      continue;
    }
    const o = readOptions(fn, entry, ['token'], at);
    if (typeof entry !== 'object' || entry === null || o.token === undefined)
      throw invalidArgument(fn, at, 'must be true or { token: (value) => string }');
    out.set(name, { token: checkFunction<PiiToken>(fn, `${at}.token`, o.token) });
  }
  return out;
}

/** Checks the profile options read by readOptions; shared by profile, createProfiler, profileStream and profileInWorkers. */
export function profileSettings(fn: string, o: RawOptions<keyof ProfileOptions>): ProfileSettings {
  const sizes = checkSizes(fn, o.sketches);
  const readAs = checkTypes(fn, o.types);
  const features = o.features === undefined ? undefined : checkStrings(fn, 'options.features', o.features);
  const chunkRows =
    o.chunkRows === undefined
      ? 65_536
      : checkInteger(fn, 'options.chunkRows', o.chunkRows, 1, MAX_CHUNK_ROWS);
  const onProgress =
    o.onProgress === undefined
      ? undefined
      : checkFunction<(progress: ProfileProgress) => void>(fn, 'options.onProgress', o.onProgress);
  const pii = checkPii(fn, (o as RawOptions<keyof ProfileOptions>).pii);
  return {
    sizes,
    readAs,
    pii,
    only: features ? new Set(features) : undefined,
    features: features ? [...features] : undefined,
    types: readAs.size > 0 ? Object.fromEntries(readAs) : undefined,
    sketches: o.sketches === undefined ? undefined : { ...sizes },
    chunkRows,
    onProgress,
  };
}

/** A profiler, its live state, and the ways to add a Frame already checked and to find a feature's state. */
interface Built {
  readonly profiler: Profiler;
  readonly internals: ProfilerInternals;
  readonly add: (frame: Frame) => void;
  readonly stateFor: (name: string) => FeatureState;
}

function buildProfiler(settings: ProfileSettings): Built {
  const { sizes, readAs, only, chunkRows, onProgress, pii } = settings;
  const internals: ProfilerInternals = { sizes, states: new Map(), rows: 0 };
  const scratch: Scratch = { finite: new Float64Array(0) };
  for (const name of only ?? [])
    internals.states.set(name, createFeature(name, sizes, readAs.get(name) ?? 'auto', pii.get(name)));

  const stateFor = (name: string): FeatureState => {
    let state = internals.states.get(name);
    if (!state) {
      state = createFeature(name, sizes, readAs.get(name) ?? 'auto', pii.get(name));
      state.missing = internals.rows; // absent from every earlier batch
      internals.states.set(name, state);
    }
    return state;
  };

  const add = (frame: Frame) => {
    const n = frame.length;
    const columns = [...frame.columns].filter(([name]) => !only || only.has(name));
    const seen = new Set<FeatureState>();
    const pairs = columns.map(([name, column]) => {
      const state = stateFor(name);
      seen.add(state);
      // ISO-8601 date strings are timestamps (iso-dates.ts), decided per batch over the whole column.
      // A PII feature is hashed and counted as it comes (pii-profile rule in feature.ts).
      const read =
        state.readAs === 'auto' && state.pii === undefined ? (isoDateColumn(column, n) ?? column) : column;
      return [state, read] as const;
    });
    for (const state of internals.states.values()) if (!seen.has(state)) state.missing += n;
    for (let start = 0; start < n; start += chunkRows) {
      const end = Math.min(n, start + chunkRows);
      for (const [state, column] of pairs) addColumn(state, column, start, end, scratch);
      onProgress?.({ rows: internals.rows + end, total: undefined });
    }
    internals.rows += n;
  };

  const profiler: Profiler = {
    get rows() {
      return internals.rows;
    },
    update(batch) {
      add(readFrame('profiler.update', batch, only));
      return profiler;
    },
    merge(other) {
      let theirs = internalsOf(other, 'profiler.merge');
      // Merging a profiler into itself adds its data twice: from a snapshot, not the state being changed.
      if (theirs === internals) theirs = internalsOf(profiler.result(), 'profiler.merge');
      mergeInto(internals, theirs, only, stateFor, 'profiler.merge');
      return profiler;
    },
    result() {
      return toArtifact(internals.rows, sizes, [...internals.states.values()]);
    },
  };
  Object.freeze(profiler);
  (profilers ??= new WeakMap()).set(profiler, internals);
  return { profiler, internals, add, stateFor };
}

function mergeInto(
  internals: ProfilerInternals,
  theirs: ProfilerInternals,
  only: ReadonlySet<string> | undefined,
  stateFor: (name: string) => FeatureState,
  fn: string,
  arg = 'other',
): void {
  if (!sameSizes(theirs.sizes, internals.sizes)) {
    throw new LockstepError(
      'INVALID_ARGUMENT',
      `${fn}: argument '${arg}' has sketch sizes ${JSON.stringify(theirs.sizes)}, ${arg === 'other' ? 'this profiler' : 'profiles[0]'} ${JSON.stringify(internals.sizes)}; only equal sizes merge`,
      { fn, arg },
    );
  }
  for (const [name, state] of internals.states) if (!theirs.states.has(name)) state.missing += theirs.rows;
  for (const [name, state] of theirs.states) {
    if (only && !only.has(name)) continue;
    mergeFeature(stateFor(name), state);
  }
  internals.rows += theirs.rows;
}

/**
 * A profiler for data that arrives in pieces: Arrow record batches, chunks of a file, pages of rows. Memory
 * is bounded by the sketch sizes and one chunk of scratch space, not by the rows seen. Profilers merge with
 * profilers and profile artifacts, so pieces can be profiled on many workers and combined. Each batch's
 * string columns are read as `profile` reads them (ISO-8601 dates as timestamps), decided batch by batch.
 * @example const p = createProfiler(); for await (const batch of reader) p.update(batch); p.result()
 * @throws LockstepError `INVALID_ARGUMENT` for bad options or an unknown option key (naming the closest
 *   known one). Its methods throw as profile does (update), and `INVALID_ARGUMENT` for a merge with
 *   something that is not a profiler or profile, or of other sketch sizes (merge).
 */
export function createProfiler(options: ProfileOptions = {}): Profiler {
  const fn = 'createProfiler';
  return buildProfiler(profileSettings(fn, readOptions(fn, options, PROFILE_KEYS))).profiler;
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
  const live = typeof other === 'object' && other !== null ? profilers?.get(other) : undefined;
  if (live) return live;
  if (!isProfile(other)) {
    if (claimsProfile(other)) sealedProfile(fn, 'other', other); // throws, saying to parse it first
    throw invalidArgument(fn, 'other', 'must be a profiler or a lockstep.profile artifact', other);
  }
  const states = new Map(other.features.map((f) => [f.name, fromFeatureProfile(f, other.sketches)] as const));
  return { sizes: other.sketches, states, rows: other.rows };
}

/**
 * The profile of a data set: per feature, counts (present, missing, NaN, ±Infinity), numeric moments and a
 * KLL quantile sketch, categorical frequencies (exact up to a capacity, then heavy hitters), a
 * HyperLogLog distinct count and string lengths. One pass, O(rows × features); memory bounded by the
 * sketch sizes. Numbers are numeric; Dates, Arrow dates and timestamps, and string columns whose every
 * present value is an ISO-8601 date or date-time (`2026-01-05`, `2026-01-05T10:00:00Z`; strict format,
 * read as UTC without an offset) are timestamps in epoch milliseconds, counted under `types.number`;
 * other strings and booleans are categorical. The profile has no field for why a feature is a timestamp:
 * this rule is it (docs/stats.md). Features listed in `pii` keep no raw value: counts, the HyperLogLog
 * registers and, with a token function, token frequencies (docs/stats.md, PII-safe profiles). Returns a
 * sealed, deeply frozen artifact. Anchors: TFDV statistics,
 * whylogs profiles, DuckDB SUMMARIZE.
 * @example profile([{ x: 1 }, { x: 3 }]).features[0].numeric.mean // => 2
 * @example profile([{ day: '2026-01-05' }, { day: '2026-01-06' }]).features[0].type // => 'timestamp'
 * @example profile([{ email: 'a@b.c' }, { email: 'd@e.f' }], { pii: ['email'] }).features[0].categorical // => { count: 2, distinct: 2, distinctExact: false, frequencies: [], … }
 * @throws LockstepError `INVALID_ARGUMENT` for bad options or an unknown option key (naming the closest
 *   known one), or a malformed Frame; `INVALID_DATA` for unreadable data.
 */
export function profile(data: FrameInput, options: ProfileOptions = {}): ProfileArtifact {
  const fn = 'profile';
  const settings = profileSettings(fn, readOptions(fn, options, PROFILE_KEYS));
  const frame = readFrame(fn, data, settings.only);
  const onProgress = settings.onProgress;
  const { profiler, add } = buildProfiler({
    ...settings,
    onProgress: onProgress && ((p) => onProgress({ rows: p.rows, total: frame.length })),
  });
  add(frame);
  return profiler.result();
}

/**
 * Merges profiles of parts of a data set into the profile of the whole: counts, minimum and maximum exactly,
 * mean and variance to rounding (Chan et al. 1979), distinct counts exactly as sketched (HyperLogLog
 * registers merge losslessly), quantiles and frequencies within their sketches' bounds. Associative and
 * commutative within those bounds. A feature missing from one part counts as missing for its rows.
 * Profiles lockstep did not make or parse (JSON from elsewhere) are parsed first, as parseProfile does.
 * @example mergeProfiles(profile(partA), profile(partB)) // => the profile of partA and partB together
 * @throws LockstepError `INVALID_ARGUMENT` when given no profile, something that is not a profile, or
 *   profiles of different sketch sizes; `INVALID_ARTIFACT` for a malformed profile (naming `profiles[i]`).
 */
export function mergeProfiles(...profiles: ProfileArtifact[]): ProfileArtifact {
  const fn = 'mergeProfiles';
  if (profiles.length === 0)
    throw invalidArgument(fn, 'profiles', 'must hold at least one profile', profiles);
  const checked = profiles.map((p, i) => {
    if (isProfile(p)) return p;
    let object: boolean;
    try {
      object = typeof p === 'object' && p !== null && !Array.isArray(p);
    } catch {
      object = false;
    }
    if (typeof p === 'string' || object) return parseProfileAs(p, fn, `profiles[${i}]`);
    throw invalidArgument(fn, `profiles[${i}]`, 'must be a lockstep.profile artifact', describe(p));
  });
  const { profiler, internals, stateFor } = buildProfiler(
    profileSettings(fn, { sketches: checked[0]!.sketches }),
  );
  checked.forEach((p, i) => {
    mergeInto(internals, internalsOf(p, fn), undefined, stateFor, fn, `profiles[${i}]`);
  });
  return profiler.result();
}

/** What a stream may yield: single rows, or whole batches (arrays of rows, Arrow tables or record batches, Frames). */
export type StreamItem = Readonly<Record<string, unknown>> | FrameInput;

/** A stream item that is a batch (rows, a Frame, an Arrow table or record batch), not a single row. */
function isBatch(fn: string, item: unknown, index: number): boolean {
  try {
    return (
      Array.isArray(item) ||
      isFrame(item) ||
      (typeof item === 'object' && item !== null && isArrowTable(item))
    );
  } catch {
    throw invalidArgument(fn, `source item ${index}`, 'must be a readable row or batch (reading it threw)');
  }
}

/**
 * The profile of a stream: an iterable or async iterable of rows (objects) or of batches (arrays of rows,
 * Arrow tables or record batches, Frames), in any mix. Rows are gathered into batches of `batchRows`
 * (default 65,536, at most 2^24) before they are profiled, so memory stays bounded by one batch and the
 * sketches. A plain object is taken as a row: pass a record of columns through `toFrame` to send it as a
 * batch. Each batch's string columns are read as `profile` reads them (ISO-8601 dates as timestamps).
 * @example await profileStream(readNdjsonLines(file)) // => the profile of every line
 * @throws LockstepError as createProfiler and profiler.update, and `INVALID_ARGUMENT` for a source that is
 *   not an iterable or a bad `batchRows`; the stream's own errors reject the promise.
 */
export async function profileStream(
  source: Iterable<StreamItem> | AsyncIterable<StreamItem>,
  options: ProfileOptions & { readonly batchRows?: number } = {},
): Promise<ProfileArtifact> {
  const fn = 'profileStream';
  const o = readOptions(fn, options, STREAM_KEYS);
  const batchRows =
    o.batchRows === undefined
      ? 65_536
      : checkInteger(fn, 'options.batchRows', o.batchRows, 1, MAX_CHUNK_ROWS);
  const settings = profileSettings(fn, o);
  const { profiler, add } = buildProfiler(settings);
  let iterable: boolean;
  try {
    iterable =
      source !== null &&
      typeof source === 'object' &&
      (Symbol.asyncIterator in source || Symbol.iterator in source);
  } catch {
    iterable = false;
  }
  if (!iterable)
    throw invalidArgument(fn, 'source', 'must be an iterable or async iterable of rows or batches', source);
  let rows: unknown[] = [];
  const flush = () => {
    if (rows.length > 0) add(readFrame(fn, rows, settings.only));
    rows = [];
  };
  const take = (item: unknown, index: number) => {
    if (isBatch(fn, item, index)) {
      flush();
      add(readFrame(fn, item, settings.only));
    } else {
      rows.push(item);
      if (rows.length >= batchRows) flush();
    }
  };
  // Iterated by hand rather than with for-await, which would await every item of a sync iterable and so
  // read a `then` property of each row.
  let index = 0;
  if (Symbol.asyncIterator in source) {
    const it = (source as AsyncIterable<StreamItem>)[Symbol.asyncIterator]();
    for (let step = await it.next(); !step.done; step = await it.next()) take(step.value, index++);
  } else {
    for (const item of source as Iterable<StreamItem>) take(item, index++);
  }
  flush();
  return profiler.result();
}
