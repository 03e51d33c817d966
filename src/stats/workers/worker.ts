// The program each worker thread of profileInWorkers runs. It is started by file (worker.js / worker.cjs in
// dist, worker.ts from sources), never imported: the call at the bottom is the program, not an import-time
// side effect of the library.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { type Column, type Frame, frameOf, makeFrame } from '../../core/frame.js';
import { createProfiler, type Profiler } from '../profile.js';
import { rawArrowTable } from './arrow-raw.js';
import type { FromWorker, ToWorker, WorkerData } from './protocol.js';

function errorMessage(error: unknown): FromWorker {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    type: 'error',
    code: typeof code === 'string' ? code : undefined,
    message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
}

/** The batch's Frame: raw Arrow columns converted here, with the columns converted in the calling thread. */
function batchFrame(message: Extract<ToWorker, { type: 'batch' }>): Frame {
  const given = new Map<string, Column>(message.columns);
  if (message.arrow.length > 0) {
    const raw = frameOf(rawArrowTable(message.length, message.arrow), 'profileInWorkers');
    for (const [name, column] of raw.columns) given.set(name, column);
  }
  return makeFrame(message.length, new Map(message.order.map((name) => [name, given.get(name)!])));
}

/** Builds one profiler, adds every batch that arrives, and answers `end` with the profile. */
function serve(port: MessagePort, data: WorkerData): void {
  const send = (message: FromWorker) => port.postMessage(message);
  const stop = (error: unknown) => {
    send(errorMessage(error));
    port.close();
  };
  let profiler: Profiler;
  try {
    profiler = createProfiler({
      ...data.options,
      onProgress: (progress) => send({ type: 'progress', rows: progress.rows }),
    });
  } catch (error) {
    stop(error);
    return;
  }
  port.on('message', (message: ToWorker) => {
    try {
      if (message.type === 'batch') {
        profiler.update(batchFrame(message));
        send({ type: 'done' });
      } else {
        send({ type: 'result', profile: profiler.result() });
        port.close(); // nothing else is listening: the thread ends
      }
    } catch (error) {
      stop(error);
    }
  });
  port.on('messageerror', stop);
}

if (parentPort) serve(parentPort, workerData as WorkerData);
