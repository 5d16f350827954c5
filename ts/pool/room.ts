// Backpressure: how much room the task queue has under maxQueue, and waiting
// (without blocking the main thread) until a worker makes some.
import { waitAsyncWhile } from '../wait.js';
import { TAKEN, TAKEN_WAITERS } from './control.js';
import { tasksInQueue } from './push-count.js';

/** Most a waiting run() sleeps between checks for room (a backstop for a lost wake-up). */
const ROOM_POLL_MS = 50;

/** @internal */
export class TaskRoom {
  readonly #ctl: Int32Array;
  readonly #maxQueue: number;

  constructor(ctl: Int32Array, maxQueue: number) {
    this.#ctl = ctl;
    this.#maxQueue = maxQueue;
  }

  /** Room left under maxQueue after `pushed` pushes (exact: only this thread pushes). */
  left(pushed: number): number {
    return this.#maxQueue - tasksInQueue(pushed, Atomics.load(this.#ctl, TAKEN));
  }

  // TODO(wait): one park primitive
  /** Waits (without blocking the thread) until a worker takes a task, or ROOM_POLL_MS. */
  async wait(pushed: number): Promise<void> {
    const ctl = this.#ctl;
    // Same protocol as the queue's parking (see ts/wait.ts): register, then
    // re-check, then wait on the value we saw, so no wake-up is lost.
    Atomics.add(ctl, TAKEN_WAITERS, 1);
    try {
      const seen = Atomics.load(ctl, TAKEN);
      if (this.left(pushed) > 0) {
        // Count room but no slot room (large messages fill slots): poll.
        await sleep(1);
        return;
      }
      const released = waitAsyncWhile(ctl, TAKEN, seen, ROOM_POLL_MS);
      // Race a timer: it keeps Node alive meanwhile and covers engines whose
      // waitAsync timeout may not fire.
      await Promise.race(released ? [released, sleep(ROOM_POLL_MS)] : [sleep(ROOM_POLL_MS)]);
    } finally {
      Atomics.sub(ctl, TAKEN_WAITERS, 1);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
