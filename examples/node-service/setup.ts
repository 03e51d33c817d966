// What the service needs from training, made once and kept in the registry with the models: the request
// schema and the training profile of the flights delay model, and a registry holding a champion and a
// candidate (examples/shared/flights-model.ts trains both).
//
// The schema and the profile are computed from the rows the model was trained on (flights-20k, January and
// February), as the model's transform was. They are stored as `schema` and `profile` artifacts of each
// version, so the service reads the contract its model was trained under from the registry; a version
// without them (one registered by trainFlightsModel alone) gets them recomputed from the same rows.
import type { ModelRegistry, ModelVersion } from 'lockstep/registry';
import { inferSchema, type SchemaArtifact, sealSchema } from 'lockstep/schema';
import { type ProfileArtifact, profile } from 'lockstep/stats';
import { FLIGHTS_MODEL, loadFlights20k, splitFlights, trainFlightsModel } from '../shared/flights-model.js';

/** The inputs a request carries (the label, `delay`, is the training environment's only). */
export const REQUEST_FEATURES = ['date', 'distance', 'origin', 'destination'] as const;
/** The features monitored for drift: not `date`, whose distribution moves with time by construction. */
export const MONITORED_FEATURES = ['distance', 'origin', 'destination'] as const;
export const CANDIDATE_ALIAS = 'candidate';
/** The candidate's seed; the champion has trainFlightsModel's default (2001). */
export const CANDIDATE_SEED = 2002;

export interface TrainingArtifacts {
  readonly schema: SchemaArtifact;
  readonly profile: ProfileArtifact;
}

/**
 * The request schema and the training profile, from the training months. Airports are categories with a
 * domain; a category outside it is a warning, not an error (minDomainMass below 1), because the transform
 * sends unknown airports to its out-of-vocabulary bucket and the monitor counts them (`unseen.origin`). A
 * distance must be at least 1 mile: a rule written by hand, since inferred ranges would refuse March's
 * longer flights.
 */
export function trainingArtifacts(): TrainingArtifacts {
  const { train } = splitFlights(loadFlights20k());
  const inferred = inferSchema(train, {
    features: [...REQUEST_FEATURES, 'delay'],
    types: { origin: 'categorical', destination: 'categorical' },
    maxDomainSize: 300,
    minDomainMass: 0.99,
    environments: ['training', 'serving'],
    exclude: { serving: ['delay'] },
    description: 'flights-delay requests: flights-20k, January and February 2001',
  });
  const schema = sealSchema({
    ...inferred,
    features: inferred.features.map((f) =>
      f.name === 'distance'
        ? { ...f, numeric: { ...f.numeric, min: 1 }, reason: `${f.reason}; at least 1 mile, set by hand` }
        : f,
    ),
  });
  return { schema, profile: profile(train, { features: [...MONITORED_FEATURES] }) };
}

export interface ServiceModels {
  readonly champion: ModelVersion;
  readonly candidate: ModelVersion;
}

/**
 * Trains two flights models into `registry` and leaves `flights-delay@champion` on the first (seed 2001)
 * and `flights-delay@candidate` on the second (seed 2002), both with `schema` and `profile` artifacts.
 * trainFlightsModel always moves `champion` to what it trained, so after the second run the alias is moved
 * back by compare-and-set (it must still be on the candidate) and the move is recorded with a reason.
 * About 5 s on the WASM backend.
 */
export async function trainServiceModels(registry: ModelRegistry, actor = 'examples/node-service') {
  const champion = await trainFlightsModel(registry, { actor });
  champion.model.dispose();
  const candidate = await trainFlightsModel(registry, { seed: CANDIDATE_SEED, actor });
  candidate.model.dispose();
  await registry.setAlias(FLIGHTS_MODEL, CANDIDATE_ALIAS, candidate.version.version, {
    actor,
    reason: 'retrained with another seed; serves a canary share',
  });
  await registry.setAlias(FLIGHTS_MODEL, 'champion', champion.version.version, {
    expected: candidate.version.version,
    actor,
    reason: 'the candidate is not promoted yet',
  });
  const { schema, profile: trainingProfile } = trainingArtifacts();
  for (const v of [champion.version, candidate.version])
    await registry.addArtifacts(v.ref, { schema, profile: trainingProfile }, { actor });
  return {
    champion: await registry.resolve(champion.version.ref),
    candidate: await registry.resolve(candidate.version.ref),
  } satisfies ServiceModels;
}
