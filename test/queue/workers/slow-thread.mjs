// A Queue user that is slow, not dead, at one exact step of a real Queue
// operation. The kernel call named by `hook` stops the first time it is
// called, until the test sets control[RELEASE]:
//   'publishWrite': a push of a message larger than the scratch area, between
//                   its claim (the bytes already copied in) and its publish;
//   'releaseRead':  a pop of such a message, between copying it out and
//                   releasing its cells.
// The hook wraps the kernel instance's exports in this thread only (its
// WebAssembly.Instance is replaced before the queue attaches), so the Queue
// code that runs around it is the shipped one. Replies { got } (consumer) or
// { pushed: true } (producer).
import { parentPort, workerData } from '../../workers/thread-port.mjs'; // worker_threads, or a Web Worker (test/thread.ts)

export const STOPPED = 0; // set by this thread when the hook stops
export const RELEASE = 1; // set by the test to let it go on

const { handle, role, hook, control, message } = workerData;
const ctl = new Int32Array(control);

const RealInstance = WebAssembly.Instance;
class HookedInstance extends RealInstance {
  #wrapped;
  get exports() {
    if (this.#wrapped) return this.#wrapped;
    const real = super.exports;
    let stopped = false;
    this.#wrapped = {
      ...real,
      [hook]: (...args) => {
        if (!stopped) {
          stopped = true;
          Atomics.store(ctl, STOPPED, 1);
          Atomics.notify(ctl, STOPPED);
          while (Atomics.load(ctl, RELEASE) === 0) Atomics.wait(ctl, RELEASE, 0);
        }
        return real[hook](...args);
      },
    };
    return this.#wrapped;
  }
}
WebAssembly.Instance = HookedInstance;

const { attachQueue } = await import('../../../dist/index.js');
const q = attachQueue(handle);
if (role === 'producer') {
  q.push(new Uint8Array(message), 30_000);
  parentPort.postMessage({ pushed: true });
} else {
  parentPort.postMessage({ got: Array.from(q.pop(30_000)) });
}
