// The worker side of the pool: serve() checks the task functions, waits for
// the pool's init (Node: workerData; browsers: the first message), attaches
// the queues and starts the task lanes (lanes.ts), and answers broadcasts.
import { attachQueue } from '../queue/create.js';
import { Serializer } from '../serialize.js';
import { SharedStructures } from '../structures.js';
import { SERVING, recordLeases, stateIndex } from './control.js';
import { Handlers, resultMessage, type TaskHandler, type TaskHandlers } from './handlers.js';
import {
  BROADCAST_RESULT_KIND, DIRECT_RESULT_KIND, INIT_KIND, READY_KIND, isBroadcast, isDirect, isWorkerInit,
  type DirectResult, type WorkerInit,
} from './init.js';
import { isMoved } from './move.js';
import { RESULT_ERROR, RESULT_OK, encodingFailure, toErrorRecord } from './task-codec.js';
import { Lanes } from './lanes.js';
import { nodeWorkerThreads } from './thread-host.js';

let serving = false;

/**
 * The createPool `workerData` option, cloned into this worker (as Piscina's
 * `workerData`). In a worker_threads worker it is set before the worker
 * file runs; in a Web Worker, once the pool's init message arrives, which is
 * before the first task runs: read it inside task functions there.
 * Undefined outside pool workers.
 *
 * @example
 * ```ts
 * // task.js: createPool({ worker: new URL('./task.js', import.meta.url), workerData: { scale: 3 } })
 * import { serve, workerData } from 'wasmq/pool';
 *
 * serve((n: number) => n * (workerData as { scale: number }).scale);
 * ```
 */
// eslint-disable-next-line import/no-mutable-exports -- a live binding, set when the init arrives
export let workerData: unknown = nodeInit()?.workerData;

function nodeInit(): WorkerInit | undefined {
  const wt = nodeWorkerThreads();
  return wt && !wt.isMainThread && isWorkerInit(wt.workerData) ? wt.workerData : undefined;
}

/**
 * Serves pool tasks in this worker. Call it once, at the top level of the
 * worker file given to createPool (a Node worker_threads file or a module
 * Web Worker), with the task function, or with an object of named ones that
 * `pool.run(input, { name })` picks from (a task run without a name goes to
 * `default`). Each worker runs one task at a time, or up to
 * `concurrentTasksPerWorker` while async ones await.
 *
 * @param handlers - The task function, or named task functions.
 * @throws TypeError - `handlers` is neither a function nor an object of functions.
 * @throws Error - serve() was already called in this worker, or this thread is
 *   not a worker started by createPool (e.g. the main thread).
 *
 * @example
 * ```ts
 * // math.js, the worker file: createPool({ worker: new URL('./math.js', import.meta.url) })
 * import { serve } from 'wasmq/pool';
 *
 * serve({
 *   default: (n: number) => n * n,           // pool.run(7) → 49
 *   half: (n: number) => n / 2,              // pool.run(7, { name: 'half' }) → 3.5
 * });
 * ```
 */
export function serve<I = any, O = any>(handlers: TaskHandler<I, O> | TaskHandlers): void {
  const table = new Handlers(handlers);
  if (serving) throw new Error('serve() was already called in this worker: call it once, with the task function(s)');
  const wt = nodeWorkerThreads();
  if (wt) {
    if (wt.isMainThread || !isWorkerInit(wt.workerData)) {
      throw new Error(
        'serve() must run in a worker started by createPool from wasmq/pool; this thread was not ' +
          (wt.isMainThread ? '(it is the main thread)' : '(its workerData is not a pool init)'),
      );
    }
    serving = true;
    const port = wt.parentPort!;
    const serializer = start(wt.workerData, table, exitThread);
    type Transfer = import('node:worker_threads').TransferListItem[];
    port.on('message', (message: unknown) =>
      answer(message, table, serializer, (reply, transfer) => port.postMessage(reply, transfer as unknown as Transfer)));
    // The task lanes keep this worker alive; the port need not. Deno 2.9 also
    // never reports the exit of a worker that ran out of memory while its
    // port was referenced (test/pool/pool.test.ts, resourceLimits).
    port.unref();
    return;
  }
  const scope = globalThis as unknown as WorkerScope;
  if (typeof scope.postMessage !== 'function' || typeof scope.addEventListener !== 'function' || 'document' in scope) {
    throw new Error('serve() must run in a module Web Worker (or Node worker) started by createPool from wasmq/pool');
  }
  serving = true;
  const post: Post = (reply, transfer) => scope.postMessage(reply, transfer);
  const onMessage = (ev: MessageEvent) => {
    if (!isWorkerInit(ev.data)) return;
    scope.removeEventListener('message', onMessage);
    const init = ev.data;
    workerData = init.workerData;
    // Broadcasts wait until this worker serves (and holds its life lock), so
    // that one that ends the worker is seen by the pool as a death.
    let early: unknown[] | undefined = [];
    let serializer: Serializer;
    scope.addEventListener('message', (e: MessageEvent) => {
      if (early) early.push(e.data);
      else void answer(e.data, table, serializer, post);
    });
    const ready = () => {
      serializer = start(init, table, () => scope.close());
      scope.postMessage({ kind: READY_KIND });
      for (const message of early!) void answer(message, table, serializer, post);
      early = undefined;
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

/** Ends this worker_threads thread (not the process: process.exit in a worker stops only the worker). */
function exitThread(): void {
  (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(0);
}

/** Replies to the pool by postMessage, transferring `transfer`. */
type Post = (reply: unknown, transfer: Transferable[]) => void;

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  close(): void;
}

/** Attaches to the pool's queues and starts the task lanes. Returns this worker's serializer (over the pool's shapes). */
function start(init: WorkerInit, handlers: Handlers, exit: () => void): Serializer {
  if (init.kind !== INIT_KIND) throw new Error('wasmq pool: unexpected worker init');
  const tasks = attachQueue(init.tasks, { codec: 'bytes' });
  const results = attachQueue(init.results, { codec: 'bytes' });
  const ctl = new Int32Array(init.control);
  recordLeases(ctl, init.layout, init.slot, [tasks, results]); // the pool ends them when this worker is gone
  Atomics.store(ctl, stateIndex(init.slot), SERVING);
  const serializer = new Serializer(new SharedStructures(init.structures));
  new Lanes({ init, tasks, results, ctl, handlers, serializer, exit }).start();
  return serializer;
}

/** Answers a control message: a broadcast, or a transfer-lane task. */
async function answer(message: unknown, handlers: Handlers, serializer: Serializer, post: Post): Promise<void> {
  if (isBroadcast(message)) {
    const ran = handlers.run(serializer, message.task);
    const outcome = ran instanceof Promise ? await ran : ran;
    // A broadcast's result goes back by postMessage, which has no size limit of its own.
    const result = resultMessage(serializer, message.id, outcome, Infinity).slice();
    post({ kind: BROADCAST_RESULT_KIND, id: message.id, result }, []);
    return;
  }
  if (!isDirect(message)) return;
  const ran = handlers.runValue(message.name, message.input);
  const { status, value, runMs } = ran instanceof Promise ? await ran : ran;
  const reply = (status: number, value: unknown, transfer: Transferable[]) => {
    const result: DirectResult = { kind: DIRECT_RESULT_KIND, id: message.id, status, value, runMs };
    post(result, transfer);
  };
  try {
    if (status !== RESULT_OK) reply(RESULT_ERROR, toErrorRecord(value), []);
    else if (isMoved(value)) reply(RESULT_OK, value.value, [...value.transfer]);
    else reply(RESULT_OK, value, []);
  } catch (cause) {
    // postMessage could not clone it (a function, a symbol, ...).
    reply(RESULT_ERROR, toErrorRecord(encodingFailure("the task's result could not be sent", cause)), []);
  }
}
