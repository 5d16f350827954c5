// Starts one pool worker on whatever this platform has (Node worker_threads
// or a module Web Worker) and reports, exactly once, when it is gone.
import { messageOf } from '../errors.js';
import { READY_KIND, type WorkerInit } from './init.js';

/** @internal */
export interface ThreadHost {
  /** Stops the worker; `gone` still fires (once) when it has stopped. */
  terminate(): void;
  /** Posts a control message (a broadcast, a transfer-lane task) to the worker, transferring `transfer`. */
  post(message: unknown, transfer?: Transferable[]): void;
  /**
   * Whether the worker keeps the process alive (Node): yes while the pool
   * awaits a reply from it by postMessage, which no queue wait holds open.
   */
  keepAlive(on: boolean): void;
}

/** @internal */
export interface ThreadEvents {
  /** The worker has stopped for good. `reason` says why, for error messages; `cause` is its error, if any. */
  gone(reason: string, cause: unknown): void;
  /** A control message from the worker (a broadcast's result). */
  message(data: unknown): void;
}

/** How each worker is started (createPool's resourceLimits, env and name). @internal */
export interface ThreadOptions {
  readonly resourceLimits: ResourceLimits | undefined;
  readonly env: Record<string, string | undefined> | symbol | undefined;
  readonly name: string | undefined;
}

type NodeWorkerThreads = typeof import('node:worker_threads');

/** Node's worker_threads, loaded synchronously (process.getBuiltinModule, Node 20.16+), or undefined elsewhere. @internal */
export function nodeWorkerThreads(): NodeWorkerThreads | undefined {
  const p = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } })
    .process;
  if (!p?.versions?.node || typeof p.getBuiltinModule !== 'function') return undefined;
  return p.getBuiltinModule('node:worker_threads') as NodeWorkerThreads;
}

let limitsApply: boolean | undefined;

/**
 * Whether this engine's worker_threads apply resourceLimits. Node and Deno
 * report them on the Worker (worker.resourceLimits); Bun 1.4 accepts the
 * option, ignores it and reports nothing (oven-sh/bun#31411; fix in open PR
 * #32896), so a runaway worker there takes the whole process's memory
 * instead of dying alone. Probed once, with a worker
 * that has nothing to run. A test can force "no" with
 * WASMQ_FORCE_NO_RESOURCE_LIMITS=1 in the environment or
 * globalThis.__wasmqForceNoResourceLimits = true (checked on every call).
 * @internal
 */
export function resourceLimitsApply(wt: NodeWorkerThreads): boolean {
  const g = globalThis as { __wasmqForceNoResourceLimits?: boolean; process?: { env?: Record<string, string | undefined> } };
  if (g.__wasmqForceNoResourceLimits === true || g.process?.env?.WASMQ_FORCE_NO_RESOURCE_LIMITS === '1') return false;
  if (limitsApply === undefined) {
    const probe = new wt.Worker('', { eval: true, resourceLimits: { maxOldGenerationSizeMb: 64 } });
    limitsApply = (probe as { resourceLimits?: ResourceLimits }).resourceLimits?.maxOldGenerationSizeMb === 64;
    probe.unref();
    void probe.terminate();
  }
  return limitsApply;
}

/**
 * Node worker heap limits (see worker_threads ResourceLimits), passed to each
 * worker as they are; refused where workers are Web Workers. The {@link PoolOptions.resourceLimits} option.
 *
 * @example
 * ```ts
 * import { createPool, type ResourceLimits } from 'wasmq/pool';
 *
 * const resourceLimits: ResourceLimits = { maxOldGenerationSizeMb: 128, stackSizeMb: 4 };
 * const pool = createPool({ worker: new URL('./task.js', import.meta.url), resourceLimits });
 * ```
 */
export interface ResourceLimits {
  /** The main heap's maximum size, in MB. */
  maxOldGenerationSizeMb?: number;
  /** The heap space for recently created objects, in MB. */
  maxYoungGenerationSizeMb?: number;
  /** The range of memory for generated code, in MB. */
  codeRangeSizeMb?: number;
  /** The thread's maximum stack size, in MB. */
  stackSizeMb?: number;
}

/** Starts `worker` with `init`; `events.gone` fires once when it has stopped. @internal */
export function spawnThread(
  worker: URL | string,
  init: WorkerInit,
  options: ThreadOptions,
  events: ThreadEvents,
): ThreadHost {
  const wt = nodeWorkerThreads();
  return wt ? spawnNode(wt, worker, init, options, events) : spawnWeb(worker, init, options, events);
}

function once(events: ThreadEvents): ThreadEvents['gone'] {
  let fired = false;
  return (reason, cause) => {
    if (fired) return;
    fired = true;
    events.gone(reason, cause);
  };
}

function spawnNode(
  wt: NodeWorkerThreads,
  worker: URL | string,
  init: WorkerInit,
  options: ThreadOptions,
  events: ThreadEvents,
): ThreadHost {
  const gone = once(events);
  let w: import('node:worker_threads').Worker;
  try {
    const { resourceLimits, env, name } = options;
    w = new wt.Worker(worker, {
      workerData: init,
      resourceLimits,
      ...(env === undefined ? {} : { env: env as Record<string, string> }),
      ...(name === undefined ? {} : { name }),
    });
  } catch (cause) {
    // A bad path throws here; report it like any other failed start.
    queueMicrotask(() => gone(`could not start worker ${String(worker)}: ${messageOf(cause)}`, cause));
    return { terminate() {}, post() {}, keepAlive() {} };
  }
  w.on('message', (data: unknown) => events.message(data));
  let lastError: unknown;
  w.on('error', (e) => {
    lastError = e;
  });
  w.on('exit', (code) => {
    const why =
      lastError !== undefined
        ? `threw an uncaught error: ${messageOf(lastError)}`
        : `exited with code ${code}`;
    gone(why, lastError);
  });
  // Idle workers must not keep the process alive: the pool's result loop
  // holds a timer while any task is pending, which is what should.
  w.unref();
  return {
    terminate() {
      void w.terminate();
    },
    post(message, transfer = []) {
      w.postMessage(message, transfer as import('node:worker_threads').TransferListItem[]);
    },
    keepAlive(on) {
      if (on) w.ref();
      else w.unref();
    },
  };
}

function spawnWeb(worker: URL | string, init: WorkerInit, options: ThreadOptions, events: ThreadEvents): ThreadHost {
  const gone = once(events);
  const w = new Worker(worker, { type: 'module', ...(options.name === undefined ? {} : { name: options.name }) });
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  let terminated = false;
  let ready = false;
  let failure: { why: string; cause: unknown } | undefined;
  const finish = () =>
    gone(failure?.why ?? (terminated ? 'was terminated' : 'stopped (it closed itself or crashed)'), failure?.cause);
  const stop = () => {
    if (terminated) return;
    terminated = true;
    w.terminate();
    // Before the worker holds its life lock (or without Web Locks) there is
    // nothing more to wait for; otherwise the lock grant below says it is gone.
    if (!ready || !locks) finish();
  };
  w.addEventListener('message', (ev: MessageEvent) => {
    if ((ev.data as { kind?: unknown })?.kind !== READY_KIND) return events.message(ev.data);
    if (ready || terminated) return;
    ready = true;
    // The worker holds this lock for as long as it lives, so we are granted
    // it when the worker is gone for any reason (self.close(), a crash,
    // terminate()), which a Web Worker does not otherwise report.
    void locks?.request(init.lifeLock, finish);
  });
  w.addEventListener('error', (ev: ErrorEvent) => {
    // Uncaught errors (and failed script loads) arrive here. A Web Worker
    // survives an uncaught error, but Node kills the thread; we stop it too,
    // so both platforms behave alike and its task is settled.
    ev.preventDefault();
    const cause: unknown = ev.error ?? new Error(ev.message || 'the worker script failed to load or threw');
    const message = messageOf(cause);
    failure = { why: ready ? `threw an uncaught error: ${message}` : `failed to start: ${message}`, cause };
    stop();
  });
  w.postMessage(init);
  // A Web Worker never keeps a page (or a Deno/Bun process, where pools use worker_threads) alive on its own terms.
  return { terminate: stop, post: (message, transfer = []) => w.postMessage(message, transfer), keepAlive() {} };
}
