// The main-thread side of the pool: run() encodes a task into the shared task
// queue (idle workers take tasks themselves), and one async loop takes
// results off the result queue without blocking this thread.
import { createQueue, type Queue } from '../queue.js';
import { QueueClosedError } from '../errors.js';
import { waitAsyncWhile } from '../wait.js';
import {
  ID_LIMIT, POPPING, TAKEN, TAKEN_WAITERS, cancelIndex, controlBytes, currentIndex, startedIndex, type ControlLayout,
} from './control.js';
import { INIT_KIND, type WorkerInit } from './init.js';
import { PoolClosedError, WorkerDiedError, WorkerStartError } from './errors.js';
import { Fifo } from './fifo.js';
import { LatencyWindow, type PoolStats } from './stats.js';
import {
  RESULT_OK, TASK_HEADER_BYTES, decodeResult, encodeTaskInput, encodingFailure, writeTaskId,
} from './task-codec.js';
import { nodeWorkerThreads, spawnThread, type ResourceLimits, type ThreadHost } from './thread-host.js';

export interface PoolOptions {
  /** The worker file: it imports `serve` from 'wasmq/pool' and calls it. In browsers, a module worker URL. */
  worker: URL | string;
  /** Worker threads. Default: the available parallelism (os.availableParallelism() / navigator.hardwareConcurrency). */
  threads?: number;
  /**
   * Most tasks waiting for a worker. When that many wait, run() WAITS (its
   * promise stays pending, and the task joins the queue in order as soon as a
   * worker takes one); it does not reject. Bound the wait with `signal`.
   * Default 1024, at most 2^20.
   */
  maxQueue?: number;
  /** Largest encoded task input, in bytes. Default 1 MiB. */
  maxTaskBytes?: number;
  /** Largest encoded task result (or thrown error), in bytes. Default 1 MiB. */
  maxResultBytes?: number;
  /**
   * Node only: heap limits for each worker (worker_threads resourceLimits).
   * A worker that exceeds them dies with ERR_WORKER_OUT_OF_MEMORY, which
   * rejects its task with WorkerDiedError; the worker is replaced.
   */
  resourceLimits?: ResourceLimits;
  /** How long a queue slot may stay half-written by a dead worker before it is reclaimed. Default 1000 ms. */
  stallTimeoutMs?: number;
}

export interface RunOptions {
  /**
   * Aborting rejects run() with `signal.reason`. A task still queued is
   * removed and never runs; a running task's worker is stopped and replaced.
   */
  signal?: AbortSignal;
}

/** How many workers in a row may stop before serving before the pool gives up. */
const START_FAILURE_LIMIT = 3;
/** Most a waiting run() sleeps between checks for room (a backstop for a lost wake-up). */
const ROOM_POLL_MS = 50;
const SLOT_BYTES = 64;
const MAX_QUEUE_LIMIT = 2 ** 20;

interface Task {
  id: number;
  /** Position in push order (never wraps, unlike id); 0 until pushed. */
  seq: number;
  /** Encoded [header][input], kept only while the task waits for room. */
  message: Uint8Array | undefined;
  readonly resolve: (value: any) => void;
  readonly reject: (reason: unknown) => void;
  readonly started: number;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
  /** Seen once as possibly lost in transit (see #findLostTasks). */
  suspect?: boolean;
}

interface WorkerRecord {
  host: ThreadHost | undefined;
  /** Set when the pool stops this worker on purpose (close, or to abort its task). */
  stopping: boolean;
  /** The task this worker was stopped to abort: already rejected, not to be blamed on its death. */
  abortedTask: number;
  readonly gone: Promise<void>;
  markGone: () => void;
}

let poolCount = 0;

export class Pool<I = unknown, O = unknown> {
  readonly threads: number;
  readonly maxQueue: number;
  readonly #worker: URL | string;
  readonly #resourceLimits: ResourceLimits | undefined;
  readonly #tasks: Queue<Uint8Array>;
  readonly #results: Queue<Uint8Array>;
  readonly #ctlBuffer: SharedArrayBuffer;
  readonly #ctl: Int32Array;
  readonly #layout: ControlLayout;
  readonly #key = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}.${poolCount++}`;
  readonly #maxTaskBytes: number;
  readonly #resultBuffer: Uint8Array;
  /** Pushed to the task queue and not settled, by id. */
  readonly #pending = new Map<number, Task>();
  /** Accepted but waiting for room, in order. */
  readonly #backlog = new Fifo<Task>();
  readonly #workers: (WorkerRecord | undefined)[];
  readonly #latency = new LatencyWindow();
  readonly #idleWaiters: (() => void)[] = [];
  #stage = new Uint8Array(256);
  #lastId = 0;
  /** Tasks pushed so far (the next task's seq is this + 1). */
  #seq = 0;
  /** Highest seq of a task known to have left the queue (started or finished). */
  #maxTakenSeq = 0;
  /** Tasks pushed up to this seq may have been lost with a worker that died taking one (0: none). */
  #lossSuspectSeq = 0;
  #lossCheck: ReturnType<typeof setTimeout> | undefined;
  readonly #stallTimeoutMs: number;
  /** Tasks pushed so far, as a wrapping i32 like the workers' TAKEN count. */
  #pushed = 0;
  #completed = 0;
  #failed = 0;
  #generation = 0;
  #startFailures = 0;
  #receiving = false;
  #stopReceiving: AbortController | undefined;
  #pumping = false;
  #closing: Promise<void> | undefined;
  #broken: WorkerStartError | undefined;

  /** @internal Use createPool. */
  constructor(options: PoolOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`createPool takes an options object, { worker, threads?, maxQueue? }; got ${String(options)}`);
    }
    const { worker } = options;
    if (!(worker instanceof URL) && typeof worker !== 'string') {
      throw new TypeError(
        `createPool option 'worker' must be a URL or string of the worker file (e.g. new URL('./task.js', import.meta.url)); got ${typeof worker}`,
      );
    }
    this.#worker = worker;
    this.#resourceLimits = options.resourceLimits;
    this.threads = integer('threads', options.threads, defaultThreads(), 1, 256);
    this.maxQueue = integer('maxQueue', options.maxQueue, 1024, 1, MAX_QUEUE_LIMIT);
    this.#maxTaskBytes = integer('maxTaskBytes', options.maxTaskBytes, 2 ** 20, 1, 2 ** 28);
    const maxResultBytes = integer('maxResultBytes', options.maxResultBytes, 2 ** 20, 1, 2 ** 28);
    const stallTimeoutMs = integer('stallTimeoutMs', options.stallTimeoutMs, 1000, 1, 2 ** 31 - 1);
    this.#stallTimeoutMs = stallTimeoutMs;

    // Each thread leases a scratch area per queue; a dead worker's lease is
    // never returned, so leave room for some replacements (beyond that the
    // queue still works, on its slower path).
    const scratchAreas = Math.min(256, this.threads + 1 + 16);
    const message = (maxBytes: number) => ({
      capacity: nextPowerOfTwo(Math.max(2 * this.maxQueue, Math.ceil(maxBytes / SLOT_BYTES), 64)),
      slotBytes: SLOT_BYTES,
      maxMessageBytes: maxBytes,
      stallTimeoutMs,
      scratchAreas,
      codec: 'bytes' as const,
    });
    this.#tasks = createQueue<Uint8Array>(message(this.#maxTaskBytes + TASK_HEADER_BYTES));
    this.#results = createQueue<Uint8Array>(message(maxResultBytes + 16));
    this.#resultBuffer = new Uint8Array(this.#results.maxMessageBytes);
    this.#layout = { slots: this.threads, cancelEntries: nextPowerOfTwo(this.maxQueue) };
    this.#ctlBuffer = new SharedArrayBuffer(controlBytes(this.#layout));
    this.#ctl = new Int32Array(this.#ctlBuffer);
    this.#workers = new Array(this.threads).fill(undefined);
    for (let slot = 0; slot < this.threads; slot++) this.#spawn(slot);
  }

  /**
   * Runs the task with `input` (any structured-clone-family value) on a
   * worker and resolves with its output. Rejects with what the task threw
   * (message and stack kept), WorkerDiedError if its worker died,
   * `signal.reason` if aborted, PoolClosedError after close().
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
      if (this.#backlog.size > 0 || this.#room() <= 0 || !this.#pushNow(task, staged)) {
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
      threads: this.#workers.filter((w) => w !== undefined && !w.stopping).length,
      latency: this.#latency.summary(),
    };
  }

  // ------------------------------------------------------------ submitting

  /** Room left under maxQueue in the task queue (exact: only this thread pushes). */
  #room(): number {
    return this.maxQueue - ((this.#pushed - Atomics.load(this.#ctl, TAKEN)) | 0);
  }

  /** Gives the task its id and pushes it. False if the queue had no room (nothing changes). */
  #pushNow(task: Task, message: Uint8Array): boolean {
    const id = this.#lastId === ID_LIMIT ? 1 : this.#lastId + 1;
    writeTaskId(message, id);
    if (!this.#tasks.tryPushFrom(message)) return false;
    this.#lastId = id;
    this.#pushed = (this.#pushed + 1) | 0;
    task.id = id;
    task.seq = ++this.#seq;
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
        if (this.#room() > 0 && this.#pushNow(task, task.message!)) {
          this.#backlog.shift();
          continue;
        }
        await this.#waitForRoom();
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Waits (without blocking the thread) until a worker takes a task, or ROOM_POLL_MS. */
  async #waitForRoom(): Promise<void> {
    const ctl = this.#ctl;
    // Same protocol as the queue's parking (see ts/wait.ts): register, then
    // re-check, then wait on the value we saw, so no wake-up is lost.
    Atomics.add(ctl, TAKEN_WAITERS, 1);
    try {
      const seen = Atomics.load(ctl, TAKEN);
      if (this.#room() > 0) {
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
    const buffer = this.#resultBuffer;
    for (;;) {
      const n = this.#results.tryPopInto(buffer);
      if (n < 0) return;
      this.#onResult(buffer.subarray(0, n));
    }
  }

  #onResult(message: Uint8Array): void {
    const [id, status, value] = decodeResult(message);
    const task = this.#pending.get(id);
    if (!task) return; // aborted, or blamed on a worker death, before its result came
    if (task.seq > this.#maxTakenSeq) this.#maxTakenSeq = task.seq;
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
      if (Atomics.load(this.#ctl, currentIndex(slot)) !== task.id) continue;
      const record = this.#workers[slot];
      if (record && !record.stopping) {
        record.stopping = true;
        record.abortedTask = task.id;
        record.host?.terminate(); // replaced when gone (see #onGone)
      }
    }
  }

  // ------------------------------------------------------------ workers

  #spawn(slot: number): void {
    let markGone!: () => void;
    const gone = new Promise<void>((resolve) => (markGone = resolve));
    const record: WorkerRecord = { host: undefined, stopping: false, abortedTask: 0, gone, markGone };
    this.#workers[slot] = record;
    Atomics.store(this.#ctl, currentIndex(slot), 0);
    Atomics.store(this.#ctl, startedIndex(slot), 0);
    const init: WorkerInit = {
      kind: INIT_KIND,
      tasks: this.#tasks.handle,
      results: this.#results.handle,
      control: this.#ctlBuffer,
      layout: this.#layout,
      slot,
      lifeLock: `wasmq.pool:${this.#key}:${slot}:${++this.#generation}`,
    };
    record.host = spawnThread(this.#worker, init, this.#resourceLimits, {
      gone: (reason, cause) => this.#onGone(slot, record, reason, cause),
    });
  }

  #onGone(slot: number, record: WorkerRecord, reason: string, cause: unknown): void {
    record.markGone();
    if (this.#workers[slot] !== record) return;
    this.#workers[slot] = undefined;
    // Results it pushed before dying settle normally, so drain them before
    // blaming the task it was running.
    this.#drainResults();
    const id = Atomics.load(this.#ctl, currentIndex(slot));
    const started = Atomics.load(this.#ctl, startedIndex(slot)) === 1;
    Atomics.store(this.#ctl, currentIndex(slot), 0);
    if (id === POPPING) this.#suspectLoss();
    const task = id > 0 && id !== record.abortedTask ? this.#pending.get(id) : undefined;
    if (task) {
      this.#settle(
        task,
        false,
        new WorkerDiedError(`the worker running this task ${reason}; the worker was replaced`, { cause }),
      );
    }
    if (record.stopping && record.abortedTask === 0) return; // stopped by close()
    if (started) {
      this.#startFailures = 0;
    } else if (!record.stopping && ++this.#startFailures >= START_FAILURE_LIMIT) {
      this.#breakPool(
        new WorkerStartError(
          `${START_FAILURE_LIMIT} pool workers in a row stopped before serving tasks; the last one ${reason}. ` +
            `Check that the worker URL (${String(this.#worker)}) is right and that the file calls serve() from 'wasmq/pool'.`,
          { cause },
        ),
      );
      return;
    }
    if (this.#closing && this.#pending.size === 0 && this.#backlog.size === 0) return;
    this.#spawn(slot);
  }

  // ------------------------------------------------------------ tasks lost in transit

  /**
   * A worker died while taking a task off the queue (its CURRENT word said
   * POPPING): the kernel may have handed it a task it never recorded. That
   * task is no longer in the queue and runs nowhere, so its run() would never
   * settle. Look for it among the tasks pushed so far.
   */
  #suspectLoss(): void {
    this.#lossSuspectSeq = this.#seq;
    this.#scheduleLossCheck();
  }

  #scheduleLossCheck(): void {
    if (this.#lossCheck !== undefined) return;
    // A live worker records a task microseconds after taking it; waiting a
    // stall timeout first (as the kernel does before declaring a thread dead)
    // leaves any such worker far more than enough time.
    this.#lossCheck = setTimeout(() => {
      this.#lossCheck = undefined;
      this.#findLostTasks();
    }, Math.max(10, this.#stallTimeoutMs / 4));
    // Pending tasks keep the process alive through the result loop; this timer must not on its own.
    (this.#lossCheck as { unref?: () => void }).unref?.();
  }

  /**
   * Tasks leave the queue in push order (one producer, FIFO). So a pending
   * task that runs on no worker has left the queue, and was lost, if a task
   * pushed after it has already started or finished, or if the queue is
   * empty. It is checked twice, a check interval apart, so a live worker that
   * has just taken it has time to record it.
   */
  #findLostTasks(): void {
    const running = new Set<number>();
    let maxTaken = this.#maxTakenSeq;
    for (let slot = 0; slot < this.threads; slot++) {
      const id = Atomics.load(this.#ctl, currentIndex(slot));
      const task = id > 0 ? this.#pending.get(id) : undefined;
      if (!task) continue;
      running.add(id);
      if (task.seq > maxTaken) maxTaken = task.seq;
    }
    const queueEmpty = this.#tasks.size === 0;
    let waiting = false;
    for (const task of [...this.#pending.values()]) {
      if (task.seq > this.#lossSuspectSeq || running.has(task.id)) continue;
      if (!(queueEmpty || task.seq < maxTaken)) {
        waiting = true; // maybe still queued: look again later
        continue;
      }
      if (!task.suspect) {
        task.suspect = true;
        waiting = true;
        continue;
      }
      this.#settle(
        task,
        false,
        new WorkerDiedError(
          'the worker that took this task off the queue died before it could start it; the worker was replaced',
        ),
      );
    }
    if (waiting && this.#pending.size > 0) this.#scheduleLossCheck();
    else this.#lossSuspectSeq = 0;
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
    const gone: Promise<void>[] = [];
    for (const record of this.#workers) {
      if (!record) continue;
      record.stopping = true;
      record.host?.terminate();
      gone.push(record.gone);
    }
    await Promise.all(gone);
    this.#results.close();
    this.#tasks.detach();
    this.#results.detach();
  }
}

/** Creates a pool of `threads` workers running `worker` (a file that calls serve()). */
export function createPool<I = any, O = any>(options: PoolOptions): Pool<I, O> {
  return new Pool<I, O>(options);
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`createPool option '${name}' must be an integer from ${min} to ${max}; got ${String(value)}`);
  }
  return value;
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

function defaultThreads(): number {
  if (nodeWorkerThreads()) {
    const os = (globalThis as unknown as { process: { getBuiltinModule(id: string): typeof import('node:os') } }).process
      .getBuiltinModule('node:os');
    return Math.max(1, Math.min(256, os.availableParallelism()));
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(256, n ?? 4));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
