// The in-place data path: one attempt of each kind, with no staging copy.
//
// publishOnce: claim up to `count` messages of one length with one kernel
// call, let `fill` write each where it lies in the ring, publish them all with
// a second call. drainOnce: take every message at the head (up to `max`) with
// one call, hand each to `handler` where it lies, release them all with a
// second call. A message whose bytes run past the ring's end is bounced
// through a private buffer, so the region a callback sees is always
// contiguous.
import { BUSY, CLOSED, FULL, OVERSIZE } from '../kernel/kernel.js';
import { batchCount, batchPosition, fillBatch, handBatch, readBatch, type Cursor } from '../kernel/batch.js';
import { QueueClosedError } from '../errors.js';
import type { DrainHandler, PublishFill } from './types.js';
import type { Transfer } from './transfer.js';
import { bounce } from './bounce.js';


/**
 * Claims up to `count` messages of `length` bytes, fills them in place as
 * messages first + 0, first + 1, ..., and publishes them. Returns how many
 * were published (0 when full). If `fill` throws, the whole claim is
 * withdrawn (consumers skip it) and the error propagates.
 */
export function publishOnce(t: Transfer, length: number, fill: PublishFill, count: number, first: number): number {
  const token = t.ops.claimMany(length, count);
  if (token < 0) return noRoom(t, token);
  const pos = batchPosition(token);
  const n = batchCount(token);
  try {
    fillBatch(t.kernel, pos, n, length, fill, first, bounce);
  } catch (error) {
    t.ops.withdrawMany(pos, n, length);
    throw error;
  }
  return t.ops.publishMany(pos, n, length);
}

function noRoom(t: Transfer, r: number): number {
  if (r === FULL) return 0;
  if (r === BUSY) {
    t.stalls.suspectConsumer();
    return 0;
  }
  if (r === CLOSED) throw new QueueClosedError();
  if (r === OVERSIZE) t.checkSize(Infinity);
  throw new Error(`wasmq kernel returned unexpected claim result ${r}`);
}

/**
 * Hands every message at the head (up to `max`) to `handler` in place, and
 * releases them. Returns how many it handed over; -1 when there were none
 * and the queue is closed and drained.
 *
 * If `handler` throws, the message it was handling counts as consumed; the
 * messages after it in the same take are copied into this Queue's keep list
 * (delivered first by its next pop or drain), and the error propagates.
 */
export function drainOnce(t: Transfer, handler: DrainHandler, max: number): number {
  let delivered = 0;
  while (delivered < max) {
    const kept = t.takeKept();
    if (kept === undefined) break;
    delivered++;
    handler(kept, 0, kept.length);
  }
  if (delivered >= max) return delivered;
  const token = t.ops.takeMany(max - delivered);
  if (token < 0) {
    if (token === BUSY) t.stalls.suspectProducer();
    return delivered > 0 ? delivered : token === CLOSED ? -1 : 0;
  }
  const pos = batchPosition(token);
  const n = batchCount(token);
  readBatch(t.kernel, pos, n, t.batch);
  const cursor: Cursor = { index: 0 };
  let handed: number;
  try {
    handed = handBatch(t.kernel, t.batch, handler, bounce, cursor);
  } catch (error) {
    t.keepTaken(cursor.index + 1);
    t.releaseTaken(pos);
    throw error;
  }
  t.releaseTaken(pos);
  return delivered + handed;
}
