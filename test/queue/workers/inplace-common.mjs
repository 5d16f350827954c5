// Shared by the in-place thread workers: message lengths, publish counts, and
// the consumer's log in shared memory.
//
// Messages are messages.mjs's checksummed (producer, seq) messages. One
// publish call carries messages of one length, so lengths are constant over
// blocks of BLOCK sequence numbers and a call never crosses a block.
import { checkMessage, hash, lengthOf, makeMessage } from './messages.mjs';

export const BLOCK = 16;

/** Words of the control Int32Array: the main thread sets hold to stop the producers (held counts
 *  the stopped ones, done the finished ones); consumers count their TimeoutErrors in timeouts. */
export const CTL = { hold: 0, held: 1, done: 2, timeouts: 3 };

/** Length of message (producer, seq): one per block; mostly small, some multi-slot, a few large. */
export const lenOf = (producer, seq, maxLen) => lengthOf(producer, Math.floor(seq / BLOCK), maxLen);

/** How many messages a publish starting at `seq` carries: 1 .. the end of seq's block. */
export const countAt = (producer, seq) => 1 + (hash(producer * 7919 + seq * 13) % (BLOCK - (seq % BLOCK)));

/** A fill writing messages (producer, first + index) of `len` bytes, checking the region it is given. */
export function fillFor(producer, first, len, errors) {
  return (bytes, offset, index) => {
    if (!(offset >= 0 && offset + len <= bytes.length) && errors.length < 20) errors.push(`fill region ${offset}+${len} outside ${bytes.length}`);
    bytes.set(makeMessage(producer, first + index, len), offset);
  };
}

/**
 * A consumer's log: Int32Array over `sab`, [entries, corrupt, (producer, seq) pairs...].
 * take(bytes, offset, length) verifies a message in place and appends it.
 */
export function consumerLog(sab, producers, maxLen, errors) {
  const log = new Int32Array(sab);
  const cap = (log.length - 2) >> 1;
  const expectedLen = (p, s) => lenOf(p, s, maxLen);
  const take = (bytes, offset, length) => {
    const n = log[0];
    if (!(offset >= 0 && offset + length <= bytes.length)) errors.length < 20 && errors.push(`region ${offset}+${length} outside ${bytes.length}`);
    const r = checkMessage(bytes.subarray(offset, offset + length), expectedLen);
    if (typeof r === 'string' || r.producer >= producers || n >= cap) {
      Atomics.add(log, 1, 1);
      if (errors.length < 20) errors.push(typeof r === 'string' ? r : `unexpected ${r.producer}/${r.seq} (or log full)`);
      return;
    }
    log[2 + 2 * n] = r.producer;
    log[3 + 2 * n] = r.seq;
    Atomics.store(log, 0, n + 1);
  };
  return { log, take };
}
