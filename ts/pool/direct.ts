// The transfer lane: a task run with a transferList goes straight to one
// worker by postMessage, its buffers moved rather than copied (the queue
// would copy them twice each way), and its result comes back the same way,
// transferred where the task function move()d it. Only large binary
// payloads gain by this; every other task takes the shared queue.
import { WorkerDiedError } from '../errors.js';
import { DIRECT_KIND, isDirectResult, type DirectMessage } from './init.js';
import type { Task } from './task.js';
import { RESULT_OK, fromErrorRecord } from './task-codec.js';
import type { Workers } from './workers.js';

interface Sent {
  readonly task: Task;
  readonly slot: number;
}

/** @internal */
export class DirectTasks {
  readonly #sent = new Map<number, Sent>();
  /** Slot → tasks sent to it and not settled. */
  readonly #load = new Map<number, number>();
  readonly #settle: (task: Task, ok: boolean, value: unknown, runMs?: number) => void;
  #next = 1;

  constructor(settle: (task: Task, ok: boolean, value: unknown, runMs?: number) => void) {
    this.#settle = settle;
  }

  /** Transfer-lane tasks sent and not settled. */
  get size(): number {
    return this.#sent.size;
  }

  /** Sends the task to the least loaded live worker. False if no worker lives (nothing was sent). */
  send(workers: Workers, task: Task, name: string | undefined, input: unknown, transfer: Transferable[]): boolean {
    const id = this.#next++;
    const message: DirectMessage = { kind: DIRECT_KIND, id, name, input };
    const slot = workers.postToOne(message, transfer, (s) => this.#load.get(s) ?? 0);
    if (slot < 0) return false;
    task.direct = id;
    this.#sent.set(id, { task, slot });
    this.#load.set(slot, (this.#load.get(slot) ?? 0) + 1);
    return true;
  }

  /** A control message from the worker in `slot`. */
  message(workers: Workers, slot: number, data: unknown): void {
    if (!isDirectResult(data)) return;
    workers.answered(slot);
    const sent = this.#sent.get(data.id);
    if (!sent) return; // aborted, or blamed on its worker's death, first
    this.#forget(data.id, sent);
    if (data.status === RESULT_OK) this.#settle(sent.task, true, data.value, data.runMs);
    else this.#settle(sent.task, false, fromErrorRecord(data.value), data.runMs);
  }

  /** Settles an aborted transfer-lane task; returns the slot of the worker it was sent to (to stop), or -1. */
  abort(task: Task, reason: unknown): number {
    const sent = this.#sent.get(task.direct!);
    if (!sent) return -1;
    this.#forget(task.direct!, sent);
    this.#settle(task, false, reason);
    return sent.slot;
  }

  /** The worker in `slot` is gone: its transfer-lane tasks reject. */
  gone(slot: number, reason: string, cause: unknown): void {
    for (const [id, sent] of this.#sent) {
      if (sent.slot !== slot) continue;
      this.#forget(id, sent);
      this.#settle(sent.task, false, new WorkerDiedError(`the worker running this task ${reason}; the worker was replaced`, { cause }));
    }
  }

  /** Every task still out (the pool broke). */
  all(): Task[] {
    return [...this.#sent.values()].map((sent) => sent.task);
  }

  #forget(id: number, sent: Sent): void {
    this.#sent.delete(id);
    this.#load.set(sent.slot, this.#load.get(sent.slot)! - 1);
  }
}
