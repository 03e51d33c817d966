// PII features: which features of a schema hold personal data, how a value of one is described where a
// value would otherwise be shown (anomalies, messages), and how a row is redacted for a host's own logs.
// The rule, written once:
//
// - A feature is PII when the schema says `pii: true`. A person decides that (or `markPii` on their
//   word); inferSchema never does, it only suggests (suggest-pii.ts).
// - A PII value is never shown: where lockstep would show a value (an anomaly's examples, its `values`,
//   its message) it shows `redactedDescription(value)`, the value's type and, for strings and arrays, its
//   length. A range of PII numbers is left out (its ends are two values).
// - `redact(row, schema)` is for the host's logs: a shallow copy with every PII value (not null, not
//   undefined: a missing value says nothing about a person) replaced by a fixed marker. Columns the schema
//   does not list are dropped unless `unknown: 'keep'`: nobody has reviewed them, and a new column is how
//   personal data usually slips into logs (a client starts sending `contact` next to `email`).
import { checkChoice, checkString, didYouMean, readOptions } from '../core/check.js';
import { invalidArgument } from '../core/errors.js';
import { isDate } from '../core/frame.js';
import { SCHEMA_LIMITS, type SchemaArtifact, type SchemaBody, schemaArgument, sealBody } from './artifact.js';

/** The marker `redact` writes in place of a PII value by default. */
export const REDACTED = '[redacted]';

/**
 * What a PII value is, without what it says: its type and, for a string or an array, its length. Used in
 * anomalies and messages in place of the value. O(1).
 * @example redactedDescription('canary@example.com') // => '[redacted string of length 18]'
 * @example redactedDescription(4155550123) // => '[redacted number]'
 */
export function redactedDescription(value: unknown): string {
  if (typeof value === 'string') return `[redacted string of length ${value.length}]`;
  if (Array.isArray(value)) return `[redacted array of length ${value.length}]`;
  if (value === null) return '[redacted null]';
  try {
    if (isDate(value)) return '[redacted Date]';
  } catch {
    return '[redacted object]';
  }
  return `[redacted ${typeof value}]`;
}

/**
 * The names of a schema's PII features (`pii: true`), in schema order. O(features).
 * @example piiFeatures(markPii(inferSchema([{ email: 'a@b.c', n: 1 }]), ['email'])) // => ['email']
 * @throws LockstepError `INVALID_ARGUMENT` for a value that is not a schema; `INVALID_ARTIFACT` for a
 *   malformed one.
 */
export function piiFeatures(schema: SchemaArtifact): readonly string[] {
  const s = schemaArgument('piiFeatures', schema);
  return s.features.filter((f) => f.pii === true).map((f) => f.name);
}

/**
 * A new sealed schema with the named features marked `pii: true` (artifacts are frozen: the given schema
 * is not changed). A marked categorical feature loses its domain (`categorical`, values and minDomainMass),
 * which would hold raw values; its `reason` (inferSchema's reasons hold counts, never values) says so. Marking a feature
 * already marked changes nothing. The fingerprint changes, as any edit's does. O(features).
 * @example markPii(inferSchema([{ email: 'a@b.c', n: 1 }]), ['email']).features.map((f) => f.pii === true) // => [true, false]
 * @throws LockstepError `INVALID_ARGUMENT` for a value that is not a schema, a list that is not of distinct
 *   strings, or a name the schema does not have (naming the closest one); `INVALID_ARTIFACT` for a
 *   malformed schema.
 */
export function markPii(schema: SchemaArtifact, features: readonly string[]): SchemaArtifact {
  const fn = 'markPii';
  const s = schemaArgument(fn, schema);
  if (!Array.isArray(features)) throw invalidArgument(fn, 'features', 'must be an array of feature names');
  const names = s.features.map((f) => f.name);
  const wanted = new Set<string>();
  features.forEach((name, i) => {
    checkString(fn, `features[${i}]`, name, 1024);
    if (!names.includes(name))
      throw invalidArgument(
        fn,
        `features[${i}]`,
        `must name a feature of the schema${didYouMean(name, names)}`,
        name,
      );
    wanted.add(name);
  });
  const { fingerprint: _old, ...body } = s;
  const next: SchemaBody = {
    ...body,
    features: s.features.map((f) => {
      if (!wanted.has(f.name)) return f;
      // The domain (with its minDomainMass) goes: an empty one would refuse every value.
      const { categorical, ...rest } = f;
      if (categorical === undefined) return { ...rest, pii: true };
      const note = '; marked pii: domain removed';
      const reason =
        rest.reason !== undefined && rest.reason.length + note.length <= SCHEMA_LIMITS.text
          ? { reason: `${rest.reason}${note}` }
          : {};
      return { ...rest, ...reason, pii: true };
    }),
  };
  return sealBody(fn, next);
}

/** Options of `redact`. */
export interface RedactOptions {
  /**
   * Columns the schema does not list: `'drop'` (default: nobody reviewed them, so they may hold personal
   * data) or `'keep'`.
   */
  readonly unknown?: 'keep' | 'drop';
  /** What replaces a PII value. Default `'[redacted]'` (REDACTED); at most 256 characters. */
  readonly marker?: string;
}

const REDACT_KEYS: readonly (keyof RedactOptions)[] = ['unknown', 'marker'];

/**
 * A copy of a row for the host's own logs: every value of a PII feature (`pii: true`) that is not null or
 * undefined becomes the marker, columns the schema does not list are dropped (or kept, `unknown:
 * 'keep'`), and every other value is copied as it is (a shallow copy). Pure: the row is not changed.
 * Only the row's own enumerable keys are read; a key such as `__proto__` stays a plain key. O(columns).
 * @example redact({ email: 'a@b.c', n: 1, extra: 2 }, markPii(inferSchema([{ email: 'x@y.z', n: 1 }]), ['email'])) // => { email: '[redacted]', n: 1 }
 * @throws LockstepError `INVALID_ARGUMENT` for a row that is not an object or cannot be read (the message
 *   never shows the row), a value that is not a schema, or bad options; `INVALID_ARTIFACT` for a
 *   malformed schema.
 */
export function redact(
  row: Readonly<Record<string, unknown>>,
  schema: SchemaArtifact,
  options?: RedactOptions,
): Record<string, unknown> {
  const fn = 'redact';
  const s = schemaArgument(fn, schema);
  const o = readOptions(fn, options, REDACT_KEYS);
  const unknown =
    o.unknown === undefined ? 'drop' : checkChoice(fn, 'options.unknown', o.unknown, ['keep', 'drop']);
  const marker = o.marker === undefined ? REDACTED : checkString(fn, 'options.marker', o.marker, 256);
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw invalidArgument(fn, 'row', `must be an object (a row), got ${redactedDescription(row)}`);
  const pii = new Set<string>();
  const known = new Set<string>();
  for (const f of s.features) {
    known.add(f.name);
    if (f.pii === true) pii.add(f.name);
  }
  const out: [string, unknown][] = [];
  try {
    for (const key of Object.keys(row)) {
      const value = (row as Record<string, unknown>)[key];
      if (pii.has(key)) out.push([key, value === null || value === undefined ? value : marker]);
      else if (known.has(key) || unknown === 'keep') out.push([key, value]);
    }
  } catch {
    throw invalidArgument(fn, 'row', 'could not be read (a getter or proxy threw)');
  }
  // fromEntries defines own properties, so a key named `__proto__` cannot set the copy's prototype.
  return Object.fromEntries(out);
}
