// A pool worker's task loops: concurrentTasksPerWorker lanes, each taking
// tasks off the shared task queue, running them and pushing their results;
// and retiring the worker when it has been idle for idleTimeout above
// minThreads.
import type { Queue } from '../queue/queue.js';
import { QueueClosedError, TimeoutError } from '../errors.js';
import type { WaitOptions } from '../queue/types.js';
import { nextTask, notifyWaiters } from '../wait.js';
import { POPPING, RETIRED, SERVING, STARTING, TAKEN, cancelIndex, currentIndex, stateIndex, takenWord } from './control.js';
import { resultMessage, type Handlers, type Outcome } from './handlers.js';
import type { Serializer } from '../serialize.js';
import type { WorkerInit } from './init.js';
import { readTaskId } from './task-codec.js';

/**
 * An idle lane spins this long on the task queue before it parks. A parked
 * lane is woken through the event loop (Atomics.waitAsync), which costs far
 * more than a spinning take (docs/DESIGN.md, "Waiting"). Kept short: with
 * two workers and the main thread on two cores, a spinning worker takes CPU
 * from the main thread that produces its tasks (DESIGN, "The pool").
 */
const IDLE_SPIN_MS = 0.05;
/** A sync task loop yields to the event loop this often, so timers and I/O of the task code still run. */
const YIELD_EVERY_MS = 4;

/** The queues and words a worker's lanes share. @internal */
export interface LaneShared {
  readonly init: WorkerInit;
  readonly tasks: Queue<Uint8Array>;
  readonly results: Queue<Uint8Array>;
  readonly ctl: Int32Array;
  readonly handlers: Handlers;
  /** This worker's serializer, over the pool's table of shapes. */
  readonly serializer: Serializer;
  /** Ends this worker's thread (called once, after it retired and every lane stopped). */
  readonly exit: () => void;
}

/** @internal */
export class Lanes {
  readonly #s: LaneShared;
  /** Lanes running a task now. */
  #busy = 0;
  /** performance.now() when a lane last finished a task (or the worker started). */
  #lastBusy = performance.now();
  #running = 0;
  #retired = false;
  readonly #stop = new AbortController();
  /** How a parked lane waits: with a timeout (to retire) only when the pool may shrink. */
  readonly #wait: WaitOptions | undefined;

  constructor(shared: LaneShared) {
    this.#s = shared;
    const { init } = shared;
    const mayShrink = init.minThreads < init.layout.slots;
    this.#wait = mayShrink ? { timeoutMs: init.idleTimeout, signal: this.#stop.signal } : undefined;
  }

  start(): void {
    const { lanes } = this.#s.init.layout;
    this.#running = lanes;
    for (let lane = 0; lane < lanes; lane++) void this.#loop(this.#s.init.slot * lanes + lane);
  }

  async #loop(lane: number): Promise<void> {
    const { init, tasks, results, ctl, handlers, serializer } = this.#s;
    const current = currentIndex(init.layout, lane);
    const taken = takenWord(ctl);
    const buffer = new Uint8Array(tasks.maxMessageBytes);
    let lastYield = performance.now();
    for (;;) {
      // Hot path: take a task without allocating. When the queue is empty,
      // popAsync spins briefly and then parks with Atomics.waitAsync, which
      // leaves this worker's event loop free for the task code's own work.
      let message: Uint8Array;
      // From here until the id is recorded, a death may take a task with it:
      // say so, so the pool knows to look for one.
      Atomics.store(ctl, current, POPPING);
      let n = tasks.tryPopInto(buffer);
      // Spin only when no other lane has a task in flight: a spin holds the
      // event loop, which the awaiting tasks of the other lanes need.
      if (n < 0 && this.#busy === 0) {
        const until = performance.now() + IDLE_SPIN_MS;
        for (let i = 1; n < 0 && ((i & 15) !== 0 || performance.now() < until); i++) n = tasks.tryPopInto(buffer);
      }
      if (n >= 0) {
        message = buffer.subarray(0, n);
      } else {
        try {
          message = await tasks.popAsync(this.#wait);
        } catch (e) {
          Atomics.store(ctl, current, 0);
          if (e instanceof QueueClosedError) break; // the pool is closing: this lane is done
          if (this.#retired) break; // another lane retired the worker (and aborted this wait)
          if (e instanceof TimeoutError) {
            if (this.#retire()) break;
            continue;
          }
          throw e;
        }
      }
      const id = readTaskId(message);
      // Record the task before anything else can run, so that if this worker
      // dies from here on, the pool knows which task to reject.
      Atomics.store(ctl, current, id);
      Atomics.add(ctl, TAKEN, 1);
      notifyWaiters(taken);
      // Dekker-style with the pool's abort: it writes the cancel mark and then
      // reads `current`; we wrote `current` and now read the mark. One of us
      // sees the other, so an aborted task is skipped here or its worker stopped.
      if (Atomics.load(ctl, cancelIndex(init.layout, id)) === id) {
        Atomics.store(ctl, current, 0);
        continue;
      }
      this.#busy++;
      // The handler decodes the input before it first awaits, so the next
      // pop may reuse `buffer` however long an async handler runs.
      const ran = handlers.run(serializer, message);
      const outcome: Outcome = ran instanceof Promise ? await ran : ran;
      this.#busy--;
      this.#lastBusy = performance.now();
      const bytes = resultMessage(serializer, id, outcome, results.maxMessageBytes);
      // Full: the bytes live in the encoder's reused buffer, so keep a copy while waiting.
      if (!results.tryPushFrom(bytes)) await results.pushAsync(bytes.slice());
      // Cleared only after the result is in the queue: the pool drains results
      // before it blames a dead worker's current task.
      Atomics.store(ctl, current, 0);
      if (this.#retired) break;
      if (this.#lastBusy - lastYield >= YIELD_EVERY_MS) {
        await nextTask();
        lastYield = performance.now();
      }
    }
    if (--this.#running === 0 && this.#retired) this.#s.exit();
  }

  /**
   * Leaves the pool if every lane has been idle for idleTimeout and the pool
   * has more than minThreads workers. True: this worker retired.
   */
  #retire(): boolean {
    const { init, ctl } = this.#s;
    if (this.#busy > 0 || performance.now() - this.#lastBusy < init.idleTimeout) return false;
    let live = 0;
    for (let slot = 0; slot < init.layout.slots; slot++) {
      const state = Atomics.load(ctl, stateIndex(slot));
      if (state === STARTING || state === SERVING) live++;
    }
    // Two workers that count at once may both retire and leave one fewer than
    // minThreads; the pool starts a replacement when it sees the second go.
    if (live <= init.minThreads) return false;
    // Tell the pool that the exit it is about to see is not a death.
    Atomics.store(ctl, stateIndex(init.slot), RETIRED);
    this.#retired = true;
    this.#stop.abort();
    return true;
  }
}
