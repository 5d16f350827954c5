// A producer or consumer that the fault test kills at random moments.
//   producer: pushes messages (id, seq = 0, 1, ...) and, after each push returns,
//             stores seq + 1 in progress[id]: "pushes that returned".
//   consumer: pops, verifies each message, and appends (producer, seq) to its
//             log in shared memory (fault-log.mjs), committing the log length
//             after each entry. It sets HOLDING around each pop, and counts in
//             LIVE_RECLAIMS the pops whose take was reclaimed under it
//             (releaseRead failed: it paused past stallTimeoutMs and was taken
//             for dead, so that message is lost and its copy discarded, as documented).
// control[slot]: 0 run, 1 stop (finish cleanly), 2 process.exit now, 3 throw now,
//   4 stop inside the next operation, at the kernel call between claim and
//     finish (a producer's publishWrite, a consumer's releaseRead): it sets 5
//     there and waits forever, for the test to terminate() it mid-operation.
import { workerData } from 'node:worker_threads';
import { QueueClosedError, TimeoutError } from '../../../dist/index.js';
import { makeFilled, checkFilled, largeLengthOf } from './messages.mjs';
import { hookKernel } from './kernel-hook.mjs';
import { FROM_END, entryCapacity, fromEnd } from './fault-log.mjs';

const { handle, role, id, slot, control, progress, log, maxLen } = workerData;
const ctl = new Int32Array(control);
const entries = log && new Int32Array(log);
const LIVE_RECLAIMS = entries && fromEnd(entries, FROM_END.LIVE_RECLAIMS);
// Messages are 8-64 KiB and scratch areas small: every push and pop takes the
// claim → copy → finish path, so the hooked call is reached on each.
hookKernel(
  role === 'producer' ? 'publishWrite' : 'releaseRead',
  () => {
    if (Atomics.load(ctl, slot) !== 4) return;
    Atomics.store(ctl, slot, 5);
    Atomics.notify(ctl, slot);
    for (;;) Atomics.wait(ctl, slot, 5);
  },
  (result) => {
    if (role === 'consumer' && result < 0) Atomics.add(entries, LIVE_RECLAIMS, 1);
  },
);
const { attachQueue } = await import('../../../dist/index.js');
const q = attachQueue(handle);
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
  const HOLDING = fromEnd(entries, FROM_END.HOLDING);
  const CORRUPT = fromEnd(entries, FROM_END.CORRUPT);
  const cap = entryCapacity(entries);
  for (;;) {
    if (obey()) break;
    let m;
    Atomics.store(entries, HOLDING, 1);
    try {
      m = q.pop(50);
    } catch (e) {
      Atomics.store(entries, HOLDING, 0);
      if (e instanceof QueueClosedError) break;
      if (e instanceof TimeoutError) continue;
      throw e;
    }
    const r = checkFilled(m, lenOf);
    const n = entries[0];
    if (typeof r === 'string' || n >= cap) {
      Atomics.add(entries, CORRUPT, 1); // corrupt message (or log full)
      continue;
    }
    entries[1 + 2 * n] = r.producer;
    entries[2 + 2 * n] = r.seq;
    Atomics.store(entries, 0, n + 1);
    Atomics.store(entries, HOLDING, 0);
  }
}
