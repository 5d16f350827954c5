// Starting workers/held-thread.mjs: a real thread stopped at an exact step of
// a Queue operation, for as long as the test needs, then let go or killed.
import { expect } from 'vitest';
import { runWorker, until } from '../helpers.js';

const STOPPED = 0;
const RELEASE = 1;

export type HeldRole = 'producer' | 'consumer' | 'publisher' | 'drainer';
export type HeldAction = 'hold' | 'exit' | 'throw';
export interface HeldReport {
  got?: number[];
  pushed?: boolean;
  drained?: number[][];
}

/**
 * Starts the thread and resolves once it has reached its stop (with action
 * 'exit' or 'throw', once it has died there). `release()` lets a held thread
 * go on; `exited` resolves with its exit code.
 */
export async function heldThread(
  handle: unknown,
  role: HeldRole,
  options: { action?: HeldAction; message?: Uint8Array; count?: number } = {},
) {
  const control = new SharedArrayBuffer(8);
  const ctl = new Int32Array(control);
  const thread = runWorker<HeldReport>('held-thread.mjs', {
    handle, role, control, action: options.action, count: options.count,
    message: options.message && Array.from(options.message),
  });
  const exited = new Promise<number>((resolve) => thread.worker.once('exit', resolve));
  thread.result.catch(() => {}); // a thread that dies never replies; the test asks `exited`
  await Promise.race([until(() => Atomics.load(ctl, STOPPED) === 1, `the ${role} to reach its stop`), exited]);
  expect(Atomics.load(ctl, STOPPED), `the ${role} reached its stop`).toBe(1);
  const release = () => {
    Atomics.store(ctl, RELEASE, 1);
    Atomics.notify(ctl, RELEASE);
  };
  return { ...thread, exited, release };
}
