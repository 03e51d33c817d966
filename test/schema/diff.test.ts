import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FeatureSchema,
  type SchemaArtifact,
  type SchemaBody,
  sealSchema,
} from '../../src/schema/artifact.js';
import { diffSchemas, type SchemaChange, type SchemaChangeCode } from '../../src/schema/diff.js';
import type { Anomaly } from '../../src/schema/rules.js';
import { updateSchema } from '../../src/schema/update.js';
import { catchLockstep } from '../helpers/errors.js';

const full = { minFraction: 1, minCount: 1 };

const body: SchemaBody = {
  kind: 'lockstep.schema',
  formatVersion: 1,
  version: '1',
  description: 'flights',
  environments: ['training', 'serving'],
  dataset: { minRows: 10, maxRows: 1000 },
  features: [
    {
      name: 'origin',
      type: 'categorical',
      nullable: false,
      presence: full,
      categorical: { values: ['JFK', 'LAX', 'SFO'], minDomainMass: 0.95 },
      skew: { method: 'linf', threshold: 0.1 },
      description: 'departure airport',
      reason: 'categorical: 3 distinct strings',
    },
    {
      name: 'delay',
      type: 'numeric',
      nullable: true,
      presence: { minFraction: 0.9, minCount: 5 },
      numeric: { min: 0, max: 100 },
      drift: { method: 'jensen-shannon', threshold: 0.2 },
    },
    { name: 'distance', type: 'integer', nullable: false, presence: full, numeric: { min: 0 } },
    { name: 'note', type: 'text', nullable: true, presence: { minFraction: 0, minCount: 0 } },
    { name: 'label', type: 'boolean', nullable: false, presence: full, notInEnvironments: ['serving'] },
  ],
};
const base = sealSchema(body);

/** The base schema with one feature patched (keys set to undefined are dropped by sealing). */
function withFeature(name: string, patch: Partial<FeatureSchema>, from: SchemaBody = body): SchemaArtifact {
  return sealSchema({
    ...from,
    features: from.features.map((f) => (f.name === name ? { ...f, ...patch } : f)),
  });
}

const withSchema = (patch: Partial<SchemaBody>) => sealSchema({ ...body, ...patch });

const brief = (changes: readonly SchemaChange[]) =>
  changes.map((c) => [c.code, c.feature ?? null, c.breaking, c.direction ?? null]);

const origin = body.features[0]!;
const delay = body.features[1]!;

describe('diffSchemas: nothing changed', () => {
  it('is empty for the same schema, a resealed copy, and changes of reason or order only', () => {
    expect(diffSchemas(base, base)).toEqual([]);
    expect(diffSchemas(base, sealSchema(structuredClone(body)))).toEqual([]);
    expect(diffSchemas(base, withFeature('origin', { reason: 'reviewed' }))).toEqual([]);
    expect(diffSchemas(base, withFeature('origin', { reason: undefined }))).toEqual([]);
    const reordered = sealSchema({
      ...body,
      environments: ['serving', 'training'],
      features: [...body.features]
        .reverse()
        .map((f) =>
          f.name === 'origin'
            ? { ...f, categorical: { values: ['SFO', 'JFK', 'LAX'], minDomainMass: 0.95 } }
            : f,
        ),
    });
    expect(reordered.fingerprint).not.toBe(base.fingerprint);
    expect(diffSchemas(base, reordered)).toEqual([]);
  });

  it('treats absent fields as their defaults', () => {
    const explicit = sealSchema({
      ...body,
      features: body.features.map((f) =>
        f.name === 'delay'
          ? { ...f, numeric: { ...f.numeric, allowNaN: false, allowInfinity: false }, notInEnvironments: [] }
          : f,
      ),
    });
    expect(diffSchemas(base, explicit)).toEqual([]);
    const noMass = withFeature('origin', { categorical: { values: ['JFK', 'LAX', 'SFO'] } });
    const massOne = withFeature('origin', {
      categorical: { values: ['JFK', 'LAX', 'SFO'], minDomainMass: 1 },
    });
    expect(diffSchemas(noMass, massOne)).toEqual([]);
  });
});

describe('diffSchemas: each code', () => {
  it('FEATURE_ADDED: breaking when the new feature is required', () => {
    const added: FeatureSchema = { name: 'carrier', type: 'categorical', nullable: false, presence: full };
    const b = sealSchema({ ...body, features: [...body.features, added] });
    expect(diffSchemas(base, b)).toEqual([
      {
        code: 'FEATURE_ADDED',
        feature: 'carrier',
        severity: 'warning',
        breaking: true,
        direction: 'narrowed',
        before: null,
        after: added,
        required: true,
        message: '"carrier": feature added (categorical, required)',
      },
    ]);
    const optional = { ...added, nullable: true, presence: { minFraction: 0, minCount: 0 } };
    const c = sealSchema({ ...body, features: [...body.features, optional] });
    expect(diffSchemas(base, c)).toEqual([
      expect.objectContaining({ code: 'FEATURE_ADDED', breaking: false, required: false }),
    ]);
    expect(diffSchemas(base, c)[0]).not.toHaveProperty('direction');
    // Nullable but with a presence floor: the column must come.
    const floor = { ...optional, presence: { minFraction: 0.1, minCount: 0 } };
    expect(diffSchemas(base, sealSchema({ ...body, features: [...body.features, floor] }))[0]).toMatchObject({
      breaking: true,
      required: true,
    });
  });

  it('FEATURE_REMOVED: a widening (the column becomes a NEW_COLUMN warning)', () => {
    const b = sealSchema({ ...body, features: body.features.filter((f) => f.name !== 'delay') });
    expect(diffSchemas(base, b)).toEqual([
      {
        code: 'FEATURE_REMOVED',
        feature: 'delay',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: delay,
        after: null,
        message: '"delay": feature removed (its column is now a NEW_COLUMN)',
      },
    ]);
  });

  it('TYPE_CHANGED: integer → numeric widens; numeric → integer and most others break', () => {
    expect(diffSchemas(base, withFeature('distance', { type: 'numeric' }))).toEqual([
      {
        code: 'TYPE_CHANGED',
        feature: 'distance',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: 'integer',
        after: 'numeric',
        message: '"distance": type integer → numeric',
      },
    ]);
    expect(brief(diffSchemas(base, withFeature('delay', { type: 'integer' })))).toEqual([
      ['TYPE_CHANGED', 'delay', true, 'narrowed'],
    ]);
    expect(brief(diffSchemas(base, withFeature('label', { type: 'text' })))).toEqual([
      ['TYPE_CHANGED', 'label', true, null],
    ]);
    expect(brief(diffSchemas(base, withFeature('note', { type: 'categorical' })))).toEqual([
      ['TYPE_CHANGED', 'note', false, 'widened'],
    ]);
    const withDomain = withFeature('note', { type: 'categorical', categorical: { values: ['a'] } });
    expect(brief(diffSchemas(base, withDomain))).toEqual([['TYPE_CHANGED', 'note', true, null]]);
    // A numeric range compares across numeric kinds; a domain does not survive a change of kind.
    expect(
      brief(diffSchemas(base, withFeature('distance', { type: 'numeric', numeric: { min: -1 } }))),
    ).toEqual([
      ['TYPE_CHANGED', 'distance', false, 'widened'],
      ['RANGE_WIDENED', 'distance', false, 'widened'],
    ]);
    expect(
      brief(
        diffSchemas(base, withFeature('origin', { type: 'text', categorical: undefined, skew: undefined })),
      ),
    ).toEqual([
      ['TYPE_CHANGED', 'origin', true, null],
      ['SKEW_THRESHOLD_CHANGED', 'origin', false, 'widened'],
    ]);
  });

  it('NULLABLE_CHANGED: not nullable any more breaks', () => {
    expect(diffSchemas(base, withFeature('delay', { nullable: false }))).toEqual([
      {
        code: 'NULLABLE_CHANGED',
        feature: 'delay',
        severity: 'warning',
        breaking: true,
        direction: 'narrowed',
        before: true,
        after: false,
        message: '"delay": missing values no longer allowed',
      },
    ]);
    expect(brief(diffSchemas(base, withFeature('origin', { nullable: true })))).toEqual([
      ['NULLABLE_CHANGED', 'origin', false, 'widened'],
    ]);
  });

  it('PRESENCE_CHANGED: relaxed, tightened, or both (two changes)', () => {
    const relaxed = withFeature('delay', { presence: { minFraction: 0.5, minCount: 5 } });
    expect(diffSchemas(base, relaxed)).toEqual([
      {
        code: 'PRESENCE_CHANGED',
        feature: 'delay',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: { minFraction: 0.9, minCount: 5 },
        after: { minFraction: 0.5, minCount: 5 },
        fields: ['minFraction'],
        message: '"delay": presence relaxed: minFraction 0.9 → 0.5',
      },
    ]);
    const tightened = withFeature('delay', { presence: { minFraction: 0.95, minCount: 50 } });
    expect(diffSchemas(base, tightened)).toEqual([
      expect.objectContaining({
        code: 'PRESENCE_CHANGED',
        breaking: true,
        direction: 'narrowed',
        fields: ['minFraction', 'minCount'],
        message: '"delay": presence tightened: minFraction 0.9 → 0.95, minCount 5 → 50',
      }),
    ]);
    const mixed = withFeature('delay', { presence: { minFraction: 0.5, minCount: 50 } });
    expect(
      diffSchemas(base, mixed).map((c) => [c.code, c.breaking, c.direction, 'fields' in c && c.fields]),
    ).toEqual([
      ['PRESENCE_CHANGED', false, 'widened', ['minFraction']],
      ['PRESENCE_CHANGED', true, 'narrowed', ['minCount']],
    ]);
  });

  it('RANGE_WIDENED / RANGE_NARROWED: a bound that appears narrows, one that goes widens, a shift gives both', () => {
    expect(diffSchemas(base, withFeature('delay', { numeric: { min: -10 } }))).toEqual([
      {
        code: 'RANGE_WIDENED',
        feature: 'delay',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: { min: 0, max: 100 },
        after: { min: -10, max: null },
        fields: ['min', 'max'],
        message: '"delay": range widened: [0, 100] → [-10, Infinity]',
      },
    ]);
    expect(diffSchemas(base, withFeature('distance', { numeric: { min: 0, max: 5000 } }))).toEqual([
      expect.objectContaining({
        code: 'RANGE_NARROWED',
        breaking: true,
        direction: 'narrowed',
        before: { min: 0, max: null },
        after: { min: 0, max: 5000 },
        fields: ['max'],
        message: '"distance": range narrowed: [0, Infinity] → [0, 5000]',
      }),
    ]);
    const shifted = diffSchemas(base, withFeature('delay', { numeric: { min: 10, max: 200 } }));
    expect(shifted.map((c) => [c.code, c.breaking, 'fields' in c && c.fields])).toEqual([
      ['RANGE_WIDENED', false, ['max']],
      ['RANGE_NARROWED', true, ['min']],
    ]);
    expect(shifted[0]!.before).toEqual(shifted[1]!.before);
    expect(shifted[0]!.after).toEqual({ min: 10, max: 200 });
  });

  it('NAN_ALLOWED_CHANGED and INFINITY_ALLOWED_CHANGED', () => {
    const allowing = withFeature('delay', {
      numeric: { min: 0, max: 100, allowNaN: true, allowInfinity: true },
    });
    expect(diffSchemas(base, allowing)).toEqual([
      {
        code: 'NAN_ALLOWED_CHANGED',
        feature: 'delay',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: false,
        after: true,
        message: '"delay": NaN now allowed',
      },
      {
        code: 'INFINITY_ALLOWED_CHANGED',
        feature: 'delay',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: false,
        after: true,
        message: '"delay": ±Infinity now allowed',
      },
    ]);
    expect(brief(diffSchemas(allowing, base))).toEqual([
      ['NAN_ALLOWED_CHANGED', 'delay', true, 'narrowed'],
      ['INFINITY_ALLOWED_CHANGED', 'delay', true, 'narrowed'],
    ]);
  });

  it('DOMAIN_WIDENED / DOMAIN_NARROWED list the values, both when some come and some go', () => {
    const domain = (values: string[]) =>
      withFeature('origin', { categorical: { values, minDomainMass: 0.95 } });
    expect(diffSchemas(base, domain(['JFK', 'LAX', 'SFO', 'BOS', 'SEA']))).toEqual([
      {
        code: 'DOMAIN_WIDENED',
        feature: 'origin',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: ['JFK', 'LAX', 'SFO'],
        after: ['JFK', 'LAX', 'SFO', 'BOS', 'SEA'],
        values: ['BOS', 'SEA'],
        message: '"origin": domain widened by "BOS", "SEA"',
      },
    ]);
    const both = diffSchemas(base, domain(['LAX', 'BOS', 'JFK']));
    expect(both.map((c) => [c.code, c.breaking, 'values' in c && c.values])).toEqual([
      ['DOMAIN_WIDENED', false, ['BOS']],
      ['DOMAIN_NARROWED', true, ['SFO']],
    ]);
    const many = Array.from({ length: 15 }, (_, i) => `A${i}`);
    expect(diffSchemas(base, domain(['JFK', 'LAX', 'SFO', ...many]))[0]!.message).toBe(
      `"origin": domain widened by ${many
        .slice(0, 10)
        .map((v) => `"${v}"`)
        .join(', ')}, and 5 more`,
    );
  });

  it('DOMAIN_WIDENED / DOMAIN_NARROWED when the domain itself goes or comes', () => {
    const open = withFeature('origin', { categorical: undefined });
    expect(diffSchemas(base, open)).toEqual([
      expect.objectContaining({
        code: 'DOMAIN_WIDENED',
        breaking: false,
        before: ['JFK', 'LAX', 'SFO'],
        after: null,
        values: [],
        message: '"origin": domain of 3 values removed: any category is accepted',
      }),
    ]);
    expect(brief(diffSchemas(open, base))).toEqual([['DOMAIN_NARROWED', 'origin', true, 'narrowed']]);
  });

  it('DOMAIN_MASS_CHANGED: raising the minimum mass breaks', () => {
    const lower = withFeature('origin', {
      categorical: { values: ['JFK', 'LAX', 'SFO'], minDomainMass: 0.8 },
    });
    expect(diffSchemas(base, lower)).toEqual([
      {
        code: 'DOMAIN_MASS_CHANGED',
        feature: 'origin',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: 0.95,
        after: 0.8,
        message: '"origin": minimum domain mass 0.95 → 0.8',
      },
    ]);
    const one = withFeature('origin', { categorical: { values: ['JFK', 'LAX', 'SFO'] } });
    expect(diffSchemas(base, one)).toEqual([
      expect.objectContaining({ code: 'DOMAIN_MASS_CHANGED', breaking: true, before: 0.95, after: 1 }),
    ]);
  });

  it('ENVIRONMENTS_CHANGED at data-set level: removing an environment breaks', () => {
    expect(diffSchemas(base, withSchema({ environments: ['training', 'serving', 'shadow'] }))).toEqual([
      {
        code: 'ENVIRONMENTS_CHANGED',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: ['training', 'serving'],
        after: ['training', 'serving', 'shadow'],
        added: ['shadow'],
        removed: [],
        message: 'environments: added "shadow"',
      },
    ]);
    const swapped = sealSchema({
      ...body,
      environments: ['training', 'shadow'],
      features: body.features.map((f) => (f.name === 'label' ? { ...f, notInEnvironments: undefined } : f)),
    });
    const changes = diffSchemas(base, swapped);
    expect(brief(changes)).toEqual([
      ['ENVIRONMENTS_CHANGED', null, true, null],
      // label's exclusion named an environment that is gone: nothing changes where both schemas apply.
      ['ENVIRONMENTS_CHANGED', 'label', false, null],
    ]);
    expect(changes[0]!.message).toBe('environments: added "shadow"; removed "serving"');
  });

  it('ENVIRONMENTS_CHANGED per feature: newly excluded or newly checked (when required) breaks', () => {
    const excluded = withFeature('delay', { notInEnvironments: ['serving'] });
    expect(diffSchemas(base, excluded)).toEqual([
      {
        code: 'ENVIRONMENTS_CHANGED',
        feature: 'delay',
        severity: 'warning',
        breaking: true,
        before: { inEnvironments: null, notInEnvironments: null },
        after: { inEnvironments: null, notInEnvironments: ['serving'] },
        included: [],
        excluded: ['serving'],
        message: '"delay": environments changed (now excluded from "serving")',
      },
    ]);
    const included = withFeature('label', { notInEnvironments: undefined });
    expect(diffSchemas(base, included)).toEqual([
      expect.objectContaining({ breaking: true, included: ['serving'], excluded: [] }),
    ]);
    // An optional feature newly checked breaks nothing: data without it stay valid.
    const optionalLabel = withFeature('label', { nullable: true, presence: { minFraction: 0, minCount: 0 } });
    expect(
      brief(
        diffSchemas(
          optionalLabel,
          withFeature('label', { notInEnvironments: undefined }, optionalLabelBody()),
        ),
      ),
    ).toEqual([['ENVIRONMENTS_CHANGED', 'label', false, null]]);
    // Same environments checked, written differently.
    const sameEffect = withFeature('delay', { inEnvironments: ['training', 'serving'] });
    expect(diffSchemas(base, sameEffect)).toEqual([
      expect.objectContaining({
        breaking: false,
        included: [],
        excluded: [],
        message: '"delay": environments changed (same environments checked)',
      }),
    ]);
  });

  it('SKEW_THRESHOLD_CHANGED and DRIFT_THRESHOLD_CHANGED never break data', () => {
    const skew = withFeature('origin', { skew: { method: 'linf', threshold: 0.2 } });
    expect(diffSchemas(base, skew)).toEqual([
      {
        code: 'SKEW_THRESHOLD_CHANGED',
        feature: 'origin',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: { method: 'linf', threshold: 0.1 },
        after: { method: 'linf', threshold: 0.2 },
        message: '"origin": skew alarm linf > 0.1 → linf > 0.2',
      },
    ]);
    expect(
      brief(diffSchemas(base, withFeature('delay', { drift: { method: 'psi', threshold: 0.2 } }))),
    ).toEqual([['DRIFT_THRESHOLD_CHANGED', 'delay', false, null]]);
    expect(diffSchemas(base, withFeature('delay', { drift: undefined }))).toEqual([
      expect.objectContaining({ code: 'DRIFT_THRESHOLD_CHANGED', direction: 'widened', after: null }),
    ]);
    expect(brief(diffSchemas(base, withFeature('note', { skew: { threshold: 0.05 } })))).toEqual([
      ['SKEW_THRESHOLD_CHANGED', 'note', false, 'narrowed'],
    ]);
  });

  it('DATASET_CHANGED: a higher minRows or lower maxRows breaks; a move both ways gives two changes', () => {
    expect(diffSchemas(base, withSchema({ dataset: { minRows: 10 } }))).toEqual([
      {
        code: 'DATASET_CHANGED',
        severity: 'warning',
        breaking: false,
        direction: 'widened',
        before: { minRows: 10, maxRows: 1000 },
        after: { minRows: 10, maxRows: null },
        fields: ['maxRows'],
        message: 'dataset: maxRows 1000 → none',
      },
    ]);
    const both = diffSchemas(base, withSchema({ dataset: { minRows: 5, maxRows: 500 } }));
    expect(both.map((c) => [c.code, c.breaking, c.direction, 'fields' in c && c.fields])).toEqual([
      ['DATASET_CHANGED', false, 'widened', ['minRows']],
      ['DATASET_CHANGED', true, 'narrowed', ['maxRows']],
    ]);
  });

  it('VERSION_CHANGED and DESCRIPTION_CHANGED are info', () => {
    expect(diffSchemas(base, withSchema({ version: '2', description: 'flights, reviewed' }))).toEqual([
      {
        code: 'VERSION_CHANGED',
        severity: 'info',
        breaking: false,
        before: '1',
        after: '2',
        message: 'version "1" → "2"',
      },
      {
        code: 'DESCRIPTION_CHANGED',
        severity: 'info',
        breaking: false,
        before: 'flights',
        after: 'flights, reviewed',
        message: 'schema: description changed',
      },
    ]);
    expect(diffSchemas(base, withFeature('origin', { description: undefined }))).toEqual([
      {
        code: 'DESCRIPTION_CHANGED',
        feature: 'origin',
        severity: 'info',
        breaking: false,
        before: 'departure airport',
        after: null,
        message: '"origin": description removed',
      },
    ]);
  });
});

function optionalLabelBody(): SchemaBody {
  return {
    ...body,
    features: body.features.map((f) =>
      f.name === 'label' ? { ...f, nullable: true, presence: { minFraction: 0, minCount: 0 } } : f,
    ),
  };
}

describe('diffSchemas: order and arguments', () => {
  it('lists data-set changes first, then features in b’s order with removed ones where they were in a', () => {
    const b = sealSchema({
      ...body,
      version: '2',
      dataset: { minRows: 20, maxRows: 1000 },
      features: [
        { name: 'first', type: 'text', nullable: true, presence: { minFraction: 0, minCount: 0 } },
        // origin removed (it came first in a, so it is listed before anything of a's that stays)
        { ...body.features[3]!, description: 'free text' }, // note, moved up
        { ...delay, nullable: false, numeric: { min: -5, max: 50 }, drift: undefined },
        // distance removed: it followed delay in a
        { ...body.features[4]!, type: 'integer' }, // label
        { name: 'last', type: 'boolean', nullable: false, presence: full },
      ],
    });
    expect(diffSchemas(base, b).map((c) => [c.code, c.feature ?? null])).toEqual([
      ['DATASET_CHANGED', null],
      ['VERSION_CHANGED', null],
      ['FEATURE_REMOVED', 'origin'],
      ['FEATURE_ADDED', 'first'],
      ['DESCRIPTION_CHANGED', 'note'],
      ['NULLABLE_CHANGED', 'delay'],
      ['RANGE_WIDENED', 'delay'],
      ['RANGE_NARROWED', 'delay'],
      ['DRIFT_THRESHOLD_CHANGED', 'delay'],
      ['FEATURE_REMOVED', 'distance'],
      ['TYPE_CHANGED', 'label'],
      ['FEATURE_ADDED', 'last'],
    ]);
  });

  it('keeps every change plain JSON data', () => {
    const b = withFeature('origin', { categorical: { values: ['JFK'] }, nullable: true, skew: undefined });
    const changes = diffSchemas(base, b);
    expect(changes.length).toBe(4);
    expect(JSON.parse(JSON.stringify(changes))).toEqual(changes);
  });

  it('rejects what is not a schema, naming diffSchemas and the argument', () => {
    catchLockstep(() => diffSchemas(null as never, base), {
      code: 'INVALID_ARGUMENT',
      fn: 'diffSchemas',
      arg: 'a',
      message: "diffSchemas: argument 'a' must be a lockstep.schema artifact (see parseSchema), got null",
    });
    catchLockstep(() => diffSchemas(base, { kind: 'lockstep.profile' } as never), {
      code: 'INVALID_ARGUMENT',
      arg: 'b',
      message: /^diffSchemas: argument 'b' must be a lockstep.schema artifact/,
    });
    // Claiming to be a schema, but hand-made or edited: parsed, so the problem comes with its path.
    catchLockstep(() => diffSchemas(base, { ...base, features: 'x' } as never), {
      code: 'INVALID_ARTIFACT',
      fn: 'diffSchemas',
      arg: 'b',
      path: '$.features',
      message: "diffSchemas: argument 'b' is not a valid lockstep.schema: $.features: must be an array",
    });
    catchLockstep(() => diffSchemas({ ...base, features: [origin, origin] }, base), {
      code: 'INVALID_ARTIFACT',
      arg: 'a',
      path: '$.features[1].name',
      message: /duplicate feature "origin"/,
    });
    catchLockstep(() => diffSchemas(base, { ...base, features: [{}] } as never), {
      code: 'INVALID_ARTIFACT',
      arg: 'b',
      path: '$.features[0].name',
    });
    // A well-formed edit that was not sealed again is corrupted: its fingerprint no longer matches.
    catchLockstep(() => diffSchemas(base, { ...base, version: 'edited' }), {
      code: 'INVALID_ARTIFACT',
      arg: 'b',
      path: '$.fingerprint',
    });
  });
});

// updateSchema only widens, and diffSchemas shows exactly the widenings it made.
describe('diffSchemas(schema, updateSchema(schema, anomalies).schema)', () => {
  const anomaly = (code: Anomaly['code'], feature: string, count: number, rows: number): Anomaly => ({
    code,
    feature,
    severity: 'error',
    message: '',
    expected: '',
    received: '',
    count,
    fraction: count / rows,
    examples: [],
    // What validate reports with these codes: the rows with a value, and the share inside the domain.
    ...(code === 'MISSING_VALUE' || code === 'LOW_PRESENCE'
      ? { observed: { present: rows - count, rows } }
      : {}),
    ...(code === 'DOMAIN_MASS_LOW' ? { observedMass: { inDomain: rows - count, checked: rows } } : {}),
  });
  const names = body.features.map((f) => f.name);
  const numericNames = ['delay', 'distance'];
  const counts = fc
    .integer({ min: 1, max: 200 })
    .chain((rows) => fc.record({ rows: fc.constant(rows), count: fc.integer({ min: 1, max: rows }) }));
  const arbAnomaly: fc.Arbitrary<Anomaly> = fc.oneof(
    fc
      .uniqueArray(fc.constantFrom('JFK', 'BOS', 'SEA', 'ORD', 'ATL', 'DEN'), { minLength: 1, maxLength: 4 })
      .chain((values) =>
        fc.tuple(
          fc.constant(values),
          fc.array(fc.integer({ min: 1, max: 9 }), { minLength: values.length, maxLength: values.length }),
        ),
      )
      .map(([values, cs]) => {
        const total = cs.reduce((s, c) => s + c, 0);
        return {
          ...anomaly('UNEXPECTED_CATEGORY', 'origin', total, total * 2),
          values: values.map((value, i) => ({ value, count: cs[i]! })),
        };
      }),
    fc
      .tuple(
        fc.constantFrom(...numericNames),
        fc.integer({ min: -300, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
      )
      .map(([f, lo, width]) => ({
        ...anomaly('OUT_OF_RANGE', f, 1, 10),
        range: { min: lo, max: lo + width },
      })),
    fc
      .tuple(
        fc.constantFrom('NAN_NOT_ALLOWED' as const, 'INFINITY_NOT_ALLOWED' as const),
        fc.constantFrom(...numericNames),
      )
      .map(([c, f]) => anomaly(c, f, 1, 10)),
    fc
      .tuple(fc.constantFrom('origin', 'distance', 'label'), counts)
      .map(([f, { rows, count }]) => anomaly('MISSING_VALUE', f, count, rows)),
    fc
      .tuple(fc.constantFrom('delay', 'note'), counts)
      .map(([f, { rows, count }]) => anomaly('LOW_PRESENCE', f, count, rows)),
    counts.map(({ rows, count }) => anomaly('DOMAIN_MASS_LOW', 'origin', count, rows)),
    fc.constantFrom(...names).map((f) => anomaly('MISSING_COLUMN', f, 10, 10)),
  );

  /** The largest share f <= k / n with f * n <= k (what validate needs to pass the batch). */
  const share = (k: number, n: number) => {
    let f = k / n;
    while (f * n > k) f = f - f * Number.EPSILON;
    return f;
  };

  interface Draft {
    nullable: boolean;
    presence: { minFraction: number; minCount: number };
    numeric: { min?: number; max?: number; allowNaN?: boolean; allowInfinity?: boolean };
    categorical: { values: string[]; minDomainMass?: number };
  }

  /** The features the spec says updateSchema must produce, built the plain way. */
  function model(anomalies: readonly Anomaly[]): FeatureSchema[] {
    const byName = new Map(body.features.map((f) => [f.name, structuredClone(f) as unknown as Draft]));
    for (const a of anomalies) {
      const f = byName.get(a.feature!)!;
      const present = a.count === 0 ? 0 : Math.round(a.count / a.fraction) - a.count;
      const rows = Math.round(a.count / a.fraction);
      const lower = () => {
        f.presence = {
          minFraction: Math.min(f.presence.minFraction, share(present, rows)),
          minCount: Math.min(f.presence.minCount, present),
        };
      };
      switch (a.code) {
        case 'UNEXPECTED_CATEGORY':
          for (const { value } of a.values!)
            if (!f.categorical.values.includes(value)) f.categorical.values.push(value);
          break;
        case 'OUT_OF_RANGE':
          if (f.numeric.min !== undefined) f.numeric.min = Math.min(f.numeric.min, a.range!.min);
          if (f.numeric.max !== undefined) f.numeric.max = Math.max(f.numeric.max, a.range!.max);
          break;
        case 'NAN_NOT_ALLOWED':
          f.numeric.allowNaN = true;
          break;
        case 'INFINITY_NOT_ALLOWED':
          f.numeric.allowInfinity = true;
          break;
        case 'MISSING_VALUE':
          lower();
          f.nullable = true;
          break;
        case 'LOW_PRESENCE':
          lower();
          break;
        case 'DOMAIN_MASS_LOW':
          f.categorical.minDomainMass = Math.min(
            f.categorical.minDomainMass ?? 1,
            share(rows - a.count, rows),
          );
          break;
        case 'MISSING_COLUMN':
          f.nullable = true;
          f.presence = { minFraction: 0, minCount: 0 };
          break;
      }
    }
    return [...byName.values()] as unknown as FeatureSchema[];
  }

  /** The (feature, code) pairs a widening from `before` to `after` must show. */
  function expectedCodes(before: FeatureSchema, after: FeatureSchema): SchemaChangeCode[] {
    const codes: SchemaChangeCode[] = [];
    if (after.nullable !== before.nullable) codes.push('NULLABLE_CHANGED');
    if (
      after.presence.minFraction !== before.presence.minFraction ||
      after.presence.minCount !== before.presence.minCount
    )
      codes.push('PRESENCE_CHANGED');
    if (after.numeric?.min !== before.numeric?.min || after.numeric?.max !== before.numeric?.max)
      codes.push('RANGE_WIDENED');
    if (after.numeric?.allowNaN !== before.numeric?.allowNaN) codes.push('NAN_ALLOWED_CHANGED');
    if (after.numeric?.allowInfinity !== before.numeric?.allowInfinity)
      codes.push('INFINITY_ALLOWED_CHANGED');
    if (after.categorical?.values.length !== before.categorical?.values.length) codes.push('DOMAIN_WIDENED');
    if (after.categorical?.minDomainMass !== before.categorical?.minDomainMass)
      codes.push('DOMAIN_MASS_CHANGED');
    return codes;
  }

  it('lists exactly the widenings applied, none breaking', () => {
    fc.assert(
      fc.property(fc.array(arbAnomaly, { maxLength: 12 }), (anomalies) => {
        const { schema, applied, skipped } = updateSchema(base, anomalies);
        expect(skipped).toEqual([]);
        expect(applied).toEqual(anomalies);
        const expected = model(anomalies);
        expect(schema.features).toEqual(expected);
        const changes = diffSchemas(base, schema);
        for (const c of changes) {
          expect(c.breaking).toBe(false);
          expect(c.direction).toBe('widened');
          expect(c.severity).toBe('warning');
        }
        const want = expected.flatMap((f, i) =>
          expectedCodes(body.features[i]!, f).map((code) => [code, f.name]),
        );
        expect(changes.map((c) => [c.code, c.feature])).toEqual(want);
        // The values a domain gained are the anomalies' new values, in order.
        const domain = changes.find((c) => c.code === 'DOMAIN_WIDENED');
        if (domain && 'values' in domain) {
          const fresh: string[] = [...origin.categorical!.values];
          for (const a of anomalies)
            for (const { value } of a.code === 'UNEXPECTED_CATEGORY' ? a.values! : [])
              if (!fresh.includes(value)) fresh.push(value);
          fresh.splice(0, origin.categorical!.values.length);
          expect(domain.values).toEqual(fresh);
        }
      }),
      { numRuns: 300 },
    );
  });
});
