// What changed between two fitted transforms. A changed boundary, vocabulary or layout changes what a model
// input means, so every such change is listed, never summarised away.
import { invalidArgument } from '../core/errors.js';
import { canonicalJson } from '../core/fingerprint.js';
import type { FittedFeature, FittedStep, TransformArtifact } from './types.js';

export type TransformChangeCode =
  | 'FEATURE_ADDED'
  | 'FEATURE_REMOVED'
  | 'INPUTS_CHANGED'
  | 'STEPS_CHANGED'
  | 'FITTED_CHANGED'
  | 'VOCABULARY_CHANGED'
  | 'LAYOUT_CHANGED'
  | 'SCHEMA_CHANGED';

/** One difference between two transforms. */
export interface TransformChange {
  readonly code: TransformChangeCode;
  /** The feature, when the change is in one. */
  readonly feature?: string;
  /** The step's index in the feature's chain, when the change is in one step. */
  readonly step?: number;
  readonly message: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

function options(step: FittedStep): string {
  const { fitted: _fitted, ...rest } = step as FittedStep & { fitted?: unknown };
  return canonicalJson(rest);
}

function stepChanges(name: string, a: FittedFeature, b: FittedFeature): TransformChange[] {
  const changes: TransformChange[] = [];
  if (canonicalJson(a.inputs) !== canonicalJson(b.inputs)) {
    changes.push({
      code: 'INPUTS_CHANGED',
      feature: name,
      message: `feature '${name}' reads ${b.inputs.join(', ')} instead of ${a.inputs.join(', ')}`,
      before: a.inputs,
      after: b.inputs,
    });
  }
  if (a.steps.length !== b.steps.length || a.steps.some((s, i) => options(s) !== options(b.steps[i]!))) {
    changes.push({
      code: 'STEPS_CHANGED',
      feature: name,
      message: `feature '${name}' has steps [${b.steps.map((s) => s.type).join(', ')}] with other options than [${a.steps.map((s) => s.type).join(', ')}]`,
      before: a.steps.map(options).map((s) => JSON.parse(s)),
      after: b.steps.map(options).map((s) => JSON.parse(s)),
    });
    return changes;
  }
  a.steps.forEach((sa, i) => {
    const sb = b.steps[i]!;
    const fa = (sa as { fitted?: unknown }).fitted;
    const fb = (sb as { fitted?: unknown }).fitted;
    if (canonicalJson(fa ?? null) === canonicalJson(fb ?? null)) return;
    if (sa.type === 'vocabulary' && sb.type === 'vocabulary') {
      const va = sa.fitted.values;
      const vb = sb.fitted.values;
      const inB = new Set(vb);
      const inA = new Set(va);
      const added = vb.filter((v) => !inA.has(v));
      const removed = va.filter((v) => !inB.has(v));
      const moved = va.filter((v, j) => inB.has(v) && vb[j] !== v).length;
      if (added.length + removed.length + moved > 0) {
        changes.push({
          code: 'VOCABULARY_CHANGED',
          feature: name,
          step: i,
          message: `the vocabulary of '${name}' gained ${added.length}, lost ${removed.length} and reindexed ${moved} value(s)`,
          before: { removed },
          after: { added },
        });
        return;
      }
    }
    changes.push({
      code: 'FITTED_CHANGED',
      feature: name,
      step: i,
      message: `the fitted values of ${sa.type} in '${name}' changed`,
      before: fa,
      after: fb,
    });
  });
  return changes;
}

/**
 * Lists what changed from transform `a` to transform `b`: features added or removed, inputs, steps and
 * their options, fitted values (a vocabulary's gained, lost and reindexed values), the output layout, and
 * the schema fitted against. An empty list means the two encode every row the same way. O(size of both).
 * @example diffTransforms(fit({ x: standardize() }, { x: [1, 2] }), fit({ x: standardize() }, { x: [1, 2] })) // => []
 * @throws LockstepError `INVALID_ARGUMENT` when either is not a transform artifact.
 */
export function diffTransforms(a: TransformArtifact, b: TransformArtifact): TransformChange[] {
  for (const [arg, t] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (typeof t !== 'object' || t === null || t.kind !== 'lockstep.transform')
      throw invalidArgument('diffTransforms', arg, 'must be a lockstep.transform artifact', t);
  }
  const changes: TransformChange[] = [];
  const inB = new Map(b.features.map((f) => [f.name, f]));
  const inA = new Map(a.features.map((f) => [f.name, f]));
  for (const f of a.features) {
    const other = inB.get(f.name);
    if (!other)
      changes.push({ code: 'FEATURE_REMOVED', feature: f.name, message: `feature '${f.name}' was removed` });
    else changes.push(...stepChanges(f.name, f, other));
  }
  for (const f of b.features) {
    if (!inA.has(f.name))
      changes.push({ code: 'FEATURE_ADDED', feature: f.name, message: `feature '${f.name}' was added` });
  }
  const ca = a.columns.map((c) => c.name);
  const cb = b.columns.map((c) => c.name);
  if (canonicalJson(ca) !== canonicalJson(cb)) {
    const firstDiff = ca.findIndex((n, i) => cb[i] !== n);
    const at = firstDiff < 0 ? ca.length : firstDiff;
    changes.push({
      code: 'LAYOUT_CHANGED',
      message: `the output columns differ from column ${at} on (${ca.length} before, ${cb.length} after): a model trained on one cannot read the other`,
      before: ca.length,
      after: cb.length,
    });
  }
  if (a.schema !== b.schema) {
    changes.push({
      code: 'SCHEMA_CHANGED',
      message: 'the transforms were fitted against different schemas',
      before: a.schema,
      after: b.schema,
    });
  }
  return changes;
}
