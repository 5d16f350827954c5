// A producer Web Worker of the browser bench. Every round it sends 64-byte
// records (protocol.mjs) to the page's main thread by the round's transport,
// until the round's end time (the bench) or a fixed number of records (the
// test), then one END record, and replies { type: 'done', sent, maxAhead }.
//
// Flow control: the wasmq queue bounds itself (publish blocks this worker
// while the queue is full). postMessage has none, so a producer may have at
// most `window` records (the queue's capacity) not yet acknowledged by the
// main thread, which acknowledges by storing how many of this producer's
// records it has handled in flow[index] (and notifying every window / 4);
// the same rule as the Node postMessage peers (bench/peers/postmessage*.mjs).
import { attachQueue } from '../../dist/index.js';
import { BATCH, RECORD_BYTES, faultSchedule, isQueue, writeEnd, writeRecord } from './protocol.mjs';

let index;
let queue;
let port;
let flow;
let window;

const sharedNow = () => performance.timeOrigin + performance.now();

self.onmessage = ({ data }) => {
  try {
    if (data.type === 'init') {
      ({ index, port, window } = data);
      queue = attachQueue(data.handle);
      flow = new Int32Array(data.flow);
      self.postMessage({ type: 'ready' });
    } else if (data.type === 'go') {
      const { sent, maxAhead } = isQueue(data.transport) ? produceQueue(data) : producePort(data);
      self.postMessage({ type: 'done', sent, maxAhead });
    }
  } catch (error) {
    self.postMessage({ type: 'error', message: `producer ${index}: ${error?.stack ?? error}` });
  }
};

/** How many records to emit and which sequence number each carries (fault injection only with a fixed count). */
function plan({ records, fault }) {
  if (records === undefined) return { seqAt: null, emitted: Infinity, claimed: undefined };
  const mine = fault && fault.producer === index ? fault : undefined;
  const { seqAt, emitted } = faultSchedule(mine, records);
  return { seqAt: mine ? seqAt : null, emitted, claimed: records };
}

/** wasmq: publish(64, fill, { count: 64 }) in place, blocking while the queue is full. */
function produceQueue(round) {
  const { seqAt, emitted, claimed } = plan(round);
  const endAt = round.endAt ?? Infinity;
  let done = 0;
  // One fill and one options object for the whole round, as a careful user writes it.
  const fill = seqAt
    ? (bytes, offset, i) => writeRecord(bytes, offset, index, seqAt(done + i))
    : (bytes, offset, i) => writeRecord(bytes, offset, index, done + i);
  const options = { count: BATCH };
  while (done < emitted && sharedNow() < endAt) {
    const n = Math.min(BATCH, emitted - done);
    queue.publish(RECORD_BYTES, fill, n === BATCH ? options : { count: n });
    done += n;
  }
  const sent = claimed ?? done;
  queue.publish(RECORD_BYTES, (bytes, offset) => writeEnd(bytes, offset, index, sent));
  return { sent, maxAhead: 0 };
}

/**
 * postMessage on this producer's MessagePort: 64 records packed in one 4 KiB
 * buffer per message, either reused and structured-cloned ('batch-clone') or
 * fresh and transferred ('batch-transfer'); or one 64 B record per message,
 * cloned ('single').
 */
function producePort(round) {
  const { transport } = round;
  const { seqAt, emitted, claimed } = plan(round);
  const endAt = round.endAt ?? Infinity;
  const perMessage = transport === 'single' ? 1 : BATCH;
  const transfer = transport === 'batch-transfer';
  const reused = transfer ? null : new Uint8Array(perMessage * RECORD_BYTES);
  let sent = 0;
  /** The most records this producer had posted and not seen acknowledged (reported, for the test). */
  let maxAhead = 0;
  // At most `window` records unacknowledged (or one message's worth when none is in flight).
  const room = (n) => {
    let seen = Atomics.load(flow, index);
    for (; sent - seen > 0 && sent - seen + n > window; seen = Atomics.load(flow, index)) Atomics.wait(flow, index, seen, 1);
    if (sent - seen + n > maxAhead) maxAhead = sent - seen + n;
  };
  let done = 0;
  // Check the clock once per 64 records, as the wasmq producer does.
  const step = perMessage === 1 ? BATCH : 1;
  while (done < emitted && sharedNow() < endAt) {
    for (let s = 0; s < step && done < emitted; s++) {
      const n = Math.min(perMessage, emitted - done);
      room(n);
      // A short last batch (fixed-count rounds only) gets its own exact-size buffer.
      const buf = transfer || n < perMessage ? new Uint8Array(n * RECORD_BYTES) : reused;
      for (let j = 0; j < n; j++) writeRecord(buf, j * RECORD_BYTES, index, seqAt ? seqAt(done + j) : done + j);
      if (transfer) port.postMessage(buf, [buf.buffer]);
      else port.postMessage(buf);
      sent += n;
      done += n;
    }
  }
  room(1);
  const end = new Uint8Array(RECORD_BYTES);
  writeEnd(end, 0, index, claimed ?? done);
  port.postMessage(end);
  sent++;
  return { sent: claimed ?? done, maxAhead };
}
