// Error classes of the pool, testable with `instanceof` (and by `name`).

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
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
  }
}

/**
 * Workers keep failing before they ever start serving (a wrong `worker` URL,
 * a task file that throws on import, or one that never calls serve()). The
 * pool gives up: pending and later runs reject with this error.
 */
export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
  }
}
