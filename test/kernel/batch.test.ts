// Batches: pushBatch reads records [len u32][reserved u32][bytes padded to 8]
// and pushes the longest prefix whose cells are free (one CAS). The other
// direction is in place: takeMany takes every published message at the head
// (up to max) with one head CAS, the caller reads each where it lies, and
// releaseMany frees them all (assembly/inplace.ts; more in inplace.test.ts).
// popBatch, which copied a group out as records, is gone from the kernel.
import { describe, expect, it } from 'vitest';
import { L, RECORD_RESERVED, RawQueue, pattern, pad8 } from './support.js';

const SRC = 0; // scratch area 0 = batch source
const q8 = (startPos = 0, maxMessageBytes?: number) =>
  new RawQueue({ capacity: 8, slotBytes: 8, maxMessageBytes, scratchBytes: 512, startPos });
const batchOf = (lens: number[], seed = 0) => lens.map((len, i) => pattern(len, seed + i));
const recordBytes = (lens: number[]) => lens.reduce((n, len) => n + L.RECORD_HEADER_BYTES + pad8(len), 0);

describe('pushBatch', () => {
  it('pushes every record, in order, with one claim of all their cells', () => {
    const q = q8(100);
    const ms = batchOf([5, 20, 0, 16]);
    q.writeRecords(q.scratch(SRC), ms);
    expect(q.ops.pushBatch(q.scratch(SRC), 4)).toBe(4);
    expect(q.tail()).toBe(100 + 1 + 3 + 1 + 2);
    for (const m of ms) expect(q.pop(q.ops)).toEqual(m);
  });

  it('reads each record as [len u32][reserved u32][bytes at +8]: the reserved word is ignored, whatever it holds', () => {
    for (const reserved of [0, 1, 0xffffffff]) {
      const q = q8();
      const ms = batchOf([5, 9], reserved & 7);
      q.writeRecords(q.scratch(SRC), ms, reserved);
      expect(q.u32[(q.scratch(SRC) + RECORD_RESERVED) >> 2]).toBe(reserved);
      expect(q.ops.pushBatch(q.scratch(SRC), 2)).toBe(2);
      expect([q.pop(q.ops), q.pop(q.ops)]).toEqual(ms);
    }
  });

  it('pushes a prefix when the ring fills mid-batch, and the rest stays unpushed', () => {
    const q = q8();
    const ms = batchOf([5, 20, 0, 16, 9]); // slots 1 + 3 + 1 + 2 + 2 = 9 > 8
    q.writeRecords(q.scratch(SRC), ms);
    expect(q.ops.pushBatch(q.scratch(SRC), 5)).toBe(4);
    expect(q.tail()).toBe(7);
    // the 5th record needs 2 cells; 1 is free
    const rest = q.scratch(SRC) + recordBytes([5, 20, 0, 16]);
    expect(q.ops.pushBatch(rest, 1)).toBe(-L.R_FULL);
    for (const m of ms.slice(0, 4)) expect(q.pop(q.ops)).toEqual(m);
    expect(q.ops.pushBatch(rest, 1)).toBe(1);
    expect(q.pop(q.ops)).toEqual(ms[4]);
  });

  it('pushes the prefix before a cell still held by a reader (BUSY mid-batch is a prefix, not an error)', () => {
    const q = new RawQueue({ capacity: 4, slotBytes: 8, scratchBytes: 512 });
    for (let i = 0; i < 4; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
    expect(q.pop(q.ops)).toEqual(pattern(8, 0)); // frees cell 0
    const reader = q.peer();
    expect(reader.claimRead()).toBe(1); // holds cell 1
    const ms = batchOf([8, 8, 8], 10);
    q.writeRecords(q.scratch(SRC), ms);
    expect(q.ops.pushBatch(q.scratch(SRC), 3)).toBe(1);
    expect(q.tail()).toBe(5);
  });

  it('pushes the prefix before a record larger than maxMessageBytes; an oversize first record is -R_OVERSIZE', () => {
    const q = q8(0, 32);
    const ms = batchOf([8, 33, 8]);
    q.writeRecords(q.scratch(SRC), ms);
    expect(q.ops.pushBatch(q.scratch(SRC), 3)).toBe(1);
    const second = q.scratch(SRC) + recordBytes([8]);
    expect(q.ops.pushBatch(second, 2)).toBe(-L.R_OVERSIZE);
    expect(q.tail()).toBe(1);
  });

  it('a batch of no records pushes nothing and returns 0', () => {
    const q = q8();
    expect(q.ops.pushBatch(q.scratch(SRC), 0)).toBe(0);
    expect(q.tail()).toBe(0);
  });

  it('a batch across the data ring\'s end and the 2^32 position wrap comes back byte-identical', () => {
    const q = q8(2 ** 32 - 3);
    const ms = batchOf([13, 30, 7], 40); // slots 2^32-3, -2 | -1, 0, 1, 2 | 3
    q.writeRecords(q.scratch(SRC), ms);
    expect(q.ops.pushBatch(q.scratch(SRC), 3)).toBe(3);
    expect(q.tail()).toBe(4);
    expect(q.pop(q.ops)).toEqual(ms[0]);
    expect(q.ops.claimRead()).toBe(2 ** 32 - 1);
    expect(q.ringRead(2 ** 32 - 1, 30)).toEqual(ms[1]);
    expect(q.ops.releaseRead(2 ** 32 - 1)).toBe(1);
    expect(q.pop(q.ops)).toEqual(ms[2]);
  });
});

// Each case below once drove popBatch; it proves the same property through
// takeMany + releaseMany. Two popBatch cases are gone with it: "takes only the
// records that fit in dstBytes" and "-R_TOO_BIG when the head message alone
// does not fit" were about the destination buffer, and takeMany has none (it
// takes messages of any size: see inplace.test.ts). So are the RECORD_OK
// status checks: records carry no status word any more.
describe('takeMany + releaseMany (what popBatch did)', () => {
  /** A queue holding messages of these lengths, and the messages. */
  function holding(lens: number[], startPos = 0) {
    const q = q8(startPos);
    const ms = batchOf(lens, 7);
    for (const m of ms) expect(q.push(q.ops, m)).toBe(1);
    return { q, ms };
  }
  /** A take that must succeed and release everything it took. */
  function took(q: RawQueue, max: number, ops = q.ops) {
    const r = q.take(ops, max);
    if (typeof r === 'number') throw new Error(`takeMany returned ${r}`);
    expect(r.released).toBe(r.count);
    return r;
  }

  it('takes every message with one call; read in place and released, they are the messages pushed', () => {
    const { q, ms } = holding([5, 12, 0, 8]);
    const r = took(q, 10);
    expect(r.count).toBe(4);
    expect(r.messages).toEqual(ms);
    expect(q.ops.usedCells()).toBe(0);
  });

  it('takes at most max messages', () => {
    const { q, ms } = holding([1, 2, 3, 4, 5]);
    const r = took(q, 3);
    expect(r.count).toBe(3);
    expect(r.messages).toEqual(ms.slice(0, 3));
    expect(q.pop(q.ops)).toEqual(ms[3]);
  });

  it('stops at an unpublished claim: takes the messages before it, then reports BUSY until it is published', () => {
    const q = q8();
    const writer = q.peer();
    expect(q.push(q.ops, pattern(8, 1))).toBe(1);
    const pos = writer.claimWrite(8);
    expect(q.push(q.ops, pattern(8, 3))).toBe(1);
    expect(took(q, 10).messages).toEqual([pattern(8, 1)]);
    expect(q.ops.takeMany(10)).toBe(-L.R_BUSY);
    q.ringWrite(pos, pattern(8, 2));
    expect(writer.publishWrite(pos, 8)).toBe(1);
    const r = took(q, 10);
    expect(r.count).toBe(2);
    expect(r.messages).toEqual([pattern(8, 2), pattern(8, 3)]);
  });

  it('unwraps messages across the data ring\'s end and the 2^32 position wrap', () => {
    const { q, ms } = holding([13, 30, 7], 2 ** 32 - 3);
    const r = took(q, 10);
    expect([r.pos, r.count]).toEqual([2 ** 32 - 3, 3]);
    expect(r.messages).toEqual(ms);
    expect(q.head()).toBe(4);
  });

  it('pushBatch records taken by takeMany arrive as the same messages', () => {
    const q = q8();
    const ms = batchOf([3, 17, 8, 0]);
    q.writeRecords(q.scratch(SRC), ms);
    expect(q.ops.pushBatch(q.scratch(SRC), 4)).toBe(4);
    const r = took(q, 4);
    expect(r.count).toBe(4);
    expect(r.messages).toEqual(ms);
  });
});
