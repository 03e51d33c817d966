import { artifactIssue, invalidArtifact } from '../core/artifact.js';
import { invalidArgument } from '../core/errors.js';
import { sealedKind } from '../core/freeze.js';
import type { SchemaArtifact } from './artifact.js';
import {
  checkerFor,
  compileSchema,
  Findings,
  MISSING,
  OK,
  type ValidateOptions,
  type ValidationReport,
} from './rules.js';

const VALID: ValidationReport = Object.freeze({ ok: true, rows: 1, anomalies: Object.freeze([]) });

/** The single-request validator: `(row) => report`. */
export type RowValidator = (row: unknown) => ValidationReport;

/**
 * Compiles a schema into a validator for one row at a time, the request path of a serving process: no
 * Frame, and no allocation at all for a valid row (it gets one shared, frozen report). It applies the same
 * per-row rules as `validate` and gives the same verdicts as `validate` on a one-row batch
 * (property-tested), except for the rules that judge batches, not requests, which it never applies: row
 * counts (minRows, maxRows), presence (`minCount`, `minFraction`) of a nullable feature, a nullable
 * feature's column missing from the batch, and domain mass (`minDomainMass`; an outside category is then
 * an UNEXPECTED_CATEGORY warning). So every row of a batch that validates clean validates alone
 * (property-tested). Rows are plain objects (parsed JSON); a class instance's inherited getters would count
 * as values here, as in zod.
 *
 * The schema must be one lockstep sealed or parsed (inferSchema, sealSchema, updateSchema, parseSchema):
 * checking a schema takes zod, and the request path carries none; pass JSON through parseSchema first.
 * @example compileValidator(inferSchema([{ n: 1 }]))({ n: 2 }).ok // => true
 * @throws LockstepError `INVALID_ARGUMENT` for a value that is not a schema, an unknown option key, or an
 *   unknown environment; `INVALID_ARTIFACT` for a schema lockstep did not seal or parse.
 */
export function compileValidator(schema: SchemaArtifact, options?: ValidateOptions): RowValidator {
  const fn = 'compileValidator';
  if (sealedKind(schema) !== 'lockstep.schema') {
    let claimed: unknown;
    try {
      claimed =
        typeof schema === 'object' && schema !== null ? (schema as { kind?: unknown }).kind : undefined;
    } catch {
      claimed = undefined;
    }
    if (claimed !== 'lockstep.schema')
      throw invalidArgument(fn, 'schema', 'must be a lockstep.schema artifact (see parseSchema)', schema);
    throw invalidArtifact(
      fn,
      'lockstep.schema',
      [
        artifactIssue(
          '$',
          'was not sealed or parsed by lockstep: pass JSON through parseSchema (or a body through sealSchema) first',
        ),
      ],
      'schema',
    );
  }
  const compiled = compileSchema(fn, schema, options);
  const { rules, byName } = compiled;
  const checks = rules.map(checkerFor);
  // Names that Object.prototype also has ('constructor', 'toString', '__proto__'): a plain read of a row
  // without them finds the prototype's, so only these need an own-property test before the read.
  const inherited = rules.map((rule) => rule.name in Object.prototype);
  const badRow = (row: unknown, unreadable: boolean) => {
    const findings = new Findings(compiled);
    findings.badRow(0, row, unreadable);
    return findings.report(1);
  };
  const check = (record: Record<string, unknown>): ValidationReport => {
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
      // A nullable feature may lack its value, key and all: presence and a column missing from the batch
      // are batch-level rules, and a request is not a batch.
      if (!present) {
        if (!rule.nullable) {
          findings ??= new Findings(compiled);
          if (has) findings.value(rule, MISSING, 0, value);
          else findings.column(rule, 'MISSING_COLUMN', 1);
        }
        continue;
      }
      const problem = checks[r]!(value);
      if (problem !== OK) (findings ??= new Findings(compiled)).value(rule, problem, 0, value);
    }
    for (const key in record) {
      if (Object.hasOwn(record, key) && !byName.has(key))
        (findings ??= new Findings(compiled)).newColumn(key, 1);
    }
    return findings ? findings.report(1) : VALID;
  };
  return (row) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return badRow(row, false);
    try {
      return check(row as Record<string, unknown>);
    } catch {
      // A getter or Proxy that throws: no JSON request does this, and the request path never throws.
      return badRow(row, true);
    }
  };
}
