// The pool facade, on the main thread: run() encodes a task into the shared
// task queue (idle workers take tasks themselves), one async loop takes
// results off the result queue without blocking this thread, and abort,
// close and stats act on both.
import { sharedViews } from '../codecs.js';
import { createQueue } from '../queue/create.js';
import type { Queue } from '../queue/queue.js';
import { PoolClosedError, QueueClosedError, WorkerDiedError, type WorkerStartError } from '../errors.js';
import { POPPING, cancelIndex, controlBytes, currentIndex, type ControlLayout } from './control.js';
import { Fifo } from './fifo.js';
import { LostTasks } from './lost-tasks.js';
import {
  controlLayoutOf, nextPowerOfTwo, parsePoolOptions, resultQueueOptions, taskQueueOptions, type PoolOptions,
} from './options.js';
import { taskIdOf } from './push-count.js';
import { TaskRoom } from './room.js';
import { LatencyWindow, type PoolStats } from './stats.js';
import type { Task } from './task.js';
import { RESULT_OK, TASK_HEADER_BYTES, decodeResult, encodeTaskInput, encodingFailure, writeTaskId } from './task-codec.js';
import { Workers } from './workers.js';

/**
 * Options of {@link Pool.run}.
 *
 * @example
 * ```ts
 * import type { Pool, RunOptions } from 'wasmq/pool';
 *
 * declare const pool: Pool<string, number>;
 * const options: RunOptions = { signal: AbortSignal.timeout(5_000) };
 * const length = await pool.run('some input', options);
 * ```
 */
export interface RunOptions {
  /**
   * Aborting rejects run() with `signal.reason`. A task still queued is
   * removed and never runs; a running task's worker is stopped and replaced.
   */
  signal?: AbortSignal;
}

/**
 * A pool of worker threads (Node worker_threads, or module Web Workers in
 * browsers) that run tasks: {@link Pool.run} puts a task on a shared wasmq
 * queue, an idle worker takes it, and the result comes back on a second
 * queue. Each worker runs the file given as `worker`, which calls
 * {@link serve}. A worker that dies rejects only the task it was running
 * and is replaced.
 *
 * @typeParam I - The task input type.
 * @typeParam O - The task output type.
 *
 * @example
 * ```ts
 * import { Pool } from 'wasmq/pool';
 *
 * const pool = new Pool<number, number>({ worker: new URL('./square.js', import.meta.url), threads: 2 });
 * console.log(await pool.run(7)); // 49, if square.js serves (n) => n * n
 * console.log(pool.stats.completed); // 1
 * await pool.close();
 * ```
 */
export class Pool<I = unknown, O = unknown> {
  /** Worker threads the pool keeps running (the `threads` option, defaulted). */
  readonly threads: number;
  /** Most tasks waiting for a worker before run() waits for room (the `maxQueue` option, defaulted). */
  readonly maxQueue: number;
  readonly #tasks: Queue<Uint8Array>;
  readonly #results: Queue<Uint8Array>;
  readonly #ctl: Int32Array;
  readonly #layout: ControlLayout;
  readonly #maxTaskBytes: number;
  readonly #resultBuffer: Uint8Array;
  /** Pushed to the task queue and not settled, by id. */
  readonly #pending = new Map<number, Task>();
  /** Accepted but waiting for room, in order. */
  readonly #backlog = new Fifo<Task>();
  readonly #room: TaskRoom;
  readonly #lost: LostTasks;
  readonly #workers: Workers;
  readonly #latency = new LatencyWindow();
  readonly #idleWaiters: (() => void)[] = [];
  #stage = new Uint8Array(256);
  /**
   * Tasks pushed into the task queue so far: the one push counter. Each
   * task's seq is its value right after the push, and its id and the i32
   * compared with TAKEN are derived from it (see push-count.ts).
   */
  #pushed = 0;
  #completed = 0;
  #failed = 0;
  #receiving = false;
  #stopReceiving: AbortController | undefined;
  #pumping = false;
  #closing: Promise<void> | undefined;
  #broken: WorkerStartError | undefined;

  /**
   * Starts a pool: the same as {@link createPool}(options). The workers start
   * at once.
   * @param options - The worker file, and optional sizes; see {@link PoolOptions}.
   * @throws TypeError - `options` is not an object, `worker` is not a URL or
   *   string, or `resourceLimits` is given where it cannot be applied (Bun).
   * @throws RangeError - A numeric option out of range; the message names it.
   */
  constructor(options: PoolOptions) {
    const config = parsePoolOptions(options);
    this.threads = config.threads;
    this.maxQueue = config.maxQueue;
    this.#maxTaskBytes = config.maxTaskBytes;
    this.#tasks = createQueue(taskQueueOptions(config));
    this.#results = createQueue(resultQueueOptions(config));
    this.#resultBuffer = new Uint8Array(this.#results.maxMessageBytes);
    this.#layout = controlLayoutOf(config);
    this.#ctl = new Int32Array(new SharedArrayBuffer(controlBytes(this.#layout)));
    this.#room = new TaskRoom(this.#ctl, this.maxQueue);
    this.#lost = new LostTasks({
      ctl: this.#ctl,
      threads: this.threads,
      pending: this.#pending,
      taskQueue: this.#tasks,
      stallTimeoutMs: config.stallTimeoutMs,
      fail: (task, error) => this.#settle(task, false, error),
    });
    this.#workers = new Workers(
      config,
      { tasks: this.#tasks.handle, results: this.#results.handle, ctl: this.#ctl, layout: this.#layout },
      {
        gone: (slot, abortedTask, reason, cause) => this.#onWorkerGone(slot, abortedTask, reason, cause),
        broken: (error) => this.#breakPool(error),
        needed: () => !(this.#closing && this.#pending.size === 0 && this.#backlog.size === 0),
      },
    );
  }

  /**
   * Runs the task with `input` (any structured-clone-family value) on a
   * worker and resolves with its output. Rejects with what the task threw
   * (message and stack kept), WorkerDiedError if its worker died,
   * `signal.reason` if aborted, PoolClosedError after close(), and
   * WorkerStartError if the pool could not start workers. Never throws:
   * a bad input (one that cannot be serialized: DataCloneError) or one
   * larger than `maxTaskBytes` (RangeError) also rejects. When `maxQueue`
   * tasks are waiting, the task waits for room (in order) rather than
   * rejecting.
   */
  run(input: I, options: RunOptions = {}): Promise<O> {
    if (this.#closing) return Promise.reject(new PoolClosedError());
    if (this.#broken) return Promise.reject(this.#broken);
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      return Promise.reject(new TypeError('run() option signal must be an AbortSignal'));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    let encoded: Uint8Array;
    try {
      encoded = encodeTaskInput(input);
    } catch (cause) {
      return Promise.reject(encodingFailure('run() could not serialize the task input', cause));
    }
    if (encoded.length > this.#maxTaskBytes) {
      return Promise.reject(
        new RangeError(
          `the task input encodes to ${encoded.length} bytes; this pool carries at most ${this.#maxTaskBytes} (createPool maxTaskBytes)`,
        ),
      );
    }
    return new Promise<O>((resolve, reject) => {
      const task: Task = {
        id: 0, seq: 0, message: undefined, resolve, reject, started: performance.now(), signal, onAbort: undefined, settled: false,
      };
      // Stage [header][input] in a reused buffer; copy it only if it must wait.
      const length = TASK_HEADER_BYTES + encoded.length;
      if (this.#stage.length < length) this.#stage = new Uint8Array(nextPowerOfTwo(length));
      this.#stage.set(encoded, TASK_HEADER_BYTES);
      const staged = this.#stage.subarray(0, length);
      if (this.#backlog.size > 0 || this.#room.left(this.#pushed) <= 0 || !this.#pushNow(task, staged)) {
        task.message = staged.slice();
        this.#backlog.push(task);
        void this.#pump();
      }
      if (signal) {
        task.onAbort = () => this.#abort(task);
        signal.addEventListener('abort', task.onAbort, { once: true });
      }
    });
  }

  /**
   * Stops accepting tasks, lets every task already accepted finish (queued
   * ones included), then stops the workers. Resolves when they are gone.
   * Idempotent; run() after close() rejects with PoolClosedError.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** Counts and latencies of the pool, read now (a fresh object each time). */
  get stats(): PoolStats {
    let running = 0;
    for (let slot = 0; slot < this.threads; slot++) {
      const id = Atomics.load(this.#ctl, currentIndex(slot));
      if (id !== 0 && this.#pending.has(id)) running++;
    }
    return {
      queued: this.#pending.size + this.#backlog.size - running,
      running,
      completed: this.#completed,
      failed: this.#failed,
      threads: this.#workers.alive,
      latency: this.#latency.summary(),
    };
  }

  // ------------------------------------------------------------ submitting

  /** Gives the task the next seq and its id, and pushes it. False if the queue had no room (nothing changes). */
  #pushNow(task: Task, message: Uint8Array): boolean {
    const seq = this.#pushed + 1;
    const id = taskIdOf(seq);
    writeTaskId(message, id);
    if (!this.#tasks.tryPushFrom(message)) return false;
    this.#pushed = seq;
    task.id = id;
    task.seq = seq;
    task.message = undefined;
    this.#pending.set(id, task);
    if (!this.#receiving) void this.#receive();
    return true;
  }

  /** Moves waiting tasks into the queue, in order, as room appears. One runs at a time. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#backlog.size > 0 && !this.#broken) {
        const task = this.#backlog.peek()!;
        if (this.#room.left(this.#pushed) > 0 && this.#pushNow(task, task.message!)) {
          this.#backlog.shift();
          continue;
        }
        await this.#room.wait(this.#pushed);
      }
    } finally {
      this.#pumping = false;
    }
  }

  // ------------------------------------------------------------ results

  /** Takes results until nothing is pending, parking with waitAsync between them. */
  async #receive(): Promise<void> {
    this.#receiving = true;
    try {
      while (this.#pending.size > 0) {
        this.#drainResults();
        if (this.#pending.size === 0) break;
        const stop = new AbortController();
        this.#stopReceiving = stop;
        let message: Uint8Array;
        try {
          message = await this.#results.popAsync({ signal: stop.signal });
        } catch (e) {
          // Stopped because nothing is pending any more (see #settle), or closed.
          if (stop.signal.aborted || e instanceof QueueClosedError) continue;
          throw e;
        } finally {
          this.#stopReceiving = undefined;
        }
        this.#onResult(message);
      }
    } finally {
      this.#receiving = false;
    }
  }

  #drainResults(): void {
    if (sharedViews.decode) {
      // In place: every result there is, with one take and one release per
      // batch, each decoded straight from shared memory (the decoder copies
      // what it keeps: serialize.ts's copyBuffers).
      while (this.#results.tryDrain(this.#onResultAt) > 0);
      return;
    }
    // This engine cannot decode text from shared memory: copy each result out first.
    const buffer = this.#resultBuffer;
    for (;;) {
      const n = this.#results.tryPopInto(buffer);
      if (n < 0) return;
      this.#onResult(buffer.subarray(0, n));
    }
  }

  readonly #onResultAt = (bytes: Uint8Array, offset: number, length: number): void =>
    this.#onResult(bytes.subarray(offset, offset + length));

  #onResult(message: Uint8Array): void {
    const [id, status, value] = decodeResult(message);
    const task = this.#pending.get(id);
    if (!task) return; // aborted, or blamed on a worker death, before its result came
    this.#lost.taken(task.seq);
    if (status === RESULT_OK) this.#settle(task, true, value);
    else this.#settle(task, false, value);
  }

  #settle(task: Task, ok: boolean, value: unknown): void {
    if (task.settled) return;
    task.settled = true;
    if (task.id !== 0) this.#pending.delete(task.id);
    if (task.onAbort) task.signal!.removeEventListener('abort', task.onAbort);
    this.#latency.record(performance.now() - task.started);
    if (ok) {
      this.#completed++;
      task.resolve(value);
    } else {
      this.#failed++;
      task.reject(value);
    }
    if (this.#pending.size === 0) {
      // Nothing to wait for: let the result loop end, so its timers do not
      // keep the process alive.
      this.#stopReceiving?.abort();
      if (this.#backlog.size === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  // ------------------------------------------------------------ abort

  #abort(task: Task): void {
    if (task.settled) return;
    const reason = task.signal!.reason;
    if (task.id === 0) {
      // Still waiting for room: it never entered the queue.
      this.#backlog.remove(task);
      this.#settle(task, false, reason);
      return;
    }
    // In the queue or running. Mark it first, then look for a worker running
    // it (the worker does the reverse; see serve.ts).
    Atomics.store(this.#ctl, cancelIndex(this.#layout, task.id), task.id);
    this.#settle(task, false, reason);
    for (let slot = 0; slot < this.threads; slot++) {
      if (Atomics.load(this.#ctl, currentIndex(slot)) === task.id) this.#workers.stopForAbort(slot, task.id);
    }
  }

  // ------------------------------------------------------------ workers gone, pool broken, close

  /** A worker is gone: settle the results it pushed, the task it ran, and any task it may have taken with it. */
  #onWorkerGone(slot: number, abortedTask: number, reason: string, cause: unknown): void {
    // Results it pushed before dying settle normally, so drain them before
    // blaming the task it was running.
    this.#drainResults();
    const id = Atomics.load(this.#ctl, currentIndex(slot));
    Atomics.store(this.#ctl, currentIndex(slot), 0);
    if (id === POPPING) this.#lost.suspect(this.#pushed);
    const task = id > 0 && id !== abortedTask ? this.#pending.get(id) : undefined;
    if (task) {
      this.#settle(
        task,
        false,
        new WorkerDiedError(`the worker running this task ${reason}; the worker was replaced`, { cause }),
      );
    }
  }

  /** Workers cannot start: fail everything accepted, and every later run(). */
  #breakPool(error: WorkerStartError): void {
    this.#broken = error;
    for (const task of this.#backlog.drain()) this.#settle(task, false, error);
    for (const task of [...this.#pending.values()]) this.#settle(task, false, error);
    for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  async #shutdown(): Promise<void> {
    if (this.#pending.size > 0 || this.#backlog.size > 0) {
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    }
    // Closing the task queue ends each worker's loop; terminate makes sure.
    this.#tasks.close();
    await this.#workers.stopAll();
    this.#results.close();
    this.#tasks.detach();
    this.#results.detach();
  }
}

/**
 * Creates a pool of `threads` workers running `worker` (a file that calls
 * {@link serve}). The same as `new Pool(options)`; throws as its constructor
 * does.
 *
 * @typeParam I - The task input type.
 * @typeParam O - The task output type.
 *
 * @example
 * ```ts
 * import { createPool } from 'wasmq/pool';
 *
 * const pool = createPool<{ text: string }, number>({
 *   worker: new URL('./count-words.js', import.meta.url),
 *   threads: 4,
 * });
 * const words = await pool.run({ text: 'a lock-free queue' });
 * await pool.close();
 * ```
 */
export function createPool<I = any, O = any>(options: PoolOptions): Pool<I, O> {
  return new Pool<I, O>(options);
}
