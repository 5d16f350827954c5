// A Queue user stopped at one exact step of a real Queue operation, which
// then goes on (a slow thread) or dies there (a dead one):
//   role 'producer': a push of a message larger than the scratch area, stopped
//                    in the kernel's publishWrite (claimed, bytes copied in, not published);
//   role 'consumer': a pop of such a message, stopped in releaseRead (copied
//                    out, cells not released);
//   role 'publisher': publish({ count }), stopped inside fill (claimed, not published);
//   role 'drainer':  drain(), stopped inside the handler of its first message
//                    (the whole batch taken, none released).
// At the stop it sets control[STOPPED], then, by `action`:
//   'hold':  waits for control[RELEASE] and goes on (the test may also terminate() it there);
//   'exit':  process.exit(3) on the spot;
//   'throw': throws from inside the kernel call (producer/consumer roles only),
//            an error nothing catches, so the thread dies with it.
// The kernel calls are hooked by kernel-hook.mjs, so the Queue code around
// them is the shipped one. Replies
// { got } (consumer), { pushed: true } (producer, publisher) or { drained } when it goes on.
import { parentPort, workerData } from '../../workers/thread-port.mjs'; // worker_threads, or a Web Worker (test/thread.ts)
import { hookKernel } from './kernel-hook.mjs';

const STOPPED = 0;
const RELEASE = 1;

const { handle, role, action = 'hold', control, message, count = 2 } = workerData;
const ctl = new Int32Array(control);

/** The stop: report it, then hold, exit or throw. */
function stop() {
  Atomics.store(ctl, STOPPED, 1);
  Atomics.notify(ctl, STOPPED);
  if (action === 'exit') process.exit(3);
  if (action === 'throw') throw new Error('held-thread: dies inside the operation');
  while (Atomics.load(ctl, RELEASE) === 0) Atomics.wait(ctl, RELEASE, 0);
}

const hook = { producer: 'publishWrite', consumer: 'releaseRead' }[role];
let hooked = false;
if (hook) {
  hookKernel(hook, () => {
    if (hooked) return;
    hooked = true;
    stop();
  });
}

const { attachQueue } = await import('../../../dist/index.js');
const q = attachQueue(handle);
if (role === 'producer') {
  q.push(new Uint8Array(message), 30_000);
  parentPort.postMessage({ pushed: true });
} else if (role === 'consumer') {
  parentPort.postMessage({ got: Array.from(q.pop(30_000)) });
} else if (role === 'publisher') {
  let stopped = false;
  q.publish(message.length, (bytes, offset) => {
    bytes.set(message, offset);
    if (!stopped) {
      stopped = true;
      stop();
    }
  }, { count, timeoutMs: 30_000 });
  parentPort.postMessage({ pushed: true });
} else {
  const drained = [];
  q.drain((bytes, offset, length) => {
    drained.push(Array.from(bytes.subarray(offset, offset + length)));
    if (drained.length === 1) stop();
  }, { timeoutMs: 30_000 });
  parentPort.postMessage({ drained });
}
