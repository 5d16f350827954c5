// Helpers for tests that run real threads.
import type { Worker } from 'node:worker_threads';
import { expect } from 'vitest';
import { OFF_HEAD, OFF_TAIL } from '../dist/kernel/layout.js';
import { startThread, type TestThread } from './thread.js';

/**
 * For tests where no thread dies: the longest stall timeout, so that no pause
 * of a live thread, however long on a loaded machine, gets it taken for dead
 * (which would rightly lose the message it held and break exact counts).
 * It also means a blocked call never re-checks on its own (every
 * stallTimeoutMs / 2): only a wake-up ends its wait.
 */
export const NO_RECLAIM = { stallTimeoutMs: 2 ** 31 - 1 } as const;

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

/**
 * Waits, without blocking this thread, until `ready()` holds. The bound
 * (default 30 s) only turns a hang into a failure naming `what`; it is not a
 * claim about speed.
 */
export async function until(ready: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
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

/** A queue's enqueue and dequeue positions, read from its header (the tail word's low 32 bits; bit 32 is the closed flag). */
export function positions(q: { handle: { memory: WebAssembly.Memory } }): { tail: number; head: number } {
  const u32 = new Uint32Array(q.handle.memory.buffer);
  return { tail: Atomics.load(u32, OFF_TAIL >> 2), head: Atomics.load(u32, OFF_HEAD >> 2) };
}

/**
 * After a drained run: every claimed cell was released (head == tail), and,
 * for a run started below 2^32 (`wrapping`), both positions crossed it (they
 * end below where they started, which only a wrap allows).
 */
export function checkWrapped(start: { tail: number; head: number }, end: { tail: number; head: number }, wrapping: boolean): void {
  expect(end.head, 'head == tail after the run').toBe(end.tail);
  if (wrapping) {
    expect(start.tail, 'the run starts in the last 2^20 positions below 2^32').toBeGreaterThan(2 ** 32 - 2 ** 20);
    expect(end.tail, `positions crossed 2^32 (started at ${start.tail})`).toBeLessThan(start.tail);
  }
}

/**
 * Whether worker.terminate() stops a thread that is busy in JavaScript. Deno
 * 2.9's does not: the thread keeps running (and 'exit' fires at once), which
 * denoland/deno#35657 (open) fixes. The probe's thread spins for 500 ms at most.
 */
export async function terminateStopsBusyThreads(): Promise<boolean> {
  const { Worker: NodeWorker } = await import('node:worker_threads');
  const counter = new Int32Array(new SharedArrayBuffer(8));
  const w = new NodeWorker(
    `const { parentPort, workerData } = require('node:worker_threads'); const c = new Int32Array(workerData);
     parentPort.postMessage(0); const end = Date.now() + 500; while (Date.now() < end) Atomics.add(c, 0, 1);`,
    { eval: true, workerData: counter.buffer },
  );
  await new Promise((r) => w.once('message', r));
  await new Promise((r) => setTimeout(r, 5));
  await w.terminate();
  const before = Atomics.load(counter, 0);
  await new Promise((r) => setTimeout(r, 50));
  return Atomics.load(counter, 0) === before;
}
