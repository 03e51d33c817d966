// lockstep/monitor: what a serving model needs watched on every request (inputs, outputs, latency, errors,
// model age, delayed labels) in rolling windows of mergeable profiles, with drift and skew against the
// training profile, alert rules as data, Prometheus text and a JSON snapshot; windows merge across replicas.
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
export type { AlertEvent, AlertFinding, AlertRule, AlertState, AlertStatus } from './alerts.js';
export {
  createMemoryWindowStore,
  type PublishedWindow,
  type WindowRange,
  type WindowStore,
} from './fleet.js';
export { createSqlWindowStore, type SqlWindowStoreOptions } from './fleet-sql.js';
export type { LabelSums, LabelTask } from './labels.js';
export {
  createMonitor,
  type FeatureExplanation,
  type LabelOptions,
  type LoggedRequest,
  type LogOptions,
  type Monitor,
  type MonitorModel,
  type MonitorOptions,
  type MonitorSnapshot,
  type MonitorTotals,
  type Observation,
  type WindowOptions,
  type WindowProfiles,
} from './monitor.js';
export { escapeHelp, escapeLabelValue, formatValue, PROMETHEUS_CONTENT_TYPE } from './prometheus.js';
export {
  createQueryMonitor,
  MAX_CALLER_LENGTH,
  type ProbingFinding,
  type QueryCallerState,
  type QueryCallerStats,
  type QueryDecision,
  type QueryFeatureStats,
  type QueryFinding,
  type QueryFlagState,
  type QueryMonitor,
  type QueryMonitorOptions,
  type QueryMonitorSnapshot,
  type QueryMonitorState,
  type QueryRateFinding,
  type QueryRateOptions,
} from './query-pattern.js';
export {
  type MonitorWindow,
  mergeWindows,
  type SchemaCount,
  type WindowCounts,
  type WindowSummary,
} from './window.js';
