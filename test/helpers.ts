// Helpers for tests that run real threads.
import type { Worker } from 'node:worker_threads';
import { startThread, type TestThread } from './thread.js';

export const workerUrl = (name: string) => new URL(`./queue/workers/${name}`, import.meta.url);

/** Starts a worker and resolves with its first message; rejects on error or early exit. */
export function runWorker<T = unknown>(name: string, workerData: unknown): { worker: TestThread; result: Promise<T> } {
  const worker = startThread(workerUrl(name), workerData);
  const result = new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker ${name} exited with code ${code} before replying`)));
  });
  return { worker, result };
}

/** Resolves when the worker has exited. */
export const exited = (w: Worker) => new Promise<number>((resolve) => w.once('exit', resolve));

/** Runs `f` and returns what it threw (fails if it did not throw). */
export function thrownBy(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
