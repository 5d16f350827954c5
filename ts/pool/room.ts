// Backpressure: how much room the task queue has under maxQueue, and waiting
// (without blocking the main thread) until a worker makes some.
import { parkAsync, type WakeWord } from '../wait.js';
import { TAKEN, takenWord } from './control.js';
import { tasksInQueue } from './push-count.js';

/** Most a waiting run() sleeps between checks for room (a backstop for a lost wake-up). */
const ROOM_POLL_MS = 50;

/** @internal */
export class TaskRoom {
  readonly #ctl: Int32Array;
  readonly #maxQueue: number;
  /** Workers bump TAKEN as they take tasks (it doubles as the wake word's sequence). */
  readonly #taken: WakeWord;

  constructor(ctl: Int32Array, maxQueue: number) {
    this.#ctl = ctl;
    this.#maxQueue = maxQueue;
    this.#taken = takenWord(ctl);
  }

  /** Room left under maxQueue after `pushed` pushes (exact: only this thread pushes). */
  left(pushed: number): number {
    return this.#maxQueue - tasksInQueue(pushed, Atomics.load(this.#ctl, TAKEN));
  }

  /** Waits (without blocking the thread) until a worker takes a task, or ROOM_POLL_MS. */
  async wait(pushed: number): Promise<void> {
    // Room by count but none in the queue's slots (large messages fill them): poll.
    if (await parkAsync(this.#taken, () => this.left(pushed) > 0, ROOM_POLL_MS)) await sleep(1);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
