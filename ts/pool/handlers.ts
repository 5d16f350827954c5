// The worker's task functions: the one given to serve(handler), or the named
// ones of serve({ name: handler, ... }), and running one task message
// through the right one.
import type { Serializer } from '../serialize.js';
import { unmoved } from './move.js';
import { RESULT_ERROR, RESULT_OK, decodeTaskInput, encodeResult, encodingFailure, readTaskName } from './task-codec.js';

/**
 * A task function: takes the input given to pool.run and returns (or
 * resolves to) its output. What it throws (or rejects with) rejects the
 * run() call, with the error's name, message, stack and `code` kept.
 *
 * @example
 * ```ts
 * import type { TaskHandler } from 'wasmq/pool';
 *
 * const area: TaskHandler<{ width: number; height: number }, number> = async ({ width, height }) => {
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   return width * height;
 * };
 * ```
 */
export type TaskHandler<I = any, O = any> = (input: I) => O | PromiseLike<O>;

/**
 * Named task functions for {@link serve}: `pool.run(input, { name })` picks
 * one by its key. A task run without a name goes to `default`, if there is one.
 *
 * @example
 * ```ts
 * import { serve, type TaskHandlers } from 'wasmq/pool';
 *
 * const handlers: TaskHandlers = {
 *   resize: ({ width }: { width: number }) => width / 2,
 *   hash: (text: string) => text.length,
 * };
 * serve(handlers); // pool.run('abc', { name: 'hash' }) resolves to 3
 * ```
 */
export type TaskHandlers = Readonly<Record<string, TaskHandler>>;

/** What a task produced: the status, the value (or error), and how long the handler took. @internal */
export interface Outcome {
  status: number;
  value: unknown;
  runMs: number;
}

/** The handler table of this worker. @internal */
export class Handlers {
  readonly #single: TaskHandler | undefined;
  readonly #named: ReadonlyMap<string, TaskHandler>;

  /** Checks what serve() was given; throws a TypeError that says what is allowed. */
  constructor(given: TaskHandler | TaskHandlers) {
    if (typeof given === 'function') {
      this.#single = given;
      this.#named = new Map();
      return;
    }
    if (given === null || typeof given !== 'object') {
      throw new TypeError(
        `serve() takes the task function, (input) => output, or an object of named ones, { name: (input) => output }; got ${given === null ? 'null' : typeof given}`,
      );
    }
    const named = new Map<string, TaskHandler>();
    for (const [name, handler] of Object.entries(given)) {
      if (typeof handler !== 'function') {
        throw new TypeError(`serve() was given '${name}', which is not a function (${typeof handler}): every value must be a task function`);
      }
      named.set(name, handler);
    }
    if (named.size === 0) throw new TypeError('serve() was given an object with no task functions: give at least one');
    this.#named = named;
  }

  /** The handler for a task run with `name` (undefined: none given); throws a RangeError naming the known ones. */
  pick(name: string | undefined): TaskHandler {
    if (this.#single) {
      if (name === undefined) return this.#single;
      throw new RangeError(
        `this worker serves a single task function (serve(handler)), so it has none named '${name}'; run the task without a name`,
      );
    }
    const handler = this.#named.get(name ?? 'default');
    if (handler) return handler;
    const known = [...this.#named.keys()].map((k) => `'${k}'`).join(', ');
    if (name === undefined) {
      throw new RangeError(
        `this worker serves named task functions (${known}) and none is 'default': pass run(input, { name })`,
      );
    }
    throw new RangeError(`this worker has no task function named '${name}'; it serves ${known}`);
  }

  /**
   * Runs the task message through its handler. Never throws; a sync handler's
   * outcome comes back at once (no promise on the hot path), an async one's
   * when it settles.
   */
  run(s: Serializer, message: Uint8Array): Outcome | Promise<Outcome> {
    const started = performance.now();
    try {
      return finish(this.pick(readTaskName(message))(decodeTaskInput(s, message)), started);
    } catch (e) {
      return { status: RESULT_ERROR, value: e, runMs: performance.now() - started };
    }
  }

  /** The same for an input already decoded (a transfer-lane task); the value may be move()d. */
  runValue(name: string | undefined, input: unknown): Outcome | Promise<Outcome> {
    const started = performance.now();
    try {
      return finish(this.pick(name)(input), started, true);
    } catch (e) {
      return { status: RESULT_ERROR, value: e, runMs: performance.now() - started };
    }
  }
}

/** The outcome of a handler's return value; `keepMoved`: leave a move() mark for the caller to transfer by. */
function finish(value: unknown, started: number, keepMoved = false): Outcome | Promise<Outcome> {
  if (isThenable(value)) return settled(value, started, keepMoved);
  return { status: RESULT_OK, value: keepMoved ? value : unmoved(value), runMs: performance.now() - started };
}

async function settled(pending: PromiseLike<unknown>, started: number, keepMoved: boolean): Promise<Outcome> {
  try {
    const value = await pending;
    return { status: RESULT_OK, value: keepMoved ? value : unmoved(value), runMs: performance.now() - started };
  } catch (e) {
    return { status: RESULT_ERROR, value: e, runMs: performance.now() - started };
  }
}

/** The result message of `outcome` for task `id`; an unserializable or oversized value becomes an error result. @internal */
export function resultMessage(s: Serializer, id: number, outcome: Outcome, maxBytes: number): Uint8Array {
  const { status, value, runMs } = outcome;
  let bytes: Uint8Array;
  try {
    bytes = encodeResult(s, id, status, value, runMs);
  } catch (cause) {
    const what = status === RESULT_OK ? 'result' : 'error';
    bytes = encodeResult(s, id, RESULT_ERROR, encodingFailure(`the task's ${what} could not be serialized`, cause), runMs);
  }
  if (bytes.length > maxBytes) {
    bytes = encodeResult(
      s,
      id,
      RESULT_ERROR,
      new RangeError(
        `the task's ${status === RESULT_OK ? 'result' : 'error'} encodes to ${bytes.length} bytes; ` +
          `this pool carries at most ${maxBytes} (raise createPool's maxResultBytes)`,
      ),
      runMs,
    );
  }
  return bytes;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function';
}
