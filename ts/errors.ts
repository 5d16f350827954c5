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

/** The queue was closed: pushes always throw it; pops once closed and drained. */
export class QueueClosedError extends Error {
  override name = 'QueueClosedError';
  constructor(message = 'the queue is closed') {
    super(message);
  }
}

/** A blocking or async operation did not complete within its timeoutMs. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(operation: string, timeoutMs: number) {
    super(`${operation} timed out after ${timeoutMs} ms`);
  }
}

/**
 * A codec's encode or decode threw (or returned something invalid). On pop,
 * the message was already taken off the queue: its raw bytes are in `bytes`.
 */
export class CodecError extends Error {
  override name = 'CodecError';
  readonly bytes: Uint8Array | undefined;
  constructor(message: string, options: { cause?: unknown; bytes?: Uint8Array } = {}) {
    super(message, { cause: options.cause });
    this.bytes = options.bytes;
  }
}

// ------------------------------------------------------------ pool (exported by wasmq/pool)

/** run() was called on a pool that is closing or closed. */
export class PoolClosedError extends Error {
  override name = 'PoolClosedError';
  constructor(message = 'the pool is closed: run() is not accepted after close()') {
    super(message);
  }
}

/**
 * The worker running this task died (crashed, called process.exit, ran out of
 * memory, or threw an uncaught error outside the task). Only that task is
 * rejected; the worker is replaced and queued tasks carry on.
 */
export class WorkerDiedError extends Error {
  override name = 'WorkerDiedError';
}

/**
 * Workers keep failing before they ever start serving (a wrong `worker` URL,
 * a task file that throws on import, or one that never calls serve()). The
 * pool gives up: pending and later runs reject with this error.
 */
export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
}
