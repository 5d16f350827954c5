// A producer or consumer thread of the exactly-once stress test.
//   producer: pushes messages (id, 0..count-1) with a mix of push, pushBatch, tryPush.
//   consumer: pops until the queue is closed and drained, verifying each message
//             and that each producer's sequence numbers arrive in increasing order.
// Replies { seen: Uint8Array[] per producer (0/1 per seq), errors: string[] }.
import { parentPort, workerData } from '../../workers/thread-port.mjs'; // worker_threads, or a Web Worker (test/thread.ts)
import { attachQueue, QueueClosedError } from '../../../dist/index.js';
import { makeMessage, checkMessage, lengthOf } from './messages.mjs';

const { handle, role, id, count, producers, mode, maxLen } = workerData;
const q = attachQueue(handle);
const lenOf = (p, s) => lengthOf(p, s, maxLen);

if (role === 'producer') {
  let seq = 0;
  let step = 0;
  while (seq < count) {
    const style = mode === 'mixed' ? step++ % 3 : 0;
    if (style === 1) {
      // a batch of up to 16; pushBatch pushes a prefix, the rest goes next round
      const batch = [];
      for (let s = seq; s < Math.min(count, seq + 16); s++) batch.push(makeMessage(id, s, lenOf(id, s)));
      const n = q.pushBatch(batch);
      if (n === 0) q.push(batch[0]), (seq += 1);
      else seq += n;
    } else if (style === 2) {
      const m = makeMessage(id, seq, lenOf(id, seq));
      while (!q.tryPush(m)) {}
      seq++;
    } else {
      q.push(makeMessage(id, seq, lenOf(id, seq)));
      seq++;
    }
  }
  parentPort.postMessage({ done: true });
} else {
  const seen = Array.from({ length: producers }, () => new Uint8Array(count));
  const last = new Array(producers).fill(-1);
  const errors = [];
  let step = 0;
  const take = (m) => {
    const r = checkMessage(m, lenOf);
    if (typeof r === 'string') return errors.length < 20 && errors.push(r);
    if (r.producer >= producers || r.seq >= count) return errors.push(`unknown message ${r.producer}/${r.seq}`);
    if (seen[r.producer][r.seq]) errors.length < 20 && errors.push(`duplicate ${r.producer}/${r.seq}`);
    seen[r.producer][r.seq] = 1;
    if (r.seq <= last[r.producer]) errors.length < 20 && errors.push(`order: ${r.producer}/${r.seq} after ${last[r.producer]}`);
    last[r.producer] = r.seq;
  };
  for (;;) {
    try {
      if (mode === 'mixed' && step++ % 2 === 1) {
        const ms = q.popBatch(16);
        if (ms.length === 0) take(q.pop());
        else ms.forEach(take);
      } else {
        take(q.pop());
      }
    } catch (e) {
      if (e instanceof QueueClosedError) break;
      throw e;
    }
  }
  parentPort.postMessage({ seen, errors });
}
