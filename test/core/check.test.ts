import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkArray,
  checkChoice,
  checkInteger,
  checkNumber,
  checkObject,
  checkString,
  checkStrings,
  closest,
  readOptions,
} from '../../src/core/check.js';
import { LockstepError } from '../../src/core/errors.js';
import { catchLockstep } from '../helpers/errors.js';
import { hostile, throwingGetters, throwingProxy } from '../helpers/hostile.js';

describe('readOptions', () => {
  const known = ['thresholds', 'method', 'features', 'smallSample'] as const;

  it('copies the known keys of a plain object and treats undefined as no options', () => {
    const o = readOptions('compare', { method: 'ks', thresholds: 0.1 }, known);
    expect({ ...o }).toEqual({ method: 'ks', thresholds: 0.1 });
    expect(Object.keys(readOptions('compare', undefined, known))).toEqual([]);
  });

  it('refuses an unknown key, naming it, the closest known key and the function', () => {
    const error = catchLockstep(() => readOptions('compare', { threshold: 0.1 }, known));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.fn).toBe('compare');
    expect(error.arg).toBe('options.threshold');
    expect(error.message).toBe(
      `compare: argument 'options' has an unknown key "threshold" (did you mean "thresholds"?); known keys: thresholds, method, features, smallSample`,
    );
  });

  it('suggests by edit distance, case and transposition, and nothing when nothing is close', () => {
    expect(closest('featuers', known)).toBe('features');
    expect(closest('METHOD', known)).toBe('method');
    expect(closest('smallsampel', known)).toBe('smallSample');
    expect(closest('zzz', known)).toBeUndefined();
    expect(catchLockstep(() => readOptions('f', { zzz: 1 }, known)).message).not.toContain('did you mean');
  });

  it('refuses options that are not an object, naming the argument', () => {
    for (const bad of [null, 'salt', 3, [], new Float64Array(1), true]) {
      const error = catchLockstep(() => readOptions('assignSplit', bad, ['salt']));
      expect(error.message).toMatch(/^assignSplit: argument 'options' must be an object, got /);
      expect(error.arg).toBe('options');
    }
  });

  it('reads a getter once, and turns throwing getters and proxies into INVALID_ARGUMENT', () => {
    let reads = 0;
    const o = readOptions(
      'f',
      {
        get method() {
          reads++;
          return 'ks';
        },
      },
      known,
    );
    expect(o.method).toBe('ks');
    expect(o.method).toBe('ks');
    expect(reads).toBe(1);
    expect(catchLockstep(() => readOptions('f', throwingGetters(), ['a', 'b'])).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(catchLockstep(() => readOptions('f', throwingProxy(), ['a'])).code).toBe('INVALID_ARGUMENT');
  });

  it('treats __proto__ as a key like any other: unknown unless declared', () => {
    const withProto = JSON.parse('{"__proto__": {"x": 1}}');
    expect(catchLockstep(() => readOptions('f', withProto, known)).arg).toBe('options.__proto__');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('never throws anything but a LockstepError (property)', () => {
    fc.assert(
      fc.property(hostile(), (value) => {
        try {
          readOptions('f', value, known);
        } catch (error) {
          expect(error).toBeInstanceOf(LockstepError);
        }
      }),
    );
  });
});

describe('value checkers', () => {
  it('checkInteger names the range it wants', () => {
    expect(checkInteger('psi', 'options.bins', 10, 2, 10_000)).toBe(10);
    expect(catchLockstep(() => checkInteger('psi', 'options.bins', 2 ** 32, 2, 10_000)).message).toBe(
      "psi: argument 'options.bins' must be an integer in [2, 10000], got 4294967296",
    );
    expect(catchLockstep(() => checkInteger('f', 'n', 1.5, 0)).message).toBe(
      "f: argument 'n' must be an integer of at least 0, got 1.5",
    );
    expect(catchLockstep(() => checkInteger('f', 'n', Number.NaN)).message).toBe(
      "f: argument 'n' must be an integer, got NaN",
    );
  });

  it('checkNumber takes open and closed bounds and refuses NaN and infinities', () => {
    expect(checkNumber('f', 'p', 0.5, { min: 0, max: 1, minOpen: true, maxOpen: true })).toBe(0.5);
    expect(catchLockstep(() => checkNumber('f', 'p', 0, { min: 0, max: 1, minOpen: true })).message).toBe(
      "f: argument 'p' must be a finite number in (0, 1], got 0",
    );
    expect(catchLockstep(() => checkNumber('f', 'p', Number.POSITIVE_INFINITY)).message).toBe(
      "f: argument 'p' must be a finite number, got Infinity",
    );
    expect(catchLockstep(() => checkNumber('f', 'p', -1, { min: 0 })).message).toBe(
      "f: argument 'p' must be a finite number of at least 0, got -1",
    );
  });

  it('checkChoice, checkString, checkObject, checkArray and checkStrings', () => {
    expect(checkChoice('f', 'mode', 'skew', ['skew', 'drift'])).toBe('skew');
    expect(catchLockstep(() => checkChoice('f', 'mode', null, ['skew', 'drift'])).message).toBe(
      `f: argument 'mode' must be one of "skew", "drift", got null`,
    );
    expect(catchLockstep(() => checkString('f', 's', 'x'.repeat(11), 10)).message).toBe(
      "f: argument 's' must be at most 10 characters long, got 11",
    );
    expect(catchLockstep(() => checkString('f', 's', '', 10, true)).message).toBe(
      `f: argument 's' must not be empty, got ""`,
    );
    expect(catchLockstep(() => checkObject('f', 'o', [])).message).toBe(
      "f: argument 'o' must be an object, got []",
    );
    expect(catchLockstep(() => checkArray('f', 'a', [1, 2, 3], 2)).message).toBe(
      "f: argument 'a' must have at most 2 items, got 3",
    );
    expect(catchLockstep(() => checkStrings('f', 'names', ['a', 'a'])).arg).toBe('names[1]');
  });
});
