// The candidate model of bench/router-server.ts's configuration (c), on a worker thread of its own
// (node:worker_threads), so that the candidate's CPU work is off the primary's event loop. One long-lived
// worker: each message is { id, x } with x a Float64Array of the 64 inputs (its buffer transferred, no
// JSON); the answer is { id, out } with out a Float64Array of the 8 scores (its buffer transferred back).
import { parentPort } from 'node:worker_threads';
import { candidateModel } from './router-model.js';

if (!parentPort) throw new Error('router-candidate-worker.ts runs as a worker thread');
const port = parentPort;

port.on('message', (message: { id: number; x: Float64Array }) => {
  const out = Float64Array.from(candidateModel(message.x));
  port.postMessage({ id: message.id, out }, [out.buffer]);
});
