// Starts a test thread: a node:worker_threads Worker, or, when the suite runs
// with WASMQ_TEST_WORKERS=web (scripts/engines.mjs --web), a module Web Worker
// of the engine, behind the same small surface (once/on for 'message',
// 'error' and 'exit', postMessage, terminate). Worker files take parentPort
// and workerData from test/workers/thread-port.mjs, which does the same on
// their side. Web Workers report no exit: 'exit' fires only on terminate().
import { Worker as NodeWorker } from 'node:worker_threads';

export const webWorkers = process.env.WASMQ_TEST_WORKERS === 'web';

type Event = 'message' | 'error' | 'exit';
export interface TestThread {
  once(event: Event, f: (value: any) => void): this;
  on(event: Event, f: (value: any) => void): this;
  postMessage(message: unknown): void;
  terminate(): Promise<unknown>;
}

class WebThread implements TestThread {
  readonly #w: Worker;
  readonly #exit = new Set<(code: number) => void>();
  constructor(url: URL, workerData: unknown, transfer: Transferable[]) {
    const WebWorker = (globalThis as { Worker?: typeof Worker }).Worker;
    if (typeof WebWorker !== 'function') throw new Error('WASMQ_TEST_WORKERS=web: this engine has no Web Workers');
    this.#w = new WebWorker(url, { type: 'module' });
    this.#w.postMessage({ workerData }, transfer);
  }
  on(event: Event, f: (value: any) => void, once = false): this {
    if (event === 'exit') this.#exit.add(f);
    else if (event === 'message') this.#w.addEventListener('message', (e) => f(e.data), { once });
    else {
      this.#w.addEventListener('error', (e) => {
        e.preventDefault();
        f(e.error ?? new Error(e.message));
      }, { once });
    }
    return this;
  }
  once(event: Event, f: (value: any) => void): this {
    return this.on(event, f, true);
  }
  postMessage(message: unknown): void {
    this.#w.postMessage(message);
  }
  async terminate(): Promise<number> {
    this.#w.terminate();
    for (const f of this.#exit) f(1);
    this.#exit.clear();
    return 1;
  }
}

/** Starts `url` with `workerData`, moving `transfer` (worker_threads: its transferList). */
export function startThread(url: URL, workerData: unknown, transfer: readonly unknown[] = []): TestThread {
  return webWorkers
    ? new WebThread(url, workerData, transfer as Transferable[])
    : (new NodeWorker(url, { workerData, transferList: transfer as never }) as unknown as TestThread);
}
