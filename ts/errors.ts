// Error classes users can test for with `instanceof` (and by `name`, across realms).

/** What a bad value was, for error messages: 'null', a class name, or its typeof. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

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
