export type { ProfileArtifact } from '../artifact.js';
export type { ProfileProgress } from '../profile.js';
export {
  type ProfileInWorkersOptions,
  type ProfileSource,
  profileInWorkers,
} from './profile-in-workers.js';
