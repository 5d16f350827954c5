// Every failing result of every export is a NEGATIVE number of exactly the
// documented code. (A u32 code negated inside an i64 or f64 function once came
// out as a large positive number, which a caller takes for a position or a
// length.) Each scenario runs at three start positions: 0, just below 2^31
// (where an i32 changes sign) and just below 2^32 (where positions wrap).
import { describe, expect, it } from 'vitest';
import { L, RawQueue, pattern, wrap } from './support.js';

const START_POSITIONS = [0, 2 ** 31 - 2, 2 ** 32 - 2];

/** 4 cells of 8 bytes; messages up to 32 bytes (the whole ring). */
const fresh = (startPos: number) =>
  new RawQueue({ capacity: 4, slotBytes: 8, maxMessageBytes: 32, scratchBytes: 64, scratchAreas: 4, startPos });

/** A result must be exactly -code: negative, integral, and not some wrapped u32. */
function expectCode(result: number, code: number, what: string) {
  expect(Number.isInteger(result), what).toBe(true);
  expect(result, what).toBeLessThan(0);
  expect(result, what).toBe(-code);
}

/** Fills the 4-cell ring with four 1-slot messages. */
function fill(q: RawQueue) {
  for (let i = 0; i < 4; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
}

describe.each(START_POSITIONS)('result codes are negative and exact (start position %d)', (start) => {
  it('EMPTY: tryPop, headLength, claimRead and takeMany on an empty open queue return -R_EMPTY', () => {
    const q = fresh(start);
    expectCode(q.ops.tryPop(q.scratch(1), 64), L.R_EMPTY, 'tryPop');
    expectCode(q.ops.headLength(), L.R_EMPTY, 'headLength');
    expectCode(q.ops.claimRead(), L.R_EMPTY, 'claimRead');
    expectCode(q.ops.takeMany(4), L.R_EMPTY, 'takeMany');
  });

  it('CLOSED: tryPush, claimWrite and pushBatch on a closed queue return -R_CLOSED', () => {
    const q = fresh(start);
    q.ops.close();
    const rec = q.scratch(0);
    q.writeRecords(rec, [pattern(8, 1)]);
    q.u8.set(pattern(8, 1), q.scratch(2));
    expectCode(q.ops.tryPush(q.scratch(2), 8), L.R_CLOSED, 'tryPush');
    expectCode(q.ops.claimWrite(8), L.R_CLOSED, 'claimWrite');
    expectCode(q.ops.pushBatch(rec, 1), L.R_CLOSED, 'pushBatch');
  });

  it('CLOSED: tryPop, headLength, claimRead and takeMany on a closed, drained queue return -R_CLOSED', () => {
    const q = fresh(start);
    q.ops.close();
    expectCode(q.ops.tryPop(q.scratch(1), 64), L.R_CLOSED, 'tryPop');
    expectCode(q.ops.headLength(), L.R_CLOSED, 'headLength');
    expectCode(q.ops.claimRead(), L.R_CLOSED, 'claimRead');
    expectCode(q.ops.takeMany(4), L.R_CLOSED, 'takeMany');
  });

  it('FULL: tryPush, claimWrite and pushBatch on a ring of untaken messages return -R_FULL', () => {
    const q = fresh(start);
    fill(q);
    const rec = q.scratch(2);
    q.writeRecords(rec, [pattern(8, 9)]);
    q.u8.set(pattern(8, 9), q.scratch(0));
    expectCode(q.ops.tryPush(q.scratch(0), 8), L.R_FULL, 'tryPush');
    expectCode(q.ops.claimWrite(8), L.R_FULL, 'claimWrite');
    expectCode(q.ops.pushBatch(rec, 1), L.R_FULL, 'pushBatch');
    expect(q.tail()).toBe(wrap(start + 4)); // nothing claimed
  });

  it('BUSY (push side): a cell still held by a reader makes tryPush, claimWrite and pushBatch return -R_BUSY', () => {
    const q = fresh(start);
    fill(q);
    const reader = q.peer();
    expect(reader.claimRead()).toBe(start); // taken, never released
    const rec = q.scratch(2);
    q.writeRecords(rec, [pattern(8, 9)]);
    q.u8.set(pattern(8, 9), q.scratch(0));
    expectCode(q.ops.tryPush(q.scratch(0), 8), L.R_BUSY, 'tryPush');
    expectCode(q.ops.claimWrite(8), L.R_BUSY, 'claimWrite');
    expectCode(q.ops.pushBatch(rec, 1), L.R_BUSY, 'pushBatch');
  });

  it('BUSY (pop side): an unpublished head claim makes tryPop, headLength, claimRead and takeMany return -R_BUSY', () => {
    const q = fresh(start);
    const writer = q.peer();
    expect(writer.claimWrite(8)).toBe(start); // claimed, never published
    expectCode(q.ops.tryPop(q.scratch(1), 64), L.R_BUSY, 'tryPop');
    expectCode(q.ops.headLength(), L.R_BUSY, 'headLength');
    expectCode(q.ops.claimRead(), L.R_BUSY, 'claimRead');
    expectCode(q.ops.takeMany(4), L.R_BUSY, 'takeMany');
  });

  // popBatch's TOO_BIG (a destination too small for the head record) went
  // with popBatch: takeMany has no destination, so it has no TOO_BIG.
  it('TOO_BIG: tryPop with too little room returns -R_TOO_BIG and takes nothing; takeMany has no size limit', () => {
    const q = fresh(start);
    expect(q.push(q.ops, pattern(16, 3))).toBe(1);
    expectCode(q.ops.tryPop(q.scratch(1), 15), L.R_TOO_BIG, 'tryPop');
    expect(q.head()).toBe(start);
    expect(q.ops.headLength()).toBe(16);
    const t = q.ops.takeMany(4);
    expect(t).toBe(start + 2 ** 32); // pos start, count 1
    expect(q.ops.releaseMany(start, 1)).toBe(1);
  });

  it('RECLAIMED: publishWrite of a claim that was reclaimed returns -R_RECLAIMED', () => {
    const q = fresh(start);
    const writer = q.peer();
    const pos = writer.claimWrite(8);
    expect(pos).toBe(start);
    expectCode(q.ops.tryPop(q.scratch(1), 64), L.R_BUSY, 'tryPop');
    expect(q.ops.reclaimWrite(pos)).toBe(1);
    expectCode(writer.publishWrite(pos, 8), L.R_RECLAIMED, 'publishWrite');
  });

  it('RECLAIMED: readLength and releaseRead of a read claim that was reclaimed return -R_RECLAIMED', () => {
    const q = fresh(start);
    fill(q);
    const reader = q.peer();
    const pos = reader.claimRead();
    expect(pos).toBe(start);
    expectCode(q.push(q.ops, pattern(8, 9)), L.R_BUSY, 'tryPush');
    expect(q.ops.reclaimRead(pos)).toBe(1);
    expectCode(reader.readLength(pos), L.R_RECLAIMED, 'readLength');
    expectCode(reader.releaseRead(pos), L.R_RECLAIMED, 'releaseRead');
  });

  it('OVERSIZE: tryPush, claimWrite and pushBatch of more than maxMessageBytes return -R_OVERSIZE', () => {
    const q = fresh(start);
    q.u8.set(pattern(33, 1), q.scratch(0));
    const rec = q.scratch(2);
    q.writeRecords(rec, [pattern(33, 1)]);
    expectCode(q.ops.tryPush(q.scratch(0), 33), L.R_OVERSIZE, 'tryPush');
    expectCode(q.ops.claimWrite(33), L.R_OVERSIZE, 'claimWrite');
    expectCode(q.ops.pushBatch(rec, 1), L.R_OVERSIZE, 'pushBatch');
    expect(q.tail()).toBe(start);
  });

  it('success results are non-negative: a claim token is the u32 position itself, not a negative i32', () => {
    const q = fresh(start);
    const pos = q.ops.claimWrite(8);
    expect(pos).toBe(start); // ≥ 2^31 stays positive
    expect(q.ops.publishWrite(pos, 8)).toBe(1);
    expect(q.ops.headLength()).toBe(8);
    expect(q.ops.claimRead()).toBe(start);
    expect(q.ops.readLength(start)).toBe(8);
    expect(q.ops.releaseRead(start)).toBe(1);
  });
});
