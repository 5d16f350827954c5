// Pushes messages following a script of operations chosen by a property test:
// [kind, n] with kind 0 = push one, 1 = pushBatch of n, 2 = tryPush spin.
import { parentPort, workerData } from '../../workers/thread-port.mjs'; // worker_threads, or a Web Worker (test/thread.ts)
import { attachQueue } from '../../../dist/index.js';

const { handle, script, lengths } = workerData;
const q = attachQueue(handle);
const message = (seq) => {
  const m = new Uint8Array(lengths[seq % lengths.length] + 4);
  new DataView(m.buffer).setUint32(0, seq, true);
  m.fill(seq & 0xff, 4);
  return m;
};
let seq = 0;
for (const [kind, n] of script) {
  if (kind === 0) q.push(message(seq++));
  else if (kind === 1) {
    const batch = Array.from({ length: n }, (_, i) => message(seq + i));
    let done = 0;
    while (done < n) {
      const k = q.pushBatch(batch.slice(done));
      if (k === 0) q.push(batch[done++]);
      else done += k;
    }
    seq += n;
  } else {
    const m = message(seq++);
    while (!q.tryPush(m));
  }
}
q.close();
parentPort.postMessage(seq);
