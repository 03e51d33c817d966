// Hash-sampled logging of served requests: the monitor logs exactly the keys lockstep/split's sampleByKey
// samples at the same rate and salt, with what was served and when.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMonitor, type LoggedRequest } from '../../src/monitor/monitor.js';
import { sampleByKey } from '../../src/split/assign.js';
import { profile } from '../../src/stats/profile.js';

const baseline = profile([{ x: 1 }]);

describe('sampled logging', () => {
  it('agrees with sampleByKey for string, number, bigint and byte keys', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.integer(),
            fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
            fc.uint8Array({ maxLength: 8 }),
          ),
          { maxLength: 50 },
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.string({ maxLength: 10 }),
        (keys, rate, salt) => {
          const logged: LoggedRequest[] = [];
          const m = createMonitor({
            baseline,
            now: () => 7,
            log: { rate, salt, sink: (r) => logged.push(r) },
          });
          for (const key of keys) m.observe({ input: { x: 1 }, prediction: 0.5, key });
          expect(logged.map((r) => r.key)).toEqual(keys.filter((key) => sampleByKey(key, rate, { salt })));
        },
      ),
    );
  });

  it('gives the sink the key, input, features, prediction and time; 5 % of 20,000 keys', () => {
    let t = 100;
    const logged: LoggedRequest[] = [];
    const m = createMonitor({
      baseline,
      now: () => t,
      log: { rate: 0.05, salt: 'log-2026', sink: (r) => logged.push(r) },
    });
    const features = new Float32Array([1, 2]);
    for (let i = 0; i < 20_000; i++) {
      t++;
      m.observe({ input: { x: i }, features, prediction: i / 20_000, key: `session-${i}` });
    }
    expect(logged.length).toBeGreaterThan(900);
    expect(logged.length).toBeLessThan(1_100);
    const first = logged[0]!;
    const i = Number((first.key as string).slice('session-'.length));
    expect(first).toEqual({
      key: `session-${i}`,
      input: { x: i },
      features,
      prediction: i / 20_000,
      at: 101 + i,
    });
    expect(Object.isFrozen(first)).toBe(true);
    expect(m.snapshot().totals.logged).toBe(logged.length);
  });

  it('a request without a key is not logged; the sink runs after the request is recorded', () => {
    const m = createMonitor({
      baseline,
      now: () => 0,
      log: {
        rate: 1,
        sink: () => {
          throw new Error('sink down');
        },
      },
    });
    m.observe({ input: { x: 1 } });
    expect(() => m.observe({ input: { x: 1 }, key: 'k' })).toThrow('sink down');
    expect(m.snapshot().totals.requests).toBe(2);
  });
});
