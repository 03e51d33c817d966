// Loading a fitted transform: the JSON shape with zod/mini, every step's options and fitted values by the
// same checks `fit` applies to a spec, the output layout recomputed and compared, and the fingerprint.
import * as z from 'zod/mini';
import { checkFingerprint, parseArtifact } from '../core/artifact.js';
import { LockstepError } from '../core/errors.js';
import { compileFeature } from './kernel.js';
import { chainKind, checkStep } from './normalize.js';
import type { FeatureSpec, Step } from './spec.js';
import type { FittedProblem } from './steps/common.js';
import { stepRules } from './steps/index.js';
import type { FittedStep, TransformArtifact } from './types.js';

const WHAT = 'lockstep.transform';

let shape: z.ZodMiniType<TransformArtifact> | undefined;

/** The problem with a step's `fitted` values (its definition checks them), or undefined when they are right. */
function fittedProblem(step: FittedStep): FittedProblem | undefined {
  return stepRules(step.type).fittedProblem(step);
}

function transformShape(): z.ZodMiniType<TransformArtifact> {
  if (shape) return shape;
  const count = z.number().check(z.int(), z.nonnegative());
  const feature = z.object({
    name: z.string(),
    inputs: z.array(z.string()).check(z.minLength(1)),
    kind: z.enum(['number', 'category', 'time', 'list']),
    steps: z.array(z.record(z.string(), z.unknown())).check(z.minLength(1)),
    role: z.enum(['input', 'weight']),
    offset: count,
    width: count,
  });
  shape = z
    .object({
      kind: z.literal(WHAT),
      formatVersion: z.literal(1),
      features: z.array(feature).check(z.minLength(1)),
      columns: z.array(z.object({ index: count, name: z.string(), feature: z.string() })),
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
              // "parseTransform: argument 'step.buckets' must …" → path …steps[j].buckets, message "must …".
              const [, key = '', message = ''] =
                /^parseTransform: argument 'step((?:\.[^']*)?)' (.*)$/s.exec((error as Error).message) ?? [];
              issue(['steps', j, ...key.split('.').filter(Boolean)], message);
              return;
            }
            const problem = fittedProblem(step as unknown as FittedStep);
            if (problem) issue(['steps', j, ...problem[0].split('.')], problem[1]);
          });
        });
      }),
    ) as unknown as z.ZodMiniType<TransformArtifact>;
  return shape;
}

/** Throws INVALID_ARTIFACT at `path`. */
function invalid(path: string, message: string): LockstepError {
  return new LockstepError(
    'INVALID_ARTIFACT',
    `parseTransform: argument 'json' is not a valid ${WHAT}: ${path}: ${message}`,
    [{ path, message }],
  );
}

/**
 * Parses and validates a fitted transform (JSON text or a parsed value): the shape, every step's options
 * and fitted values, that each chain is one the kernel runs, that the kind, inputs, offsets, widths and
 * output columns are the ones its steps give, and the fingerprint. Artifacts of every earlier
 * formatVersion load (there is one so far). O(size of the artifact).
 * @throws LockstepError `INVALID_ARTIFACT` with the JSON path of the first problem.
 */
export function parseTransform(json: unknown): TransformArtifact {
  const t = parseArtifact('parseTransform', WHAT, json, transformShape());
  let offset = 0;
  let columns = 0;
  let weights = 0;
  t.features.forEach((f, i) => {
    const at = `$.features[${i}]`;
    let kind: string;
    try {
      kind = chainKind('parseTransform', 'steps', f.steps);
    } catch (error) {
      throw invalid(`${at}.steps`, (error as Error).message.replace(/^parseTransform: /, ''));
    }
    if (kind !== f.kind) throw invalid(`${at}.kind`, `must be ${JSON.stringify(kind)} for these steps`);
    const first = f.steps[0]!;
    const role = first.type === 'recencyWeight' ? 'weight' : 'input';
    if (role !== f.role) throw invalid(`${at}.role`, `must be ${JSON.stringify(role)} for these steps`);
    if (role === 'weight' && ++weights > 1) throw invalid(`${at}.role`, 'must not be a second weight');
    const inputs =
      first.type === 'cross' ? first.inputs : first.type === 'recencyWeight' ? [first.column] : undefined;
    if (inputs ? JSON.stringify(inputs) !== JSON.stringify(f.inputs) : f.inputs.length !== 1)
      throw invalid(`${at}.inputs`, inputs ? `must be ${JSON.stringify(inputs)}` : 'must name one column');
    if (f.offset !== offset) throw invalid(`${at}.offset`, `must be ${offset}`);
    const names = compileFeature(f).names;
    const width = role === 'weight' ? 0 : names.length;
    if (f.width !== width) throw invalid(`${at}.width`, `must be ${width} for these steps`);
    for (const name of role === 'weight' ? [] : names) {
      const c = t.columns[columns];
      if (!c || c.index !== columns || c.name !== name || c.feature !== f.name) {
        throw invalid(
          `$.columns[${columns}]`,
          `must be ${JSON.stringify({ index: columns, name, feature: f.name })}`,
        );
      }
      columns++;
    }
    offset += width;
  });
  if (t.columns.length !== columns) throw invalid(`$.columns[${columns}]`, 'is one column too many');
  checkFingerprint('parseTransform', WHAT, t);
  return t;
}

/**
 * The spec a fitted transform was fitted from: each feature's steps without their fitted values, for
 * refitting on new data (`fit(specOf(old), data)`) with the same definition. O(size of the artifact).
 * @example specOf(fit({ x: standardize() }, { x: [1, 2] })).x[0].type // => 'standardize'
 */
export function specOf(fitted: TransformArtifact): Record<string, FeatureSpec> {
  const spec: Record<string, FeatureSpec> = {};
  for (const f of fitted.features) {
    const steps = f.steps.map((s) => {
      const { fitted: _fitted, ...options } = s as FittedStep & { fitted?: unknown };
      return options as Step;
    });
    const first = steps[0]!;
    const own = first.type === 'cross' || first.type === 'recencyWeight' || f.inputs[0] === f.name;
    spec[f.name] = own ? steps : { input: f.inputs[0]!, steps };
  }
  return spec;
}
