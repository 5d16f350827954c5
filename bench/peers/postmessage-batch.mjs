// Peer: postMessage as a careful user batches it. `batch` records of
// `payloadBytes` each (64 × 64 B = one 4 KiB Uint8Array) are packed into one
// buffer per postMessage; the consumer reads each record where it lies in the
// buffer it received. Throughput counts records, not postMessage calls.
//
// Two idioms (ctx.transfer):
//   copied (default): one reused buffer; postMessage structured-clones it.
//   transferred:      a fresh buffer per message, moved with a transfer list
//                     (no copy, but an allocation and a detach per message).
// The bench uses the faster one on this machine (see bench/README.md);
// both deliver the same records.
//
// Wiring and back-pressure as in postmessage.mjs: P independent pairs, and a
// producer runs at most `window` records (the queues' capacity in messages,
// or one batch if that is more) ahead of its consumer.
import { idAt, messageId, payload, roundResults, stampAt, wallNow } from '../lib/messages.mjs';
import { prepare as preparePairs } from './postmessage.mjs';

export const name = 'postMessage, batched';
export { unsupported } from './postmessage.mjs';

export function prepare(kind, config) {
  if (kind !== 'throughput') throw new RangeError('the batched postMessage peer measures throughput only');
  return preparePairs(kind, config);
}

export function open(role, data, ctx) {
  if (role === 'producer') return producer(data, ctx);
  if (role === 'consumer') return consumer(data, ctx);
  throw new Error(`batched postMessage peer has no role ${role}`);
}

/** One buffer of `records` records, each starting as the usual payload. */
function packed(records, payloadBytes) {
  const one = payload(payloadBytes);
  const buf = new Uint8Array(records * payloadBytes);
  for (let r = 0; r < records; r++) buf.set(one, r * payloadBytes);
  return buf;
}

function producer({ port, flow, window }, { index, producers, count, payloadBytes, batch, transfer = false }) {
  const consumed = new Int32Array(flow);
  const reused = transfer ? null : packed(batch, payloadBytes);
  let sent = 0;
  /** Waits until `n` more records keep at most `window` in flight (or none is in flight). */
  const room = (n) => {
    for (let seen = Atomics.load(consumed, 0); sent - seen > 0 && sent - seen + n > window; seen = Atomics.load(consumed, 0)) {
      Atomics.wait(consumed, 0, seen, 1);
    }
  };
  const post = (buf) => (transfer ? port.postMessage(buf, [buf.buffer]) : port.postMessage(buf));
  return {
    run() {
      const t0 = wallNow();
      for (let i = 0; i < count; i += batch) {
        const n = Math.min(batch, count - i);
        room(n);
        // Either idiom writes only the records' ids per message (the reused buffer keeps the
        // rest of each record from the start; a fresh one has zeros there). A short last
        // batch gets its own exact-size buffer, so the clone carries only its records.
        const buf = transfer ? new Uint8Array(n * payloadBytes) : n < batch ? packed(n, payloadBytes) : reused;
        for (let j = 0; j < n; j++) stampAt(buf, j * payloadBytes, messageId(i + j, index, producers));
        post(buf);
        sent += n;
      }
      const t1 = wallNow();
      room(1);
      const pill = payload(payloadBytes);
      stampAt(pill, 0, 0);
      post(pill);
      sent++;
      return { t0, t1 };
    },
  };
}

function consumer({ port, flow, window }, { payloadBytes }) {
  const consumed = new Int32Array(flow);
  const notifyEvery = Math.max(1, window >> 2);
  let total = 0;
  let count = 0;
  let sum = 0;
  const results = roundResults();
  port.on('message', (buf) => {
    const n = buf.length / payloadBytes;
    let pill = false;
    for (let j = 0; j < n; j++) {
      const id = idAt(buf, j * payloadBytes);
      if (id === 0) pill = true;
      else {
        count++;
        sum += id;
      }
    }
    const before = total;
    total += n;
    Atomics.store(consumed, 0, total);
    if (pill || Math.floor(total / notifyEvery) !== Math.floor(before / notifyEvery)) Atomics.notify(consumed, 0);
    if (pill) {
      results.push({ t1: wallNow(), count, sum });
      count = 0;
      sum = 0;
    }
  });
  return {
    run: () => results.next(),
  };
}
