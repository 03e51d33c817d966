import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '../core/errors.js';

/** The tfjs backends lockstep sets up: WebAssembly (fast, Node and browsers) or pure-JS CPU. */
export type BackendName = 'wasm' | 'cpu';

/**
 * Selects the tfjs backend to compute on, the WebAssembly one by default, falling back to the pure-JS CPU
 * backend when `@tensorflow/tfjs-backend-wasm` is not installed or its module cannot start.
 *
 * Rule: `'wasm'` imports `@tensorflow/tfjs-backend-wasm` here, at call time (importing that package
 * registers a backend, so lockstep never imports it at module load), then `tf.setBackend('wasm')` and
 * `tf.ready()`; on any failure, and for `'cpu'`, it sets `'cpu'`. Returns the backend in use. In Node the
 * WASM backend reads its `.wasm` files from its own package directory, offline; it runs single-threaded
 * (Node has no WASM threads in tfjs), which is what bit-identical training needs. In a cross-origin-isolated
 * browser page it would use threads: call `setThreadsCount(1)` from the wasm package before this when you
 * need reproducible numbers there, and `setWasmPaths(url)` when a bundler moves the `.wasm` files.
 * Why WASM: the CPU backend is plain JavaScript loops; the WASM one runs XNNPACK kernels with SIMD and is
 * typically several times faster on dense layers, in Node (where `@tensorflow/tfjs-node` cannot install)
 * and in every browser.
 *
 * Cost: the first call compiles the WASM module (tens of milliseconds); later calls only switch.
 * Changes tfjs's global backend: tensors made on the previous backend are moved on first use.
 * @throws LockstepError `INVALID_ARGUMENT` when `prefer` is neither `'wasm'` nor `'cpu'`.
 * @example
 * const backend = await useBackend(); // 'wasm', or 'cpu' without @tensorflow/tfjs-backend-wasm
 */
export async function useBackend(prefer: BackendName = 'wasm'): Promise<BackendName> {
  if (prefer !== 'wasm' && prefer !== 'cpu') {
    throw invalidArgument('useBackend', 'prefer', "must be 'wasm' or 'cpu'", prefer);
  }
  if (prefer === 'wasm' && (await tryWasm())) return 'wasm';
  // The CPU backend ships inside @tensorflow/tfjs and has nothing to load, so it always starts.
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) return false;
    await tf.ready();
    return tf.getBackend() === 'wasm';
  } catch {
    return false;
  }
}
