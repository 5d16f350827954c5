// The worker side of test/thread.ts: `parentPort` and `workerData` as
// node:worker_threads gives them, in a worker_threads Worker or, when the
// suite runs with WASMQ_TEST_WORKERS=web, in a module Web Worker (whose first
// message carries the workerData). Worker files import these from here.
import * as wt from 'node:worker_threads';

const web = globalThis.process?.env?.WASMQ_TEST_WORKERS === 'web';

function webPort() {
  const wrap = (f) => (e) => f(e.data);
  return {
    postMessage: (message, transfer) => self.postMessage(message, transfer ?? []),
    on: (type, f) => self.addEventListener(type, wrap(f)),
    once: (type, f) => self.addEventListener(type, wrap(f), { once: true }),
  };
}

export const parentPort = web ? webPort() : wt.parentPort;
export const workerData = web
  ? await new Promise((resolve) => self.addEventListener('message', (e) => resolve(e.data.workerData), { once: true }))
  : wt.workerData;
