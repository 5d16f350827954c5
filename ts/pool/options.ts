// createPool's options: what they are, how they are checked and defaulted,
// and how they size the two kernel queues and the control block.
import type { QueueOptions } from '../queue/options.js';
import type { ControlLayout } from './control.js';
import { TASK_HEADER_BYTES } from './task-codec.js';
import { nodeWorkerThreads, resourceLimitsApply, type ResourceLimits } from './thread-host.js';

/**
 * Options of {@link createPool} and the {@link Pool} constructor. Only
 * `worker` is required; a bad value throws a TypeError or RangeError that
 * names the option and what is allowed.
 *
 * @example
 * ```ts
 * import { createPool, type PoolOptions } from 'wasmq/pool';
 *
 * const options: PoolOptions = {
 *   worker: new URL('./task.js', import.meta.url),
 *   threads: 2,
 *   maxQueue: 256,
 *   maxTaskBytes: 64 * 1024,
 *   resourceLimits: { maxOldGenerationSizeMb: 256 },
 * };
 * const pool = createPool(options);
 * ```
 */
export interface PoolOptions {
  /** The worker file: it imports `serve` from 'wasmq/pool' and calls it. In browsers, a module worker URL. */
  worker: URL | string;
  /**
   * Worker threads: an integer from 1 to 256. Default: the available
   * parallelism (os.availableParallelism() / navigator.hardwareConcurrency,
   * 4 if unknown), at most 256.
   */
  threads?: number;
  /**
   * Most tasks waiting for a worker. When that many wait, run() WAITS (its
   * promise stays pending, and the task joins the queue in order as soon as a
   * worker takes one); it does not reject. Bound the wait with `signal`.
   * Default 1024, at most 2^20.
   */
  maxQueue?: number;
  /** Largest encoded task input, in bytes: an integer from 1 to 2^28. Default 1 MiB. A larger input rejects run() with a RangeError. */
  maxTaskBytes?: number;
  /**
   * Largest encoded task result (or thrown error), in bytes: an integer from
   * 1 to 2^28. Default 1 MiB. A larger result rejects its run() with a RangeError.
   */
  maxResultBytes?: number;
  /**
   * Node only: heap limits for each worker (worker_threads resourceLimits).
   * A worker that exceeds them dies with ERR_WORKER_OUT_OF_MEMORY, which
   * rejects its task with WorkerDiedError; the worker is replaced. Ignored
   * in browsers; where worker_threads accept but do not apply them (Bun),
   * createPool throws a TypeError rather than pretend.
   */
  resourceLimits?: ResourceLimits;
  /**
   * How long, in milliseconds, a queue slot may stay half-written by a dead
   * worker before it is reclaimed: an integer from 1 to 2^31 - 1. Default 1000.
   */
  stallTimeoutMs?: number;
}

/** createPool's options, checked, with every default filled in. @internal */
export interface PoolConfig {
  readonly worker: URL | string;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly threads: number;
  readonly maxQueue: number;
  readonly maxTaskBytes: number;
  readonly maxResultBytes: number;
  readonly stallTimeoutMs: number;
}

const MAX_THREADS = 256;
const MAX_QUEUE_LIMIT = 2 ** 20;
const SLOT_BYTES = 64;
/** Room in a result message for the msgpack [id, status] envelope around the value. */
const RESULT_ENVELOPE_BYTES = 16;

/** Checks createPool's options; throws a TypeError or RangeError naming the option and what is allowed. @internal */
export function parsePoolOptions(options: PoolOptions): PoolConfig {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`createPool takes an options object, { worker, threads?, maxQueue? }; got ${String(options)}`);
  }
  const { worker } = options;
  if (!(worker instanceof URL) && typeof worker !== 'string') {
    throw new TypeError(
      `createPool option 'worker' must be a URL or string of the worker file (e.g. new URL('./task.js', import.meta.url)); got ${typeof worker}`,
    );
  }
  return {
    worker,
    resourceLimits: checkedLimits(options.resourceLimits),
    threads: integer('threads', options.threads, defaultThreads(), 1, MAX_THREADS),
    maxQueue: integer('maxQueue', options.maxQueue, 1024, 1, MAX_QUEUE_LIMIT),
    maxTaskBytes: integer('maxTaskBytes', options.maxTaskBytes, 2 ** 20, 1, 2 ** 28),
    maxResultBytes: integer('maxResultBytes', options.maxResultBytes, 2 ** 20, 1, 2 ** 28),
    stallTimeoutMs: integer('stallTimeoutMs', options.stallTimeoutMs, 1000, 1, 2 ** 31 - 1),
  };
}

/**
 * Where worker_threads would silently ignore the limits (Bun), a worker that
 * runs out of memory would take the whole process with it rather than only
 * its task: refuse the option instead of pretending to apply it.
 */
function checkedLimits(limits: ResourceLimits | undefined): ResourceLimits | undefined {
  if (limits === undefined) return undefined;
  const wt = nodeWorkerThreads();
  if (wt && !resourceLimitsApply(wt)) {
    throw new TypeError(
      "createPool option 'resourceLimits' cannot be honoured here: this engine's worker_threads accept the option " +
        'but a Worker started with it does not report the limits back (worker.resourceLimits), which is how wasmq ' +
        'checks that they apply; unapplied, a worker that runs out of memory could take the whole process with it. ' +
        'Leave the option out on this engine.',
    );
  }
  return limits;
}

/** The task queue: main → workers, [task id][input] messages. @internal */
export function taskQueueOptions(config: PoolConfig): QueueOptions<Uint8Array> & { codec: 'bytes' } {
  return messageQueueOptions(config, config.maxTaskBytes + TASK_HEADER_BYTES);
}

/** The result queue: workers → main, [task id, status, value] messages. @internal */
export function resultQueueOptions(config: PoolConfig): QueueOptions<Uint8Array> & { codec: 'bytes' } {
  return messageQueueOptions(config, config.maxResultBytes + RESULT_ENVELOPE_BYTES);
}

/**
 * A byte queue for messages of up to `maxBytes`: at least 2 × maxQueue slots,
 * enough slots for one message of maxBytes, and at least 64.
 */
function messageQueueOptions(config: PoolConfig, maxBytes: number): QueueOptions<Uint8Array> & { codec: 'bytes' } {
  return {
    capacity: nextPowerOfTwo(Math.max(2 * config.maxQueue, Math.ceil(maxBytes / SLOT_BYTES), 64)),
    slotBytes: SLOT_BYTES,
    maxMessageBytes: maxBytes,
    stallTimeoutMs: config.stallTimeoutMs,
    // Each thread leases a scratch area per queue; a dead worker's lease is
    // never returned, so leave room for some replacements (beyond that the
    // queue still works, on its slower path).
    scratchAreas: Math.min(MAX_THREADS, config.threads + 1 + 16),
    codec: 'bytes',
  };
}

/**
 * One CURRENT/STARTED pair per worker slot, and a cancel table of at least
 * maxQueue entries (two queued tasks never share one; see control.ts).
 * @internal
 */
export function controlLayoutOf(config: PoolConfig): ControlLayout {
  return { slots: config.threads, cancelEntries: nextPowerOfTwo(config.maxQueue) };
}

/** The smallest power of two >= n (1 for n <= 1). @internal */
export function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`createPool option '${name}' must be an integer from ${min} to ${max}; got ${String(value)}`);
  }
  return value;
}

function defaultThreads(): number {
  if (nodeWorkerThreads()) {
    const os = (globalThis as unknown as { process: { getBuiltinModule(id: string): typeof import('node:os') } }).process
      .getBuiltinModule('node:os');
    return Math.max(1, Math.min(MAX_THREADS, os.availableParallelism()));
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(MAX_THREADS, n ?? 4));
}
