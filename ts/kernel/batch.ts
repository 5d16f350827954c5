// In-place batches, as the bindings see them: where the messages of a
// claimMany / takeMany batch lie in the ring, and the loops that hand each to
// a callback there (bounced through a private buffer only where a message
// runs past the ring's end). Part of the kernel boundary: it reads cell words.
import * as L from './layout.js';
import type { Kernel } from './kernel.js';

/** A batch token of claimMany / takeMany: the first position and the message count (assembly/inplace.ts). */
export const batchPosition = (token: number): number => token % 4294967296;
export const batchCount = (token: number): number => Math.floor(token / 4294967296);
/** A private buffer of at least `len` bytes. */
export type Bounce = (len: number) => Uint8Array;
export type BatchFill = (bytes: Uint8Array, offset: number, index: number) => void;
export type BatchHandler = (bytes: Uint8Array, offset: number, length: number) => void;
/** How far a batch callback loop got: message `index` of the batch. */
export interface Cursor {
  index: number;
}

/** Where the messages of a takeMany batch are: reused from batch to batch. */
export class Batch {
  positions = new Float64Array(64);
  lengths = new Uint32Array(64);
  count = 0;
  reserve(n: number): void {
    if (this.positions.length >= n) return;
    const size = Math.max(n, 2 * this.positions.length);
    this.positions = new Float64Array(size);
    this.lengths = new Uint32Array(size);
  }
}

/**
 * Calls fill(bytes, offset, first + j) for message j of a claimMany batch
 * of `n` messages of `length` bytes at `pos`, where it lies in the ring; a
 * message that runs past the ring's end is filled in `bounce()` and copied
 * in.
 */
export function fillBatch(k: Kernel, pos: number, n: number, length: number, fill: BatchFill, first: number, bounce: Bounce): void {
  const u8 = k.u8;
  const end = k.dataEnd;
  const ring = end - k.dataStart;
  const slots = k.slotsFor(length);
  const step = slots << k.slotShift;
  let at = k.dataOffset(pos);
  for (let j = 0; j < n; j++) {
    if (at + length <= end) {
      fill(u8, at, first + j);
    } else {
      const buffer = bounce(length);
      fill(buffer, 0, first + j);
      k.copyIn(pos + j * slots, buffer.subarray(0, length));
    }
    at += step;
    if (at >= end) at -= ring;
  }
}

/**
 * Reads where the `n` messages of a takeMany batch at `pos` are and how
 * long each is, skipping the withdrawn claims it took along, while they are
 * surely this thread's (before any callback runs). Fills `batch`.
 */
export function readBatch(k: Kernel, pos: number, n: number, batch: Batch): void {
  batch.reserve(n);
  const u32 = k.u32;
  const mask = k.capacity - 1;
  let p = pos;
  for (let j = 0; j < n; ) {
    const word = k.cellsIndex + (p & mask) * 2;
    const info = u32[word + 1];
    // seq == p, WITHDRAWN: a claim given up by its producer; value = its cells.
    if (info >>> L.STATE_SHIFT === L.STATE_WITHDRAWN && u32[word] === p >>> 0) {
      p += info & L.VALUE_MASK;
      continue;
    }
    const len = info & L.VALUE_MASK;
    batch.positions[j] = p;
    batch.lengths[j] = len;
    p += k.slotsFor(len);
    j++;
  }
  batch.count = n;
}

/**
 * Calls handler(bytes, offset, length) for each message of `batch` where it
 * lies in the ring (bounced through `bounce()` where it runs past the
 * ring's end), skipping any a producer reclaimed meanwhile (this thread
 * stalled past stallTimeoutMs). `cursor.index` is the message being handed
 * over. Returns how many it handed over.
 */
export function handBatch(k: Kernel, batch: Batch, handler: BatchHandler, bounce: Bounce, cursor: Cursor): number {
  const u8 = k.u8;
  const mask = k.capacity - 1;
  const shift = k.slotShift;
  const start = k.dataStart;
  const end = k.dataEnd;
  const { positions, lengths } = batch;
  let handed = 0;
  for (let j = 0; j < batch.count; j++) {
    cursor.index = j;
    const p = positions[j];
    if (!k.holds(p)) continue;
    handed++;
    const len = lengths[j];
    const at = start + ((p & mask) << shift);
    if (at + len <= end) {
      handler(u8, at, len);
    } else {
      const buffer = bounce(len);
      k.copyOut(p, len, buffer, 0);
      handler(buffer, 0, len);
    }
  }
  cursor.index = batch.count;
  return handed;
}

/**
 * Copies the messages of `batch` out of shared memory and calls
 * visit(block, offset, length) for each: one private copy of the whole run
 * when it does not wrap (the messages are views of it, disjointly), else
 * one copy per message.
 */
export function copyBatch(k: Kernel, batch: Batch, visit: BatchHandler): void {
  const { positions, lengths, count } = batch;
  const first = positions[0];
  const lastEnd = positions[count - 1] + k.slotsFor(lengths[count - 1]);
  const at = k.dataOffset(first);
  const bytes = (lastEnd - first) * k.slotBytes;
  if (at + bytes <= k.dataEnd) {
    const block = k.u8.slice(at, at + bytes);
    for (let j = 0; j < count; j++) visit(block, (positions[j] - first) * k.slotBytes, lengths[j]);
    return;
  }
  for (let j = 0; j < count; j++) visit(k.sliceOut(positions[j], lengths[j]), 0, lengths[j]);
}
