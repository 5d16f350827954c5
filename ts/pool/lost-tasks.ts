// Tasks lost in transit: a worker that dies while taking a task off the queue
// (its CURRENT word says POPPING) may take a task with it that it never
// recorded. That task is no longer in the queue and runs nowhere, so its
// run() would never settle. This finds such tasks and rejects them.
import { WorkerDiedError } from '../errors.js';
import { currentIndex, laneCount, type ControlLayout } from './control.js';
import type { Task } from './task.js';

/** What the search needs from the pool. @internal */
export interface LostTaskSources {
  readonly ctl: Int32Array;
  readonly layout: ControlLayout;
  /** Tasks pushed to the task queue and not settled, by id. */
  readonly pending: ReadonlyMap<number, Task>;
  /** The task queue; only its size is read. */
  readonly taskQueue: { readonly size: number };
  readonly stallTimeoutMs: number;
  /** Rejects a task found lost (it leaves `pending`). */
  fail(task: Task, error: WorkerDiedError): void;
}

/** @internal */
export class LostTasks {
  readonly #from: LostTaskSources;
  /** Highest seq of a task known to have left the queue (started or finished). */
  #maxTakenSeq = 0;
  /** Tasks pushed up to this seq may have been lost with a worker that died taking one (0: none). */
  #suspectSeq = 0;
  #check: ReturnType<typeof setTimeout> | undefined;

  constructor(from: LostTaskSources) {
    this.#from = from;
  }

  /** The task pushed as `seq` has left the queue (its result came). */
  taken(seq: number): void {
    if (seq > this.#maxTakenSeq) this.#maxTakenSeq = seq;
  }

  /** A worker died while taking a task: any of the first `pushed` tasks may be lost. Look for them. */
  suspect(pushed: number): void {
    this.#suspectSeq = pushed;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#check !== undefined) return;
    // A live worker records a task microseconds after taking it; waiting a
    // stall timeout first (as the kernel does before declaring a thread dead)
    // leaves any such worker far more than enough time.
    this.#check = setTimeout(() => {
      this.#check = undefined;
      this.#find();
    }, Math.max(10, this.#from.stallTimeoutMs / 4));
    // Pending tasks keep the process alive through the result loop; this timer must not on its own.
    (this.#check as { unref?: () => void }).unref?.();
  }

  /**
   * Tasks leave the queue in push order (one producer, FIFO). So a pending
   * task that runs on no worker has left the queue, and was lost, if a task
   * pushed after it has already started or finished, or if the queue is
   * empty. It is checked twice, a check interval apart, so a live worker that
   * has just taken it has time to record it.
   */
  #find(): void {
    const { ctl, layout, pending } = this.#from;
    const running = new Set<number>();
    let maxTaken = this.#maxTakenSeq;
    for (let lane = 0; lane < laneCount(layout); lane++) {
      const id = Atomics.load(ctl, currentIndex(layout, lane));
      const task = id > 0 ? pending.get(id) : undefined;
      if (!task) continue;
      running.add(id);
      if (task.seq > maxTaken) maxTaken = task.seq;
    }
    const queueEmpty = this.#from.taskQueue.size === 0;
    let waiting = false;
    for (const task of [...pending.values()]) {
      if (task.seq > this.#suspectSeq || running.has(task.id)) continue;
      if (!(queueEmpty || task.seq < maxTaken)) {
        waiting = true; // maybe still queued: look again later
        continue;
      }
      if (!task.suspect) {
        task.suspect = true;
        waiting = true;
        continue;
      }
      this.#from.fail(
        task,
        new WorkerDiedError(
          'the worker that took this task off the queue died before it could start it; the worker was replaced',
        ),
      );
    }
    if (waiting && pending.size > 0) this.#schedule();
    else this.#suspectSeq = 0;
  }
}
