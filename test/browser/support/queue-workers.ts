// Starting test/browser/workers/queue.worker.ts workers from a test file;
// every worker a test starts is terminated after it.
import { afterEach } from 'vitest';
import { startWorker, type WorkerClient } from './worker-rpc.js';
import type { QueueWorkerRequest } from '../workers/queue.worker.js';

const started: WorkerClient[] = [];
afterEach(() => {
  for (const w of started.splice(0)) w.terminate();
});

/** A module Web Worker running queue.worker.ts, answering QueueWorkerRequests. */
export function queueWorker() {
  const client = startWorker(new Worker(new URL('../workers/queue.worker.ts', import.meta.url), { type: 'module' }));
  started.push(client);
  return { call: <T>(request: QueueWorkerRequest) => client.call<T>(request) };
}
