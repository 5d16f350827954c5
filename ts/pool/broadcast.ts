// pool.broadcast(): one task run once on every live worker, sent to each by
// its control channel (postMessage: a broadcast is rare, and must reach every
// worker rather than whichever takes it first), and the results gathered by
// worker slot.
import { WorkerDiedError } from '../errors.js';
import type { Serializer } from '../serialize.js';
import { BROADCAST_KIND, isBroadcastResult, type BroadcastMessage } from './init.js';
import { RESULT_OK, TASK_HEADER_BYTES, decodeResult, writeTaskId } from './task-codec.js';
import type { Workers } from './workers.js';

interface Open {
  /** Slot → index in `results`, for the workers that have not answered yet. */
  readonly waiting: Map<number, number>;
  readonly results: unknown[];
  readonly resolve: (results: unknown[]) => void;
  readonly reject: (reason: unknown) => void;
}

/** @internal */
export class Broadcasts {
  readonly #open = new Map<number, Open>();
  #next = 1;
  readonly #serializer: Serializer;

  constructor(serializer: Serializer) {
    this.#serializer = serializer;
  }

  /** Sends the encoded task payload (task-codec encodeTaskInput) to every live worker; resolves to their results, in slot order. */
  run(workers: Workers, payload: Uint8Array, named: boolean): Promise<unknown[]> {
    const id = this.#next++;
    const task = new Uint8Array(TASK_HEADER_BYTES + payload.length);
    writeTaskId(task, 0, named);
    task.set(payload, TASK_HEADER_BYTES);
    const message: BroadcastMessage = { kind: BROADCAST_KIND, id, task };
    const slots = workers.postAll(message);
    if (slots.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#open.set(id, {
        waiting: new Map(slots.map((slot, index) => [slot, index])), results: new Array(slots.length), resolve, reject,
      });
    });
  }

  /** A control message from the worker in `slot`. */
  message(workers: Workers, slot: number, data: unknown): void {
    if (!isBroadcastResult(data)) return;
    workers.answered(slot);
    const open = this.#open.get(data.id);
    const index = open?.waiting.get(slot);
    if (!open || index === undefined) return;
    open.waiting.delete(slot);
    const [, status, value] = decodeResult(this.#serializer, data.result);
    if (status !== RESULT_OK) return this.#fail(data.id, open, value);
    open.results[index] = value;
    if (open.waiting.size > 0) return;
    this.#open.delete(data.id);
    open.resolve(open.results);
  }

  /** The worker in `slot` is gone: every broadcast still waiting for it rejects. */
  gone(slot: number, reason: string, cause: unknown): void {
    for (const [id, open] of this.#open) {
      if (!open.waiting.has(slot)) continue;
      this.#fail(id, open, new WorkerDiedError(`a worker running this broadcast ${reason}`, { cause }));
    }
  }

  #fail(id: number, open: Open, reason: unknown): void {
    this.#open.delete(id);
    open.reject(reason);
  }
}
