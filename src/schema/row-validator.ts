import type { SchemaArtifact } from './artifact.js';
import {
  checkerFor,
  compileSchema,
  Findings,
  MISSING,
  OK,
  OUTSIDE_DOMAIN,
  presenceAndMass,
  type ValidateOptions,
  type ValidationReport,
} from './rules.js';

const VALID: ValidationReport = Object.freeze({ ok: true, rows: 1, anomalies: Object.freeze([]) });

/** The single-request validator: `(row) => report`. */
export type RowValidator = (row: unknown) => ValidationReport;

/**
 * Compiles a schema into a validator for one row at a time, the request path of a serving process: no
 * Frame, and no allocation at all for a valid row (it gets one shared, frozen report). It applies the same
 * rules as `validate` and gives the same verdicts as `validate` on a one-row batch (property-tested),
 * except the row-count checks (minRows, maxRows), which only make sense for batches. Rows are plain
 * objects (parsed JSON); a class instance's inherited getters would count as values here, as in zod.
 * @example compileValidator(inferSchema([{ n: 1 }]))({ n: 2 }).ok // => true
 * @throws LockstepError `INVALID_ARGUMENT` for a schema that is not one, or an unknown environment.
 */
export function compileValidator(schema: SchemaArtifact, options: ValidateOptions = {}): RowValidator {
  const compiled = compileSchema('compileValidator', schema, options);
  const { rules, byName } = compiled;
  const checks = rules.map(checkerFor);
  // Names that Object.prototype also has ('constructor', 'toString', '__proto__'): a plain read of a row
  // without them finds the prototype's, so only these need an own-property test before the read.
  const inherited = rules.map((rule) => rule.name in Object.prototype);
  return (row) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      const findings = new Findings(compiled);
      findings.badRow(0, row);
      return findings.report(1);
    }
    const record = row as Record<string, unknown>;
    let findings: Findings | undefined;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      let value: unknown;
      let has: boolean;
      if (inherited[r]) {
        has = Object.hasOwn(record, rule.name);
        value = has ? record[rule.name] : undefined;
      } else {
        value = record[rule.name];
        has = value !== undefined || Object.hasOwn(record, rule.name);
      }
      const present = value !== undefined && value !== null;
      if (!rule.included) {
        if (present) (findings ??= new Findings(compiled)).column(rule, 'UNEXPECTED_COLUMN', 1);
        continue;
      }
      if (!has) {
        if (rule.columnRequired) (findings ??= new Findings(compiled)).column(rule, 'MISSING_COLUMN', 1);
        continue;
      }
      let problem = OK;
      if (!present) {
        if (!rule.nullable) (findings ??= new Findings(compiled)).value(rule, MISSING, 0, value);
      } else {
        problem = checks[r]!(value);
        if (problem !== OK) (findings ??= new Findings(compiled)).value(rule, problem, 0, value);
      }
      // Batch-level rules on a batch of one: presence, and the domain mass of one value.
      const categorized =
        present && rule.domain !== undefined && (problem === OK || problem === OUTSIDE_DOMAIN) ? 1 : 0;
      const outside = problem === OUTSIDE_DOMAIN ? 1 : 0;
      const short =
        rule.nullable &&
        !present &&
        (rule.feature.presence.minCount > 0 || rule.feature.presence.minFraction > 0);
      if (short || (outside && rule.minDomainMass < 1)) {
        presenceAndMass(
          (findings ??= new Findings(compiled)),
          rule,
          1,
          present ? 1 : 0,
          categorized,
          outside,
        );
      }
    }
    for (const key in record) {
      if (Object.hasOwn(record, key) && !byName.has(key))
        (findings ??= new Findings(compiled)).newColumn(key, 1);
    }
    return findings ? findings.report(1) : VALID;
  };
}
