// PII-safe profiles: a PII feature's profile keeps counts, the HyperLogLog registers and (with a token
// function) token frequencies, never a raw value, through profile, createProfiler, profileStream,
// mergeProfiles and parseProfile; and drift, schema inference and suggestions read such a profile without
// crashing or showing a value. A canary e-mail address and account number are planted in real flights rows
// (vega-datasets' flights-20k).
import { beforeAll, describe, expect, it } from 'vitest';
import { type Flight, loadFlights20k } from '../../examples/shared/flights-model.js';
import { isLockstepError } from '../../src/core/errors.js';
import {
  chiSquareTest,
  compare,
  jensenShannon,
  ksTest,
  lInfinity,
  psi,
  wasserstein,
} from '../../src/drift/index.js';
import { inferSchema, markPii, suggestPii } from '../../src/schema/index.js';
import {
  createProfiler,
  histogram,
  mergeProfiles,
  type ProfileArtifact,
  parseProfile,
  profile,
  profileStream,
  quantiles,
  topValues,
} from '../../src/stats/index.js';
import { catchLockstep } from '../helpers/errors.js';

const CANARY_EMAIL = 'canary-4f9a@example.com';
const CANARY_ACCOUNT = 4155550199;

type Row = Flight & { email: string; account: number };

let rows: Row[];

function withPii(flights: readonly Flight[], at: number): Row[] {
  return flights.map((f, i) => ({
    ...f,
    email: i === at ? CANARY_EMAIL : `traveller${i}@${i % 3 === 0 ? 'example.org' : 'example.net'}`,
    account: i === at ? CANARY_ACCOUNT : 1_000_000 + i,
  }));
}

function expectNoCanary(value: unknown): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  expect(text).not.toContain('canary-4f9a');
  expect(text).not.toContain(String(CANARY_ACCOUNT));
  expect(text).not.toContain('traveller');
}

function feature(p: ProfileArtifact, name: string) {
  return p.features.find((f) => f.name === name)!;
}

/** The domain of an e-mail address: a token that is not the address. */
const domainToken = (v: string) => v.slice(v.indexOf('@') + 1);

beforeAll(() => {
  rows = withPii(loadFlights20k().slice(0, 3000), 1234);
});

describe('profile with pii', () => {
  it('keeps counts and a distinct estimate only; other features are profiled as before', () => {
    const p = profile(rows, { pii: ['email', 'account'] });
    expectNoCanary(p);
    const email = feature(p, 'email');
    expect(email.pii).toBe('counts');
    expect(email.numeric).toBeUndefined();
    expect(email.present).toBe(3000);
    expect(email.types.string).toBe(3000);
    expect(email.categorical!.frequencies).toEqual([]);
    expect(email.categorical!.length).toBeNull();
    expect(email.categorical!.distinctExact).toBe(false);
    expect(Math.abs(email.categorical!.distinct - 3000) / 3000).toBeLessThan(0.05);
    const account = feature(p, 'account');
    expect(account.type).toBe('numeric');
    expect(account.numeric).toBeUndefined();
    expect(account.categorical!.count).toBe(3000);
    // The registers hold run lengths (at most 32 - p + 1), not text or hashes.
    const registers = Buffer.from(email.categorical!.hll, 'base64');
    expect(registers.length).toBe(1 << p.sketches.distinctP);
    expect(Math.max(...registers)).toBeLessThanOrEqual(32 - p.sketches.distinctP + 1);
    // The rest of the profile is what it is without the option.
    const plain = profile(rows);
    for (const name of ['origin', 'destination', 'delay', 'distance', 'date'])
      expect(feature(p, name)).toEqual(feature(plain, name));
    // The control: without the option the account number is there (its maximum).
    expect(JSON.stringify(plain).includes(String(CANARY_ACCOUNT))).toBe(true);
  });

  it('keeps the frequencies of tokens with a token function', () => {
    const p = profile(rows, { pii: { email: { token: domainToken }, account: true } });
    expectNoCanary(p);
    const email = feature(p, 'email');
    expect(email.pii).toBe('tokens');
    expect(email.categorical!.frequencies).toEqual([
      ['example.net', 1999],
      ['example.org', 1000],
      ['example.com', 1],
    ]);
    expect(email.categorical!.distinct).toBe(3);
    expect(feature(p, 'account').pii).toBe('counts');
    expect(topValues(p, 'email', 10).map((t) => t.value)).toEqual([
      'example.net',
      'example.org',
      'example.com',
    ]);
  });

  it('a token function that throws or returns no string is a coded error without the value', () => {
    const e1 = catchLockstep(() =>
      profile(rows, {
        pii: {
          email: {
            token: (v) => {
              throw new Error(v);
            },
          },
        },
      }),
    );
    expect(isLockstepError(e1)).toBe(true);
    expectNoCanary(e1.message);
    const e2 = catchLockstep(() => profile(rows, { pii: { email: { token: (v) => v.length as never } } }));
    expect(e2.message).toContain('must return a string');
    expect(
      catchLockstep(() => profile(rows, { pii: { email: { tokn: domainToken } as never } })).message,
    ).toContain('did you mean "token"?');
  });

  it('createProfiler and profileStream keep no raw value either', async () => {
    const profiler = createProfiler({ pii: ['email', 'account'] });
    for (let i = 0; i < rows.length; i += 700) profiler.update(rows.slice(i, i + 700));
    const streamed = await profileStream(rows as unknown as Record<string, unknown>[], {
      pii: ['email', 'account'],
      batchRows: 500,
    });
    for (const p of [profiler.result(), streamed]) {
      expectNoCanary(p);
      expect(feature(p, 'email').categorical!.count).toBe(3000);
    }
  });

  it('merging keeps the property, even with a profile that holds raw values', () => {
    const safe = profile(rows.slice(0, 1500), { pii: ['email', 'account'] });
    const raw = profile(rows.slice(1500).concat(rows[1234]!)); // holds the canary in its sketches
    expect(JSON.stringify(raw).includes(String(CANARY_ACCOUNT))).toBe(true);
    for (const merged of [mergeProfiles(safe, raw), mergeProfiles(raw, safe)]) {
      expectNoCanary(merged);
      expect(feature(merged, 'email').pii).toBe('counts');
      expect(feature(merged, 'email').present).toBe(3001);
      expect(feature(merged, 'account').numeric).toBeUndefined();
    }
    const p = createProfiler({ pii: ['email'] })
      .merge(raw)
      .result();
    expectNoCanary(feature(p, 'email'));
    // Tokens merge with tokens; tokens with counts leave counts.
    const t1 = profile(rows.slice(0, 1000), { pii: { email: { token: domainToken } } });
    const t2 = profile(rows.slice(1000), { pii: { email: { token: domainToken } } });
    const tokens = mergeProfiles(t1, t2);
    expect(feature(tokens, 'email').pii).toBe('tokens');
    expect(feature(tokens, 'email').categorical!.frequencies).toEqual(
      feature(profile(rows, { pii: { email: { token: domainToken } } }), 'email').categorical!.frequencies,
    );
    expect(feature(mergeProfiles(t1, safe), 'email')).toMatchObject({ pii: 'counts' });
    expect(feature(mergeProfiles(t1, safe), 'email').categorical!.frequencies).toEqual([]);
  });

  it('parses back, and a profile edited to hold values again is refused', () => {
    const p = profile(rows, { pii: ['email'] });
    expect(parseProfile(JSON.stringify(p))).toEqual(p);
    const json = JSON.parse(JSON.stringify(p));
    const at = json.features.findIndex((f: { name: string }) => f.name === 'email');
    json.features[at].categorical.frequencies = [[CANARY_EMAIL, 1]];
    const error = catchLockstep(() => parseProfile(json));
    expect(error.message).toContain('must be empty for a pii feature');
    expectNoCanary(error.message);
  });
});

describe('readers of a PII profile', () => {
  it('drift: compare skips it with a coded finding; distances refuse it with a coded error', () => {
    const a = profile(rows.slice(0, 1500), { pii: ['email', 'account'] });
    const b = profile(rows.slice(1500), { pii: ['email', 'account'] });
    const report = compare(a, b);
    expectNoCanary(report);
    expect(report.skipped.filter((s) => s.reasonCode === 'PII').map((s) => s.feature)).toEqual([
      'email',
      'account',
    ]);
    expect(report.features.map((f) => f.feature)).toContain('origin');
    for (const name of ['email', 'account']) {
      const sides = [
        { profile: a, feature: name },
        { profile: b, feature: name },
      ] as const;
      for (const run of [
        () => psi(...sides),
        () => jensenShannon(...sides),
        () => lInfinity(...sides),
        () => wasserstein(...sides),
        () => chiSquareTest(...(sides as never as [never, never])),
        () => ksTest(...(sides as never as [never, never])),
      ]) {
        const error = catchLockstep(run);
        expect(isLockstepError(error)).toBe(true);
        expectNoCanary(error.message);
      }
    }
    // Raw data compared under a schema that marks the feature: skipped too (values would be in `top`).
    const schema = markPii(inferSchema(rows.slice(0, 100)), ['email', 'account']);
    const raw = compare(rows.slice(0, 1500), rows.slice(1500), { schema });
    expectNoCanary(raw);
    expect(raw.skipped.filter((s) => s.reasonCode === 'PII')).toHaveLength(2);
  });

  it('drift: two profiles of tokens compare as categories of tokens', () => {
    const options = { pii: { email: { token: domainToken } } };
    const a = profile(rows.slice(0, 1500), options);
    const b = profile(rows.slice(1500), options);
    const d = lInfinity({ profile: a, feature: 'email' }, { profile: b, feature: 'email' });
    expect(d.value).toBeLessThan(0.05);
    const report = compare(a, b);
    expect(report.features.find((f) => f.feature === 'email')).toMatchObject({ type: 'categorical' });
    expectNoCanary(report);
  });

  it('stats readers, inferSchema and suggestPii read it without a value', () => {
    const p = profile(rows, { pii: ['email', 'account'] });
    expect(isLockstepError(catchLockstep(() => quantiles(p, 'account', [0.5])))).toBe(true);
    expect(isLockstepError(catchLockstep(() => histogram(p, 'account')))).toBe(true);
    expect(topValues(p, 'email', 10)).toEqual([]);
    const schema = inferSchema(p);
    expectNoCanary(schema);
    expect(schema.features.find((f) => f.name === 'email')!.categorical).toBeUndefined();
    // Only the names speak in a PII profile.
    expect(suggestPii(p).map((s) => [s.feature, s.reasonCode])).toEqual([['email', 'NAME']]);
  });
});
