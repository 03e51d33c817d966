// The online drift detectors of lockstep/drift. src/drift/index.ts re-exports this list.
export { type Adwin, type AdwinOptions, type AdwinParams, type AdwinState, createAdwin } from './adwin.js';
export type { DetectorStateBase, DriftDetector, DriftSignal } from './common.js';
export { createDdm, type Ddm, type DdmOptions, type DdmParams, type DdmState } from './ddm.js';
export { createEddm, type Eddm, type EddmOptions, type EddmParams, type EddmState } from './eddm.js';
export {
  createHddmA,
  type HddmA,
  type HddmAOptions,
  type HddmAParams,
  type HddmAState,
  type RunningMean,
} from './hddm-a.js';
export {
  createKswin,
  type Kswin,
  type KswinOptions,
  type KswinParams,
  type KswinState,
} from './kswin.js';
export {
  createPageHinkley,
  type PageHinkley,
  type PageHinkleyMode,
  type PageHinkleyOptions,
  type PageHinkleyParams,
  type PageHinkleyState,
} from './page-hinkley.js';
