// Without @tensorflow/tfjs-backend-wasm (an optional peer dependency), useBackend falls back to the CPU.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../src/tfjs/index.js';

vi.mock('@tensorflow/tfjs-backend-wasm', () => {
  throw new Error("Cannot find package '@tensorflow/tfjs-backend-wasm'");
});

describe('useBackend without the WASM package', () => {
  it('falls back to the CPU backend', async () => {
    expect(await useBackend('wasm')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.findBackendFactory('wasm')).toBeNull();
  });
});
