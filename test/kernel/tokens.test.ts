// Two-phase operations pass a position token: claimWrite returns the claimed
// position, publishWrite takes it back; claimRead returns the taken position,
// readLength and releaseRead take it back. Tokens are u32 positions carried
// in an f64, so they stay non-negative across 2^31 and wrap at 2^32.
import { describe, expect, it } from 'vitest';
import { L, RawQueue, pattern, wrap, type Ops } from './support.js';

/** Pushes through claimWrite + a copy into the ring + publishWrite; returns the token. */
function pushTwoPhase(q: RawQueue, ops: Ops, bytes: Uint8Array): number {
  const pos = ops.claimWrite(bytes.length);
  expect(pos).toBeGreaterThanOrEqual(0);
  q.ringWrite(pos, bytes);
  expect(ops.publishWrite(pos, bytes.length)).toBe(1);
  return pos;
}

/** Pops through claimRead + readLength + a copy out of the ring + releaseRead. */
function popTwoPhase(q: RawQueue, ops: Ops): { pos: number; bytes: Uint8Array } {
  const pos = ops.claimRead();
  expect(pos).toBeGreaterThanOrEqual(0);
  const len = ops.readLength(pos);
  expect(len).toBeGreaterThanOrEqual(0);
  const bytes = q.ringRead(pos, len);
  expect(ops.releaseRead(pos)).toBe(1);
  return { pos, bytes };
}

describe('claim tokens', () => {
  it('claimWrite returns consecutive positions: each claim starts where the previous claim\'s slots end', () => {
    const start = 1000;
    const q = new RawQueue({ capacity: 16, slotBytes: 8, startPos: start });
    const lens = [8, 20, 0, 16, 1, 9];
    const tokens = lens.map((len) => q.ops.claimWrite(len));
    // slots: 1, 3, 1 (an empty message still takes a cell), 2, 1, 2
    expect(tokens).toEqual([1000, 1001, 1004, 1005, 1007, 1008]);
    expect(q.tail()).toBe(1010);
    lens.forEach((len, i) => {
      q.ringWrite(tokens[i], pattern(len, i));
      expect(q.ops.publishWrite(tokens[i], len)).toBe(1);
    });
    lens.forEach((len, i) => expect(q.pop(q.ops), `message ${i}`).toEqual(pattern(len, i)));
  });

  it('tokens work across the 2^32 wrap: positions run up to 2^32 - 1 and continue at 0, small and non-negative', () => {
    const cap = 8;
    const start = 2 ** 32 - cap - 3;
    const q = new RawQueue({ capacity: cap, slotBytes: 8, maxMessageBytes: 32, startPos: start });
    const peer = q.peer();
    let expected = start;
    const seenWrites: number[] = [];
    const seenReads: number[] = [];
    for (let i = 0; i < 24; i++) {
      const len = [3, 17, 8, 0, 24][i % 5];
      const bytes = pattern(len, i);
      if (i % 2) {
        seenWrites.push(pushTwoPhase(q, q.ops, bytes));
      } else {
        expect(q.push(q.ops, bytes)).toBe(1);
        seenWrites.push(expected);
      }
      if (i % 3) {
        const got = popTwoPhase(q, peer);
        seenReads.push(got.pos);
        expect(got.bytes, `message ${i}`).toEqual(bytes);
      } else {
        expect(q.pop(peer), `message ${i}`).toEqual(bytes);
        seenReads.push(expected);
      }
      expect(seenWrites[i]).toBe(expected);
      expect(seenReads[i]).toBe(expected);
      expected = wrap(expected + q.slotsFor(len));
    }
    expect(seenWrites.some((p) => p > 2 ** 31)).toBe(true);
    expect(seenWrites.some((p) => p < 64)).toBe(true); // wrapped to small numbers
    expect(q.head()).toBe(expected);
    expect(q.tail()).toBe(expected);
    expect(expected).toBeLessThan(64);
  });

  it('publishWrite with a token publishes exactly that claim and no other', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 8 });
    const p1 = q.ops.claimWrite(8);
    const p2 = q.ops.claimWrite(8);
    q.ringWrite(p2, pattern(8, 2));
    expect(q.ops.publishWrite(p2, 8)).toBe(1);
    expect(q.cell(p2).state).toBe(L.STATE_READY);
    expect(q.cell(p1).state).toBe(L.STATE_WRITING); // untouched
    expect(q.ops.headLength()).toBe(-L.R_BUSY);
    q.ringWrite(p1, pattern(8, 1));
    expect(q.ops.publishWrite(p1, 8)).toBe(1);
    expect(q.pop(q.ops)).toEqual(pattern(8, 1));
    expect(q.pop(q.ops)).toEqual(pattern(8, 2));
  });

  it('two outstanding claims from two instances, published out of order, are popped in claim order', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 8, startPos: 2 ** 31 - 1 });
    const a = q.peer();
    const b = q.peer();
    const consumer = q.peer();
    const pa = a.claimWrite(20);
    const pb = b.claimWrite(5);
    expect(pb).toBe(wrap(pa + 3));
    q.ringWrite(pb, pattern(5, 2));
    expect(b.publishWrite(pb, 5)).toBe(1);
    // b's message is published, but a's claim comes first: the head waits for it
    expect(consumer.tryPop(q.scratch(1), 64)).toBe(-L.R_BUSY);
    expect(consumer.stallPosition()).toBe(pa);
    q.ringWrite(pa, pattern(20, 1));
    expect(a.publishWrite(pa, 20)).toBe(1);
    expect(q.pop(consumer)).toEqual(pattern(20, 1));
    expect(q.pop(consumer)).toEqual(pattern(5, 2));
    expect(q.pop(consumer)).toBe(-L.R_EMPTY);
  });

  it('readLength and releaseRead take the token: two readers finish their claims in either order', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 8, startPos: 2 ** 32 - 1 });
    expect(q.push(q.ops, pattern(12, 1))).toBe(1);
    expect(q.push(q.ops, pattern(3, 2))).toBe(1);
    const r1 = q.peer();
    const r2 = q.peer();
    const t1 = r1.claimRead();
    const t2 = r2.claimRead();
    expect([t1, t2]).toEqual([2 ** 32 - 1, 1]); // the second token is past the wrap
    expect(r2.readLength(t2)).toBe(3);
    expect(r1.readLength(t1)).toBe(12);
    expect(q.ringRead(t2, 3)).toEqual(pattern(3, 2));
    expect(q.ringRead(t1, 12)).toEqual(pattern(12, 1));
    expect(r2.releaseRead(t2)).toBe(1);
    expect(r1.releaseRead(t1)).toBe(1);
    expect(q.ops.usedCells()).toBe(0);
  });

  it('a read token is spent by releaseRead: using it again returns -R_RECLAIMED', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 8 });
    expect(q.push(q.ops, pattern(8, 1))).toBe(1);
    const t = q.ops.claimRead();
    expect(q.ops.releaseRead(t)).toBe(1);
    expect(q.ops.readLength(t)).toBe(-L.R_RECLAIMED);
    expect(q.ops.releaseRead(t)).toBe(-L.R_RECLAIMED);
  });

  it('claimRead takes a head message larger than any destination (it has no size limit), unlike tryPop', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 8 });
    expect(q.push(q.ops, pattern(64, 4))).toBe(1);
    expect(q.ops.tryPop(q.scratch(1), 63)).toBe(-L.R_TOO_BIG);
    const t = q.ops.claimRead();
    expect(t).toBe(0);
    expect(q.ops.readLength(t)).toBe(64);
    expect(q.ringRead(t, 64)).toEqual(pattern(64, 4));
  });

  // stallPosition() was once exported as u32, which JavaScript receives as a
  // signed i32: 2^32 - 2 read as -2. It is an f64 now, like the tokens.
  it('stallPosition() reports a position >= 2^31 as the same number the claim token carries', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 8, startPos: 2 ** 32 - 2 });
    const writer = q.peer();
    const pos = writer.claimWrite(8);
    expect(pos).toBe(2 ** 32 - 2);
    expect(q.ops.tryPop(q.scratch(1), 64)).toBe(-L.R_BUSY);
    expect(q.ops.stallPosition()).toBe(pos);
  });
});
