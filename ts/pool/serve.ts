// The worker side of the pool: serve(handler) takes tasks off the shared task
// queue, runs them, and pushes their results. Idle workers take tasks
// themselves; nobody hands them over.
import { attachQueue } from '../queue/create.js';
import type { Queue } from '../queue/queue.js';
import { QueueClosedError } from '../errors.js';
import { POPPING, TAKEN, cancelIndex, currentIndex, recordLeases, startedIndex, takenWord } from './control.js';
import { nextTask, notifyWaiters } from '../wait.js';
import { INIT_KIND, READY_KIND, isWorkerInit, type WorkerInit } from './init.js';
import { RESULT_ERROR, RESULT_OK, decodeTaskInput, encodeResult, encodingFailure, readTaskId } from './task-codec.js';
import { nodeWorkerThreads } from './thread-host.js';

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
 * An idle worker spins this long on the task queue before it parks. A parked
 * worker is woken through the event loop (Atomics.waitAsync), which costs far
 * more than a spinning take (docs/DESIGN.md, "Waiting"). This only holds the
 * worker's event loop for a fraction of a millisecond at a time.
 */
const IDLE_SPIN_MS = 0.2;
/** A sync task loop yields to the event loop this often, so timers and I/O of the task code still run. */
const YIELD_EVERY_MS = 4;

let serving = false;

/**
 * Serves pool tasks in this worker with `handler`. Call it once, at the top
 * level of the worker file given to createPool (a Node worker_threads file or
 * a module Web Worker). Tasks run one at a time per worker; an async handler
 * is awaited before the worker takes the next task.
 *
 * @param handler - The task function.
 * @throws TypeError - `handler` is not a function.
 * @throws Error - serve() was already called in this worker, or this thread is
 *   not a worker started by createPool (e.g. the main thread).
 *
 * @example
 * ```ts
 * // square.js, the worker file: createPool({ worker: new URL('./square.js', import.meta.url) })
 * import { serve } from 'wasmq/pool';
 *
 * serve((n: number) => n * n);
 * ```
 */
export function serve<I = any, O = any>(handler: TaskHandler<I, O>): void {
  if (typeof handler !== 'function') {
    throw new TypeError(`serve() takes the task function, (input) => output; got ${typeof handler}`);
  }
  if (serving) throw new Error('serve() was already called in this worker: call it once, with the task function');
  const wt = nodeWorkerThreads();
  if (wt) {
    if (wt.isMainThread || !isWorkerInit(wt.workerData)) {
      throw new Error(
        'serve() must run in a worker started by createPool from wasmq/pool; this thread was not ' +
          (wt.isMainThread ? '(it is the main thread)' : '(its workerData is not a pool init)'),
      );
    }
    serving = true;
    start(wt.workerData, handler);
    return;
  }
  const scope = globalThis as unknown as WorkerScope;
  if (typeof scope.postMessage !== 'function' || typeof scope.addEventListener !== 'function' || 'document' in scope) {
    throw new Error('serve() must run in a module Web Worker (or Node worker) started by createPool from wasmq/pool');
  }
  serving = true;
  const onMessage = (ev: MessageEvent) => {
    if (!isWorkerInit(ev.data)) return;
    scope.removeEventListener('message', onMessage);
    const init = ev.data;
    const ready = () => {
      start(init, handler);
      scope.postMessage({ kind: READY_KIND });
    };
    const locks = (scope as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (!locks) return ready();
    // Hold the life lock until this worker is gone: the pool is granted it
    // then, which is how it learns that a Web Worker died (see thread-host.ts).
    void locks.request(init.lifeLock, () => {
      ready();
      return new Promise<never>(() => {});
    });
  };
  scope.addEventListener('message', onMessage);
}

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
}

function start(init: WorkerInit, handler: TaskHandler): void {
  if (init.kind !== INIT_KIND) throw new Error('wasmq pool: unexpected worker init');
  const tasks = attachQueue(init.tasks, { codec: 'bytes' });
  const results = attachQueue(init.results, { codec: 'bytes' });
  const ctl = new Int32Array(init.control);
  recordLeases(ctl, init.slot, [tasks, results]); // the pool ends them when this worker is gone
  Atomics.store(ctl, startedIndex(init.slot), 1);
  void serveLoop(init, tasks, results, ctl, handler);
}

async function serveLoop(
  init: WorkerInit,
  tasks: Queue<Uint8Array>,
  results: Queue<Uint8Array>,
  ctl: Int32Array,
  handler: TaskHandler,
): Promise<void> {
  const current = currentIndex(init.slot);
  const taken = takenWord(ctl);
  const buffer = new Uint8Array(tasks.maxMessageBytes);
  let lastYield = performance.now();
  for (;;) {
    // Hot path: take a task without allocating. When the queue is empty,
    // popAsync spins briefly and then parks with Atomics.waitAsync, which
    // leaves this worker's event loop free for the task code's own work.
    let message: Uint8Array;
    // From here until the id is recorded, a death may take a task with it:
    // say so, so the pool knows to look for one.
    Atomics.store(ctl, current, POPPING);
    let n = tasks.tryPopInto(buffer);
    if (n < 0) {
      const until = performance.now() + IDLE_SPIN_MS;
      for (let i = 1; n < 0 && ((i & 15) !== 0 || performance.now() < until); i++) n = tasks.tryPopInto(buffer);
    }
    if (n >= 0) {
      message = buffer.subarray(0, n);
    } else {
      try {
        message = await tasks.popAsync();
      } catch (e) {
        if (e instanceof QueueClosedError) return; // the pool is closing: this worker is done
        throw e;
      }
    }
    const id = readTaskId(message);
    // Record the task before anything else can run, so that if this worker
    // dies from here on, the pool knows which task to reject.
    Atomics.store(ctl, current, id);
    Atomics.add(ctl, TAKEN, 1);
    notifyWaiters(taken);
    // Dekker-style with the pool's abort: it writes the cancel mark and then
    // reads `current`; we wrote `current` and now read the mark. One of us
    // sees the other, so an aborted task is skipped here or its worker stopped.
    if (Atomics.load(ctl, cancelIndex(init.layout, id)) === id) {
      Atomics.store(ctl, current, 0);
      continue;
    }
    let status = RESULT_OK;
    let value: unknown;
    try {
      value = handler(decodeTaskInput(message));
      if (isThenable(value)) value = await value;
    } catch (e) {
      status = RESULT_ERROR;
      value = e;
    }
    await sendResult(results, id, status, value);
    // Cleared only after the result is in the queue: the pool drains results
    // before it blames a dead worker's current task.
    Atomics.store(ctl, current, 0);
    if (performance.now() - lastYield >= YIELD_EVERY_MS) {
      await nextTask();
      lastYield = performance.now();
    }
  }
}

async function sendResult(results: Queue<Uint8Array>, id: number, status: number, value: unknown): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = encodeResult(id, status, value);
  } catch (cause) {
    const what = status === RESULT_OK ? 'result' : 'error';
    bytes = encodeResult(id, RESULT_ERROR, encodingFailure(`the task's ${what} could not be serialized`, cause));
  }
  if (bytes.length > results.maxMessageBytes) {
    bytes = encodeResult(
      id,
      RESULT_ERROR,
      new RangeError(
        `the task's ${status === RESULT_OK ? 'result' : 'error'} encodes to ${bytes.length} bytes; ` +
          `this pool carries at most ${results.maxMessageBytes} (raise createPool's maxResultBytes)`,
      ),
    );
  }
  if (results.tryPushFrom(bytes)) return;
  // Full: the bytes live in the encoder's reused buffer, so keep a copy while waiting.
  await results.pushAsync(bytes.slice());
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function';
}
