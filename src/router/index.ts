// lockstep/router: route requests between model versions inside the host's process (canary, shadow,
// blue-green, A/B, fallbacks and a circuit breaker), and roll a candidate out step by step, promoting it or
// rolling it back on anytime-valid statistics, with every replica following one rollout through a store.
// A model is a function; the router knows nothing of tensors, transforms or profiles.
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
export type { SqlClient, SqlPool, SqlPoolClient, SqlResult } from '../core/sql.js';
export {
  type AbTestOptions,
  type AbTestRouter,
  type AbTestStats,
  type AssignmentStore,
  abTest,
} from './ab-test.js';
export {
  type BlueGreenOptions,
  type BlueGreenRouter,
  type BlueGreenSide,
  type BlueGreenStats,
  blueGreen,
} from './blue-green.js';
export {
  type CanaryOptions,
  type CanaryRouter,
  type CanaryStats,
  type CanaryVariant,
  canary,
} from './canary.js';
export type {
  AssignmentEvent,
  BreakerState,
  BreakerStateEvent,
  ErrorEvent as RouterErrorEvent,
  ExposureEvent,
  FallbackEvent,
  FallbackReason,
  RouterEvent,
  RouterKind,
  ShadowComparisonEvent,
  ShadowDroppedEvent,
  SwitchEvent,
} from './events.js';
export {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerStats,
  createCircuitBreaker,
  type FallbackModel,
  type FallbackOptions,
  type FallbackStats,
  withFallback,
} from './fallback.js';
export type { CounterLike, HistogramLike, MeterLike, MetricAttributes } from './meter.js';
export {
  type Arm,
  createRollout,
  type Rollout,
  type RolloutChange,
  type RolloutOptions,
} from './rollout.js';
export { createSqlRolloutStore, type SqlRolloutStoreOptions } from './rollout-sql.js';
export {
  type AnalyzeStep,
  analyze,
  type PauseStep,
  parseRollout,
  pause,
  ROLLOUT_KIND,
  type RolloutAnalysis,
  type RolloutEvent,
  type RolloutEventType,
  type RolloutMetric,
  type RolloutPhase,
  type RolloutState,
  type RolloutStep,
  type SetWeightStep,
  type StoredComparison,
  setWeight,
} from './rollout-state.js';
export {
  type ArmPair,
  createMemoryRolloutStore,
  type RolloutObservations,
  type RolloutStore,
} from './rollout-store.js';
export {
  type ArmComparison,
  type CompareArmsOptions,
  type ComparisonMethod,
  type ComparisonVerdict,
  compareArms,
  confidenceSequenceHalfWidth,
  type MetricDirection,
  type VarianceFloor,
} from './sequential.js';
export {
  type ShadowCandidateStats,
  type ShadowCompare,
  type ShadowDecision,
  type ShadowOptions,
  type ShadowRouter,
  type ShadowStats,
  type ShadowSummary,
  shadow,
} from './shadow.js';
export {
  type ArmSummary,
  countSummary,
  createAccumulator,
  emptySummary,
  mergeSummaries,
  observe,
  type SummaryAccumulator,
  summarize,
} from './summary.js';
export type { Model, ObserveOptions, RouteContext, RouteKey, Router } from './types.js';
