// A broadcast producer for broadcast.threads.test.ts: attaches, waits for the
// gate, pushes `count` checksummed messages (test/queue/workers/messages.mjs)
// with push, pushBatch and tryPublish in turn, then says how many.
import { attachBroadcast } from '../../../dist/index.js';
import { lengthOf, makeMessage } from '../../queue/workers/messages.mjs';
import { parentPort, workerData } from '../../workers/thread-port.mjs';

const { handle, id, count, maxLen, gate } = workerData;
const b = attachBroadcast(handle);
const go = new Int32Array(gate);
// After this module has evaluated, as in subscriber.mjs (a thread terminated mid-evaluation crashes V8 in Node 22+).
setTimeout(main);
function main() {
Atomics.wait(go, 0, 0);
let seq = 0;
for (let step = 0; seq < count; step++) {
  if (step % 3 === 1) {
    const batch = [];
    for (let s = seq; s < Math.min(count, seq + 8); s++) batch.push(makeMessage(id, s, lengthOf(id, s, maxLen)));
    const n = b.pushBatch(batch);
    if (n === 0) b.push(batch[0], 60_000), (seq += 1);
    else seq += n;
  } else if (step % 3 === 2) {
    const m = makeMessage(id, seq, maxLen);
    if (b.tryPublish(maxLen, (bytes, offset) => bytes.set(m, offset)) === 1) seq++;
  } else {
    b.push(makeMessage(id, seq, lengthOf(id, seq, maxLen)), 60_000);
    seq++;
  }
}
parentPort.postMessage({ pushed: seq });
}
