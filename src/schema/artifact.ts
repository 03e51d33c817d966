// The schema artifact (`kind: "lockstep.schema"`): the contract for raw data, as plain JSON.
import * as z from 'zod/mini';
import { checkFingerprint, parseArtifact, withFingerprint } from '../core/artifact.js';

/** The kinds of value a feature holds. `integer` is a numeric whose values are whole numbers. */
export type FeatureKind = 'numeric' | 'integer' | 'categorical' | 'boolean' | 'timestamp' | 'text';

/** Presence: the share and count of rows that must have a value (checked per batch). */
export interface Presence {
  readonly minFraction: number;
  readonly minCount: number;
}

/** Allowed numbers: a range, and whether NaN and ±Infinity may appear. */
export interface NumericDomain {
  readonly min?: number;
  readonly max?: number;
  readonly allowNaN?: boolean;
  readonly allowInfinity?: boolean;
}

/** Allowed categories, and the share of values that must fall inside them (default 1). */
export interface CategoricalDomain {
  readonly values: readonly string[];
  readonly minDomainMass?: number;
}

/** A distance and its alarm threshold, read by lockstep/drift's skew and drift comparators. */
export interface Comparator {
  readonly method?: string;
  readonly threshold: number;
}

/** One feature of the contract. */
export interface FeatureSchema {
  readonly name: string;
  readonly type: FeatureKind;
  /** Whether a row may lack a value (null, undefined or absent). Checked per row. */
  readonly nullable: boolean;
  readonly presence: Presence;
  readonly numeric?: NumericDomain;
  readonly categorical?: CategoricalDomain;
  /** Environments the feature belongs to; absent means every environment (TFDV's default_environment). */
  readonly inEnvironments?: readonly string[];
  readonly notInEnvironments?: readonly string[];
  readonly skew?: Comparator;
  readonly drift?: Comparator;
  readonly description?: string;
  /** Why inferSchema chose this type and domain (kept for review; not part of the contract's checks). */
  readonly reason?: string;
}

/** The schema: a reviewed, versioned contract for raw data. Plain JSON. */
export interface SchemaArtifact {
  readonly kind: 'lockstep.schema';
  readonly formatVersion: 1;
  readonly version?: string;
  readonly description?: string;
  readonly environments: readonly string[];
  readonly dataset: { readonly minRows?: number; readonly maxRows?: number };
  readonly features: readonly FeatureSchema[];
  readonly fingerprint: string;
}

/** A schema without its fingerprint: what a user writes by hand or edits. */
export type SchemaBody = Omit<SchemaArtifact, 'fingerprint'>;

/**
 * Seals a schema body (written or edited by hand) with its fingerprint: SHA-256 of the canonical JSON of
 * the rest. A stale fingerprint in the body is replaced. Literal types survive, so a schema written
 * `as const` keeps its exact feature types for `toZod`'s inference.
 * @example sealSchema({ kind: 'lockstep.schema', formatVersion: 1, environments: [], dataset: {}, features: [] }).fingerprint.length // => 64
 */
export function sealSchema<const B extends SchemaBody>(
  body: B,
): Omit<B, 'fingerprint'> & { readonly fingerprint: string } {
  const { fingerprint: _drop, ...rest } = body as B & { fingerprint?: string };
  return withFingerprint(rest) as Omit<B, 'fingerprint'> & { readonly fingerprint: string };
}

let schema: z.ZodMiniType<SchemaArtifact> | undefined;

function schemaSchema(): z.ZodMiniType<SchemaArtifact> {
  if (schema) return schema;
  const count = z.number().check(z.int(), z.nonnegative());
  const fraction = z.number().check(z.gte(0), z.lte(1));
  const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));
  const names = z.array(z.string());
  const comparator = z.object({
    method: z.optional(z.string()),
    threshold: z.number().check(z.nonnegative()),
  });
  const feature = z
    .object({
      name: z.string(),
      type: z.enum(['numeric', 'integer', 'categorical', 'boolean', 'timestamp', 'text']),
      nullable: z.boolean(),
      presence: z.object({ minFraction: fraction, minCount: count }),
      numeric: z.optional(
        z.object({
          min: z.optional(finite),
          max: z.optional(finite),
          allowNaN: z.optional(z.boolean()),
          allowInfinity: z.optional(z.boolean()),
        }),
      ),
      categorical: z.optional(z.object({ values: names, minDomainMass: z.optional(fraction) })),
      inEnvironments: z.optional(names),
      notInEnvironments: z.optional(names),
      skew: z.optional(comparator),
      drift: z.optional(comparator),
      description: z.optional(z.string()),
      reason: z.optional(z.string()),
    })
    .check(
      z.superRefine((f, ctx) => {
        const issue = (path: PropertyKey[], message: string) =>
          ctx.issues.push({ code: 'custom', input: f, path, message });
        const n = f.numeric;
        if (n?.min !== undefined && n.max !== undefined && n.min > n.max)
          issue(['numeric', 'max'], 'must be at least numeric.min');
        if (n && !(f.type === 'numeric' || f.type === 'integer' || f.type === 'timestamp')) {
          issue(['numeric'], `is only allowed for numeric, integer and timestamp features, not ${f.type}`);
        }
        if (f.categorical && f.type !== 'categorical')
          issue(['categorical'], `is only allowed for categorical features, not ${f.type}`);
        if (f.categorical && new Set(f.categorical.values).size !== f.categorical.values.length) {
          issue(['categorical', 'values'], 'must not repeat a value');
        }
      }),
    );
  schema = z
    .object({
      kind: z.literal('lockstep.schema'),
      formatVersion: z.literal(1),
      version: z.optional(z.string()),
      description: z.optional(z.string()),
      environments: names,
      dataset: z.object({ minRows: z.optional(count), maxRows: z.optional(count) }),
      features: z.array(feature),
      fingerprint: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    })
    .check(
      z.superRefine((s, ctx) => {
        const seen = new Set<string>();
        const envs = new Set(s.environments);
        s.features.forEach((f, i) => {
          const issue = (path: PropertyKey[], message: string) =>
            ctx.issues.push({ code: 'custom', input: f, path: ['features', i, ...path], message });
          if (seen.has(f.name)) issue(['name'], `duplicate feature ${JSON.stringify(f.name)}`);
          seen.add(f.name);
          for (const key of ['inEnvironments', 'notInEnvironments'] as const) {
            f[key]?.forEach((env, j) => {
              if (!envs.has(env))
                issue(
                  [key, j],
                  `names environment ${JSON.stringify(env)}, which $.environments does not list`,
                );
            });
          }
        });
        const { minRows, maxRows } = s.dataset;
        if (minRows !== undefined && maxRows !== undefined && minRows > maxRows) {
          ctx.issues.push({
            code: 'custom',
            input: s.dataset,
            path: ['dataset', 'maxRows'],
            message: 'must be at least dataset.minRows',
          });
        }
      }),
    ) as unknown as z.ZodMiniType<SchemaArtifact>;
  return schema;
}

/**
 * Parses and validates a schema artifact (JSON text or a parsed value): field types and ranges, domains
 * that fit their types, environments that exist, no duplicate features, and the fingerprint.
 * @throws LockstepError `INVALID_ARTIFACT` with the JSON path of the first problem; `issues` lists them all.
 */
export function parseSchema(json: unknown): SchemaArtifact {
  const parsed = parseArtifact('parseSchema', 'lockstep.schema', json, schemaSchema());
  checkFingerprint('parseSchema', 'lockstep.schema', parsed);
  return parsed;
}
