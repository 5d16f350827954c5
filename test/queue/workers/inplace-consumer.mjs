// A consumer of the in-place thread tests: takes messages until the queue is
// closed and drained, verifying each in place and logging (producer, seq) to
// its shared log (inplace-common.mjs).
//   mode 'drain':   drain({ max }) only, until it returns 0.
//   mode 'mixed':   alternates pop, popBatch, drain, drainAsync, popBatchAsync, and a
//                   drain whose handler throws now and then (after logging its message:
//                   it counts as consumed; the rest of that take must come first next).
//   mode 'timeout': drain / drainAsync with timeoutMs 1, retried on TimeoutError
//                   (each counted in control[CTL.timeouts]).
//   mode 'abort':   drainAsync with a signal aborted after 0-1 ms, retried on the abort
//                   (each counted in control[CTL.timeouts]).
// Afterwards drain, drainAsync and tryDrain must all return 0. Replies { errors, timeouts }.
import { parentPort, workerData } from '../../workers/thread-port.mjs'; // worker_threads, or a Web Worker (test/thread.ts)
import { attachQueue, QueueClosedError, TimeoutError } from '../../../dist/index.js';
import { CTL, consumerLog } from './inplace-common.mjs';

const { handle, producers, mode, maxLen, log: logBuffer, max, control } = workerData;
const q = attachQueue(handle);
const ctl = control ? new Int32Array(control) : undefined;
const errors = [];
const { take } = consumerLog(logBuffer, producers, maxLen, errors);
const takeValue = (m) => take(m, 0, m.length);

class Flake extends Error {}
class Aborted extends Error {}
let handled = 0;
const flaky = (bytes, offset, length) => {
  take(bytes, offset, length);
  if (++handled % 23 === 0) throw new Flake('handler fails on purpose');
};

let timeouts = 0;
let step = 0;
const m = () => 1 + (step % max); // varying max: 1 .. max

/** One receive of the chosen mode; false once the queue is closed and drained. */
async function receive() {
  step++;
  if (mode === 'drain') return q.drain(take, { max: m() }) !== 0;
  if (mode === 'abort') {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(new Aborted()), step % 2);
    try {
      return (await q.drainAsync(take, { max: m(), signal: stop.signal })) !== 0;
    } catch (e) {
      if (!(e instanceof Aborted)) throw e;
      timeouts++;
      if (ctl) Atomics.add(ctl, CTL.timeouts, 1);
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
  if (mode === 'timeout') {
    try {
      const n = step % 2 ? q.drain(take, { max: m(), timeoutMs: 1 }) : await q.drainAsync(take, { max: m(), timeoutMs: 1 });
      return n !== 0;
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
      timeouts++;
      if (ctl) Atomics.add(ctl, CTL.timeouts, 1);
      return true;
    }
  }
  try {
    switch (step % 6) {
      case 0:
        takeValue(q.pop());
        return true;
      case 1: {
        const got = q.popBatch(m());
        if (got.length === 0) return q.drain(take) !== 0;
        got.forEach(takeValue);
        return true;
      }
      case 2:
        return q.drain(take, { max: m() }) !== 0;
      case 3:
        return (await q.drainAsync(take, { max: m() })) !== 0;
      case 4:
        (await q.popBatchAsync(m())).forEach(takeValue);
        return true;
      default:
        return q.drain(flaky, { max: m() }) !== 0;
    }
  } catch (e) {
    if (e instanceof Flake) return true;
    if (e instanceof QueueClosedError) return false;
    throw e;
  }
}

while (await receive());
const after = [q.drain(take), await q.drainAsync(take), q.tryDrain(take), q.tryDrain(take, 5)];
if (after.some((n) => n !== 0)) errors.push(`after the end, drain / drainAsync / tryDrain returned ${after}`);
parentPort.postMessage({ errors, timeouts });
