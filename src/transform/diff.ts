// What changed between two fitted transforms. A changed boundary, vocabulary or layout changes what a model
// input means, so every such change is listed, never summarised away.

import type { Finding } from '../core/finding.js';
import { canonicalJson } from '../core/fingerprint.js';
import { transformArgument } from './artifact.js';
import type { FittedFeature, FittedStep, TransformArtifact } from './types.js';

/**
 * Stable codes of {@link TransformChange}: `FEATURE_ADDED`, `FEATURE_REMOVED`, `INPUTS_CHANGED`,
 * `STEPS_CHANGED` (a step's options, or the chain), `KEY_ROTATED` (a tokenize step's key id: a new key,
 * so every token changes), `FITTED_CHANGED`, `VOCABULARY_CHANGED` (values gained,
 * lost or reindexed), `LAYOUT_CHANGED` (the output columns) and `SCHEMA_CHANGED` (the schema fitted
 * against; info, since it changes no number).
 */
export type TransformChangeCode =
  | 'FEATURE_ADDED'
  | 'FEATURE_REMOVED'
  | 'INPUTS_CHANGED'
  | 'STEPS_CHANGED'
  | 'KEY_ROTATED'
  | 'FITTED_CHANGED'
  | 'VOCABULARY_CHANGED'
  | 'LAYOUT_CHANGED'
  | 'SCHEMA_CHANGED';

/**
 * One difference between two transforms, as a core finding: `severity` is `warning` for every change to
 * what an input means (a model trained on one transform reads the other's numbers differently), `info`
 * for SCHEMA_CHANGED.
 */
export interface TransformChange extends Finding<TransformChangeCode> {
  readonly severity: 'warning' | 'info';
  /** The feature, when the change is in one. */
  readonly feature?: string;
  /** The step's index in the feature's chain, when the change is in one step. */
  readonly step?: number;
  readonly before?: unknown;
  readonly after?: unknown;
}

function options(step: FittedStep): string {
  const { fitted: _fitted, ...rest } = step as FittedStep & { fitted?: unknown };
  return canonicalJson(rest);
}

/** A step's options with a tokenize step's key id left out: what else changed besides a key rotation. */
function optionsBesidesKey(step: FittedStep): string {
  if (step.type !== 'tokenize') return options(step);
  const { keyId: _keyId, ...rest } = step;
  return canonicalJson(rest);
}

function stepChanges(name: string, a: FittedFeature, b: FittedFeature): TransformChange[] {
  const changes: TransformChange[] = [];
  if (canonicalJson(a.inputs) !== canonicalJson(b.inputs)) {
    changes.push({
      code: 'INPUTS_CHANGED',
      severity: 'warning',
      feature: name,
      message: `feature '${name}' reads ${b.inputs.join(', ')} instead of ${a.inputs.join(', ')}`,
      before: a.inputs,
      after: b.inputs,
    });
  }
  const sameLength = a.steps.length === b.steps.length;
  if (sameLength) {
    a.steps.forEach((sa, i) => {
      const sb = b.steps[i]!;
      if (sa.type === 'tokenize' && sb.type === 'tokenize' && sa.keyId !== sb.keyId)
        changes.push({
          code: 'KEY_ROTATED',
          severity: 'warning',
          feature: name,
          step: i,
          message: `feature '${name}' tokenizes with key '${sb.keyId}' instead of '${sa.keyId}': every token changes`,
          before: sa.keyId,
          after: sb.keyId,
        });
    });
  }
  if (!sameLength || a.steps.some((s, i) => optionsBesidesKey(s) !== optionsBesidesKey(b.steps[i]!))) {
    changes.push({
      code: 'STEPS_CHANGED',
      severity: 'warning',
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
          severity: 'warning',
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
      severity: 'warning',
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
 * Lists what changed from transform `before` to transform `after`, as findings with stable codes:
 * features added or removed, inputs, steps and their options, fitted values (a vocabulary's gained, lost
 * and reindexed values), the output layout, and the schema fitted against. An empty list means the two
 * encode every row the same way. A transform lockstep made or parsed is used as it is; a plain object is
 * parsed first. O(size of both).
 * @example diffTransforms(fit({ x: standardize() }, { x: [1, 2] }), fit({ x: standardize() }, { x: [1, 2] })) // => []
 * @throws LockstepError `INVALID_ARGUMENT` when either is not an object; `INVALID_ARTIFACT` when either is
 *   a malformed transform.
 */
export function diffTransforms(before: TransformArtifact, after: TransformArtifact): TransformChange[] {
  const a = transformArgument('diffTransforms', before, 'before');
  const b = transformArgument('diffTransforms', after, 'after');
  const changes: TransformChange[] = [];
  const inB = new Map(b.features.map((f) => [f.name, f]));
  const inA = new Map(a.features.map((f) => [f.name, f]));
  for (const f of a.features) {
    const other = inB.get(f.name);
    if (!other)
      changes.push({
        code: 'FEATURE_REMOVED',
        severity: 'warning',
        feature: f.name,
        message: `feature '${f.name}' was removed`,
      });
    else changes.push(...stepChanges(f.name, f, other));
  }
  for (const f of b.features) {
    if (!inA.has(f.name))
      changes.push({
        code: 'FEATURE_ADDED',
        severity: 'warning',
        feature: f.name,
        message: `feature '${f.name}' was added`,
      });
  }
  const ca = a.columns.map((c) => c.name);
  const cb = b.columns.map((c) => c.name);
  if (canonicalJson(ca) !== canonicalJson(cb)) {
    const firstDiff = ca.findIndex((n, i) => cb[i] !== n);
    const at = firstDiff < 0 ? ca.length : firstDiff;
    changes.push({
      code: 'LAYOUT_CHANGED',
      severity: 'warning',
      message: `the output columns differ from column ${at} on (${ca.length} before, ${cb.length} after): a model trained on one cannot read the other`,
      before: ca.length,
      after: cb.length,
    });
  }
  if (a.schema !== b.schema) {
    changes.push({
      code: 'SCHEMA_CHANGED',
      severity: 'info',
      message: 'the transforms were fitted against different schemas',
      before: a.schema,
      after: b.schema,
    });
  }
  return changes;
}
