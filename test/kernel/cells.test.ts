// The cell word, read straight from shared memory (BigUint64Array at
// OFF_CELLS + (pos & mask) * 8, Atomics.load), through a message's life:
//   claim    seq = pos,       WRITING,   value = slots
//   publish  seq = pos + 1,   READY,     value = length
//   release  seq = pos + cap, FREE,      value = 0
//   reclaimWrite: seq = pos,  ABANDONED, value = slots
// Continuation cells stay FREE with seq = their position until the release,
// which advances their seq by capacity.
import { describe, expect, it } from 'vitest';
import { L, RawQueue, pattern, wrap } from './support.js';

const CAP = 8;
/** Cells of positions pos .. pos + n - 1. */
const cellsOf = (q: RawQueue, pos: number, n: number) => Array.from({ length: n }, (_, i) => q.cell(wrap(pos + i)));
const free = (seq: number) => ({ seq: wrap(seq), state: L.STATE_FREE, value: 0 });

// The first message sits at 2^32 - 2 and spans 3 cells: 2^32 - 2, 2^32 - 1, 0.
const START = 2 ** 32 - 2;
const fresh = () => new RawQueue({ capacity: CAP, slotBytes: 8, startPos: START });

describe('cell words', () => {
  it('the word packs seq in the low 32 bits, then value (29 bits), then state (top 3 bits)', () => {
    const q = fresh();
    const pos = q.ops.claimWrite(20);
    // WRITING (1) << 29 | 3 slots = 0x20000003 in the high word; seq = pos in the low word
    expect(q.cellWord(pos)).toBe((0x20000003n << 32n) | BigInt(pos));
    expect(q.ops.publishWrite(pos, 20)).toBe(1);
    // READY (2) << 29 | 20 bytes
    expect(q.cellWord(pos)).toBe((0x40000014n << 32n) | BigInt(wrap(pos + 1)));
  });

  it('claimWrite: the first cell is WRITING with value = slots, seq = pos; continuation cells stay FREE at their own seq', () => {
    const q = fresh();
    const pos = q.ops.claimWrite(20);
    expect(pos).toBe(START);
    expect(cellsOf(q, pos, 4)).toEqual([
      { seq: pos, state: L.STATE_WRITING, value: 3 },
      free(pos + 1),
      free(pos + 2),
      free(pos + 3), // not part of the claim
    ]);
  });

  it('publishWrite: the first cell becomes seq = pos + 1, READY, value = length; continuation cells unchanged', () => {
    const q = fresh();
    const pos = q.ops.claimWrite(20);
    expect(q.ops.publishWrite(pos, 20)).toBe(1);
    expect(cellsOf(q, pos, 3)).toEqual([{ seq: wrap(pos + 1), state: L.STATE_READY, value: 20 }, free(pos + 1), free(pos + 2)]);
  });

  it('claimRead moves the head but leaves the cells; releaseRead frees every cell of the message for the next lap', () => {
    const q = fresh();
    expect(q.push(q.ops, pattern(20, 1))).toBe(1);
    const before = cellsOf(q, START, 3);
    const t = q.ops.claimRead();
    expect(q.head()).toBe(wrap(START + 3));
    expect(cellsOf(q, START, 3)).toEqual(before);
    expect(q.ops.releaseRead(t)).toBe(1);
    expect(cellsOf(q, START, 3)).toEqual([free(START + CAP), free(START + 1 + CAP), free(START + 2 + CAP)]);
  });

  it('tryPop releases the same way: first and continuation cells advance by capacity, FREE', () => {
    const q = fresh();
    expect(q.push(q.ops, pattern(20, 1))).toBe(1);
    expect(q.pop(q.ops)).toEqual(pattern(20, 1));
    expect(cellsOf(q, START, 3)).toEqual([free(START + CAP), free(START + 1 + CAP), free(START + 2 + CAP)]);
  });

  it('takeMany + releaseMany release every cell of every message taken', () => {
    const q = fresh();
    expect(q.push(q.ops, pattern(20, 1))).toBe(1);
    expect(q.push(q.ops, pattern(9, 2))).toBe(1);
    expect(q.ops.takeMany(8)).toBe(START + 2 * 2 ** 32); // pos START, count 2
    expect(q.ops.releaseMany(START, 2)).toBe(2);
    expect(cellsOf(q, START, 5)).toEqual([0, 1, 2, 3, 4].map((i) => free(START + i + CAP)));
  });

  it('a zero-length message takes one cell: READY with value 0', () => {
    const q = fresh();
    const pos = q.ops.claimWrite(0);
    expect(q.cell(pos)).toEqual({ seq: pos, state: L.STATE_WRITING, value: 1 });
    expect(q.ops.publishWrite(pos, 0)).toBe(1);
    expect(q.cell(pos)).toEqual({ seq: wrap(pos + 1), state: L.STATE_READY, value: 0 });
    expect(q.tail()).toBe(wrap(pos + 1));
    expect(q.pop(q.ops)).toEqual(new Uint8Array(0));
  });

  it('reclaimWrite marks the claim ABANDONED with value = slots; the slow producer\'s publish then recycles all its cells', () => {
    const q = fresh();
    const writer = q.peer();
    const pos = writer.claimWrite(20);
    expect(q.ops.tryPop(q.scratch(1), 256)).toBe(-L.R_BUSY);
    expect(q.ops.reclaimWrite(pos)).toBe(1);
    expect(cellsOf(q, pos, 3)).toEqual([{ seq: pos, state: L.STATE_ABANDONED, value: 3 }, free(pos + 1), free(pos + 2)]);
    expect(writer.publishWrite(pos, 20)).toBe(-L.R_RECLAIMED);
    expect(cellsOf(q, pos, 3)).toEqual([free(pos + CAP), free(pos + 1 + CAP), free(pos + 2 + CAP)]);
  });

  it('reclaimRead frees a taken, unreleased message: first and continuation cells advance by capacity', () => {
    const q = new RawQueue({ capacity: 4, slotBytes: 8, startPos: START });
    expect(q.push(q.ops, pattern(20, 1))).toBe(1); // 3 cells
    expect(q.push(q.ops, pattern(8, 2))).toBe(1); // the 4th
    const reader = q.peer();
    const t = reader.claimRead();
    expect(q.push(q.ops, pattern(8, 3))).toBe(-L.R_BUSY);
    expect(q.ops.reclaimRead(t)).toBe(1);
    expect(cellsOf(q, START, 3)).toEqual([free(START + 4), free(START + 5), free(START + 6)]);
  });

  it('a full lap later the same cell carries the next lap\'s seq through the same states', () => {
    const q = fresh();
    for (let lap = 0; lap < 3; lap++) {
      const pos = wrap(START + lap * CAP);
      for (let i = 0; i < CAP; i++) {
        const p = q.ops.claimWrite(8);
        expect(p).toBe(wrap(pos + i));
        expect(q.cell(p)).toEqual({ seq: p, state: L.STATE_WRITING, value: 1 });
        expect(q.ops.publishWrite(p, 8)).toBe(1);
      }
      for (let i = 0; i < CAP; i++) {
        const p = wrap(pos + i);
        expect(q.cell(p)).toEqual({ seq: wrap(p + 1), state: L.STATE_READY, value: 8 });
        expect(q.ops.claimRead()).toBe(p);
        expect(q.ops.releaseRead(p)).toBe(1);
        expect(q.cell(p)).toEqual(free(p + CAP));
      }
    }
  });
});
