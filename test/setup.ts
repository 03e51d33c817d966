// Property tests explore random inputs on developers' machines (a new seed each run, which is how they find
// new counterexamples); in CI (CI=true) they run from one fixed seed, so a landing is reproducible and a
// failure can be replayed. Set FC_SEED to replay any seed locally.
import fc from 'fast-check';

const seed = process.env.FC_SEED ?? (process.env.CI ? '20261123' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
