/**
 * lockstep/tfjs: tensors from fitted transforms, seeded mini-batches and a backend helper, for training
 * TensorFlow.js models that can be replayed bit for bit, and a `tf.io` handler (`registryIOHandler`) that
 * saves models to and loads them from a lockstep registry. The only lockstep module that imports
 * `@tensorflow/tfjs`; `@tensorflow/tfjs-backend-wasm` is imported only inside `useBackend`.
 *
 * Reproducible training, the recipe (docs/tfjs.md has it as a runnable snippet): the same seed and data
 * give bit-identical weights when
 * 1. the backend is fixed and single-threaded: `await useBackend('wasm')` (or `'cpu'`) before building;
 * 2. every random initializer has a seed, a different one per layer:
 *    `kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i })` (biases default to zeros);
 * 3. the batches come from `createBatches(…, { seed })` through `model.fitDataset`, never from
 *    `model.fit(…, { shuffle: true })`, whose shuffle uses `Math.random`;
 * 4. nothing else draws unseeded random numbers: no `dropout` layer without `seed` (and a seeded tfjs
 *    dropout draws the same mask at every step), no `gaussianNoise`, `gaussianDropout` or `alphaDropout`
 *    layer (they take no seed), no `Math.random` in a custom loss or callback.
 * @packageDocumentation
 */
export { LockstepError, type LockstepErrorCode } from '../core/errors.js';
export type {
  ArrowTableLike,
  BooleanColumn,
  Column,
  DictionaryColumn,
  Frame,
  FrameInput,
  MixedColumn,
  NumericColumn,
  StringColumn,
} from '../core/frame-types.js';
export { type BackendName, useBackend } from './backend.js';
export { type Batch, type BatchData, type BatchOptions, createBatches, epochOrder } from './batches.js';
export {
  type CheckpointRecord,
  createOnlineTrainer,
  type JudgeState,
  type OnlineCounts,
  type OnlineEvent,
  type OnlineExample,
  type OnlineLabel,
  type OnlineTrainer,
  type OnlineTrainerOptions,
  type OnlineTrainerState,
  type PauseReason,
  type PushResult,
  type QuarantineEntry,
  type QuarantineReason,
  type RollbackRecord,
  type SavedCheckpoint,
  type SavedEntry,
} from './online.js';
export {
  MODEL_JSON_ARTIFACT,
  type RegistryIOHandler,
  type RegistryIOOptions,
  type RegistrySaveResult,
  registryIOHandler,
  WEIGHTS_ARTIFACT,
} from './registry-io.js';
export { type BatchTensors, toTensor, toTensors } from './tensor.js';
