// What the bench page and its two producer workers share: the record format,
// the transports, and the fault schedules the test uses to prove that the
// page's checks can fail.
//
// A record is 64 bytes: the producer's id (u32, little-endian) at 0, its
// sequence number within the round (u32) at 4; the other 56 bytes are left as
// the slot or buffer has them, for every transport alike (so the rows measure
// the hand-off of records, not the writing of payloads; as the in-place rows
// of the Node bench do, bench/README.md). A producer ends its round with one
// END record whose bytes 8..12 say how many records it sent.
import { idAt, stampAt } from '../lib/messages.mjs';

export const RECORD_BYTES = 64;
/** Records per publish (wasmq) and per message (batched postMessage). */
export const BATCH = 64;
export const PRODUCERS = 2;
/** The sequence number of a producer's end-of-round record. */
export const END = 0xffffffff;

/** The transports, by the id the page and the workers use. */
export const TRANSPORTS = ['drainAsync', 'popAsync', 'batch-transfer', 'batch-clone', 'single'];
/** Transports whose producers publish into the wasmq queue. */
export const isQueue = (transport) => transport === 'drainAsync' || transport === 'popAsync';

export function writeRecord(bytes, offset, producer, seq) {
  stampAt(bytes, offset, producer);
  stampAt(bytes, offset + 4, seq);
}

export function writeEnd(bytes, offset, producer, sent) {
  stampAt(bytes, offset, producer);
  stampAt(bytes, offset + 4, END);
  stampAt(bytes, offset + 8, sent);
}

export { idAt };

/**
 * The sequence numbers a producer emits, for the test's fault injection: its
 * e-th emitted record carries seqAt(e), and it emits `emitted` records while
 * its END record claims `records`. 'drop' never emits record `seq`;
 * 'duplicate' emits record `seq` twice. Without a fault, seqAt(e) = e.
 */
export function faultSchedule(fault, records) {
  if (!fault) return { seqAt: (e) => e, emitted: records };
  const k = fault.seq;
  if (!(Number.isInteger(k) && k >= 0 && k < records)) throw new RangeError(`fault.seq must be a record of the round (0..${records - 1}); got ${k}`);
  if (fault.kind === 'drop') return { seqAt: (e) => (e >= k ? e + 1 : e), emitted: records - 1 };
  if (fault.kind === 'duplicate') return { seqAt: (e) => (e > k ? e - 1 : e), emitted: records + 1 };
  throw new RangeError(`fault.kind must be 'drop' or 'duplicate'; got ${fault.kind}`);
}

/** The checksum of a producer's records 0..n-1: the sum over them of 2 * seq + producer. */
export function expectedChecksum(producer, n) {
  return n * (n - 1) + producer * n;
}
