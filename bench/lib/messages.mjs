// Message stamping and verification shared by every peer.
//
// Each message carries a u32 id in its first 4 bytes (little-endian). Ids of
// real messages are 1..total, each sent exactly once, so consumers can prove
// delivery with a count and a sum; id 0 is the end-of-round "pill".

/** The id written by producer `index` (of `producers`) for its i-th message. */
export function messageId(i, index, producers) {
  return i * producers + index + 1;
}

export function stamp(buf, id) {
  buf[0] = id;
  buf[1] = id >>> 8;
  buf[2] = id >>> 16;
  buf[3] = id >>> 24;
}

export function idOf(buf) {
  return (buf[0] | (buf[1] << 8) | (buf[2] << 16) | (buf[3] << 24)) >>> 0;
}

/**
 * The same id at bytes[offset ...]: how the in-place rows (records written
 * and read where they lie, several to a buffer) stamp and read each record.
 */
export function stampAt(bytes, offset, id) {
  bytes[offset] = id;
  bytes[offset + 1] = id >>> 8;
  bytes[offset + 2] = id >>> 16;
  bytes[offset + 3] = id >>> 24;
}

export function idAt(bytes, offset) {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

/** Sum of ids 1..total: what all consumers' sums must add up to. */
export function expectedSum(total) {
  return (total * (total + 1)) / 2;
}

/** A payload buffer; at least 4 bytes so it can carry an id. */
export function payload(bytes) {
  if (bytes < 4) throw new RangeError(`payloads must be at least 4 bytes to carry an id; got ${bytes}`);
  const buf = new Uint8Array(bytes);
  for (let i = 4; i < bytes; i++) buf[i] = i & 0xff;
  return buf;
}

/**
 * Round bookkeeping for producers sharing one queue: the last producer to
 * finish (per round) sends the pills, so every real message is ahead of
 * every pill in the queue's order. `ctrl` is an Int32Array over shared
 * memory; word 0 counts producers done and is reset by that last producer.
 */
export function finishProducing(ctrl, producers) {
  const done = Atomics.add(ctrl, 0, 1) + 1;
  if (done < producers) return false;
  Atomics.store(ctrl, 0, 0);
  return true;
}

/** Wall-clock milliseconds comparable across threads. */
export function wallNow() {
  return performance.timeOrigin + performance.now();
}

/**
 * Results of event-driven rounds (postMessage consumers): a round may finish
 * before the worker has even seen the "round" command, so results queue up
 * and run() takes them in order.
 */
export function roundResults() {
  const ready = [];
  const waiting = [];
  return {
    push(result) {
      if (waiting.length) waiting.shift()(result);
      else ready.push(result);
    },
    next() {
      if (ready.length) return Promise.resolve(ready.shift());
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}
