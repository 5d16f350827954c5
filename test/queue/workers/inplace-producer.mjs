// A producer of the in-place thread tests: messages (id, 0, 1, ...) of
// inplace-common.mjs, each publish carrying 1..BLOCK messages of one length.
//   mode 'publish': publish({ count }) only.
//   mode 'mixed':   alternates push, pushBatch, publish({ count }) and publishAsync({ count }).
//   mode 'timeout': tryPublish({ count }), else publish({ timeoutMs: 1 }) retried on
//                   TimeoutError; naps now and then, and waits while control[CTL.hold] is set.
//   mode 'abort':   like 'timeout', but the retried call is publishAsync with a signal
//                   aborted after 0-1 ms.
// count Infinity: publishes until the queue is closed (QueueClosedError).
// progress (Int32Array): [2 id] = messages whose call returned, [2 id + 1] = messages
// attempted so far (an upper bound of what can arrive). Replies { seq, errors, timeouts }.
import { parentPort, workerData } from '../../workers/thread-port.mjs'; // worker_threads, or a Web Worker (test/thread.ts)
import { attachQueue, QueueClosedError, TimeoutError } from '../../../dist/index.js';
import { makeMessage } from './messages.mjs';
import { CTL, countAt, fillFor, lenOf } from './inplace-common.mjs';

const { handle, id, count, mode, maxLen, progress, control } = workerData;
const q = attachQueue(handle);
const done = new Int32Array(progress);
const ctl = control ? new Int32Array(control) : undefined;
const nap = new Int32Array(new SharedArrayBuffer(4));
const errors = [];
const STYLES = {
  publish: ['publish'],
  mixed: ['push', 'pushBatch', 'publish', 'publishAsync'],
  timeout: ['tryPublish', 'timedPublish'],
  abort: ['tryPublish', 'abortedPublish'],
};
class Aborted extends Error {}

/** publishAsync of one message with a signal aborted after 0-1 ms: 1 if published, 0 if aborted first. */
async function abortablePublish(len, fill) {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new Aborted()), step % 2);
  try {
    await q.publishAsync(len, fill, { signal: stop.signal }); // count 1: on abort, nothing was published
    return 1;
  } catch (e) {
    if (!(e instanceof Aborted)) throw e;
    timeouts++;
    return 0;
  } finally {
    clearTimeout(timer);
  }
}
let seq = 0;
let step = 0;
let timeouts = 0;

/** While the main thread holds producers (to starve the consumers into timeouts), wait. */
function obeyHold() {
  if (!ctl || Atomics.load(ctl, CTL.hold) === 0) return;
  Atomics.add(ctl, CTL.held, 1);
  while (Atomics.load(ctl, CTL.hold) !== 0) Atomics.wait(ctl, CTL.hold, 1, 100);
  Atomics.sub(ctl, CTL.held, 1);
}

try {
  while (seq < count) {
    const len = lenOf(id, seq, maxLen);
    const c = Math.min(countAt(id, seq), count - seq);
    Atomics.store(done, 2 * id + 1, seq + c);
    const style = STYLES[mode][step++ % STYLES[mode].length];
    if (style === 'push') {
      q.push(makeMessage(id, seq, len));
      seq += 1;
    } else if (style === 'pushBatch') {
      const batch = Array.from({ length: c }, (_, i) => makeMessage(id, seq + i, len));
      const n = q.pushBatch(batch);
      if (n === 0) q.push(batch[0]);
      seq += Math.max(n, 1);
    } else if (style === 'publish') {
      q.publish(len, fillFor(id, seq, len, errors), { count: c });
      seq += c;
    } else if (style === 'publishAsync') {
      await q.publishAsync(len, fillFor(id, seq, len, errors), { count: c });
      seq += c;
    } else {
      obeyHold();
      let n = style === 'tryPublish' ? q.tryPublish(len, fillFor(id, seq, len, errors), { count: c }) : 0;
      while (n === 0 && mode === 'abort') n = await abortablePublish(len, fillFor(id, seq, len, errors));
      while (n === 0) {
        try {
          q.publish(len, fillFor(id, seq, len, errors), { timeoutMs: 1 }); // count 1: on timeout, nothing was published
          n = 1;
        } catch (e) {
          if (!(e instanceof TimeoutError)) throw e;
          timeouts++;
        }
      }
      seq += n;
      if (step % 40 === 0) Atomics.wait(nap, 0, 0, (seq % 3) * 0.6); // trickle: arrivals near the consumers' timeouts
    }
    Atomics.store(done, 2 * id, seq);
  }
} catch (e) {
  if (!(e instanceof QueueClosedError) || count !== Infinity) throw e;
}
if (ctl) Atomics.add(ctl, CTL.done, 1);
parentPort.postMessage({ seq, errors, timeouts });
