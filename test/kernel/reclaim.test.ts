// Reclaim, driven deterministically: the "dead" thread is an instance that
// simply stops between its two phases. The other instances see R_BUSY with
// stallPosition() naming the stuck position, reclaim it, and the slow thread,
// if it comes back, is told R_RECLAIMED.
import { describe, expect, it } from 'vitest';
import { L, RawQueue, pattern, wrap } from './support.js';

const stat = (q: RawQueue) => ({
  writes: q.word(L.OFF_RECLAIMED_WRITES),
  reads: q.word(L.OFF_RECLAIMED_READS),
  retried: q.word(L.OFF_RETRIED_WRITES),
});

describe.each([0, 2 ** 32 - 2])('reclaim (start position %d)', (start) => {
  describe('a producer that claims and never publishes', () => {
    function stuckWriter() {
      const q = new RawQueue({ capacity: 8, slotBytes: 8, startPos: start });
      const slow = q.peer();
      const consumer = q.peer();
      const pos = slow.claimWrite(20); // 3 cells, never published (for now)
      expect(pos).toBe(start);
      expect(q.push(q.ops, pattern(8, 1))).toBe(1); // a message behind it
      return { q, slow, consumer, pos };
    }

    it('makes a pop return -R_BUSY with stallPosition() = the claimed position', () => {
      const { q, consumer, pos } = stuckWriter();
      expect(consumer.tryPop(q.scratch(1), 64)).toBe(-L.R_BUSY);
      expect(consumer.stallPosition()).toBe(pos);
      expect(q.head()).toBe(start);
    });

    it('reclaimWrite(pos) returns 1 once and 0 after; the head skips the claim and the message behind it pops', () => {
      const { q, consumer, pos } = stuckWriter();
      expect(consumer.tryPop(q.scratch(1), 64)).toBe(-L.R_BUSY);
      expect(consumer.reclaimWrite(consumer.stallPosition())).toBe(1);
      expect(consumer.reclaimWrite(pos)).toBe(0);
      expect(q.ops.reclaimWrite(pos)).toBe(0);
      expect(q.head()).toBe(wrap(pos + 3));
      expect(stat(q)).toEqual({ writes: 1, reads: 0, retried: 0 });
      expect(q.pop(consumer)).toEqual(pattern(8, 1));
      expect(q.pop(consumer)).toBe(-L.R_EMPTY);
    });

    it('the slow producer\'s publishWrite then returns -R_RECLAIMED and OFF_RETRIED_WRITES counts it; its cells are usable again', () => {
      const { q, slow, consumer, pos } = stuckWriter();
      expect(consumer.tryPop(q.scratch(1), 64)).toBe(-L.R_BUSY);
      expect(consumer.reclaimWrite(pos)).toBe(1);
      q.ringWrite(pos, pattern(20, 2));
      expect(slow.publishWrite(pos, 20)).toBe(-L.R_RECLAIMED);
      expect(stat(q)).toEqual({ writes: 1, reads: 0, retried: 1 });
      // it pushes again; it arrives after the message that was behind it
      expect(q.push(slow, pattern(20, 2))).toBe(1);
      expect(q.pop(consumer)).toEqual(pattern(8, 1));
      expect(q.pop(consumer)).toEqual(pattern(20, 2));
      // a full ring's worth now fits (the reclaimed cells were recycled)
      for (let i = 0; i < 8; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
    });

    it('reclaimWrite refuses positions that are not a stuck head claim (published, past the head, not yet claimed)', () => {
      const { q, slow, consumer, pos } = stuckWriter();
      expect(consumer.reclaimWrite(wrap(pos + 3))).toBe(0); // a published message, not at the head
      expect(consumer.reclaimWrite(wrap(pos + 4))).toBe(0); // the tail: nobody claimed it
      q.ringWrite(pos, pattern(20, 2));
      expect(slow.publishWrite(pos, 20)).toBe(1); // not reclaimed: the publish succeeds
      expect(consumer.reclaimWrite(pos)).toBe(0); // published now
      expect(q.pop(consumer)).toEqual(pattern(20, 2));
      expect(stat(q)).toEqual({ writes: 0, reads: 0, retried: 0 });
    });

    it('an abandoned claim whose producer never returns holds its cell: the next lap\'s producer gets -R_BUSY there until reclaimRead recycles it', () => {
      const { q, consumer, pos } = stuckWriter();
      expect(consumer.tryPop(q.scratch(1), 64)).toBe(-L.R_BUSY);
      expect(consumer.reclaimWrite(pos)).toBe(1);
      expect(q.pop(consumer)).toEqual(pattern(8, 1));
      // tail = start + 4; cells of start+4 .. start+7 are free, then start+8 is the abandoned cell
      for (let i = 0; i < 4; i++) expect(q.push(q.ops, pattern(8, 10 + i))).toBe(1);
      expect(q.push(q.ops, pattern(8, 14))).toBe(-L.R_BUSY);
      expect(q.ops.stallPosition()).toBe(pos);
      expect(q.ops.reclaimRead(pos)).toBe(1);
      expect(q.ops.reclaimRead(pos)).toBe(0);
      expect(q.push(q.ops, pattern(8, 14))).toBe(1);
      for (let i = 0; i < 5; i++) expect(q.pop(consumer)).toEqual(pattern(8, 10 + i));
    });

    it('a producer that died after moving the tail but before marking its cells is skipped cell by cell', () => {
      const q = new RawQueue({ capacity: 8, slotBytes: 8, startPos: start });
      const consumer = q.peer();
      // The crash point: its tail CAS succeeded (2 cells) but markWriting never
      // ran. No export stops there, so move the tail as that CAS would.
      Atomics.store(q.u64, L.OFF_TAIL >> 3, BigInt(wrap(start + 2)));
      expect(q.push(q.ops, pattern(8, 1))).toBe(1);
      expect(consumer.tryPop(q.scratch(1), 64)).toBe(-L.R_BUSY);
      expect(consumer.stallPosition()).toBe(start);
      // its size is unknown (the cell is still FREE): one cell per reclaim
      expect(consumer.reclaimWrite(start)).toBe(1);
      expect(q.cell(start)).toEqual({ seq: start, state: L.STATE_ABANDONED, value: 1 });
      expect(consumer.tryPop(q.scratch(1), 64)).toBe(-L.R_BUSY);
      expect(consumer.stallPosition()).toBe(wrap(start + 1));
      expect(consumer.reclaimWrite(wrap(start + 1))).toBe(1);
      expect(q.pop(consumer)).toEqual(pattern(8, 1));
      expect(stat(q).writes).toBe(2);
    });
  });

  describe('a consumer that claims a read and never releases it', () => {
    function stuckReader() {
      const q = new RawQueue({ capacity: 4, slotBytes: 8, startPos: start });
      for (let i = 0; i < 3; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
      expect(q.push(q.ops, pattern(1, 3))).toBe(1); // ring full
      const slow = q.peer();
      const producer = q.peer();
      const pos = slow.claimRead();
      expect(pos).toBe(start);
      return { q, slow, producer, pos };
    }

    it('makes a producer that needs its cell get -R_BUSY with stallPosition() = the previous-lap position', () => {
      const { q, producer, pos } = stuckReader();
      expect(q.push(producer, pattern(8, 9))).toBe(-L.R_BUSY);
      expect(producer.stallPosition()).toBe(pos);
      expect(producer.claimWrite(8)).toBe(-L.R_BUSY);
      expect(producer.stallPosition()).toBe(pos);
    });

    it('a ring of untaken messages is FULL, not BUSY: only a taken, unreleased cell is a stall', () => {
      const { q, slow, producer, pos } = stuckReader();
      expect(slow.releaseRead(pos)).toBe(1);
      expect(q.push(producer, pattern(8, 9))).toBe(1);
      expect(q.push(producer, pattern(8, 10))).toBe(-L.R_FULL);
      expect(producer.reclaimRead(wrap(pos + 1))).toBe(0); // untaken: not stuck
    });

    it('reclaimRead(pos) frees it (1 once, then 0), OFF_RECLAIMED_READS counts it, and the producer proceeds', () => {
      const { q, producer, pos } = stuckReader();
      expect(q.push(producer, pattern(8, 9))).toBe(-L.R_BUSY);
      expect(producer.reclaimRead(producer.stallPosition())).toBe(1);
      expect(producer.reclaimRead(pos)).toBe(0);
      expect(stat(q)).toEqual({ writes: 0, reads: 1, retried: 0 });
      expect(q.push(producer, pattern(8, 9))).toBe(1);
      // the lost message is gone; the others, then the new one, follow
      const consumer = q.peer();
      expect(q.pop(consumer)).toEqual(pattern(8, 1));
      expect(q.pop(consumer)).toEqual(pattern(8, 2));
      expect(q.pop(consumer)).toEqual(pattern(1, 3));
      expect(q.pop(consumer)).toEqual(pattern(8, 9));
    });

    it('the slow reader\'s readLength and releaseRead then return -R_RECLAIMED (before and after its cell is reused)', () => {
      const { q, slow, producer, pos } = stuckReader();
      expect(q.push(producer, pattern(8, 9))).toBe(-L.R_BUSY);
      expect(producer.reclaimRead(pos)).toBe(1);
      expect(slow.readLength(pos)).toBe(-L.R_RECLAIMED);
      expect(q.push(producer, pattern(8, 9))).toBe(1); // reuses the cell (published for the next lap)
      expect(slow.readLength(pos)).toBe(-L.R_RECLAIMED);
      expect(slow.releaseRead(pos)).toBe(-L.R_RECLAIMED);
      // the new message in that cell is intact and still poppable
      const consumer = q.peer();
      for (let i = 1; i < 3; i++) expect(q.pop(consumer)).toEqual(pattern(8, i));
      expect(q.pop(consumer)).toEqual(pattern(1, 3));
      expect(q.pop(consumer)).toEqual(pattern(8, 9));
      expect(stat(q)).toEqual({ writes: 0, reads: 1, retried: 0 });
    });

    it('reclaimRead of a multi-cell message frees all its cells', () => {
      const q = new RawQueue({ capacity: 4, slotBytes: 8, startPos: start });
      expect(q.push(q.ops, pattern(32, 1))).toBe(1); // the whole ring
      const slow = q.peer();
      const pos = slow.claimRead();
      expect(q.push(q.ops, pattern(8, 2))).toBe(-L.R_BUSY);
      expect(q.ops.reclaimRead(q.ops.stallPosition())).toBe(1);
      for (let i = 0; i < 4; i++) expect(q.push(q.ops, pattern(8, 2 + i))).toBe(1);
      expect(slow.releaseRead(pos)).toBe(-L.R_RECLAIMED);
      for (let i = 0; i < 4; i++) expect(q.pop(q.ops)).toEqual(pattern(8, 2 + i));
    });
  });
});
