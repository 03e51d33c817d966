// Lineage: where a version came from, typed and checked once when it is registered.
import { checkInteger, checkNumber, objectKeys, readOptions } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import { checkKey, checkText, MAX_NAME } from './names.js';
import type { Lineage, ModelVersion } from './types.js';

const LINEAGE_KEYS = [
  'dataFingerprint',
  'split',
  'seed',
  'schemaFingerprint',
  'transformFingerprint',
  'profileFingerprint',
  'hyperparameters',
  'codeVersion',
  'parent',
] as const;

const HEX64 = /^[0-9a-f]{64}$/;
/** Most hyperparameters or split weights a lineage holds. */
export const MAX_ENTRIES = 1024;

/** Checks a lineage and returns a plain copy (the parent ref is left for the registry to resolve). */
export function checkLineage(fn: string, arg: string, v: unknown): Lineage {
  const o = readOptions(fn, v, LINEAGE_KEYS, arg);
  const out: Record<string, unknown> = {};
  for (const key of [
    'dataFingerprint',
    'schemaFingerprint',
    'transformFingerprint',
    'profileFingerprint',
  ] as const) {
    const f = o[key];
    if (f === undefined) continue;
    if (typeof f !== 'string' || !HEX64.test(f))
      throw invalidArgument(fn, `${arg}.${key}`, 'must be a fingerprint (64 lower-case hex digits)', f);
    out[key] = f;
  }
  if (o.split !== undefined) {
    const s = readOptions(fn, o.split, ['salt', 'weights'], `${arg}.split`);
    const salt = checkText(fn, `${arg}.split.salt`, s.salt, MAX_NAME * 8);
    const weights = readRecord(fn, `${arg}.split.weights`, s.weights, (k, w) =>
      checkNumber(fn, `${arg}.split.weights.${k}`, w, { min: 0 }),
    );
    out.split = { salt, weights };
  }
  if (o.seed !== undefined) {
    out.seed =
      typeof o.seed === 'string'
        ? checkText(fn, `${arg}.seed`, o.seed, MAX_NAME * 8)
        : checkInteger(fn, `${arg}.seed`, o.seed);
  }
  if (o.hyperparameters !== undefined) {
    out.hyperparameters = readRecord(fn, `${arg}.hyperparameters`, o.hyperparameters, (k, h) => {
      if (typeof h === 'string') return checkText(fn, `${arg}.hyperparameters.${k}`, h);
      if (typeof h === 'number') return checkNumber(fn, `${arg}.hyperparameters.${k}`, h);
      if (typeof h === 'boolean' || h === null) return h;
      throw invalidArgument(
        fn,
        `${arg}.hyperparameters.${k}`,
        'must be a string, finite number, boolean or null',
        h,
      );
    });
  }
  if (o.codeVersion !== undefined) out.codeVersion = checkText(fn, `${arg}.codeVersion`, o.codeVersion, 1024);
  if (o.parent !== undefined) out.parent = checkText(fn, `${arg}.parent`, o.parent, 2 * MAX_NAME + 12);
  return out as Lineage;
}

/** Reads a record of checked values with checked keys, at most MAX_ENTRIES of them. */
export function readRecord<T>(
  fn: string,
  arg: string,
  v: unknown,
  value: (key: string, v: unknown) => T,
  max = MAX_ENTRIES,
): Record<string, T> {
  const keys = objectKeys(fn, arg, v);
  if (keys.length > max)
    throw invalidArgument(fn, arg, `must have at most ${max} entries, got ${keys.length}`);
  const out = Object.create(null) as Record<string, T>;
  for (const key of keys) {
    checkKey(fn, `${arg} key`, key);
    let item: unknown;
    try {
      item = (v as Record<string, unknown>)[key];
    } catch {
      throw invalidArgument(fn, `${arg}.${key}`, 'must be readable (its getter threw)');
    }
    out[key] = value(key, item);
  }
  return { ...out };
}

/**
 * How old a version is at `now`, in milliseconds: `now − createdAt`. Time is an argument, never read here.
 * @example modelAge(await createMemoryRegistry({ now: () => 0 }).createVersion({ name: 'm' }), 86_400_000) // => 86400000 (one day)
 * @throws LockstepError `INVALID_ARGUMENT` for a `now` that is not a finite number or valid Date.
 */
export function modelAge(version: ModelVersion, now: number | Date): number {
  let t: unknown;
  let created = Number.NaN;
  try {
    t = now instanceof Date ? now.getTime() : now;
    const at = (version as { createdAt?: unknown } | undefined)?.createdAt;
    if (typeof at === 'string' && at.length <= 64) created = Date.parse(at);
  } catch {
    created = Number.NaN;
  }
  const nowMs = checkNumber('modelAge', 'now', t);
  if (!Number.isFinite(created))
    throw invalidArgument('modelAge', 'version', 'must be a ModelVersion with an ISO createdAt', version);
  return nowMs - created;
}
