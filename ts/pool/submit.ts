// Getting accepted tasks into the task queue: in order, under maxQueue, each
// given its id as it enters (see push-count.ts), the rest waiting in a
// backlog until workers make room.
import type { Queue } from '../queue/queue.js';
import { Fifo } from './fifo.js';
import { nextPowerOfTwo } from './options.js';
import { taskIdOf } from './push-count.js';
import { TaskRoom } from './room.js';
import type { Task } from './task.js';
import { TASK_HEADER_BYTES, writeTaskId } from './task-codec.js';

/** What the submitter needs from the pool. @internal */
export interface SubmitTo {
  readonly tasks: Queue<Uint8Array>;
  readonly ctl: Int32Array;
  readonly maxQueue: number;
  /** Pushed and not settled, by id: a task joins it as it enters the queue. */
  readonly pending: Map<number, Task>;
  /** A task entered the queue. */
  pushed(): void;
  /** The pool broke: stop moving the backlog. */
  broken(): boolean;
}

/** @internal */
export class Submitter {
  /** Accepted but waiting for room, in order. */
  readonly backlog = new Fifo<Task>();
  readonly #to: SubmitTo;
  readonly #room: TaskRoom;
  #stage = new Uint8Array(256);
  /**
   * Tasks pushed into the task queue so far: the one push counter. Each
   * task's seq is its value right after the push, and its id and the i32
   * compared with TAKEN are derived from it (see push-count.ts).
   */
  #pushed = 0;
  #pumping = false;

  constructor(to: SubmitTo) {
    this.#to = to;
    this.#room = new TaskRoom(to.ctl, to.maxQueue);
  }

  /** Tasks pushed so far. */
  get pushed(): number {
    return this.#pushed;
  }

  /** Tasks in the queue or waiting for room. */
  waiting(): number {
    return this.#to.maxQueue - this.#room.left(this.#pushed) + this.backlog.size;
  }

  /** Pushes [header][payload] now, or keeps a copy in the backlog until there is room. */
  submit(task: Task, payload: Uint8Array): void {
    // Stage [header][input] in a reused buffer; copy it only if it must wait.
    const length = TASK_HEADER_BYTES + payload.length;
    if (this.#stage.length < length) this.#stage = new Uint8Array(nextPowerOfTwo(length));
    this.#stage.set(payload, TASK_HEADER_BYTES);
    const staged = this.#stage.subarray(0, length);
    if (this.backlog.size > 0 || this.#room.left(this.#pushed) <= 0 || !this.#pushNow(task, staged)) {
      task.message = staged.slice();
      this.backlog.push(task);
      void this.#pump();
    }
  }

  /** Gives the task the next seq and its id, and pushes it. False if the queue had no room (nothing changes). */
  #pushNow(task: Task, message: Uint8Array): boolean {
    const seq = this.#pushed + 1;
    const id = taskIdOf(seq);
    writeTaskId(message, id, task.named);
    if (!this.#to.tasks.tryPushFrom(message)) return false;
    this.#pushed = seq;
    task.id = id;
    task.seq = seq;
    task.message = undefined;
    this.#to.pending.set(id, task);
    this.#to.pushed();
    return true;
  }

  /** Moves waiting tasks into the queue, in order, as room appears. One runs at a time. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.backlog.size > 0 && !this.#to.broken()) {
        const task = this.backlog.peek()!;
        if (this.#room.left(this.#pushed) > 0 && this.#pushNow(task, task.message!)) {
          this.backlog.shift();
          continue;
        }
        await this.#room.wait(this.#pushed);
      }
    } finally {
      this.#pumping = false;
    }
  }
}
