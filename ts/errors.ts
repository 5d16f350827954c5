// Every error class of wasmq (the queue's and the pool's), testable with
// `instanceof` and by `name` (across realms), and the helpers that turn a
// bad or thrown value into text for error messages.

/** What a bad value was, for error messages: 'null', a class name, or its typeof. @internal */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/**
 * The message of a caught value, for an error message that wraps it: its
 * `message` when it has one (an Error's; any other non-nullish `message` is
 * turned into a string), otherwise the value itself as a string. Never
 * throws: a throwing getter or toString falls back to the next form.
 * @internal
 */
export function messageOf(cause: unknown): string {
  try {
    const message = (cause as { message?: unknown } | null | undefined)?.message;
    if (message !== undefined && message !== null) return String(message);
  } catch {
    // A throwing `message` getter or toString: describe the value itself instead.
  }
  try {
    return String(cause);
  } catch {
    return `an unprintable ${typeof cause}`;
  }
}

// ------------------------------------------------------------ queue

/**
 * The queue was closed ({@link Queue.close}): pushes always throw it; pops
 * once closed and drained.
 *
 * @example
 * ```ts
 * import { QueueClosedError, type Queue } from 'wasmq';
 *
 * declare const queue: Queue<string>;
 * try {
 *   queue.push('late');
 * } catch (error) {
 *   if (error instanceof QueueClosedError) console.log('the consumer has gone');
 *   else throw error;
 * }
 * ```
 */
export class QueueClosedError extends Error {
  /** Always `'QueueClosedError'`: test it where `instanceof` does not work (across realms). */
  override name = 'QueueClosedError';
  /**
   * Thrown by wasmq itself; rarely made by user code.
   * @param message - Default 'the queue is closed'.
   */
  constructor(message = 'the queue is closed') {
    super(message);
  }
}

/**
 * A blocking or async operation did not complete within its timeoutMs. The
 * message names the operation, e.g. 'pop timed out after 100 ms'. Nothing was
 * pushed or popped by the call that timed out (for publish: the message says
 * how many were published).
 *
 * @example
 * ```ts
 * import { TimeoutError, type Queue } from 'wasmq';
 *
 * declare const queue: Queue<string>;
 * try {
 *   console.log(queue.pop(100));
 * } catch (error) {
 *   if (!(error instanceof TimeoutError)) throw error;
 *   console.log(error.message); // 'pop timed out after 100 ms'
 * }
 * ```
 */
export class TimeoutError extends Error {
  /** Always `'TimeoutError'`: test it where `instanceof` does not work (across realms). */
  override name = 'TimeoutError';
  /**
   * Makes the error whose message is '`operation` timed out after `timeoutMs` ms'.
   * @param operation - The call that timed out, for the message.
   * @param timeoutMs - Its timeout, in milliseconds, for the message.
   */
  constructor(operation: string, timeoutMs: number) {
    super(`${operation} timed out after ${timeoutMs} ms`);
  }
}

/**
 * A codec's encode or decode threw (or returned something invalid). On pop,
 * the message was already taken off the queue: its raw bytes are in `bytes`.
 * The codec's own error, if any, is the `cause`.
 *
 * @example
 * ```ts
 * import { CodecError, type Queue } from 'wasmq';
 *
 * declare const queue: Queue<unknown>;
 * try {
 *   queue.tryPop();
 * } catch (error) {
 *   if (!(error instanceof CodecError)) throw error;
 *   console.warn('dropped a bad message of', error.bytes?.length, 'bytes:', error.cause);
 * }
 * ```
 */
export class CodecError extends Error {
  /** Always `'CodecError'`: test it where `instanceof` does not work (across realms). */
  override name = 'CodecError';
  /** The raw bytes of the message that failed to decode (a private copy); undefined when encoding failed. */
  readonly bytes: Uint8Array | undefined;
  /**
   * Thrown by the queue's codec wrapper; rarely made by user code.
   * @param message - What went wrong.
   * @param options - `cause`: the codec's error; `bytes`: the undecodable message.
   */
  constructor(message: string, options: { cause?: unknown; bytes?: Uint8Array } = {}) {
    super(message, { cause: options.cause });
    this.bytes = options.bytes;
  }
}

// ------------------------------------------------------------ pool (exported by wasmq/pool)

/**
 * run() was called on a pool that is closing or closed ({@link Pool.close}).
 *
 * @example
 * ```ts
 * import { PoolClosedError, type Pool } from 'wasmq/pool';
 *
 * declare const pool: Pool<number, number>;
 * await pool.close();
 * await pool.run(1).catch((error: unknown) => {
 *   if (error instanceof PoolClosedError) console.log('too late: the pool is closed');
 * });
 * ```
 */
export class PoolClosedError extends Error {
  /** Always `'PoolClosedError'`: test it where `instanceof` does not work (across realms). */
  override name = 'PoolClosedError';
  /**
   * Rejected by the pool itself; rarely made by user code.
   * @param message - Default: 'the pool is closed: run() is not accepted after close()'.
   */
  constructor(message = 'the pool is closed: run() is not accepted after close()') {
    super(message);
  }
}

/**
 * The worker running this task died (crashed, called process.exit, ran out of
 * memory, or threw an uncaught error outside the task). Only that task is
 * rejected; the worker is replaced and queued tasks carry on. The worker's
 * error, if any, is the `cause`.
 *
 * @example
 * ```ts
 * import { WorkerDiedError, type Pool } from 'wasmq/pool';
 *
 * declare const pool: Pool<string, string>;
 * try {
 *   await pool.run('crash me');
 * } catch (error) {
 *   if (error instanceof WorkerDiedError) console.error('worker died:', error.message, error.cause);
 * }
 * ```
 */
export class WorkerDiedError extends Error {
  /** Always `'WorkerDiedError'`: test it where `instanceof` does not work (across realms). */
  override name = 'WorkerDiedError';
}

/**
 * Workers keep failing before they ever start serving (a wrong `worker` URL,
 * a task file that throws on import, or one that never calls serve()). The
 * pool gives up after 3 such workers in a row: pending and later runs reject
 * with this error.
 *
 * @example
 * ```ts
 * import { createPool, WorkerStartError } from 'wasmq/pool';
 *
 * const pool = createPool<number, number>({ worker: new URL('./missing.js', import.meta.url) });
 * await pool.run(1).catch((error: unknown) => {
 *   if (error instanceof WorkerStartError) console.error('the pool cannot start workers:', error.message);
 * });
 * ```
 */
export class WorkerStartError extends Error {
  /** Always `'WorkerStartError'`: test it where `instanceof` does not work (across realms). */
  override name = 'WorkerStartError';
}
