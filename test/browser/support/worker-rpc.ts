// Request/response with a module Web Worker, for browser tests.
//
// Page side: `const w = startWorker(new Worker(new URL('./x.ts', import.meta.url), { type: 'module' }))`
// then `await w.call(request)`. The Worker must be constructed at the call
// site with that literal shape: it is what Vite recognises and transforms.
// Worker side: `serveRequests(async (request) => result)` (worker-serve.ts).
// A handler's error is rethrown on the page with its name and message, so a
// test can tell QueueClosedError from a bug.

/** What travels back from the worker. */
export type Reply<T> =
  | { ok: true; value: T }
  | { ok: false; error: { name: string; message: string; stack?: string } };

/** An error thrown inside a worker, re-raised on the page under its own name. */
export class WorkerError extends Error {
  constructor(name: string, message: string, stack?: string) {
    super(message);
    this.name = name;
    if (stack) this.stack = `${name}: ${message}\n  (in worker)\n${stack}`;
  }
}

export interface WorkerClient {
  /** Sends one request; resolves with the handler's result. One call at a time. */
  call<T>(request: unknown, transfer?: Transferable[]): Promise<T>;
  /** Stops the worker. */
  terminate(): void;
}

export function startWorker(worker: Worker): WorkerClient {
  return {
    call<T>(request: unknown, transfer: Transferable[] = []): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const cleanup = () => {
          worker.removeEventListener('message', onMessage);
          worker.removeEventListener('error', onError);
          worker.removeEventListener('messageerror', onError);
        };
        const onMessage = (event: MessageEvent<Reply<T>>) => {
          cleanup();
          const reply = event.data;
          if (reply.ok) resolve(reply.value);
          else reject(new WorkerError(reply.error.name, reply.error.message, reply.error.stack));
        };
        // A module that fails to load or throws at top level surfaces here.
        const onError = (event: Event) => {
          cleanup();
          const message = event instanceof ErrorEvent ? event.message : `worker ${event.type}`;
          reject(new Error(`worker failed: ${message}`));
        };
        worker.addEventListener('message', onMessage);
        worker.addEventListener('error', onError);
        worker.addEventListener('messageerror', onError);
        worker.postMessage(request, transfer);
      });
    },
    terminate() {
      worker.terminate();
    },
  };
}
