// A thread that attaches two queues (workerData.empty, workerData.full), then
// does what workerData.mode says until it is killed or let go:
//   'idle':      nothing (its event loop stays open);
//   'pop':       pop() on the empty queue (a blocking park);
//   'popAsync':  popAsync() on the empty queue (an async park);
//   'push':      push() on the full queue (a blocking park);
//   'pushAsync': pushAsync() on the full queue.
// It posts 'attached' once both queues are attached. Then
// control[slot] = 2 makes it process.exit(3) and 3 makes it throw, checked
// every millisecond by a timer (modes that keep the event loop free);
// terminate() works in every mode.
// With workerData.locks it sets globalThis.__wasmqForceWebLocks before the
// library loads, so it holds Web Locks where the engine has them (granted
// in a later task: the test waits for the lease records to say LOCKED).
import { parentPort, workerData } from '../../workers/thread-port.mjs';

const { empty, full, mode, control, slot, locks } = workerData;
if (locks) globalThis.__wasmqForceWebLocks = true;
const { attachQueue } = await import('../../../dist/index.js');
const ctl = new Int32Array(control);
const a = attachQueue(empty);
const b = attachQueue(full);
setInterval(() => {
  const c = Atomics.load(ctl, slot);
  if (c === 2) process.exit(3);
  if (c === 3) throw new Error('lease-holder throws on request');
}, 1);
parentPort.postMessage('attached');
// Let the 'attached' message go out before a blocking park holds the thread.
await new Promise((r) => setTimeout(r, 5));
if (mode === 'pop') a.pop();
else if (mode === 'popAsync') await a.popAsync();
else if (mode === 'push') b.push(new Uint8Array(8));
else if (mode === 'pushAsync') await b.pushAsync(new Uint8Array(8));
