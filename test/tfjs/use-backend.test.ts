import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { useBackend } from '../../src/tfjs/index.js';

describe('useBackend', () => {
  it('registers nothing at import: the WASM backend appears only when asked for', async () => {
    expect(tf.findBackendFactory('wasm')).toBeNull();
    expect(await useBackend()).toBe('wasm');
    expect(tf.findBackendFactory('wasm')).not.toBeNull();
    expect(tf.getBackend()).toBe('wasm');
  });

  it('runs kernels on WASM, single-threaded in Node, and switches to CPU and back', async () => {
    expect(await useBackend('wasm')).toBe('wasm');
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    expect(Array.from(a.matMul(a).dataSync())).toEqual([7, 10, 15, 22]);
    expect(await useBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(Array.from(a.matMul(a).dataSync())).toEqual([7, 10, 15, 22]);
    expect(await useBackend('wasm')).toBe('wasm');
    tf.dispose(a);
  });

  it("refuses a backend other than 'wasm' or 'cpu'", async () => {
    const error = await useBackend('webgl' as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockstepError);
    expect((error as LockstepError).code).toBe('INVALID_ARGUMENT');
    expect((error as LockstepError).message).toBe(
      `useBackend: argument 'prefer' must be 'wasm' or 'cpu', got "webgl"`,
    );
  });
});
