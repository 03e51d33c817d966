// The fitted transform as an artifact kind, declared once with core's defineArtifact: the JSON shape with
// zod/mini (no unknown keys, bounded lists and names), every step's options and fitted values by the same
// checks `fit` applies to a spec, the output layout recomputed and compared, and the fingerprint. What
// `parseTransform` returns is deeply frozen and remembered, like what `fit` returns (kind.ts), so `apply`
// trusts either in O(1).
import * as z from 'zod/mini';
import {
  type ArtifactKind,
  type ArtifactLimits,
  artifactIssue,
  DEFAULT_ARTIFACT_LIMITS,
  defineArtifact,
  invalidArtifact,
  type ParseArtifactOptions,
  readArtifactJson,
  readParseOptions,
} from '../core/artifact.js';
import { invalidArgument, isLockstepError, type LockstepError } from '../core/errors.js';
import { columnsProblem, compileFeature, MAX_COLUMNS } from './kernel.js';
import { isTransform, TRANSFORM_KIND } from './kind.js';
import { chainKind, checkStep, MAX_CHAIN, MAX_FEATURES } from './normalize.js';
import type { FeatureSpec, Step } from './spec.js';
import { MAX_NAME } from './steps/common.js';
import { MAX_CROSS } from './steps/cross.js';
import { stepRules } from './steps/index.js';
import type { FittedStep, TransformArtifact } from './types.js';

/**
 * The problem after "fn: argument 'arg' " in a LockstepError's message (the head every checker writes, see
 * core/errors.ts): what the error says is wrong, without the function and argument.
 */
function problemOf(error: LockstepError): string {
  const head = `${error.fn}: argument '`;
  const end = error.message.startsWith(head) ? error.message.indexOf("' ", head.length) : -1;
  return end < 0 ? error.message : error.message.slice(end + 2);
}

/** A path under a step (`fitted.values.3`, `step.buckets`) as JSON path segments, numbers as indices. */
function segments(path: string): (string | number)[] {
  return path
    .split('.')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function transformShape(): z.ZodMiniType<TransformArtifact> {
  const count = z.number().check(z.int(), z.nonnegative());
  const name = z.string().check(z.maxLength(MAX_NAME));
  const feature = z.strictObject({
    name,
    inputs: z.array(name).check(z.minLength(1), z.maxLength(MAX_CROSS)),
    kind: z.enum(['number', 'category', 'time', 'list']),
    steps: z.array(z.record(z.string(), z.unknown())).check(z.minLength(1), z.maxLength(MAX_CHAIN)),
    role: z.enum(['input', 'weight']),
    offset: count,
    width: count,
  });
  return z
    .strictObject({
      kind: z.literal(TRANSFORM_KIND),
      formatVersion: z.literal(1),
      features: z.array(feature).check(z.minLength(1), z.maxLength(MAX_FEATURES)),
      columns: z
        .array(
          z.strictObject({ index: count, name: z.string().check(z.maxLength(4 * MAX_NAME)), feature: name }),
        )
        .check(z.maxLength(MAX_COLUMNS)),
      rows: count,
      schema: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
      fingerprint: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    })
    .check(
      z.superRefine((t, ctx) => {
        const names = new Set<string>();
        t.features.forEach((f, i) => {
          const issue = (path: PropertyKey[], message: string) =>
            ctx.issues.push({ code: 'custom', input: f, path: ['features', i, ...path], message });
          if (names.has(f.name)) issue(['name'], `duplicate feature ${JSON.stringify(f.name)}`);
          names.add(f.name);
          f.steps.forEach((step, j) => {
            try {
              checkStep('parseTransform', 'step', step, true);
            } catch (error) {
              if (!isLockstepError(error)) throw error;
              // error.arg is 'step' or 'step.<key>': the path under the step, and the problem after it.
              issue(['steps', j, ...segments((error.arg ?? 'step').slice('step'.length))], problemOf(error));
              return;
            }
            const problem = stepRules((step as unknown as FittedStep).type).fittedProblem(
              step as unknown as FittedStep,
            );
            if (problem) issue(['steps', j, ...segments(problem[0])], problem[1]);
          });
        });
      }),
    ) as unknown as z.ZodMiniType<TransformArtifact>;
}

/**
 * The layout checks zod cannot express: each chain is one the kernel runs, and each feature's kind, role,
 * inputs, offset and width, and every output column, are the ones its steps give. Reports the first
 * problem only (a wrong offset would make every later one wrong too).
 */
function layoutProblem(t: TransformArtifact): readonly [path: string, message: string] | undefined {
  let offset = 0;
  let columns = 0;
  let weights = 0;
  for (let i = 0; i < t.features.length; i++) {
    const f = t.features[i]!;
    const at = `$.features[${i}]`;
    let kind: string;
    try {
      kind = chainKind('parseTransform', 'steps', f.steps);
    } catch (error) {
      if (!isLockstepError(error)) throw error;
      return [`${at}.steps`, error.message.slice(`${error.fn}: `.length)];
    }
    if (kind !== f.kind) return [`${at}.kind`, `must be ${JSON.stringify(kind)} for these steps`];
    const first = f.steps[0]!;
    const role = first.type === 'recencyWeight' ? 'weight' : 'input';
    if (role !== f.role) return [`${at}.role`, `must be ${JSON.stringify(role)} for these steps`];
    if (role === 'weight' && ++weights > 1) return [`${at}.role`, 'must not be a second weight'];
    const inputs =
      first.type === 'cross' ? first.inputs : first.type === 'recencyWeight' ? [first.column] : undefined;
    if (inputs ? JSON.stringify(inputs) !== JSON.stringify(f.inputs) : f.inputs.length !== 1)
      return [`${at}.inputs`, inputs ? `must be ${JSON.stringify(inputs)}` : 'must name one column'];
    if (f.offset !== offset) return [`${at}.offset`, `must be ${offset}`];
    let names: readonly string[];
    try {
      names = compileFeature(f, (columns) => {
        if (offset + columns > MAX_COLUMNS)
          throw invalidArgument('parseTransform', 'json', columnsProblem(offset + columns));
      }).names;
    } catch (error) {
      if (!isLockstepError(error)) throw error;
      return [`${at}.steps`, problemOf(error)];
    }
    if (offset + names.length > MAX_COLUMNS) return [`${at}.steps`, columnsProblem(offset + names.length)];
    const width = role === 'weight' ? 0 : names.length;
    if (f.width !== width) return [`${at}.width`, `must be ${width} for these steps`];
    for (const name of role === 'weight' ? [] : names) {
      const c = t.columns[columns];
      if (!c || c.index !== columns || c.name !== name || c.feature !== f.name)
        return [
          `$.columns[${columns}]`,
          `must be ${JSON.stringify({ index: columns, name, feature: f.name })}`,
        ];
      columns++;
    }
    offset += width;
  }
  return t.columns.length !== columns ? [`$.columns[${columns}]`, 'is one column too many'] : undefined;
}

let kind: ArtifactKind<TransformArtifact> | undefined;

/** The transform's artifact kind (defined on first use: no work at import). */
function transformKind(): ArtifactKind<TransformArtifact> {
  kind ??= defineArtifact<TransformArtifact>({
    kind: TRANSFORM_KIND,
    formatVersion: 1,
    shape: transformShape,
    check(t, report) {
      const problem = layoutProblem(t);
      if (problem) report(problem[0], problem[1]);
    },
  });
  return kind;
}

/** Lists longer than their bound, found before zod walks them (a sparse 2^32 − 1 array is one check). */
function listLengths(value: unknown): { path: string; message: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const t = value as { features?: unknown; columns?: unknown };
  const long = (v: unknown, max: number) => Array.isArray(v) && v.length > max;
  if (long(t.columns, MAX_COLUMNS))
    return { path: '$.columns', message: `must have at most ${MAX_COLUMNS} items` };
  if (long(t.features, MAX_FEATURES))
    return { path: '$.features', message: `must have at most ${MAX_FEATURES} items` };
  if (!Array.isArray(t.features)) return undefined;
  for (let i = 0; i < t.features.length; i++) {
    const f = t.features[i] as { steps?: unknown; inputs?: unknown } | null | undefined;
    if (typeof f !== 'object' || f === null) continue;
    if (long(f.steps, MAX_CHAIN))
      return { path: `$.features[${i}].steps`, message: `must have at most ${MAX_CHAIN} items` };
    if (long(f.inputs, MAX_CROSS))
      return { path: `$.features[${i}].inputs`, message: `must have at most ${MAX_CROSS} items` };
  }
  return undefined;
}

/** Parses for `fn`: a sealed transform as it is; any other value copied first, then checked. */
function parseFor(
  fn: string,
  json: unknown,
  arg: string,
  limits: ArtifactLimits = DEFAULT_ARTIFACT_LIMITS,
): TransformArtifact {
  if (isTransform(json)) return json;
  let value = json;
  if (typeof json === 'object' && json !== null) {
    // Core's bounded reader first (depth, sizes, forbidden keys, getters, without recursing), then a copy
    // lockstep owns: the caller's object is never frozen, and a getter or Proxy is read once here.
    const checked = readArtifactJson(fn, TRANSFORM_KIND, json, arg, limits);
    try {
      value = structuredClone(checked);
    } catch {
      throw invalidArtifact(
        fn,
        TRANSFORM_KIND,
        [artifactIssue('$', 'could not be read (a getter or Proxy threw, or it is not plain data)')],
        arg,
      );
    }
  } else if (typeof json === 'string') {
    // Core's bounded reader parses the text (its size checked first; a JSON error reported with its message).
    value = readArtifactJson(fn, TRANSFORM_KIND, json, arg, limits);
  }
  const long = listLengths(value);
  if (long) throw invalidArtifact(fn, TRANSFORM_KIND, [artifactIssue(long.path, long.message)], arg);
  return transformKind().parse(value, fn, arg, limits);
}

/**
 * Parses and validates a fitted transform (JSON text or a parsed value): the shape (no unknown keys; at
 * most 65,536 features, 32 steps a chain and 1,048,576 output columns; names of at most 1,024
 * characters), every step's options and fitted values, that each chain is one the kernel runs, that the
 * kind, inputs, offsets, widths and output columns are the ones its steps give, and the fingerprint. The
 * result is deeply frozen, and the caller's object is left as it was; a transform lockstep made or parsed
 * is returned as it is, in O(1). Artifacts of every earlier formatVersion load (there is one so far).
 * `options.limits` bounds the JSON before anything else reads it (core's DEFAULT_ARTIFACT_LIMITS: 64 MiB
 * of text, nesting 64 deep, …; docs/conventions.md). O(size of the artifact).
 * @throws LockstepError `INVALID_ARTIFACT` with the JSON path of the first problem (`path`, and every
 *   problem found in `issues`).
 */
export function parseTransform(json: unknown, options?: ParseArtifactOptions): TransformArtifact {
  return parseFor('parseTransform', json, 'json', readParseOptions('parseTransform', options));
}

/**
 * The transform argument of a function that reads one without applying it (diffTransforms, specOf): a
 * transform lockstep made or parsed is used as it is; any other object is parsed, so an edited or corrupted
 * one is an INVALID_ARTIFACT with its path; anything else is an INVALID_ARGUMENT.
 */
export function transformArgument(fn: string, value: unknown, arg: string): TransformArtifact {
  if (isTransform(value)) return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidArgument(fn, arg, 'must be a lockstep.transform artifact', value);
  return parseFor(fn, value, arg);
}

/**
 * The spec a fitted transform was fitted from: each feature's steps without their fitted values, for
 * refitting on new data (`fit(specOf(old), data)`) with the same definition. A plain object is parsed
 * first. O(size of the artifact).
 * @example specOf(fit({ x: standardize() }, { x: [1, 2] })).x[0].type // => 'standardize'
 * @throws LockstepError `INVALID_ARGUMENT` for a value that is not a transform; `INVALID_ARTIFACT` for a
 *   malformed one.
 */
export function specOf(fitted: TransformArtifact): Record<string, FeatureSpec> {
  const t = transformArgument('specOf', fitted, 'fitted');
  const spec: Record<string, FeatureSpec> = {};
  // defineProperty, so a feature named "__proto__" is a key like any other, never the object's prototype.
  const set = (name: string, value: FeatureSpec) =>
    Object.defineProperty(spec, name, { value, enumerable: true, writable: true, configurable: true });
  for (const f of t.features) {
    const steps = f.steps.map((s) => {
      const { fitted: _fitted, ...options } = s as FittedStep & { fitted?: unknown };
      for (const key of Object.keys(options)) {
        const v = (options as Record<string, unknown>)[key];
        if (Array.isArray(v)) (options as Record<string, unknown>)[key] = [...v];
      }
      return options as Step;
    });
    const first = steps[0]!;
    const own = first.type === 'cross' || first.type === 'recencyWeight' || f.inputs[0] === f.name;
    set(f.name, own ? steps : { input: f.inputs[0]!, steps });
  }
  return spec;
}
