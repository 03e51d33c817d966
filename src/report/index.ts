// lockstep/report: one self-contained HTML page (no script, no network, no external font) for a drift
// comparison, a gate, a rollout, a monitor snapshot or a list of findings: the summary first, then the
// evidence, readable without JavaScript and accessible.
export { LockstepError, type LockstepErrorCode } from '../core/errors.js';
export { escapeHtml } from './html.js';
export { contrastRatio, PALETTE } from './palette.js';
export { type ReportInput, type ReportOptions, renderReport } from './render.js';
