// A producer or consumer that the fault test kills at random moments.
//   producer: pushes messages (id, seq = 0, 1, ...) and, after each push returns,
//             stores seq + 1 in progress[id]: "pushes that returned".
//   consumer: pops, verifies each message, and appends (producer, seq) to its
//             log in shared memory, committing the log length after each entry.
// control[slot]: 0 run, 1 stop (finish cleanly), 2 process.exit now, 3 throw now.
import { workerData } from 'node:worker_threads';
import { attachQueue, QueueClosedError, TimeoutError } from '../../../dist/index.js';
import { makeFilled, checkFilled, largeLengthOf } from './messages.mjs';

const { handle, role, id, slot, control, progress, log, maxLen } = workerData;
const q = attachQueue(handle);
const ctl = new Int32Array(control);
const lenOf = (p, s) => largeLengthOf(p, s, maxLen);

function obey() {
  const c = Atomics.load(ctl, slot);
  if (c === 2) process.exit(7);
  if (c === 3) throw new Error(`worker ${role} ${id} throws on request`);
  return c === 1;
}

if (role === 'producer') {
  const done = new Int32Array(progress);
  for (let seq = 0; ; seq++) {
    if (obey()) break;
    const m = makeFilled(id, seq, lenOf(id, seq));
    for (;;) {
      try {
        q.push(m, 50);
        break;
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        if (obey()) process.exit(0); // asked to stop while the queue is full: seq never returned
      }
    }
    Atomics.store(done, id, seq + 1);
  }
} else {
  // log: Int32Array [committed entries, then (producer, seq) pairs...]; errors at the end
  const entries = new Int32Array(log);
  const cap = (entries.length - 2) >> 1;
  for (;;) {
    if (obey()) break;
    let m;
    try {
      m = q.pop(50);
    } catch (e) {
      if (e instanceof QueueClosedError) break;
      if (e instanceof TimeoutError) continue;
      throw e;
    }
    const r = checkFilled(m, lenOf);
    const n = entries[0];
    if (typeof r === 'string' || n >= cap) {
      Atomics.add(entries, entries.length - 1, 1); // corrupt message (or log full)
      continue;
    }
    entries[1 + 2 * n] = r.producer;
    entries[2 + 2 * n] = r.seq;
    Atomics.store(entries, 0, n + 1);
  }
}
