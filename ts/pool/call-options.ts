// The options of the Pool's calls: run(), broadcast() and close().

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
   * Buffers to move to the worker instead of copying them (ArrayBuffers,
   * MessagePorts, ...), as postMessage's transfer list: the task takes the
   * transfer lane, straight to one worker by postMessage, with the input
   * cloned by the platform (structured clone) rather than the queue's
   * serializer, and the buffers detached here. A task function returns
   * `move(value)` to send its result back the same way. Pays off for large
   * binary payloads (about 64 KiB and up); small tasks are faster on the
   * queue. Tasks on the transfer lane do not count against maxQueue or maxTaskBytes.
   */
  transferList?: readonly Transferable[];
  /**
   * Which of the worker's named task functions runs it (serve({ name: fn })).
   * Without it, the worker's single function, or its `default` one. A name
   * the worker does not serve rejects the task with a RangeError that names
   * it and the ones it does.
   */
  name?: string;
  /**
   * Aborting rejects run() with `signal.reason`. A task still queued is
   * removed and never runs; a running task's worker is stopped and replaced.
   */
  signal?: AbortSignal;
}

/**
 * Options of {@link Pool.broadcast}.
 *
 * @example
 * ```ts
 * import type { BroadcastOptions, Pool } from 'wasmq/pool';
 *
 * declare const pool: Pool;
 * const options: BroadcastOptions = { name: 'clearCache' };
 * await pool.broadcast(undefined, options);
 * ```
 */
export interface BroadcastOptions {
  /** Which named task function runs, as {@link RunOptions.name}. */
  name?: string;
}

/**
 * Options of {@link Pool.close}.
 *
 * @example
 * ```ts
 * import type { CloseOptions, Pool } from 'wasmq/pool';
 *
 * declare const pool: Pool;
 * const options: CloseOptions = { force: true };
 * await pool.close(options);
 * ```
 */
export interface CloseOptions {
  /**
   * Reject every task that has not started, with PoolClosedError, instead of
   * running it; tasks already running still finish. Default false: every
   * accepted task runs.
   */
  force?: boolean;
}

/** What is wrong with run()'s options, as the error run() rejects with; undefined when nothing is. @internal */
export function runOptionsError(options: RunOptions | undefined): TypeError | undefined {
  const { signal, name, transferList } = options ?? {};
  if (signal !== undefined && !(signal instanceof AbortSignal)) return new TypeError('run() option signal must be an AbortSignal');
  if (name !== undefined && typeof name !== 'string') {
    return new TypeError(`run() option name must be a string, the task function's name; got ${typeof name}`);
  }
  if (transferList !== undefined && !Array.isArray(transferList)) {
    return new TypeError('run() option transferList must be an array of transferables (ArrayBuffers, MessagePorts, ...)');
  }
  return undefined;
}
