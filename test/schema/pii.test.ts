// PII features in the schema: marking, suggestions, redaction, and anomalies and errors that never show a
// PII value. A canary e-mail address and phone number are planted in real flights rows (vega-datasets'
// flights-20k, with `email` and `phone` columns added here) and must never appear in any anomaly, message
// or thrown error.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Flight, loadFlights20k } from '../../examples/shared/flights-model.js';
import { isLockstepError } from '../../src/core/errors.js';
import {
  assertValid,
  compileValidator,
  diffSchemas,
  inferSchema,
  markPii,
  parseSchema,
  partitionValid,
  piiFeatures,
  REDACTED,
  redact,
  redactedDescription,
  type SchemaArtifact,
  sealSchema,
  suggestPii,
  toZod,
  updateSchema,
  validate,
} from '../../src/schema/index.js';
import golden from '../fixtures/golden-schema.json' with { type: 'json' };
import { catchLockstep } from '../helpers/errors.js';

const CANARY_EMAIL = 'canary-4f9a@example.com';
const CANARY_PHONE = '+44 20 7946 0958';
const CANARY = 'canary-4f9a';

type Row = Omit<Flight, 'date'> & { date: Date; email: string | null; phone: string };

let flights: Row[];
let schema: SchemaArtifact;

/** Rows with an e-mail and a phone column; row `at` carries the canaries. */
function withContacts(rows: readonly Flight[], at: number): Row[] {
  return rows.map((f, i) => ({
    ...f,
    email: i === at ? CANARY_EMAIL : `traveller${i}@example.com`,
    phone: i === at ? CANARY_PHONE : `+1 415 555 ${String(i % 10_000).padStart(4, '0')}`,
  }));
}

/** Throws if the canary is anywhere in the value's JSON (or a thrown error's message and fields). */
function expectNoCanary(value: unknown): void {
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
  expect(text).not.toContain(CANARY);
  expect(text).not.toContain('7946');
}

beforeAll(() => {
  flights = withContacts(loadFlights20k().slice(0, 2000), 1234);
  // Inferred without the canary row's values mattering: a domain would list them, so markPii drops it.
  schema = markPii(inferSchema(flights, { maxDomainSize: 5000, environments: ['training', 'serving'] }), [
    'email',
    'phone',
  ]);
});

describe('the schema artifact', () => {
  it('carries pii: true on marked features, without their domain, and parses back', () => {
    const email = schema.features.find((f) => f.name === 'email')!;
    expect(email.pii).toBe(true);
    expect(email.type).toBe('text'); // long distinct strings
    // 100 phone numbers are categorical with a domain of 100 values before marking; none after.
    const small = inferSchema(flights.slice(0, 100));
    expect(small.features.find((f) => f.name === 'phone')!.categorical?.values).toHaveLength(100);
    const phone = markPii(small, ['phone']).features.find((f) => f.name === 'phone')!;
    expect(phone.type).toBe('categorical');
    expect(phone.categorical).toBeUndefined();
    expect(validate(flights.slice(0, 100), markPii(small, ['phone'])).ok).toBe(true);
    expect(piiFeatures(schema)).toEqual(['email', 'phone']);
    expect(parseSchema(JSON.stringify(schema))).toEqual(schema);
    expectNoCanary(schema);
  });

  it('keeps the fingerprint of schemas that do not use it; old artifacts parse', () => {
    const plain = inferSchema(flights.slice(0, 50).map(({ email: _e, phone: _p, ...f }) => f));
    expect(plain.features.some((f) => 'pii' in f)).toBe(false);
    expect(parseSchema(golden).fingerprint).toBe((golden as { fingerprint: string }).fingerprint);
    const marked = markPii(plain, ['origin']);
    expect(marked.fingerprint).not.toBe(plain.fingerprint);
    // markPii returns a new sealed schema; the old one is unchanged (frozen).
    expect(plain.features.find((f) => f.name === 'origin')!.pii).toBeUndefined();
    expect(Object.isFrozen(marked)).toBe(true);
    expect(markPii(marked, ['origin']).fingerprint).toBe(marked.fingerprint);
  });

  it('refuses a pii feature that lists its values, and markPii a name it does not have', () => {
    const body = {
      kind: 'lockstep.schema' as const,
      formatVersion: 1 as const,
      environments: [],
      dataset: {},
      features: [
        {
          name: 'email',
          type: 'categorical' as const,
          nullable: false,
          presence: { minFraction: 1, minCount: 1 },
          categorical: { values: [CANARY_EMAIL] },
          pii: true,
        },
      ],
    };
    const error = catchLockstep(() => sealSchema(body));
    expect(error.message).toContain('categorical');
    expectNoCanary(error.message);
    expect((error as { code?: string }).code).toBe('INVALID_ARTIFACT');
    expect(catchLockstep(() => markPii(schema, ['emial'])).message).toContain('did you mean "email"?');
  });

  it('inferSchema never marks a feature pii', () => {
    const inferred = inferSchema(flights.slice(0, 200));
    expect(inferred.features.filter((f) => f.pii !== undefined)).toEqual([]);
  });
});

describe('anomalies and errors never show a PII value', () => {
  it('validate, partitionValid and assertValid describe PII values by type and length', () => {
    // A strict schema: a numeric email (TYPE_MISMATCH would show the value), a categorical phone with a
    // domain in a copy that is not PII (to see that the same data does show values there).
    const strict = sealSchema({
      ...schema,
      features: schema.features.map((f) =>
        f.name === 'email'
          ? { ...f, type: 'numeric' as const, categorical: undefined, numeric: { min: 0, max: 1 } }
          : f,
      ),
    });
    const bad = flights.map((r, i) => (i === 1234 ? r : { ...r, email: i % 2 === 0 ? null : r.email }));
    const report = validate(bad, strict, { environment: 'serving', maxExamples: 1000 });
    expect(report.anomalies.map((a) => a.code)).toContain('TYPE_MISMATCH');
    const mismatch = report.anomalies.find((a) => a.code === 'TYPE_MISMATCH' && a.feature === 'email')!;
    expect(mismatch.examples.some((e) => e.row === 1234)).toBe(true);
    expect(mismatch.examples.find((e) => e.row === 1234)!.value).toBe('[redacted string of length 23]');
    expectNoCanary(report);
    expectNoCanary(partitionValid(bad, strict));
    const error = catchLockstep(() => assertValid(bad, strict));
    expect(isLockstepError(error)).toBe(true);
    expectNoCanary({ ...error, message: error.message });

    // Numbers out of range: the range (two values) is left out for a PII feature.
    const numeric = markPii(inferSchema([{ card: 5 }, { card: 9 }], { inferRanges: true }), ['card']);
    const out = validate([{ card: 4155550199 }], numeric).anomalies[0]!;
    expect(out.code).toBe('OUT_OF_RANGE');
    expect(out.range).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain('4155550199');
  });

  it('a PII feature has no domain to list; a non-PII one shows its values (the control)', () => {
    // A categorical PII feature cannot have a domain, so a categorical one without PII shows values,
    // and the same anomaly from a feature marked after validation-by-hand cannot happen: checked through
    // a domain on a non-PII copy, then the compiled PII rule.
    const open = inferSchema([{ code: 'A' }, { code: 'B' }]);
    const shown = validate([{ code: CANARY_EMAIL }], open).anomalies[0]!;
    expect(shown.code).toBe('UNEXPECTED_CATEGORY');
    expect(JSON.stringify(shown)).toContain(CANARY); // the control: a non-PII feature shows its value
    const hidden = validate(
      [{ code: 5 }, { code: CANARY_EMAIL }],
      markPii(inferSchema([{ code: 1 }]), ['code']),
    );
    expectNoCanary(hidden);
    expect(hidden.anomalies[0]!.message).toContain('[redacted string of length 23]');
  });

  it('the row validator and toZod never show a PII value', () => {
    const check = compileValidator(schema, { environment: 'serving' });
    const row = { ...flights[1234]!, email: 42, phone: { nested: CANARY_PHONE } };
    const report = check(row);
    expect(report.ok).toBe(false);
    expectNoCanary(report);
    const rowWithCanaryType = { ...flights[1234]!, email: [CANARY_EMAIL] };
    expectNoCanary(check(rowWithCanaryType));
    const z = toZod(schema, { environment: 'serving' });
    const parsed = z.safeParse({ ...flights[1234]!, email: 7 });
    expect(parsed.success).toBe(false);
    expectNoCanary(parsed.error!.issues);
  });

  it('updateSchema does not copy a PII value into the schema', () => {
    const report = validate([{ ...flights[1234]!, email: 3 }], schema);
    const update = updateSchema(schema, report, { accept: ['TYPE_MISMATCH'] });
    expectNoCanary(update);
  });

  it('property: no hostile PII value ever reaches an anomaly', () => {
    const numeric = markPii(inferSchema([{ secret: 1 }, { secret: 2 }], { inferRanges: true }), ['secret']);
    const check = compileValidator(numeric);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1_000_003, max: 1e9 }), (text, n) => {
        const canary = `zz${text}qq`;
        for (const value of [canary, [canary], { canary }, n, -n]) {
          const a = JSON.stringify(check({ secret: value }));
          const b = JSON.stringify(validate([{ secret: value }, { secret: 1 }], numeric));
          for (const out of [a, b]) {
            expect(out).not.toContain(`zz${JSON.stringify(text).slice(1, -1)}qq`);
            if (typeof value === 'number') expect(out).not.toContain(String(value));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('redact', () => {
  it('replaces PII values, keeps missing ones, drops unknown columns by default', () => {
    const row = { ...flights[1234]!, email: CANARY_EMAIL, phone: null, note: CANARY };
    const out = redact(row, schema);
    expect(out.email).toBe(REDACTED);
    expect(out.phone).toBeNull();
    expect('note' in out).toBe(false);
    expect(out.origin).toBe(row.origin);
    expect(row.email).toBe(CANARY_EMAIL); // not mutated
    expectNoCanary(out);
    expect(redact(row, schema, { unknown: 'keep', marker: '***' })).toMatchObject({
      email: '***',
      note: CANARY,
    });
  });

  it('refuses a row that is not an object without showing it', () => {
    const error = catchLockstep(() => redact(CANARY_EMAIL as never, schema));
    expect(error.message).toContain('[redacted string of length 23]');
    expectNoCanary(error.message);
    expect(catchLockstep(() => redact({}, schema, { unkown: 'keep' } as never)).message).toContain(
      'did you mean',
    );
  });

  it('property: hostile rows come back redacted, never mutated, never with a polluted prototype', () => {
    const names = ['email', 'phone', 'origin', '__proto__', 'constructor', 'toString', 'x'];
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...names),
          fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object()),
        ),
        fc.constantFrom<'keep' | 'drop'>('keep', 'drop'),
        (raw, unknown) => {
          const row = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
          const before = JSON.stringify(row);
          const out = redact(row, schema, { unknown });
          expect(JSON.stringify(row)).toBe(before);
          expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
          for (const key of Object.keys(out)) {
            if (key === 'email' || key === 'phone')
              expect(out[key] === null || out[key] === REDACTED).toBe(true);
            else expect(out[key]).toBe(row[key]);
          }
          for (const key of Object.keys(row)) {
            const known = schema.features.some((f) => f.name === key);
            expect(Object.hasOwn(out, key)).toBe(known || unknown === 'keep');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('redactedDescription says type and length only', () => {
    expect(redactedDescription(CANARY_EMAIL)).toBe('[redacted string of length 23]');
    expect(redactedDescription(12)).toBe('[redacted number]');
    expect(redactedDescription([1, 2])).toBe('[redacted array of length 2]');
    expect(redactedDescription(new Date(0))).toBe('[redacted Date]');
  });
});

describe('suggestPii', () => {
  it('finds the e-mail and phone columns of flights by shape and name, and nothing else', () => {
    const suggestions = suggestPii(flights);
    expectNoCanary(suggestions);
    expect(suggestions.map((s) => [s.feature, s.reasonCode])).toEqual([
      ['email', 'NAME'],
      ['email', 'EMAIL'],
      ['phone', 'NAME'],
      ['phone', 'PHONE'],
    ]);
    const email = suggestions.find((s) => s.reasonCode === 'EMAIL')!;
    expect(email).toMatchObject({
      code: 'PII_CANDIDATE',
      severity: 'info',
      reason: 'e-mail-shaped',
      share: 1,
    });
    expect(email.checked).toBe(2000);
    // Shapes alone, under names that say nothing.
    const renamed = flights.map(({ email, phone, ...f }) => ({ ...f, a: email, b: phone }));
    expect(suggestPii(renamed).map((s) => [s.feature, s.reason])).toEqual([
      ['a', 'e-mail-shaped'],
      ['b', 'phone-shaped'],
    ]);
  });

  it('finds cards, IBANs and IP addresses; ordinary values are not flagged', () => {
    const rows = [
      {
        c: '4111 1111 1111 1111',
        i: 'GB82 WEST 1234 5698 7654 32',
        ip: '192.168.1.20',
        v6: '2001:db8::8a2e:370:7334',
      },
      { c: '5500-0000-0000-0004', i: 'DE89370400440532013000', ip: '10.0.0.1', v6: 'fe80::1' },
    ];
    expect(suggestPii(rows, { names: false }).map((s) => [s.feature, s.reason])).toEqual([
      ['c', 'card-number-shaped (Luhn)'],
      ['i', 'IBAN-shaped (mod 97)'],
      ['ip', 'IPv4/IPv6'],
      ['v6', 'IPv4/IPv6'],
    ]);
    const ordinary = [
      { d: '2026-01-05', t: '10:30:00', v: '1.2.3', n: '1234567', x: '4111 1111 1111 1112', p: '3.14159265' },
    ];
    expect(suggestPii(ordinary)).toEqual([]);
  });

  it('reads names: e-mail, phone, ssn, name-like, address, ip; not hostname or file_name', () => {
    const row = {
      userEmail: null,
      mobile_number: null,
      ssn: null,
      first_name: null,
      name: null,
      street_address: null,
      client_ip: null,
      hostname: null,
      file_name: null,
      origin: null,
    };
    expect(suggestPii([row]).map((s) => s.feature)).toEqual([
      'userEmail',
      'mobile_number',
      'ssn',
      'first_name',
      'name',
      'street_address',
      'client_ip',
    ]);
  });

  it('property: hostile values never throw and never appear in a suggestion', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { minLength: 1, maxLength: 30 }), (values) => {
        const out = suggestPii(values.map((v) => ({ col: v })));
        for (const s of out) {
          expect(s.code).toBe('PII_CANDIDATE');
          expect(s.share).toBeGreaterThanOrEqual(0.25);
          for (const v of values) if (v.length >= 6) expect(s.message).not.toContain(v);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('diffSchemas', () => {
  it('reports a feature marked or unmarked pii as PII_CHANGED, a non-breaking warning', () => {
    const plain = inferSchema(flights.slice(0, 100));
    const marked = markPii(plain, ['email']);
    // Marking also removes the domain inferSchema gave the 100 addresses: DOMAIN_WIDENED, then PII_CHANGED.
    expect(diffSchemas(plain, marked).map((c) => c.code)).toEqual(['DOMAIN_WIDENED', 'PII_CHANGED']);
    expect(diffSchemas(plain, marked).filter((c) => c.code === 'PII_CHANGED')).toEqual([
      {
        code: 'PII_CHANGED',
        feature: 'email',
        severity: 'warning',
        breaking: false,
        before: false,
        after: true,
        message: '"email": marked pii: profiles keep counts only, logs redact it',
      },
    ]);
    const back = diffSchemas(marked, plain).find((c) => c.code === 'PII_CHANGED')!;
    expect([back.before, back.after]).toEqual([true, false]);
  });
});
