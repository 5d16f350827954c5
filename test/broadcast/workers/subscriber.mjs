// A broadcast subscriber for broadcast.threads.test.ts: subscribes, says so,
// then reads until the broadcast is closed and drained, checking every
// message (checksum, and each producer's messages in order) and folding the
// order it saw into a hash, so that the test can compare subscribers' orders.
// `slowEvery`: sleep 1 ms after every that many messages. `stopAfter`: stop
// reading (without unsubscribing) after that many, as a thread that died.
import { subscribe, QueueClosedError } from '../../../dist/index.js';
import { checkMessage, lengthOf } from '../../queue/workers/messages.mjs';
import { parentPort, workerData } from '../../workers/thread-port.mjs';

const { handle, producers, maxLen, slowEvery = 0, stopAfter = Infinity, mode = 'pop' } = workerData;
const s = subscribe(handle);
parentPort.postMessage({ subscribed: true });
const last = new Array(producers).fill(-1);
const errors = [];
let received = 0;
let order = 0;
const lenOf = (p, q) => (lengthOf(p, q, maxLen));
function take(m) {
  const r = checkMessage(m, (p, q) => (m.length === maxLen ? maxLen : lenOf(p, q)));
  if (typeof r === 'string') return errors.length < 10 && errors.push(r);
  if (r.seq <= last[r.producer]) errors.length < 10 && errors.push(`producer ${r.producer}: seq ${r.seq} after ${last[r.producer]}`);
  last[r.producer] = r.seq;
  order = (Math.imul(order, 31) + r.producer * 1_000_003 + r.seq) | 0;
  received++;
}
const sleep = new Int32Array(new SharedArrayBuffer(4));
// The loop runs after this module has finished evaluating: a thread terminated while blocked inside a
// top-level await module's evaluation crashes V8 in Node 22 to 26 (SourceTextModule::AsyncModuleExecutionFulfilled).
setTimeout(main);
function main() {
try {
  for (;;) {
    if (received >= stopAfter) {
      parentPort.postMessage({ stopped: received });
      Atomics.wait(sleep, 0, 0); // alive but never reads again: it still holds its place
    }
    if (mode === 'drain') {
      const n = s.drain((bytes, offset, length) => take(bytes.slice(offset, offset + length)), { max: 16, timeoutMs: 60_000 });
      if (n === 0) break;
    } else {
      take(s.pop(60_000));
    }
    if (slowEvery && received % slowEvery === 0) Atomics.wait(sleep, 0, 0, 1);
  }
} catch (e) {
  if (!(e instanceof QueueClosedError)) errors.push(String(e?.stack ?? e));
}
parentPort.postMessage({ received, missed: s.missed, order, last, errors });
}
