// The shared LockstepError helper fails when it should: no error, another error type, or a field that
// differs from the one asked for. Otherwise every test using it could pass on a call that throws nothing.
import { describe, expect, it } from 'vitest';
import { invalidArgument, LockstepError } from '../../src/core/errors.js';
import { catchLockstep, rejectsLockstep } from './errors.js';

const bins = () => {
  throw invalidArgument('psi', 'options.bins', 'must be an integer ≥ 1', 0);
};
const artifact = () => {
  throw new LockstepError('INVALID_ARTIFACT', 'parseSchema: $.features[0].type: bad', {
    fn: 'parseSchema',
    arg: 'json',
    path: '$.features[0].type',
    issues: [{ code: 'X', severity: 'error', message: 'bad' }],
  });
};

describe('catchLockstep', () => {
  it('returns the error after checking every field it is given', () => {
    const e = catchLockstep(bins, {
      code: 'INVALID_ARGUMENT',
      fn: 'psi',
      arg: 'options.bins',
      message: "psi: argument 'options.bins' must be an integer ≥ 1, got 0",
    });
    expect(e).toBeInstanceOf(LockstepError);
    expect(catchLockstep(artifact, { path: '$.features[0].type', message: /\$\.features/ }).fn).toBe(
      'parseSchema',
    );
    catchLockstep(artifact, { issues: [expect.objectContaining({ code: 'X' })] });
  });

  it('fails for a call that throws nothing, or throws something else', () => {
    expect(() => catchLockstep(() => 1)).toThrow(
      /expected the call to throw a LockstepError, but it returned/,
    );
    expect(() =>
      catchLockstep(() => {
        throw new TypeError('x is undefined');
      }),
    ).toThrow(/got TypeError: x is undefined/);
  });

  it('fails for each field that differs', () => {
    expect(() => catchLockstep(bins, { code: 'INVALID_DATA' })).toThrow(/code of/);
    expect(() => catchLockstep(bins, { fn: 'hellinger' })).toThrow(/fn of/);
    expect(() => catchLockstep(bins, { arg: 'options.edges' })).toThrow(/arg of/);
    expect(() => catchLockstep(artifact, { path: '$.features[1]' })).toThrow(/path of/);
    expect(() => catchLockstep(bins, { message: 'psi: something else' })).toThrow();
    expect(() => catchLockstep(bins, { message: /^hellinger:/ })).toThrow();
    expect(() => catchLockstep(artifact, { issues: [] })).toThrow(/issues of/);
  });
});

describe('rejectsLockstep', () => {
  it('returns the rejection, or a synchronous throw, after checking it', async () => {
    const e = await rejectsLockstep(async () => bins(), { code: 'INVALID_ARGUMENT', arg: 'options.bins' });
    expect(e.fn).toBe('psi');
    expect((await rejectsLockstep(artifact, { code: 'INVALID_ARTIFACT' })).path).toBe('$.features[0].type');
  });

  it('fails for a promise that resolves, or rejects with something else', async () => {
    await expect(rejectsLockstep(async () => 1)).rejects.toThrow(/but it resolved/);
    await expect(rejectsLockstep(() => Promise.reject(new Error('boom')))).rejects.toThrow(/got Error: boom/);
    await expect(rejectsLockstep(async () => bins(), { code: 'MISSING_KEY' })).rejects.toThrow(/code of/);
  });
});
