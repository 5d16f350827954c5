// In-place batches, consumer side (assembly/inplace.ts): takeMany takes up to
// `max` published messages at the head with one head CAS and returns a token
// pos + count * 2^32; the caller reads each message where it lies (walking
// the cell words from pos, skipping WITHDRAWN claims taken along); then
// releaseMany frees them all, the later ones by plain stores and then the
// first by CAS. Also: reclaimWrite giving up the impossible (seq == pos,
// READY) head word that a late release store can leave, and the MAX_MANY cap
// of both claimMany and takeMany. Every case runs at a start position whose
// batches cross the 2^32 wrap (and at one that does not); in the 8-cell rings
// both sit 3 cells before the data ring's end.
import { describe, expect, it } from 'vitest';
import {
  L, RawQueue, cellsOf, fillBatch, freeCell, pattern, reclaimStats, ringWords, token, tokenCount, tokenPos, wrap,
  type Ops,
} from './support.js';

const STARTS = [5, 2 ** 32 - 3];
const q8 = (startPos: number) => new RawQueue({ capacity: 8, slotBytes: 8, maxMessageBytes: 64, startPos });

function expectCode(result: number, code: number, what: string) {
  expect(Number.isInteger(result), what).toBe(true);
  expect(result, what).toBe(-code);
}

/** A queue holding messages of these lengths (pushed one by one), and the messages. */
function holding(start: number, lens: number[], seed = 0) {
  const q = q8(start);
  const ms = lens.map((len, i) => pattern(len, seed + i));
  for (const m of ms) expect(q.push(q.ops, m)).toBe(1);
  return { q, ms };
}

/** takeMany that must succeed: the token's parts. */
function take(ops: Ops, max: number): { pos: number; n: number } {
  const t = ops.takeMany(max);
  expect(t, `takeMany(${max})`).toBeGreaterThanOrEqual(0);
  return { pos: tokenPos(t), n: tokenCount(t) };
}

/** Pops through tryPop until the queue is empty. */
function drain(q: RawQueue, ops: Ops): Uint8Array[] {
  const out = [];
  for (let r = q.pop(ops); r instanceof Uint8Array; r = q.pop(ops)) out.push(r);
  expect(ops.headLength()).toBe(-L.R_EMPTY);
  return out;
}

const ready = (p: number, len: number) => ({ seq: wrap(p + 1), state: L.STATE_READY, value: len });

describe.each(STARTS)('takeMany (start %d)', (start) => {
  it('takes every published message with one head CAS: the head moves past all, the cells stay READY until released', () => {
    const { q, ms } = holding(start, [8, 20, 0]); // 1 + 3 + 1 cells
    const before = cellsOf(q, start, 5);
    expect(q.ops.takeMany(10)).toBe(start + 3 * 2 ** 32);
    expect(q.head()).toBe(wrap(start + 5));
    expect(cellsOf(q, start, 5)).toEqual(before);
    expect(q.batchAt(start, 3)).toEqual([
      { pos: start, len: 8 }, { pos: wrap(start + 1), len: 20 }, { pos: wrap(start + 4), len: 0 },
    ]);
    expect(q.batchAt(start, 3).map((m) => q.ringRead(m.pos, m.len))).toEqual(ms);
    expectCode(q.peer().takeMany(10), L.R_EMPTY, 'taken: another consumer finds nothing');
  });

  it('takes at most max; max 0 returns a 0-count token at the head and takes nothing', () => {
    const { q, ms } = holding(start, [1, 2, 3, 4]);
    expect(q.ops.takeMany(0)).toBe(token(start, 0));
    expect(q.head()).toBe(start);
    expect(q.take(q.ops, 2)).toEqual({ pos: start, count: 2, messages: ms.slice(0, 2), released: 2 });
    expect(q.ops.takeMany(0)).toBe(token(start + 2, 0));
    expect(q.take(q.ops, 2)).toEqual({ pos: wrap(start + 2), count: 2, messages: ms.slice(2), released: 2 });
    // on an empty queue, max 0 reports EMPTY like any take (it looks at the head first)
    expectCode(q.ops.takeMany(0), L.R_EMPTY, 'max 0, empty');
  });

  it('takes multi-slot messages that fill the whole ring and run past its end, byte-identical in place', () => {
    const { q, ms } = holding(start, [20, 30, 5]); // 3 + 4 + 1 = 8 cells
    expect(q.take(q.ops, 8)).toEqual({ pos: start, count: 3, messages: ms, released: 3 });
    const big = pattern(64, 9); // one message of all 8 cells
    expect(q.push(q.ops, big)).toBe(1);
    expect(q.take(q.ops, 8)).toMatchObject({ count: 1, messages: [big], released: 1 });
  });

  it('stops at an unpublished cell: takes the messages before it, then BUSY (stallPosition names it) until it is published', () => {
    const q = q8(start);
    const writer = q.peer();
    expect(q.push(q.ops, pattern(8, 1))).toBe(1);
    expect(q.push(q.ops, pattern(12, 2))).toBe(1);
    const pos = writer.claimWrite(20);
    expect(q.push(q.ops, pattern(8, 4))).toBe(1);
    expect(q.take(q.ops, 8)).toMatchObject({ count: 2, messages: [pattern(8, 1), pattern(12, 2)], released: 2 });
    expectCode(q.ops.takeMany(8), L.R_BUSY, 'BUSY');
    expect(q.ops.stallPosition()).toBe(pos);
    q.ringWrite(pos, pattern(20, 3));
    expect(writer.publishWrite(pos, 20)).toBe(1);
    expect(q.take(q.ops, 8)).toMatchObject({ pos, count: 2, messages: [pattern(20, 3), pattern(8, 4)], released: 2 });
  });

  it('EMPTY, CLOSED and BUSY are exact negative codes; a closed queue is drained first', () => {
    const q = q8(start);
    expectCode(q.ops.takeMany(4), L.R_EMPTY, 'EMPTY');
    const writer = q.peer();
    const pos = writer.claimWrite(8);
    expectCode(q.ops.takeMany(4), L.R_BUSY, 'BUSY');
    q.ops.close();
    expectCode(q.ops.takeMany(4), L.R_BUSY, 'BUSY while a claim made before close is unpublished');
    q.ringWrite(pos, pattern(8, 1));
    expect(writer.publishWrite(pos, 8)).toBe(1);
    expect(q.take(q.ops, 4)).toMatchObject({ count: 1, messages: [pattern(8, 1)], released: 1 });
    expectCode(q.ops.takeMany(4), L.R_CLOSED, 'CLOSED');
    expectCode(q.ops.takeMany(0), L.R_CLOSED, 'CLOSED, max 0');
  });

  it('takes the messages on both sides of a withdrawn claim in one token (count excludes it); releaseMany recycles its cells too', () => {
    const q = q8(start);
    const producer = q.peer();
    expect(q.push(producer, pattern(8, 1))).toBe(1);
    const w = tokenPos(producer.claimMany(8, 2)); // 2 cells, given up
    producer.withdrawMany(w, 2, 8);
    expect(q.push(producer, pattern(20, 2))).toBe(1);
    expect(q.push(producer, pattern(8, 3))).toBe(1);
    const { pos, n } = take(q.ops, 8);
    expect([pos, n]).toEqual([start, 3]);
    expect(q.head()).toBe(wrap(start + 7)); // past the withdrawn claim and all three messages
    expect(q.batchAt(pos, n)).toEqual([{ pos: start, len: 8 }, { pos: wrap(start + 3), len: 20 }, { pos: wrap(start + 6), len: 8 }]);
    expect(q.ops.releaseMany(pos, n)).toBe(3);
    expect(cellsOf(q, start, 7)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => freeCell(start + 8 + i)));
    // a whole lap fits again, no stall
    for (let i = 0; i < 8; i++) expect(q.push(producer, pattern(8, 10 + i))).toBe(1);
    expect(reclaimStats(q)).toEqual([0, 0, 0]);
  });

  it('a withdrawn claim right after the messages taken stays for the next pop to skip and recycle', () => {
    const q = q8(start);
    expect(q.push(q.ops, pattern(8, 1))).toBe(1);
    const w = tokenPos(q.ops.claimMany(8, 3));
    q.ops.withdrawMany(w, 3, 8);
    expect(take(q.ops, 8)).toEqual({ pos: start, n: 1 });
    expect(q.head()).toBe(wrap(start + 1));
    expect(q.cell(w)).toEqual({ seq: w, state: L.STATE_WITHDRAWN, value: 3 });
    expect(q.ops.releaseMany(start, 1)).toBe(1);
    expectCode(q.ops.takeMany(8), L.R_EMPTY, 'only the withdrawn claim is left');
    expect(cellsOf(q, w, 3)).toEqual([0, 1, 2].map((i) => freeCell(w + 8 + i)));
  });
});

describe.each(STARTS)('releaseMany (start %d)', (start) => {
  it('frees every cell of every message, continuation cells included, for the next lap; returns count', () => {
    const { q } = holding(start, [20, 8, 12]); // 3 + 1 + 2 cells
    const { pos, n } = take(q.ops, 8);
    const after = cellsOf(q, start + 6, 2);
    expect(q.ops.releaseMany(pos, n)).toBe(3);
    expect(cellsOf(q, start, 6)).toEqual([0, 1, 2, 3, 4, 5].map((i) => freeCell(start + 8 + i)));
    expect(cellsOf(q, start + 6, 2)).toEqual(after); // past the take: untouched
    expect(q.ops.usedCells()).toBe(0);
  });

  it('releases only its own take: another consumer\'s take behind it stays held until that one releases', () => {
    const { q, ms } = holding(start, [8, 8, 20, 8]);
    const [c1, c2] = [q.peer(), q.peer()];
    const a = take(c1, 2);
    const b = take(c2, 2);
    expect(b).toEqual({ pos: wrap(start + 2), n: 2 });
    expect(q.batchAt(b.pos, 2).map((m) => q.ringRead(m.pos, m.len))).toEqual(ms.slice(2));
    expect(c2.releaseMany(b.pos, 2)).toBe(2);
    expect(cellsOf(q, start, 2)).toEqual([ready(start, 8), ready(start + 1, 8)]);
    expect(q.push(q.ops, pattern(8, 9))).toBe(1); // the ring's last two free cells
    expect(q.push(q.ops, pattern(8, 10))).toBe(1);
    expectCode(q.ops.claimWrite(8), L.R_BUSY, 'c1 still holds its cells');
    expect(c1.releaseMany(a.pos, 2)).toBe(2);
    expect(q.ops.claimWrite(8)).toBe(wrap(start + 8));
  });

  it('if a producer reclaimed the first message (the consumer stalled), returns 0 and touches nothing; the rest are reclaimed one stall each', () => {
    const { q, ms } = holding(start, [8, 8, 8, 8]); // ring of 4 slots used, 4 free
    const [slow, producer] = [q.peer(), q.peer()];
    for (let i = 0; i < 4; i++) expect(q.push(producer, pattern(8, 10 + i))).toBe(1);
    expect(take(slow, 3)).toEqual({ pos: start, n: 3 });
    expectCode(producer.claimMany(8, 1), L.R_BUSY, 'the taken message holds its cell');
    expect(producer.stallPosition()).toBe(start);
    expect(producer.reclaimRead(start)).toBe(1);
    const before = ringWords(q);
    expect(slow.releaseMany(start, 3)).toBe(0);
    expect(ringWords(q)).toEqual(before);
    for (let i = 1; i < 3; i++) {
      expect(producer.claimWrite(8)).toBeGreaterThanOrEqual(0); // the cell reclaimed last
      expectCode(producer.claimMany(8, 1), L.R_BUSY, `message ${i}`);
      expect(producer.stallPosition()).toBe(wrap(start + i));
      expect(producer.reclaimRead(wrap(start + i))).toBe(1);
    }
    expect(reclaimStats(q)).toEqual([0, 3, 0]);
    // the untaken message and the producer's follow, in order (the two claimWrite claims are published now)
    for (let i = 0; i < 2; i++) {
      q.ringWrite(wrap(start + 8 + i), pattern(8, 20 + i));
      expect(producer.publishWrite(wrap(start + 8 + i), 8)).toBe(1);
    }
    expect(drain(q, q.ops)).toEqual([ms[3], ...[10, 11, 12, 13, 20, 21].map((s) => pattern(8, s))]);
  });

  // Releasing a 0-count token (takeMany(0) on a non-empty queue) must free
  // nothing: freeing the untaken head message would lose it and leave a head
  // that every later pop spins on. (Not popping after it: that would hang.)
  it('releaseMany(pos, 0) of a 0-count take frees nothing: the untaken head message stays READY', () => {
    const { q } = holding(start, [8, 8]);
    const t = q.ops.takeMany(0);
    expect(t).toBe(token(start, 0));
    const before = ringWords(q);
    expect(q.ops.releaseMany(tokenPos(t), tokenCount(t))).toBe(0);
    expect(q.cell(start)).toEqual(ready(start, 8));
    expect(ringWords(q)).toEqual(before);
  });
});

describe.each(STARTS)('the 0-count claim token (start %d)', (start) => {
  it('withdrawMany of a 0-count claim changes nothing', () => {
    const q = q8(start);
    const t = q.ops.claimMany(8, 0);
    const before = ringWords(q);
    q.ops.withdrawMany(tokenPos(t), 0, 8);
    expect(ringWords(q)).toEqual(before);
  });

  // publishMany(pos, 0, len) publishes nothing and counts no retried write
  // (OFF_RETRIED_WRITES counts slow producers whose claim was reclaimed).
  it('publishMany of a 0-count claim changes nothing and counts no retried write', () => {
    const q = q8(start);
    const t = q.ops.claimMany(8, 0);
    const before = ringWords(q);
    expect(q.ops.publishMany(tokenPos(t), 0, 8)).toBe(0);
    expect(ringWords(q)).toEqual(before);
    expect(reclaimStats(q)).toEqual([0, 0, 0]);
  });
});

describe.each(STARTS)('reclaimWrite and the impossible (seq == pos, READY) head word (start %d)', (start) => {
  it('gives up that message: returns 1, the head moves past slotsFor(len) cells, RECLAIMED_WRITES counts it; the queue goes on', () => {
    const q = q8(start);
    const [consumer, producer] = [q.peer(), q.peer()];
    // one lap of traffic, so the message below is the cell's second lap
    for (let i = 0; i < 8; i++) expect(q.push(producer, pattern(8, i))).toBe(1);
    expect(drain(q, consumer)).toHaveLength(8);
    const h = wrap(start + 8);
    expect(q.push(producer, pattern(20, 1))).toBe(1); // 3 cells at h
    expect(q.push(producer, pattern(8, 2))).toBe(1);
    // A consumer of the previous lap declared dead, resuming inside release(),
    // does its late plain store seq = (h - cap) + cap = h into the first cell
    // of this published message, leaving (seq == h, READY, 20). That store is
    // inside a kernel call of a thread that stalled past the stall timeout: no
    // export stops there, so write the low (seq) word directly, as it would.
    q.u32[(q.g.cells >> 2) + (h & q.mask) * 2] = h;
    expect(q.cell(h)).toEqual({ seq: h, state: L.STATE_READY, value: 20 });
    expectCode(consumer.tryPop(q.scratch(1), 64), L.R_BUSY, 'the head word is unpublished-looking');
    expect(consumer.stallPosition()).toBe(h);
    expectCode(consumer.takeMany(8), L.R_BUSY, 'takeMany too');
    expect(consumer.reclaimWrite(h)).toBe(1);
    expect(consumer.reclaimWrite(h)).toBe(0);
    expect(q.head()).toBe(wrap(h + 3));
    expect(q.cell(h)).toEqual({ seq: h, state: L.STATE_ABANDONED, value: 3 });
    expect(reclaimStats(q)).toEqual([1, 0, 0]);
    expect(drain(q, consumer)).toEqual([pattern(8, 2)]);
    // the next lap: the abandoned claim holds its cell until a producer recycles it, then laps go on
    for (let i = 0; i < 4; i++) expect(q.push(producer, pattern(8, 20 + i))).toBe(1);
    expectCode(producer.claimMany(8, 1), L.R_BUSY, 'the abandoned claim');
    expect(producer.stallPosition()).toBe(h);
    expect(producer.reclaimRead(h)).toBe(1);
    expect(drain(q, consumer)).toEqual([20, 21, 22, 23].map((i) => pattern(8, i)));
    for (let lap = 0; lap < 3; lap++) {
      const t = producer.claimMany(8, 8);
      expect(tokenCount(t)).toBe(8);
      const ms = fillBatch(q, tokenPos(t), 8, 8, 40 + lap * 8);
      expect(producer.publishMany(tokenPos(t), 8, 8)).toBe(8);
      expect(drain(q, consumer)).toEqual(ms);
    }
    expect(reclaimStats(q)).toEqual([1, 0, 0]);
  });

  it('a READY head word of the right lap (seq == pos + 1) is published, not reclaimable', () => {
    const q = q8(start);
    expect(q.push(q.ops, pattern(20, 1))).toBe(1);
    expect(q.ops.reclaimWrite(start)).toBe(0);
    expect(q.pop(q.ops)).toEqual(pattern(20, 1));
    expect(reclaimStats(q)).toEqual([0, 0, 0]);
  });
});

describe('MAX_MANY', () => {
  it('claimMany and takeMany carry at most MAX_MANY messages; the token stays exact across the 2^32 wrap', () => {
    const M = L.MAX_MANY;
    const start = 2 ** 32 - 3;
    const q = new RawQueue({ capacity: 2 * M, slotBytes: 8, maxMessageBytes: 64, startPos: start, scratchAreas: 2 });
    const t1 = q.ops.claimMany(1, M + 5);
    expect(t1).toBe(start + M * 2 ** 32);
    expect([tokenPos(t1), tokenCount(t1)]).toEqual([start, M]);
    const t2 = q.ops.claimMany(1, 0xffffffff); // the largest u32
    expect(t2).toBe(token(start + M, M));
    expect(q.ops.publishMany(start, M, 1)).toBe(M);
    expect(q.ops.publishMany(wrap(start + M), M, 1)).toBe(M);
    expect(q.ops.takeMany(M + 5)).toBe(t1);
    expect(q.ops.releaseMany(start, M)).toBe(M);
    expect(q.ops.takeMany(0xffffffff)).toBe(t2);
    expect(q.ops.releaseMany(wrap(start + M), M)).toBe(M);
    expect(q.ops.usedCells()).toBe(0);
  });
});
