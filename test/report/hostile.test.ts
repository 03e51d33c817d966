// Every input and option renderReport takes, hostile: a result or a LockstepError, never a TypeError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { renderReport } from '../../src/report/render.js';
import {
  deepObject,
  expectLockstepOrResult,
  hostile,
  hostileValues,
  throwingProxy,
} from '../helpers/hostile.js';
import { flightsComparison, flightsGate, flightsRollout, flightsSnapshot } from './fixtures.js';

/** A JSON copy of `value` with the field at `path` replaced. */
function corrupt(value: object, path: readonly (string | number)[], replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1)!] = replacement;
  return copy;
}

describe('renderReport with hostile inputs', () => {
  it('whole inputs and option values', () => {
    fc.assert(
      fc.property(hostile(), (x) => expectLockstepOrResult(() => renderReport(x))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(
          'title',
          'generatedAt',
          'maxFeatures',
          'maxCategories',
          'bins',
          'maxRows',
          'reference',
          'current',
        ),
        hostile(),
        (key, x) => expectLockstepOrResult(() => renderReport(flightsComparison().report, { [key]: x })),
      ),
      { numRuns: 300 },
    );
    for (const x of hostileValues()) expectLockstepOrResult(() => renderReport(flightsGate(), x as never));
  });

  it('one field of each real input corrupted', () => {
    const { report, reference } = flightsComparison();
    const targets: [object, (string | number)[][]][] = [
      [
        report,
        [
          ['features'],
          ['features', 0],
          ['features', 1, 'statistic'],
          ['features', 0, 'top'],
          ['features', 0, 'top', 0],
          ['features', 2, 'missing'],
          ['dataset'],
          ['anomalies'],
        ],
      ],
      [
        flightsGate(),
        [
          ['checks'],
          ['checks', 0],
          ['checks', 2, 'message'],
          ['checks', 1, 'expected'],
          ['refs'],
          ['passed'],
        ],
      ],
      [
        flightsRollout(),
        [
          ['steps'],
          ['steps', 1],
          ['events', 0],
          ['events', 2, 'at'],
          ['comparisons'],
          ['comparisons', 'latencyMs', 'low'],
          ['analysis', 'metrics'],
          ['step'],
          ['name'],
        ],
      ],
      [flightsSnapshot(), [['findings', 0], ['current', 'drift', 0], ['alerts', 0], ['totals']]],
    ];
    for (const [input, paths] of targets)
      fc.assert(
        fc.property(fc.constantFrom(...paths), hostile(), (path, x) =>
          expectLockstepOrResult(() => renderReport(corrupt(input, path, x))),
        ),
        { numRuns: 150 },
      );
    const profilePaths = [
      ['features', 1, 'numeric', 'quantiles', 'items'],
      ['features', 1, 'numeric', 'quantiles', 'levels'],
      ['features', 3, 'categorical', 'frequencies'],
      ['features', 3, 'categorical', 'frequencies', 0],
      ['features', 0, 'name'],
      ['features', 1, 'numeric', 'quantiles', 'sampler'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...profilePaths), hostile(), (path, x) =>
        expectLockstepOrResult(() =>
          renderReport(report, { reference: corrupt(reference, path, x) as object }),
        ),
      ),
      { numRuns: 200 },
    );
  });

  it('names where an unreadable or too deep input failed', () => {
    const e = (() => {
      try {
        renderReport({ kind: 'lockstep.gate', passed: false, checks: [throwingProxy()] });
      } catch (error) {
        return error as LockstepError;
      }
    })();
    expect(e).toBeInstanceOf(LockstepError);
    expect(e?.arg).toBe('input.checks[0]');
    expect(() => renderReport({ kind: 'lockstep.monitor.snapshot', deep: deepObject(10_000) })).toThrow(
      /must be nested at most 64 deep/,
    );
    const cycle: Record<string, unknown> = { kind: 'lockstep.monitor.snapshot' };
    cycle.self = cycle;
    expect(() => renderReport(cycle)).toThrow(LockstepError);
  });
});
