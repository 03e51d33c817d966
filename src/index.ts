// lockstep: every browser-safe module, re-exported. Prefer the subpaths (`lockstep/split`, …) in
// bundles; this entry exists for convenience and tree-shakes to what you use.
export {
  type ArtifactLimits,
  DEFAULT_ARTIFACT_LIMITS,
  type ParseArtifactOptions,
} from './core/artifact.js';
export { fingerprint } from './core/fingerprint.js';
export * from './drift/index.js';
export * from './evaluate/index.js';
export * from './monitor/index.js';
export * from './registry/index.js';
export * from './registry/sql/index.js';
export * from './report/index.js';
export * from './router/index.js';
export * from './schema/index.js';
export * from './split/index.js';
export * from './stats/index.js';
export * from './transform/index.js';
