// In-place batches, producer side (assembly/inplace.ts): claimMany claims up
// to `count` messages of one length with one tail CAS and returns a token
// pos + count * 2^32 (an f64); the caller writes each message where it lies
// (message i at pos + i * slotsFor(len)); publishMany makes them READY, the
// later ones by plain stores and then the first by CAS; withdrawMany gives
// the batch up. The first message's cell speaks for the batch: WRITING or
// WITHDRAWN with value = every cell of the batch. The consumer side is in
// inplace-take.test.ts. Every case runs at a start position whose batches
// cross the 2^32 wrap (and at one that does not); in the 8-cell rings both
// sit 3 cells before the data ring's end.
import { describe, expect, it } from 'vitest';
import {
  L, RawQueue, cellsOf, fillBatch, freeCell, pattern, reclaimStats, ringWords, token, tokenCount, tokenPos, wrap,
  type Ops,
} from './support.js';

const STARTS = [5, 2 ** 32 - 3];
const q8 = (startPos: number, maxMessageBytes = 64) => new RawQueue({ capacity: 8, slotBytes: 8, maxMessageBytes, startPos });

function expectCode(result: number, code: number, what: string) {
  expect(Number.isInteger(result), what).toBe(true);
  expect(result, what).toBe(-code);
}

/** claimMany that must succeed: the token's parts. */
function claim(ops: Ops, len: number, count: number): { pos: number; n: number } {
  const t = ops.claimMany(len, count);
  expect(t, `claimMany(${len}, ${count})`).toBeGreaterThanOrEqual(0);
  return { pos: tokenPos(t), n: tokenCount(t) };
}

/** claimMany + bytes written in place + publishMany; returns the messages. */
function publishBatch(q: RawQueue, ops: Ops, len: number, count: number, seed: number): Uint8Array[] {
  const { pos, n } = claim(ops, len, count);
  expect(n).toBe(count);
  const ms = fillBatch(q, pos, n, len, seed);
  expect(ops.publishMany(pos, n, len)).toBe(n);
  return ms;
}

/** Pops through tryPop until the queue is empty. */
function drain(q: RawQueue, ops: Ops): Uint8Array[] {
  const out = [];
  for (let r = q.pop(ops); r instanceof Uint8Array; r = q.pop(ops)) out.push(r);
  expect(ops.headLength()).toBe(-L.R_EMPTY);
  return out;
}

describe.each(STARTS)('claimMany (start %d)', (start) => {
  it('returns pos + count * 2^32: the tail position and the count; the tail moves by count * slotsFor(len)', () => {
    const q = new RawQueue({ capacity: 16, slotBytes: 8, startPos: start });
    const t1 = q.ops.claimMany(20, 2); // 3 cells each
    expect(t1).toBe(start + 2 * 2 ** 32);
    expect([tokenPos(t1), tokenCount(t1)]).toEqual([start, 2]);
    expect(q.tail()).toBe(wrap(start + 6));
    const t2 = q.ops.claimMany(8, 3);
    expect(t2).toBe(token(start + 6, 3)); // the position past the 2^32 wrap is small again
    expect(q.tail()).toBe(wrap(start + 9));
    const t3 = q.ops.claimMany(0, 2); // an empty message still takes a cell
    expect(t3).toBe(token(start + 9, 2));
    expect(q.tail()).toBe(wrap(start + 11));
  });

  it('the first cell becomes WRITING with value = every cell of the batch; later cells stay FREE with seq = p', () => {
    const q = new RawQueue({ capacity: 16, slotBytes: 8, startPos: start });
    const { pos } = claim(q.ops, 20, 3);
    expect(cellsOf(q, pos, 10)).toEqual([
      { seq: pos, state: L.STATE_WRITING, value: 9 },
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => freeCell(pos + i)), // the 9th is past the batch
    ]);
  });

  it('claims the longest run of whole messages that fit: a partial count, the rest is left for later', () => {
    const q = q8(start);
    expect(claim(q.ops, 20, 5)).toEqual({ pos: start, n: 2 }); // 6 of 8 cells; a third needs 3
    expect(q.tail()).toBe(wrap(start + 6));
    expect(q.cell(start).value).toBe(6);
    expectCode(q.ops.claimMany(20, 1), L.R_FULL, 'no room for one more');
    expect(claim(q.ops, 8, 5)).toEqual({ pos: wrap(start + 6), n: 2 }); // the 2 cells that are left
    expect(q.tail()).toBe(wrap(start + 8));
  });

  it('a cell still held by a reader ends the run: the messages before it are claimed, not BUSY', () => {
    const q = q8(start);
    for (let i = 0; i < 8; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
    expect(q.pop(q.ops)).toEqual(pattern(8, 0));
    const reader = q.peer();
    expect(reader.claimRead()).toBe(wrap(start + 1)); // taken, not released
    expect(claim(q.ops, 8, 4)).toEqual({ pos: wrap(start + 8), n: 1 });
    expectCode(q.ops.claimMany(8, 4), L.R_BUSY, 'now the held cell is first');
    expect(q.ops.stallPosition()).toBe(wrap(start + 1));
  });

  it('FULL, BUSY, CLOSED and OVERSIZE are exact negative codes, and nothing is claimed', () => {
    const q = q8(start);
    expectCode(q.ops.claimMany(65, 1), L.R_OVERSIZE, 'OVERSIZE');
    expect(q.tail()).toBe(start);
    for (let i = 0; i < 8; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
    expectCode(q.ops.claimMany(8, 3), L.R_FULL, 'FULL');
    const reader = q.peer();
    expect(reader.claimRead()).toBe(start);
    expectCode(q.ops.claimMany(8, 3), L.R_BUSY, 'BUSY');
    expect(q.ops.stallPosition()).toBe(start);
    expect(q.tail()).toBe(wrap(start + 8));
    q.ops.close();
    expectCode(q.ops.claimMany(8, 3), L.R_CLOSED, 'CLOSED');
    expectCode(q.ops.claimMany(8, 0), L.R_CLOSED, 'CLOSED, count 0');
    expectCode(q.ops.claimMany(65, 1), L.R_OVERSIZE, 'OVERSIZE before CLOSED');
  });

  it('count 0 returns a 0-count token at the tail and claims nothing, even on a full ring', () => {
    const q = q8(start);
    expect(q.ops.claimMany(8, 0)).toBe(token(start, 0));
    expect(q.tail()).toBe(start);
    for (let i = 0; i < 8; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
    const before = ringWords(q);
    expect(q.ops.claimMany(8, 0)).toBe(token(start + 8, 0));
    expect(ringWords(q)).toEqual(before);
  });
});

describe.each(STARTS)('publishMany (start %d)', (start) => {
  it('makes every message READY (seq p + 1, value len), continuation cells untouched; returns count', () => {
    const q = new RawQueue({ capacity: 16, slotBytes: 8, startPos: start });
    const { pos, n } = claim(q.ops, 20, 3);
    fillBatch(q, pos, n, 20, 0);
    expect(q.ops.publishMany(pos, n, 20)).toBe(3);
    const ready = (p: number) => ({ seq: wrap(p + 1), state: L.STATE_READY, value: 20 });
    expect(cellsOf(q, pos, 9)).toEqual([0, 3, 6].flatMap((i) => [ready(pos + i), freeCell(pos + i + 1), freeCell(pos + i + 2)]));
    expect(reclaimStats(q)).toEqual([0, 0, 0]);
  });

  it('consumers on other instances see every message in order, with the bytes written in place (tryPop, claimRead, takeMany)', () => {
    const q = new RawQueue({ capacity: 16, slotBytes: 8, startPos: start });
    const ms = publishBatch(q, q.peer(), 12, 6, 30); // 2 cells each, across the ring's end
    const [a, b, c] = [q.peer(), q.peer(), q.peer()];
    expect(q.pop(a)).toEqual(ms[0]);
    const t = b.claimRead();
    expect(t).toBe(wrap(start + 2));
    expect(q.ringRead(t, b.readLength(t))).toEqual(ms[1]);
    expect(b.releaseRead(t)).toBe(1);
    expect(q.take(c, 10)).toEqual({ pos: wrap(start + 4), count: 4, messages: ms.slice(2), released: 4 });
    expect(q.ops.usedCells()).toBe(0);
  });

  it('a later batch published first waits behind an earlier unpublished one (BUSY), then both arrive in claim order', () => {
    const q = q8(start);
    const [a, b, consumer] = [q.peer(), q.peer(), q.peer()];
    const first = claim(a, 8, 2);
    const second = claim(b, 20, 2);
    expect(second.pos).toBe(wrap(start + 2));
    const late = fillBatch(q, second.pos, 2, 20, 50);
    expect(b.publishMany(second.pos, 2, 20)).toBe(2);
    expectCode(consumer.takeMany(8), L.R_BUSY, 'the earlier batch is unpublished');
    expect(consumer.stallPosition()).toBe(start);
    const early = fillBatch(q, first.pos, 2, 8, 40);
    expect(a.publishMany(first.pos, 2, 8)).toBe(2);
    expect(drain(q, consumer)).toEqual([...early, ...late]);
  });

  it('a batch declared dead before publish: publishMany returns 0, counts a retried write, delivers nothing, and the ring runs on', () => {
    const q = q8(start);
    const [slow, consumer] = [q.peer(), q.peer()];
    const { pos, n } = claim(slow, 20, 2); // 6 cells
    expect(q.push(q.ops, pattern(8, 9))).toBe(1); // a message behind it
    expectCode(consumer.tryPop(q.scratch(1), 64), L.R_BUSY, 'the batch is unpublished');
    expect(consumer.stallPosition()).toBe(pos);
    // ... the stall timeout passes (the bindings time it; here we just call on):
    expect(consumer.reclaimWrite(pos)).toBe(1);
    expect(q.cell(pos)).toEqual({ seq: pos, state: L.STATE_ABANDONED, value: 6 });
    expect(q.head()).toBe(wrap(pos + 6)); // the whole batch is skipped at once
    fillBatch(q, pos, n, 20, 70); // the slow producer finishes its fill
    expect(slow.publishMany(pos, n, 20)).toBe(0);
    expect(reclaimStats(q)).toEqual([1, 0, 1]);
    // no cell of the batch became READY; the slow producer recycled all of them for the next lap
    expect(cellsOf(q, pos, 6)).toEqual([0, 1, 2, 3, 4, 5].map((i) => freeCell(pos + 8 + i)));
    expect(drain(q, consumer)).toEqual([pattern(8, 9)]);
    // several laps of batches and single messages, nothing stalls
    for (let lap = 0; lap < 5; lap++) {
      const ms = [...publishBatch(q, slow, 8, 3, lap * 10), ...publishBatch(q, q.ops, 20, 1, lap * 10 + 5)];
      expect(q.push(q.ops, pattern(5, lap))).toBe(1);
      expect(drain(q, consumer)).toEqual([...ms, pattern(5, lap)]);
    }
    expect(reclaimStats(q)).toEqual([1, 0, 1]);
  });

  it('a batch declared dead and recycled by the next lap before its publish: publishMany returns 0 and touches no cell', () => {
    const q = q8(start);
    const [slow, consumer, producer] = [q.peer(), q.peer(), q.peer()];
    const { pos } = claim(slow, 8, 2);
    fillBatch(q, pos, 2, 8, 99); // filled, then the producer stalls before publishMany
    expectCode(consumer.takeMany(4), L.R_BUSY, 'unpublished');
    expect(consumer.reclaimWrite(pos)).toBe(1);
    const lap = [2, 3, 4, 5, 6, 7].map((i) => pattern(8, 10 + i));
    for (const m of lap) expect(q.push(producer, m)).toBe(1);
    expectCode(producer.claimWrite(8), L.R_BUSY, 'the abandoned claim holds its cell');
    expect(producer.stallPosition()).toBe(pos);
    expect(producer.reclaimRead(pos)).toBe(1); // recycles the whole batch
    expect(q.push(producer, pattern(8, 20))).toBe(1); // reuses cell pos
    const held = producer.claimWrite(8); // and claims cell pos + 1
    expect(held).toBe(wrap(pos + 9));
    const before = ringWords(q);
    expect(slow.publishMany(pos, 2, 8)).toBe(0);
    expect(ringWords(q)).toEqual(before);
    q.ringWrite(held, pattern(8, 21));
    expect(producer.publishWrite(held, 8)).toBe(1);
    expect(drain(q, consumer)).toEqual([...lap, pattern(8, 20), pattern(8, 21)]);
    expect(reclaimStats(q)).toEqual([1, 0, 1]);
  });

  // The hazard of docs/DESIGN.md "Release" (a pause longer than stallTimeoutMs
  // inside a kernel loop), for publishMany: it checks that the batch is still
  // its own, then writes the later cells with plain stores, then CASes the
  // first cell, and undoes the later cells if that CAS fails. Paused inside
  // that loop until a consumer declared the batch dead (reclaimWrite) and a
  // producer of the next lap recycled it (reclaimRead) and claimed its cells,
  // its late store and undo leave a word a whole lap behind on a cell of the
  // next lap. reclaimWrite recognises such a word at the head (no thread
  // writes it) and gives that cell up, so the queue goes on. The steps inside
  // the paused call are written into the cell directly, as the kernel's store
  // and CAS would (no export stops inside a call); everything else goes
  // through the exports.
  it('a publishMany paused in its loop until its batch is recycled and reused leaves a lap-old word that reclaimWrite gives up, and the queue goes on', () => {
    const q = q8(start);
    const [slow, consumer, producer] = [q.peer(), q.peer(), q.peer()];
    const { pos } = claim(slow, 8, 2); // cells pos and pos + 1
    fillBatch(q, pos, 2, 8, 99);
    // slow.publishMany(pos, 2, 8) starts: its check passes (the first cell is WRITING, the batch's) ... and it pauses.
    expectCode(consumer.takeMany(4), L.R_BUSY, 'unpublished');
    expect(consumer.reclaimWrite(pos)).toBe(1);
    const lap = [2, 3, 4, 5, 6, 7].map((i) => pattern(8, 10 + i));
    for (const m of lap) expect(q.push(producer, m)).toBe(1);
    expectCode(producer.claimWrite(8), L.R_BUSY, 'the abandoned claim');
    expect(producer.reclaimRead(pos)).toBe(1);
    expect(q.push(producer, pattern(8, 20))).toBe(1); // position pos + 8
    const held = producer.claimWrite(8); // position pos + 9: cell pos + 1, WRITING
    expect(held).toBe(wrap(pos + 9));
    // slow resumes: its plain store to message 1's cell ...
    const index = (q.g.cells >> 3) + ((pos + 1) & q.mask);
    const lateReady = (BigInt((L.STATE_READY << L.STATE_SHIFT) | 8) << 32n) | BigInt(wrap(pos + 2));
    Atomics.store(q.u64, index, lateReady);
    // ... its CAS on the first cell fails (the cell is the producer's now), so it undoes message 1's cell ...
    Atomics.compareExchange(q.u64, index, lateReady, BigInt(wrap(pos + 1)));
    // ... and returns through givenUp (what the rest of the call does: the check now fails at once)
    expect(slow.publishMany(pos, 2, 8)).toBe(0);
    expect(q.cell(pos + 1)).toEqual(freeCell(pos + 1)); // a lap behind position pos + 9
    q.ringWrite(held, pattern(8, 21));
    expect(producer.publishWrite(held, 8)).toBe(-L.R_RECLAIMED); // its claim was overwritten: push again
    for (const m of [...lap, pattern(8, 20)]) expect(q.pop(consumer)).toEqual(m);
    expect(q.push(producer, pattern(8, 21))).toBe(1); // position pos + 10
    // Consumers time each stall and reclaim it, as the bindings do; the queue should go on.
    const got: Uint8Array[] = [];
    for (let i = 0; i < 20 && got.length === 0; i++) {
      const r = q.pop(consumer);
      if (r instanceof Uint8Array) got.push(r);
      else if (r !== -L.R_BUSY || consumer.reclaimWrite(consumer.stallPosition()) !== 1) break;
    }
    expect(consumer.stallPosition()).toBe(wrap(pos + 9)); // the head is stuck here ...
    expect(got).toEqual([pattern(8, 21)]); // ... because reclaimWrite(pos + 9) returns 0
  });
});

describe.each(STARTS)('withdrawMany (start %d)', (start) => {
  it('marks the first cell WITHDRAWN with value = every cell of the batch; later cells untouched', () => {
    const q = q8(start);
    const { pos, n } = claim(q.ops, 20, 2);
    q.ops.withdrawMany(pos, n, 20);
    expect(cellsOf(q, pos, 6)).toEqual([{ seq: pos, state: L.STATE_WITHDRAWN, value: 6 }, ...[1, 2, 3, 4, 5].map((i) => freeCell(pos + i))]);
  });

  const kinds: [string, (q: RawQueue, ops: Ops) => Uint8Array | number][] = [
    ['tryPop', (q, ops) => q.pop(ops)],
    ['claimRead', (q, ops) => {
      const t = ops.claimRead();
      if (t < 0) return t;
      const bytes = q.ringRead(t, ops.readLength(t));
      expect(ops.releaseRead(t)).toBe(1);
      return bytes;
    }],
    ['takeMany', (q, ops) => {
      const r = q.take(ops, 8);
      if (typeof r === 'number') return r;
      expect([r.count, r.released]).toEqual([1, 1]);
      return r.messages[0];
    }],
  ];

  it.each(kinds)('%s skips a withdrawn batch at the head and recycles it at once: the next lap claims it without a stall', (_, popOnce) => {
    const q = q8(start);
    const [producer, consumer] = [q.peer(), q.peer()];
    const { pos, n } = claim(producer, 20, 2);
    producer.withdrawMany(pos, n, 20);
    expect(q.push(producer, pattern(8, 1))).toBe(1);
    expect(popOnce(q, consumer)).toEqual(pattern(8, 1));
    expect(cellsOf(q, pos, 6)).toEqual([0, 1, 2, 3, 4, 5].map((i) => freeCell(pos + 8 + i)));
    // a whole lap fits again, with no BUSY or FULL on the way
    const lap = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => pattern(8, 20 + i));
    for (const m of lap) expect(q.push(producer, m)).toBe(1);
    expect(drain(q, consumer)).toEqual(lap);
    // and a withdrawn batch alone: skipped and recycled by a pop that then finds nothing
    const alone = claim(producer, 8, 3);
    producer.withdrawMany(alone.pos, alone.n, 8);
    expectCode(popOnce(q, consumer) as number, L.R_EMPTY, 'only a withdrawn batch');
    expect(q.head()).toBe(wrap(alone.pos + 3));
    expect(cellsOf(q, alone.pos, 3)).toEqual([0, 1, 2].map((i) => freeCell(alone.pos + 8 + i)));
    expect(reclaimStats(q)).toEqual([0, 0, 0]);
  });

  it('the next lap\'s producer meeting a WITHDRAWN cell the head has not passed gets FULL; once a consumer skips it, the claim succeeds', () => {
    const q = q8(start);
    const { pos, n } = claim(q.ops, 8, 8); // the whole ring
    q.ops.withdrawMany(pos, n, 8);
    expectCode(q.ops.claimWrite(8), L.R_FULL, 'claimWrite');
    expectCode(q.ops.claimMany(8, 2), L.R_FULL, 'claimMany');
    expect(q.head()).toBe(start);
    expectCode(q.ops.tryPop(q.scratch(1), 64), L.R_EMPTY, 'the pop skips and recycles it');
    expect(claim(q.ops, 8, 8)).toEqual({ pos: wrap(start + 8), n: 8 });
  });

  it('past the head but never recycled (taken along by a takeMany whose consumer died): BUSY for the next lap\'s producer until reclaimRead recycles it', () => {
    const q = q8(start);
    const [dead, producer] = [q.peer(), q.peer()];
    expect(q.push(producer, pattern(8, 1))).toBe(1); // position start
    const w = claim(producer, 8, 2); // start + 1, start + 2
    producer.withdrawMany(w.pos, w.n, 8);
    expect(q.push(producer, pattern(8, 2))).toBe(1); // start + 3
    expect(dead.takeMany(8)).toBe(token(start, 2)); // the head is past the withdrawn claim; never released
    for (let i = 0; i < 4; i++) expect(q.push(producer, pattern(8, 10 + i))).toBe(1);
    // the next lap meets, in order: a taken message, the withdrawn claim, a taken message
    for (const [stuck, cells] of [[start, 1], [w.pos, 2], [wrap(start + 3), 1]]) {
      expectCode(producer.claimMany(8, 1), L.R_BUSY, `cell of ${stuck}`);
      expect(producer.stallPosition()).toBe(stuck);
      expect(producer.reclaimRead(stuck)).toBe(1);
      expect(claim(producer, 8, cells).n).toBe(cells); // the cells it freed, at once
    }
    expect(reclaimStats(q)).toEqual([0, 2, 0]); // the two taken messages (the withdrawn claim is no reader's)
    const before = ringWords(q);
    expect(dead.releaseMany(start, 2)).toBe(0); // back from the dead: nothing left to release
    expect(ringWords(q)).toEqual(before);
  });

  // The same state through the other skipper, peekHead: its crash point
  // (after its head CAS, before its recycleClaim) is inside one kernel call
  // that no export stops at, so the head word is written directly, as that
  // CAS would have left it.
  it('past the head but never recycled (its skipper died), the next lap\'s producer gets BUSY at it until reclaimRead recycles it', () => {
    const q = q8(start);
    const { pos, n } = claim(q.ops, 8, 3);
    q.ops.withdrawMany(pos, n, 8);
    for (let i = 3; i < 8; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
    q.setWord(L.OFF_HEAD, wrap(pos + 3));
    expect(drain(q, q.ops)).toEqual([3, 4, 5, 6, 7].map((i) => pattern(8, i)));
    expectCode(q.ops.claimMany(8, 1), L.R_BUSY, 'claimMany');
    expect(q.ops.stallPosition()).toBe(pos);
    expect(q.ops.reclaimRead(pos)).toBe(1);
    expect(q.ops.reclaimRead(pos)).toBe(0);
    expect(cellsOf(q, pos, 3)).toEqual([0, 1, 2].map((i) => freeCell(pos + 8 + i)));
    expect(publishBatch(q, q.ops, 8, 3, 60)).toHaveLength(3);
    expect(drain(q, q.ops)).toEqual([0, 1, 2].map((i) => pattern(8, 60 + i)));
  });
});
