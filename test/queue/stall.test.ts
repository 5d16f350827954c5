// Deterministic dead-thread scenarios: a second kernel instance plays a thread
// that stops at an exact point of its protocol (the claim is taken, nothing
// more happens), and the Queue must detect it after stallTimeoutMs, reclaim,
// and go on. (Random kills of real threads are in faults.threads.test.ts.)
import { describe, expect, it } from 'vitest';
import { createQueue, type Queue } from '../../dist/index.js';
import { instantiateKernel } from '../../dist/kernel/module.js';
import type { KernelExports } from '../../dist/kernel/exports.js';
import { R_RECLAIMED } from '../../dist/kernel/layout.js';

const STALL = 25;
const bytes = (...xs: number[]) => new Uint8Array(xs);

/** A raw kernel over the queue's memory: a thread we can freeze mid-operation. */
function rogue(q: Queue<Uint8Array>): KernelExports {
  const k = instantiateKernel(q.handle.module, q.handle.memory);
  expect(k.attach()).toBe(0);
  return k;
}

describe('a producer that stops between claiming and publishing', () => {
  it('is skipped after stallTimeoutMs; later messages flow; stats count it', () => {
    const q = createQueue({ capacity: 8, slotBytes: 8, stallTimeoutMs: STALL });
    q.tryPush(bytes(1));
    expect(rogue(q).claimWrite(20)).toBe(1); // position 1, 3 slots, never published
    q.tryPush(bytes(2));
    expect(q.tryPop()).toEqual(bytes(1));
    expect(q.tryPop()).toBeUndefined(); // the dead claim blocks the head
    const t0 = performance.now();
    expect(q.pop(5_000)).toEqual(bytes(2)); // ...until it is declared dead
    expect(performance.now() - t0).toBeGreaterThanOrEqual(STALL - 1);
    expect(q.stats.reclaimedWrites).toBe(1);
  });

  it('its abandoned cells are recycled for the next lap even if it never returns', () => {
    const q = createQueue({ capacity: 4, slotBytes: 8, stallTimeoutMs: STALL });
    expect(rogue(q).claimWrite(1)).toBe(0); // position 0, abandoned for good
    for (let i = 1; i <= 3; i++) q.tryPush(bytes(i));
    expect([q.pop(5_000), q.pop(0), q.pop(0)]).toEqual([bytes(1), bytes(2), bytes(3)]);
    // Position 4 reuses cell 0, still marked ABANDONED: a producer waits out the
    // grace period (its owner might come back), then recycles it.
    expect(q.tryPush(bytes(4))).toBe(false);
    q.push(bytes(4), 5_000);
    for (let i = 5; i <= 7; i++) expect(q.tryPush(bytes(i))).toBe(true);
    expect(q.popBatch(8)).toEqual([4, 5, 6, 7].map((i) => bytes(i)));
    expect(q.stats).toMatchObject({ reclaimedWrites: 1, retriedWrites: 0 });
  });

  // The Queue's own retry, with a real thread held in its push: transfer.threads.test.ts.
  it('if it was only slow, its publish fails with R_RECLAIMED and counts as a retried write; its cells are usable again', () => {
    const q = createQueue({ capacity: 8, slotBytes: 8, stallTimeoutMs: STALL });
    const slow = rogue(q);
    const claim = slow.claimWrite(8);
    expect(claim).toBe(0);
    q.tryPush(bytes(9));
    expect(q.pop(5_000)).toEqual(bytes(9)); // the slow claim was skipped
    expect(slow.publishWrite(claim, 8)).toBe(-R_RECLAIMED); // it notices
    expect(q.stats).toMatchObject({ reclaimedWrites: 1, retriedWrites: 1 });
    // The recycled cells are usable again: fill the ring completely, twice.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 8; i++) expect(q.tryPush(bytes(i))).toBe(true);
      for (let i = 0; i < 8; i++) expect(q.tryPop()).toEqual(bytes(i));
    }
  });
});

describe('a consumer that stops between taking a message and releasing it', () => {
  it('loses only that message; producers reclaim its cells after stallTimeoutMs and go on', () => {
    const q = createQueue({ capacity: 4, slotBytes: 8, stallTimeoutMs: STALL });
    for (let i = 0; i < 4; i++) q.tryPush(bytes(i));
    expect(rogue(q).claimRead()).toBe(0); // takes message 0, never releases
    expect(q.tryPop()).toEqual(bytes(1));
    // Position 4 maps to message 0's cell, held by the dead reader...
    expect(q.tryPush(bytes(4))).toBe(false);
    q.push(bytes(4), 5_000); // ...until it is declared dead
    expect(q.tryPush(bytes(5))).toBe(true);
    expect(q.stats.reclaimedReads).toBe(1);
    expect([q.tryPop(), q.tryPop(), q.tryPop(), q.tryPop()]).toEqual([bytes(2), bytes(3), bytes(4), bytes(5)]);
  });

  it('if it was only slow, its release fails so it never returns a possibly torn copy', () => {
    const q = createQueue({ capacity: 2, slotBytes: 8, stallTimeoutMs: STALL });
    q.tryPush(bytes(1));
    q.tryPush(bytes(2));
    const slow = rogue(q);
    const taken = slow.claimRead();
    expect(taken).toBe(0);
    expect(q.tryPop()).toEqual(bytes(2));
    q.push(bytes(3), 5_000); // needs the slow reader's cell: reclaimed
    expect(slow.readLength(taken)).toBe(-R_RECLAIMED); // it notices before copying
    expect(slow.releaseRead(taken)).toBe(-R_RECLAIMED);
    expect(q.tryPop()).toEqual(bytes(3));
    expect(q.tryPop()).toBeUndefined();
  });

  it('a multi-slot message held by a dead reader frees all its cells', () => {
    const q = createQueue({ capacity: 8, slotBytes: 8, stallTimeoutMs: STALL });
    q.tryPush(new Uint8Array(40)); // 5 slots
    expect(rogue(q).claimRead()).toBe(0);
    q.tryPush(bytes(1)); // slots 5..7 remain
    q.tryPush(bytes(2));
    q.tryPush(bytes(3));
    q.push(new Uint8Array(40).fill(7), 5_000); // needs the 5 held cells
    expect([q.tryPop(), q.tryPop(), q.tryPop()]).toEqual([bytes(1), bytes(2), bytes(3)]);
    expect(q.tryPop()).toEqual(new Uint8Array(40).fill(7));
  });
});
