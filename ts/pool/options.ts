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
   * Shorthand for `minThreads` = `maxThreads` = `threads`: a fixed number of
   * workers, an integer from 1 to 256. Give either this or minThreads /
   * maxThreads, not both.
   */
  threads?: number;
  /**
   * Workers started with the pool and kept however idle it is: an integer
   * from 0 to 256. Default: maxThreads if that is given and smaller than the
   * available parallelism, else the available parallelism
   * (os.availableParallelism() / navigator.hardwareConcurrency, 4 if unknown).
   */
  minThreads?: number;
  /**
   * Most workers: an integer from 1 to 256, at least minThreads. While tasks
   * wait and no worker is idle, the pool starts another, up to this many.
   * Default: the larger of minThreads and the available parallelism.
   */
  maxThreads?: number;
  /**
   * How long, in milliseconds, a worker above minThreads may sit idle (no
   * task running, none to take) before it exits: an integer from 0 to
   * 2^31 - 1. Default 1000. Unused when minThreads = maxThreads.
   */
  idleTimeout?: number;
  /**
   * Tasks one worker runs at once: an integer from 1 to 256, default 1. Above
   * 1 the worker takes another task while an async handler awaits (I/O,
   * timers), as Piscina's option of the same name does; sync handlers still
   * run one at a time.
   */
  concurrentTasksPerWorker?: number;
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
   * Heap limits for each worker (worker_threads resourceLimits). A worker
   * that exceeds them dies with ERR_WORKER_OUT_OF_MEMORY, which rejects its
   * tasks with WorkerDiedError; the worker is replaced. Where they cannot be
   * applied (Web Workers, or worker_threads that accept the option but do not
   * apply it, as Bun's) createPool throws a TypeError rather than ignore them.
   */
  resourceLimits?: ResourceLimits;
  /**
   * Any structured-clone value, cloned to every worker, where `workerData`
   * from 'wasmq/pool' reads it (as Piscina's `workerData`).
   */
  workerData?: unknown;
  /**
   * The workers' environment (worker_threads `env`: an object of strings, or
   * worker_threads.SHARE_ENV). Web Workers have no environment: there
   * createPool throws a TypeError.
   */
  env?: Record<string, string | undefined> | symbol;
  /** A name for the workers (worker_threads and Web Worker `name`), shown by debuggers. */
  name?: string;
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
  readonly minThreads: number;
  readonly maxThreads: number;
  readonly idleTimeout: number;
  readonly concurrentTasksPerWorker: number;
  readonly maxQueue: number;
  readonly maxTaskBytes: number;
  readonly maxResultBytes: number;
  readonly stallTimeoutMs: number;
  readonly workerData: unknown;
  readonly env: Record<string, string | undefined> | symbol | undefined;
  readonly name: string | undefined;
}

const MAX_THREADS = 256;
const MAX_QUEUE_LIMIT = 2 ** 20;
const SLOT_BYTES = 64;
/** Room in a result message for the msgpack [id, status] envelope around the value. */
const RESULT_ENVELOPE_BYTES = 16;

/** Checks createPool's options; throws a TypeError or RangeError naming the option and what is allowed. @internal */
export function parsePoolOptions(options: PoolOptions): PoolConfig {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`createPool takes an options object, { worker, minThreads?, maxThreads?, ... }; got ${String(options)}`);
  }
  checkKnown(options);
  const { worker } = options;
  if (!(worker instanceof URL) && typeof worker !== 'string') {
    throw new TypeError(
      `createPool option 'worker' must be a URL or string of the worker file (e.g. new URL('./task.js', import.meta.url)); got ${typeof worker}`,
    );
  }
  const name = options.name;
  if (name !== undefined && typeof name !== 'string') {
    throw new TypeError(`createPool option 'name' must be a string; got ${typeof name}`);
  }
  return {
    worker,
    resourceLimits: checkedLimits(options.resourceLimits),
    ...threadCounts(options),
    idleTimeout: integer('idleTimeout', options.idleTimeout, 1000, 0, 2 ** 31 - 1),
    concurrentTasksPerWorker: integer('concurrentTasksPerWorker', options.concurrentTasksPerWorker, 1, 1, 256),
    maxQueue: integer('maxQueue', options.maxQueue, 1024, 1, MAX_QUEUE_LIMIT),
    maxTaskBytes: integer('maxTaskBytes', options.maxTaskBytes, 2 ** 20, 1, 2 ** 28),
    maxResultBytes: integer('maxResultBytes', options.maxResultBytes, 2 ** 20, 1, 2 ** 28),
    stallTimeoutMs: integer('stallTimeoutMs', options.stallTimeoutMs, 1000, 1, 2 ** 31 - 1),
    workerData: options.workerData,
    env: checkedEnv(options.env),
    name,
  };
}

const KNOWN: readonly (keyof PoolOptions)[] = [
  'worker', 'threads', 'minThreads', 'maxThreads', 'idleTimeout', 'concurrentTasksPerWorker', 'maxQueue',
  'maxTaskBytes', 'maxResultBytes', 'resourceLimits', 'workerData', 'env', 'name', 'stallTimeoutMs',
];
/** Piscina options whose wasmq/pool counterpart has another name. */
const RENAMED: Record<string, string> = { filename: 'worker' };

/** An option the pool does not know would otherwise be ignored without a word: refuse it. */
function checkKnown(options: PoolOptions): void {
  for (const key of Object.keys(options)) {
    if ((KNOWN as readonly string[]).includes(key)) continue;
    const instead = RENAMED[key] === undefined ? '' : ` (wasmq/pool calls it '${RENAMED[key]}')`;
    throw new TypeError(`createPool has no option '${key}'${instead}; its options are ${KNOWN.join(', ')}`);
  }
}

/** minThreads and maxThreads from `threads`, or from either or both of them, defaulted. */
function threadCounts(options: PoolOptions): { minThreads: number; maxThreads: number } {
  if (options.threads !== undefined) {
    if (options.minThreads !== undefined || options.maxThreads !== undefined) {
      throw new TypeError(
        "createPool takes either 'threads' (a fixed count) or 'minThreads'/'maxThreads' (a range), not both",
      );
    }
    const n = integer('threads', options.threads, 0, 1, MAX_THREADS);
    return { minThreads: n, maxThreads: n };
  }
  const fallback = defaultThreads();
  const max = options.maxThreads === undefined ? undefined : integer('maxThreads', options.maxThreads, 0, 1, MAX_THREADS);
  const min = integer('minThreads', options.minThreads, Math.min(fallback, max ?? fallback), 0, MAX_THREADS);
  const maxThreads = max ?? Math.max(min, fallback, 1);
  if (min > maxThreads) {
    throw new RangeError(`createPool option 'minThreads' (${min}) must not exceed 'maxThreads' (${maxThreads})`);
  }
  return { minThreads: min, maxThreads };
}

/** Only worker_threads have an environment to set. */
function checkedEnv(env: PoolOptions['env']): PoolConfig['env'] {
  if (env === undefined) return undefined;
  if (typeof env !== 'symbol' && (env === null || typeof env !== 'object')) {
    throw new TypeError(`createPool option 'env' must be an object of strings or worker_threads.SHARE_ENV; got ${String(env)}`);
  }
  if (!nodeWorkerThreads()) {
    throw new TypeError(
      "createPool option 'env' cannot be honoured here: this engine starts pool workers as Web Workers, which have " +
        'no environment of their own. Leave the option out (pass what the workers need through workerData).',
    );
  }
  return env;
}

/**
 * Where worker_threads would silently ignore the limits (Bun), a worker that
 * runs out of memory would take the whole process with it rather than only
 * its task: refuse the option instead of pretending to apply it.
 */
function checkedLimits(limits: ResourceLimits | undefined): ResourceLimits | undefined {
  if (limits === undefined) return undefined;
  const wt = nodeWorkerThreads();
  if (!wt) {
    throw new TypeError(
      "createPool option 'resourceLimits' cannot be honoured here: this engine starts pool workers as Web Workers, " +
        'which take no heap limits. Leave the option out on this engine.',
    );
  }
  if (!resourceLimitsApply(wt)) {
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
    scratchAreas: Math.min(MAX_THREADS, config.maxThreads + 1 + 16),
    codec: 'bytes',
  };
}

/**
 * A STATE word per worker slot (maxThreads), a CURRENT word per lane
 * (concurrentTasksPerWorker per slot), and a cancel table of at least
 * maxQueue entries (two queued tasks never share one; see control.ts).
 * @internal
 */
export function controlLayoutOf(config: PoolConfig): ControlLayout {
  return { slots: config.maxThreads, lanes: config.concurrentTasksPerWorker, cancelEntries: nextPowerOfTwo(config.maxQueue) };
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
