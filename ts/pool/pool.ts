// The pool facade, on the main thread: run() encodes a task into the shared
// task queue (idle workers take tasks themselves), one async loop takes
// results off the result queue without blocking this thread, and abort,
// close and stats act on both.
import { createQueue } from '../queue/create.js';
import { Serializer } from '../serialize.js';
import { SharedStructures } from '../structures.js';
import type { Queue } from '../queue/queue.js';
import { PoolClosedError, WorkerDiedError, type WorkerStartError } from '../errors.js';
import { Broadcasts } from './broadcast.js';
import { runOptionsError, type BroadcastOptions, type CloseOptions, type RunOptions } from './call-options.js';
import { DirectTasks } from './direct.js';
import { POPPING, cancelIndex, controlBytes, currentIndex, laneCount, runningIds, type ControlLayout } from './control.js';
import type { Fifo } from './fifo.js';
import { LostTasks } from './lost-tasks.js';
import {
  controlLayoutOf, parsePoolOptions, resultQueueOptions, taskQueueOptions, type PoolOptions,
} from './options.js';
import { Results } from './results.js';
import { PoolMeter, type PoolStats } from './stats.js';
import { Submitter } from './submit.js';
import { newTask, type Task } from './task.js';
import { RESULT_OK, decodeResult, encodeTaskInput, encodingFailure } from './task-codec.js';
import { STOPPED_FOR_DIRECT, Workers } from './workers.js';

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
  /** Most worker threads (the `maxThreads` option, or `threads`, defaulted). */
  readonly threads: number;
  /** Workers kept however idle the pool is (the `minThreads` option, defaulted). */
  readonly minThreads: number;
  /** Most workers (the `maxThreads` option, defaulted); the same as `threads`. */
  readonly maxThreads: number;
  /** Tasks one worker runs at once (the `concurrentTasksPerWorker` option, defaulted). */
  readonly concurrentTasksPerWorker: number;
  /** Most tasks waiting for a worker before run() waits for room (the `maxQueue` option, defaulted). */
  readonly maxQueue: number;
  readonly #tasks: Queue<Uint8Array>;
  readonly #results: Queue<Uint8Array>;
  readonly #reader: Results;
  readonly #ctl: Int32Array;
  readonly #layout: ControlLayout;
  readonly #maxTaskBytes: number;
  /** Pushed to the task queue and not settled, by id. */
  readonly #pending = new Map<number, Task>();
  readonly #submit: Submitter;
  /** Accepted but waiting for room, in order (the submitter's). */
  readonly #backlog: Fifo<Task>;
  readonly #lost: LostTasks;
  readonly #workers: Workers;
  /** The pool's object shapes, shared with its workers; the serializer over them, on this thread. */
  readonly #structures = new SharedStructures();
  readonly #serializer = new Serializer(this.#structures);
  readonly #broadcasts = new Broadcasts(this.#serializer);
  readonly #direct = new DirectTasks((task, ok, value, runMs) => this.#settle(task, ok, value, runMs));
  readonly #meter = new PoolMeter();
  readonly #idleWaiters: (() => void)[] = [];
  #closing: Promise<void> | undefined;
  #broken: WorkerStartError | undefined;

  /**
   * Starts a pool: the same as {@link createPool}(options). minThreads
   * workers start at once.
   * @param options - The worker file, and optional sizes; see {@link PoolOptions}.
   * @throws TypeError - `options` is not an object, has an option the pool
   *   does not know, `worker` is not a URL or string, or an option is given
   *   where it cannot be applied (resourceLimits, env).
   * @throws RangeError - A numeric option out of range; the message names it.
   */
  constructor(options: PoolOptions) {
    const config = parsePoolOptions(options);
    this.threads = config.maxThreads;
    this.minThreads = config.minThreads;
    this.maxThreads = config.maxThreads;
    this.concurrentTasksPerWorker = config.concurrentTasksPerWorker;
    this.maxQueue = config.maxQueue;
    this.#maxTaskBytes = config.maxTaskBytes;
    this.#tasks = createQueue(taskQueueOptions(config));
    this.#results = createQueue(resultQueueOptions(config));
    this.#reader = new Results(this.#results, () => this.#pending.size > 0, (message) => this.#onResult(message), Math.max(1, config.stallTimeoutMs / 2));
    this.#layout = controlLayoutOf(config);
    this.#ctl = new Int32Array(new SharedArrayBuffer(controlBytes(this.#layout)));
    this.#submit = new Submitter({
      tasks: this.#tasks, ctl: this.#ctl, maxQueue: this.maxQueue, pending: this.#pending,
      pushed: () => this.#reader.start(),
      broken: () => this.#broken !== undefined,
    });
    this.#backlog = this.#submit.backlog;
    this.#lost = new LostTasks({
      ctl: this.#ctl,
      layout: this.#layout,
      pending: this.#pending,
      taskQueue: this.#tasks,
      stallTimeoutMs: config.stallTimeoutMs,
      fail: (task, error) => this.#settle(task, false, error),
    });
    this.#workers = new Workers(
      config,
      { tasks: this.#tasks.handle, results: this.#results.handle, ctl: this.#ctl, layout: this.#layout, structures: this.#structures.buffer },
      {
        gone: (slot, abortedTask, reason, cause) => this.#onWorkerGone(slot, abortedTask, reason, cause),
        broken: (error) => this.#breakPool(error),
        backlogged: () => this.#backlogged(),
        needed: () => !(this.#closing && this.#idle()),
        message: (slot, data) => {
          this.#broadcasts.message(this.#workers, slot, data);
          this.#direct.message(this.#workers, slot, data);
        },
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
    const invalid = runOptionsError(options);
    if (invalid) return Promise.reject(invalid);
    const { signal, name, transferList } = options ?? {};
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (transferList !== undefined && transferList.length > 0) {
      const sent = this.#runDirect(input, name, signal, transferList);
      if (sent) return sent;
    }
    let encoded: Uint8Array;
    try {
      encoded = encodeTaskInput(this.#serializer, input, name);
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
      const task = newTask(resolve, reject, signal, name !== undefined);
      this.#submit.submit(task, encoded);
      this.#watchAbort(task);
      if (this.#workers.alive < this.maxThreads && this.#backlogged()) this.#workers.grow();
    });
  }

  /** run() on the transfer lane; undefined when no worker can take it (then the queue carries it, copied). */
  #runDirect(input: I, name: string | undefined, signal: AbortSignal | undefined, transfer: readonly Transferable[]): Promise<O> | undefined {
    if (this.#workers.alive === 0) this.#workers.grow();
    let task!: Task;
    const result = new Promise<O>((resolve, reject) => (task = newTask(resolve, reject, signal, name !== undefined)));
    // postMessage throws here for what it cannot clone: run() rejects with that.
    try {
      if (!this.#direct.send(this.#workers, task, name, input, [...transfer])) return undefined;
    } catch (error) {
      return Promise.reject(error);
    }
    this.#watchAbort(task);
    return result;
  }

  #watchAbort(task: Task): void {
    if (!task.signal) return;
    task.onAbort = () => this.#abort(task);
    task.signal.addEventListener('abort', task.onAbort, { once: true });
  }

  /**
   * Runs `input` once on every live worker (for example to warm or clear a
   * per-worker cache) and resolves with their results, in worker order. It
   * travels beside the task queue, so it does not wait behind queued tasks,
   * though a worker answers only between the tasks it runs. Rejects with the
   * first error a worker's task function throws, WorkerDiedError if a worker
   * dies before it answers, and PoolClosedError after close().
   */
  broadcast(input: I, options: BroadcastOptions = {}): Promise<O[]> {
    if (this.#closing) return Promise.reject(new PoolClosedError());
    if (this.#broken) return Promise.reject(this.#broken);
    const name = options?.name;
    if (name !== undefined && typeof name !== 'string') {
      return Promise.reject(new TypeError(`broadcast() option name must be a string; got ${typeof name}`));
    }
    let encoded: Uint8Array;
    try {
      encoded = encodeTaskInput(this.#serializer, input, name);
    } catch (cause) {
      return Promise.reject(encodingFailure('broadcast() could not serialize the input', cause));
    }
    return this.#broadcasts.run(this.#workers, encoded, name !== undefined) as Promise<O[]>;
  }

  /** Resolves once no task is queued or running (at once if none is). Tasks run() accepts later do not delay it. */
  drained(): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops accepting tasks, lets every task already accepted finish (queued
   * ones included; with `force`, queued ones reject with PoolClosedError and
   * only running ones finish), then stops the workers. Resolves when they are
   * gone. Idempotent; run() after close() rejects with PoolClosedError.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (options?.force) this.#rejectQueued();
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** Counts and times of the pool, read now (a fresh object each time). */
  get stats(): PoolStats {
    let running = 0;
    for (const id of runningIds(this.#ctl, this.#layout)) if (this.#pending.has(id)) running++;
    const meter = this.#meter;
    return {
      threads: this.#workers.alive,
      queued: this.#pending.size + this.#backlog.size - running,
      running: running + this.#direct.size,
      completed: meter.completed,
      failed: meter.failed,
      utilization: meter.utilization(this.#workers.threadMs(performance.now()), this.concurrentTasksPerWorker),
      runTime: meter.runTime.summary(),
      waitTime: meter.waitTime.summary(),
      latency: meter.latency.summary(),
    };
  }

  /** Nothing queued or running, on either path. */
  #idle(): boolean {
    return this.#pending.size === 0 && this.#backlog.size === 0 && this.#direct.size === 0;
  }

  /** Whether more tasks wait than the workers there are will take soon. */
  #backlogged(): boolean {
    const waiting = this.#submit.waiting();
    return waiting > 0 && !this.#workers.readyLanes(waiting);
  }

  // ------------------------------------------------------------ results

  #onResult(message: Uint8Array): void {
    const [id, status, value, runMs] = decodeResult(this.#serializer, message);
    const task = this.#pending.get(id);
    if (!task) return; // aborted, or blamed on a worker death, before its result came
    this.#lost.taken(task.seq);
    this.#settle(task, status === RESULT_OK, value, runMs);
  }

  #settle(task: Task, ok: boolean, value: unknown, runMs = NaN): void {
    if (task.settled) return;
    task.settled = true;
    if (task.id !== 0) this.#pending.delete(task.id);
    if (task.onAbort) task.signal!.removeEventListener('abort', task.onAbort);
    this.#meter.settled(ok, performance.now() - task.started, runMs);
    if (ok) task.resolve(value);
    else task.reject(value);
    if (this.#pending.size === 0) {
      // Nothing to wait for: let the result loop end, so its timers do not
      // keep the process alive.
      this.#reader.stop();
      if (this.#idle()) for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  // ------------------------------------------------------------ abort

  #abort(task: Task): void {
    if (task.settled) return;
    const reason = task.signal!.reason;
    if (task.direct !== undefined) {
      // On the transfer lane: sent to one worker, maybe running there. Stop it
      // (STOPPED_FOR_DIRECT: its death is no task's to blame, and it is replaced).
      const slot = this.#direct.abort(task, reason);
      if (slot >= 0) this.#workers.stopForAbort(slot, STOPPED_FOR_DIRECT);
      return;
    }
    if (task.id === 0) {
      // Still waiting for room: it never entered the queue.
      this.#backlog.remove(task);
      this.#settle(task, false, reason);
      return;
    }
    // In the queue or running. Mark it first, then look for a worker running
    // it (the worker does the reverse; see lanes.ts).
    this.#cancel(task, reason);
    const lanes = this.#layout.lanes;
    for (let lane = 0; lane < laneCount(this.#layout); lane++) {
      if (Atomics.load(this.#ctl, currentIndex(this.#layout, lane)) === task.id) {
        this.#workers.stopForAbort(Math.floor(lane / lanes), task.id);
      }
    }
  }

  /** Marks a task in the queue as cancelled (a worker that takes it skips it) and rejects it. */
  #cancel(task: Task, reason: unknown): void {
    Atomics.store(this.#ctl, cancelIndex(this.#layout, task.id), task.id);
    this.#settle(task, false, reason);
  }

  /** close({ force }): every task not running yet rejects with PoolClosedError and never runs. */
  #rejectQueued(): void {
    for (const task of this.#backlog.drain()) this.#settle(task, false, new PoolClosedError());
    const running = runningIds(this.#ctl, this.#layout);
    for (const task of [...this.#pending.values()]) {
      // A worker that takes it between this check and the mark still sees the
      // mark and skips it (the Dekker pair in #abort).
      if (!running.has(task.id)) this.#cancel(task, new PoolClosedError());
    }
  }

  // ------------------------------------------------------------ workers gone, pool broken, close

  /** A worker is gone: settle the results it pushed, the tasks it ran, and any task it may have taken with it. */
  #onWorkerGone(slot: number, abortedTask: number, reason: string, cause: unknown): void {
    // Results it pushed before dying settle normally, so drain them before
    // blaming the tasks it was running.
    this.#reader.drain();
    this.#broadcasts.gone(slot, reason, cause);
    this.#direct.gone(slot, reason, cause);
    const lanes = this.#layout.lanes;
    for (let lane = slot * lanes; lane < (slot + 1) * lanes; lane++) {
      const id = Atomics.load(this.#ctl, currentIndex(this.#layout, lane));
      Atomics.store(this.#ctl, currentIndex(this.#layout, lane), 0);
      if (id === POPPING) this.#lost.suspect(this.#submit.pushed);
      const task = id > 0 && id !== abortedTask ? this.#pending.get(id) : undefined;
      if (task) {
        this.#settle(
          task,
          false,
          new WorkerDiedError(`the worker running this task ${reason}; the worker was replaced`, { cause }),
        );
      }
    }
  }

  /** Workers cannot start: fail everything accepted, and every later run(). */
  #breakPool(error: WorkerStartError): void {
    this.#broken = error;
    for (const task of this.#backlog.drain()) this.#settle(task, false, error);
    for (const task of [...this.#pending.values(), ...this.#direct.all()]) this.#settle(task, false, error);
    for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  async #shutdown(): Promise<void> {
    await this.drained();
    // Closing the task queue ends each worker's loop; terminate makes sure.
    this.#tasks.close();
    await this.#workers.stopAll();
    this.#results.close();
    this.#tasks.detach();
    this.#results.detach();
  }
}

/**
 * Creates a pool of minThreads to maxThreads workers running `worker` (a file that calls
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
 *   minThreads: 1,
 *   maxThreads: 4,
 * });
 * const words = await pool.run({ text: 'a lock-free queue' });
 * await pool.close();
 * ```
 */
export function createPool<I = any, O = any>(options: PoolOptions): Pool<I, O> {
  return new Pool<I, O>(options);
}
