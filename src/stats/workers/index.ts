export { LockstepError, type LockstepErrorCode } from '../../core/errors.js';
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
} from '../../core/frame-types.js';
export type { ProfileArtifact } from '../artifact.js';
export type { ProfileProgress } from '../profile.js';
export {
  type ProfileInWorkersOptions,
  type ProfileSource,
  profileInWorkers,
} from './profile-in-workers.js';
