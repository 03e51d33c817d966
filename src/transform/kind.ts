// Which transforms lockstep made or parsed. Every transform `fit`, `fitStream`, a fitter's `result()` or
// `parseTransform` returns is sealed: deeply frozen and remembered (core/freeze.ts), so `apply` and
// `applyBatch` can trust one in O(1) and key their compiled kernels by its identity without the cache ever
// going stale. Sealing needs no zod, so fitting bundles none; parsing (artifact.ts) does.
import { withFingerprint } from '../core/artifact.js';
import { seal, sealedKind } from '../core/freeze.js';
import type { TransformArtifact } from './types.js';

export const TRANSFORM_KIND = 'lockstep.transform';

/** True only for a transform lockstep built or parsed (O(1)). */
export function isTransform(value: unknown): value is TransformArtifact {
  return sealedKind(value) === TRANSFORM_KIND;
}

/** Adds the fingerprint to a body lockstep built, deep-freezes it and remembers it as a checked transform. */
export function sealTransform(body: Omit<TransformArtifact, 'fingerprint'>): TransformArtifact {
  return seal(TRANSFORM_KIND, withFingerprint(body));
}
