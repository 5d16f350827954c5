// Peer: the plain-JavaScript in-place SPSC ring, the JS ceiling for the
// in-place rows. A SharedArrayBuffer ring of fixed-size records (one producer
// thread, one consumer thread, nothing else):
//   - the producer writes `batch` records where they lie in the ring, then
//     publishes them all with ONE Atomics.store of its head index;
//   - the consumer reads up to `batch` records where they lie, then hands
//     their room back with ONE Atomics.store of its tail index;
//   - each side re-reads the other's index (Atomics.load) only when its
//     cached copy says there is no room / nothing to read.
// That is the least any JS transport can do per record: no claim CAS, no
// per-record sequence word, no multi-producer or multi-consumer support, no
// recovery. wasmq's publish/drain does the same per-record work (write / read
// the record in place) on top of an MPMC queue.
//
// Waiting is wasmq's own (dist/wait.js waitSync: spin with an adaptive
// budget, then park; a waker notifies only when a waiter is registered, one
// Atomics.load per batch), so waiting is not what differs. Pure spinning
// would be no faster while both threads have a core, and much slower when
// they share one: on a busy 2-vCPU machine, a spinning side burns its whole
// time slice while the other cannot run (measured: 128 k records/s, one ring
// of 1024 records per pair of 4 ms slices).
//
// Per record, both sides touch what every in-place row touches: the producer
// writes the 4-byte id at the record's start, the consumer reads it
// (messages.mjs stampAt / idAt).
import { newSpinBudget, waitSync } from '../../dist/wait.js';
import { idAt, messageId, stampAt, wallNow } from '../lib/messages.mjs';

export const name = 'JS in-place SPSC ring';

// Int32 indices. The producer's line: its head index, and the wake word
// (sequence, waiter count) the consumer parks on; the consumer's line: its
// tail index and the wake word the producer parks on. Each line gets 128
// bytes (two cache lines: no false sharing, even with adjacent-line prefetch).
const LINE = 128;
const HEAD = 0;
const HEAD_SEQ = 1;
const HEAD_WAITERS = 2;
const TAIL = LINE >> 2;
const TAIL_SEQ = TAIL + 1;
const TAIL_WAITERS = TAIL + 2;
const DATA = 2 * LINE;
/** Longest park before re-checking (a wake-up is never lost; as js-queue.mjs). */
const TICK_MS = 500;

export function prepare(kind, config) {
  if (kind !== 'throughput') throw new RangeError('the JS in-place ring measures throughput only');
  const { producers, consumers, payloadBytes, ringMessages } = config;
  if (producers !== 1 || consumers !== 1) throw new RangeError('the JS in-place ring is single-producer single-consumer only');
  if ((ringMessages & (ringMessages - 1)) !== 0) throw new RangeError(`ringMessages must be a power of two; got ${ringMessages}`);
  // Records back to back, `payloadBytes` apart: the same room in messages as the queues.
  const sab = new SharedArrayBuffer(DATA + ringMessages * payloadBytes);
  return { forWorker: () => ({ data: { sab, capacity: ringMessages }, transfer: [] }) };
}

/** Publishes index `value` at `at` and wakes the other side if it is parked on `seq`. */
function publish(i32, at, value, seq, waiters) {
  Atomics.store(i32, at, value);
  if (Atomics.load(i32, waiters) > 0) {
    Atomics.add(i32, seq, 1);
    Atomics.notify(i32, seq);
  }
}

export function open(role, { sab, capacity }, { count, payloadBytes, batch }) {
  const i32 = new Int32Array(sab);
  const u8 = new Uint8Array(sab);
  const mask = capacity - 1;
  // A batch never needs more than the whole ring.
  const b = Math.min(batch, capacity);
  const at = (position) => DATA + (position & mask) * payloadBytes;
  // Positions are int32 counters that wrap: compare by difference, `| 0`.
  let head = 0;
  let tail = 0;
  if (role === 'producer') {
    const tailMoved = { i32, seq: TAIL_SEQ, waiters: TAIL_WAITERS, spin: newSpinBudget() };
    /** Waits until `n` more records fit, re-reading the consumer's tail only when the cached one says full. */
    const room = (n) => {
      if (((head - tail) | 0) <= capacity - n) return;
      const fits = () => ((head - (tail = Atomics.load(i32, TAIL))) | 0) <= capacity - n;
      if (!fits()) waitSync(tailMoved, fits, Infinity, TICK_MS);
    };
    return {
      run() {
        const t0 = wallNow();
        for (let i = 0; i < count; i += b) {
          const n = Math.min(b, count - i);
          room(n);
          for (let j = 0; j < n; j++) stampAt(u8, at(head + j), messageId(i + j, 0, 1));
          head = (head + n) | 0;
          publish(i32, HEAD, head, HEAD_SEQ, HEAD_WAITERS); // the whole batch at once
        }
        const t1 = wallNow();
        room(1);
        stampAt(u8, at(head), 0);
        head = (head + 1) | 0;
        publish(i32, HEAD, head, HEAD_SEQ, HEAD_WAITERS);
        return { t0, t1 };
      },
    };
  }
  if (role === 'consumer') {
    const headMoved = { i32, seq: HEAD_SEQ, waiters: HEAD_WAITERS, spin: newSpinBudget() };
    const arrived = () => (head = Atomics.load(i32, HEAD)) !== tail;
    return {
      run() {
        let count = 0;
        let sum = 0;
        for (;;) {
          if (head === tail && !arrived()) waitSync(headMoved, arrived, Infinity, TICK_MS);
          const n = Math.min((head - tail) | 0, b);
          let pill = false;
          for (let j = 0; j < n; j++) {
            const id = idAt(u8, at(tail + j));
            if (id === 0) pill = true; // the round's last record
            else {
              count++;
              sum += id;
            }
          }
          tail = (tail + n) | 0;
          publish(i32, TAIL, tail, TAIL_SEQ, TAIL_WAITERS); // the batch's room back at once
          if (pill) return { t1: wallNow(), count, sum };
        }
      },
    };
  }
  throw new Error(`JS in-place ring has no role ${role}`);
}
