// A schema artifact as a real zod object schema, for the request boundary of the host (Fastify, Express,
// tRPC): the same per-value rules as compileValidator (the rules come from the same compileSchema), in
// the shape and error reporting zod users expect. zod is only touched inside toZod, so bundles that do
// not import it carry none of zod.
import { z } from 'zod';
import { invalidArgument } from '../core/errors.js';
import { parseTimestamp } from '../core/timestamp.js';
import { type FeatureKind, type SchemaArtifact, type SchemaBody, schemaBodyArgument } from './artifact.js';
import { compileSchema, type Rule } from './rules.js';

/** Options of {@link toZod}. */
export interface ToZodOptions<E extends string | undefined = string | undefined> {
  /** The environment requests belong to (`serving`, …); features it excludes may only be absent or null. */
  readonly environment?: E;
}

// ---- Static types: a literal schema's features, read at the type level. ----

type FeatureOf<S extends SchemaBody> = S['features'][number];

/** The categories of a categorical feature whose domain is closed (minDomainMass absent or 1), else string. */
type CategoryOf<F> = F extends { readonly categorical: { readonly values: readonly (infer V)[] } }
  ? F extends { readonly categorical: { readonly minDomainMass: infer M } }
    ? [M] extends [1 | undefined]
      ? V & string
      : string
    : V & string
  : string;

/** What the parsed value of a present feature is (z.output), per kind. */
type OutputOf<K, F> = K extends 'numeric' | 'integer' | 'timestamp'
  ? number
  : K extends 'boolean'
    ? boolean
    : K extends 'categorical'
      ? CategoryOf<F>
      : K extends 'text'
        ? string
        : unknown;

/** What a caller may send for a present feature (z.input), per kind. */
type InputOf<K, F> = K extends 'timestamp'
  ? Date | number | string
  : K extends 'categorical'
    ? CategoryOf<F> | number | boolean
    : OutputOf<K, F>;

type ValueSchema<F extends FeatureSchemaLike> = z.ZodType<OutputOf<F['type'], F>, InputOf<F['type'], F>>;

/** The subset of FeatureSchema the types read. */
interface FeatureSchemaLike {
  readonly name: string;
  readonly type: FeatureKind;
  readonly nullable: boolean;
}

/** Whether environment E (one literal) includes F, following compileSchema: 'in', 'out', or 'maybe' when the types cannot tell. */
type InclusionIn<F, E extends string> = F extends { readonly notInEnvironments: readonly (infer X)[] }
  ? string extends X
    ? 'maybe'
    : E extends X
      ? 'out'
      : InListed<F, E>
  : InListed<F, E>;
type InListed<F, E extends string> = F extends { readonly inEnvironments: readonly (infer X)[] }
  ? string extends X
    ? 'maybe'
    : E extends X
      ? 'in'
      : 'out'
  : 'in';
/** Inclusion for E: no environment (every feature is in), a literal or union of literals, or plain string. */
type Inclusion<F, E> = [E] extends [undefined]
  ? 'in'
  : string extends E
    ? F extends { readonly inEnvironments: unknown } | { readonly notInEnvironments: unknown }
      ? 'maybe'
      : 'in'
    : Combine<E extends string ? InclusionIn<F, E> : never>;
type Combine<U> = [U] extends ['in'] ? 'in' : [U] extends ['out'] ? 'out' : 'maybe';

type FieldOf<F extends FeatureSchemaLike, E> =
  Inclusion<F, E> extends 'out'
    ? z.ZodOptional<z.ZodNull>
    : Inclusion<F, E> extends 'in'
      ? F['nullable'] extends false
        ? ValueSchema<F>
        : z.ZodOptional<z.ZodNullable<ValueSchema<F>>>
      : z.ZodOptional<z.ZodNullable<ValueSchema<F>>>;

/**
 * The zod shape {@link toZod} builds for schema S in environment E. For a literal schema (written
 * `as const`, or inline in the call) each feature is a key typed by its kind; for a schema whose feature
 * names are only known at run time (a `SchemaArtifact` from parseSchema) it is `Record<string, unknown>`.
 */
export type ToZodShape<
  S extends SchemaBody,
  E extends string | undefined = undefined,
> = string extends FeatureOf<S>['name']
  ? { [name: string]: z.ZodType<unknown, unknown> }
  : { [F in FeatureOf<S> as F['name']]: FieldOf<F, E> };

/** The zod object schema {@link toZod} returns. `z.infer<ToZodSchema<S, E>>` is the parsed row's type. */
export type ToZodSchema<S extends SchemaBody, E extends string | undefined = undefined> = z.ZodObject<
  ToZodShape<S, E>
>;

// ---- Run time ----

/** A finite number's rules (range, integer), plus NaN and ±Infinity where the rule allows them. */
function numberSchema(rule: Rule): z.ZodType<number, number> {
  const safe = rule.min >= Number.MIN_SAFE_INTEGER && rule.max <= Number.MAX_SAFE_INTEGER;
  let finite: z.ZodNumber;
  if (rule.kind !== 'integer') finite = z.number();
  // z.int() means a safe integer; checkValue accepts any whole number, so past 2^53 test wholeness alone.
  else if (safe) finite = z.int();
  else finite = z.number().refine(Number.isInteger, { error: 'Invalid input: expected an integer' });
  if (rule.min > Number.NEGATIVE_INFINITY) finite = finite.gte(rule.min);
  if (rule.max < Number.POSITIVE_INFINITY) finite = finite.lte(rule.max);
  const options: z.ZodType<number, number>[] = [finite];
  if (rule.allowNaN) options.push(z.nan());
  if (rule.allowInfinity) options.push(z.literal([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]));
  return options.length === 1 ? finite : z.union(options);
}

/** A Date, epoch ms or ISO-8601 text (parseTimestamp), range-checked in epoch ms; parsed to epoch ms. */
function timestampSchema(rule: Rule): z.ZodType<number, Date | number | string> {
  const range = `Invalid input: expected a timestamp in [${rule.min}, ${rule.max}] (epoch ms)`;
  const inRange = (t: number) => t >= rule.min && t <= rule.max;
  const text = z
    .string()
    .refine((s) => !Number.isNaN(parseTimestamp(s)), {
      error: 'Invalid input: expected an ISO-8601 date or date-time (read as UTC without an offset)',
      abort: true,
    })
    .refine((s) => inRange(parseTimestamp(s)), { error: range });
  const date = z.date().refine((d) => inRange(d.getTime()), { error: range });
  return z
    .union([numberSchema(rule), text, date], {
      error: 'Invalid input: expected a timestamp (Date, epoch ms or ISO-8601 text)',
    })
    .transform((v) => (typeof v === 'number' ? v : typeof v === 'string' ? parseTimestamp(v) : v.getTime()));
}

/** A string, finite number or boolean, as its string form (checkValue's rule), in the domain if closed. */
function categorySchema(rule: Rule): z.ZodType<string, string | number | boolean> {
  const text = z
    .union([z.string(), z.number(), z.boolean()], {
      error: 'Invalid input: expected a category (string, finite number or boolean)',
    })
    .transform((v) => String(v));
  return rule.domain !== undefined && rule.minDomainMass >= 1 ? text.pipe(z.enum([...rule.domain])) : text;
}

function valueSchema(rule: Rule): z.ZodType {
  switch (rule.kind) {
    case 'numeric':
    case 'integer':
      return numberSchema(rule);
    case 'timestamp':
      return timestampSchema(rule);
    case 'categorical':
      return categorySchema(rule);
    case 'boolean':
      return z.boolean();
    case 'text':
      return z.string();
  }
}

function fieldSchema(rule: Rule, environment: string | undefined): z.ZodType {
  const field = !rule.included
    ? z
        .null({ error: `Invalid input: ${JSON.stringify(rule.name)} is not a feature in ${environment}` })
        .optional()
    : rule.nullable
      ? valueSchema(rule).nullish()
      : valueSchema(rule);
  // zod reads `row[name]` and counts `name in row` as present, so a feature named like a member of
  // Object.prototype (constructor, toString, …) would see the inherited method in a row without it. The
  // row validator reads own properties only; read a function there as absent to agree with it (no
  // feature type accepts a function, and none comes from JSON).
  if (!(rule.name in Object.prototype)) return field;
  return z.preprocess((v) => (typeof v === 'function' ? undefined : v), field);
}

/** A zod object shape cannot hold a `__proto__` key (it would set the shape's prototype instead). */
function checkNames(schema: SchemaBody): void {
  schema.features.forEach((feature, i) => {
    if (feature.name === '__proto__') {
      throw invalidArgument(
        'toZod',
        `schema.features[${i}].name`,
        'must not be "__proto__" (a zod object cannot hold that key)',
        feature.name,
      );
    }
  });
}

/**
 * A schema as a zod object schema for the host's HTTP layer (Fastify, Express, tRPC): a real, classic
 * `z.ZodObject` with `.parse`, `.safeParse`, `.extend`, `.partial` and the rest. Per feature, by type:
 * numeric → a number (no NaN unless `numeric.allowNaN`, no ±Infinity unless `numeric.allowInfinity`,
 * within `numeric.min`/`max`); integer → the same and a whole number; categorical → a string, finite
 * number or boolean, parsed to its string form (as `compileValidator` compares it), and one of
 * `categorical.values` when the domain is closed (`minDomainMass` absent or 1; below 1 an outside value
 * is only a warning, so any category passes); boolean → a boolean; timestamp → a Date, epoch ms or
 * ISO-8601 text (`parseTimestamp`: UTC without an offset), range-checked and parsed to epoch ms; text →
 * a string. A nullable feature's key is optional and may be null; a feature the environment excludes
 * may only be absent, undefined or null. Unknown keys are allowed and stripped from the output (a new
 * column is only a warning for `validate`).
 *
 * A row passes exactly when `compileValidator(schema, { environment })` finds it ok (property-tested).
 * Neither applies the rules that belong to batches, not requests: presence (`minCount`, `minFraction`)
 * of a nullable feature, and the domain mass of a categorical with `minDomainMass` below 1 (an outside
 * category passes here, and is a warning there). The differences, by design: a bigint is not a number
 * here (JSON cannot carry one; the row validator accepts it), and Dates from another realm are not Dates
 * (`instanceof Date`).
 *
 * Types follow the schema when it is a literal (`as const`, or written inline in the call): numeric,
 * integer and timestamp are `number`, categorical the union of its values (or `string`), boolean
 * `boolean`, text `string`; nullable features are optional and `| null`; with a literal `environment`,
 * excluded features are `null | undefined`. A schema known only at run time (`SchemaArtifact`, e.g. from
 * `parseSchema`) infers as `Record<string, unknown>`. `sealSchema` returns `SchemaArtifact`, so seal
 * after writing the literal and pass the literal (toZod needs no fingerprint) to keep the types.
 *
 * Building costs O(features + categories); parsing a row is O(features) plus zod's own work.
 * @param schema a schema artifact, or a schema body (no fingerprint needed)
 * @param options `environment`: one of `schema.environments`; omitted, every feature is expected
 * @throws LockstepError `INVALID_ARGUMENT` when `schema` is not a lockstep schema, a feature is named
 *   `__proto__` (which a zod object cannot hold), `options` is not an object or has an unknown key, or
 *   `options.environment` is not one of the schema's environments; `INVALID_ARTIFACT` with the JSON path
 *   when the schema (or body) is malformed.
 * @example toZod(schema, { environment: 'serving' }).parse({ delay: 12, origin: 1, at: '2024-01-02', x: 0 }) // => { delay: 12, origin: '1', at: 1704153600000 } for a numeric delay, a categorical origin and a timestamp at
 */
export function toZod<const S extends SchemaBody, const E extends string | undefined = undefined>(
  schema: S,
  options?: ToZodOptions<E>,
): ToZodSchema<S, E>;
export function toZod(schema: SchemaBody, options?: ToZodOptions): z.ZodObject {
  const body = schemaBodyArgument('toZod', schema);
  checkNames(body);
  const { environment, rules } = compileSchema('toZod', body as SchemaArtifact, options, ['environment']);
  return z.object(Object.fromEntries(rules.map((rule) => [rule.name, fieldSchema(rule, environment)])));
}
