// A thread killed at an exact step inside a Queue operation, by each way a
// thread dies (worker.terminate(), process.exit(), an uncaught throw), never
// between operations: the others reclaim what it held after stallTimeoutMs,
// exactly that is counted, and exactly what it held is lost (nothing, for a
// producer whose push never returned; the one message, or the one batch, of
// a consumer). The thread is stopped at its step by workers/held-thread.mjs,
// so no race with a timer decides where the kill lands.
// (Random kills under load: faults.threads.test.ts.)
import { describe, expect, it } from 'vitest';
import { createQueue, type Queue } from '../../dist/index.js';
import { heldThread, type HeldAction, type HeldRole } from './held-thread.js';

const STALL = 40;
const filled = (n: number, v: number) => new Uint8Array(n).fill(v);
/** 100 bytes: two 64-byte slots, and over the 8-byte scratch area, so push and pop take the claim → copy → finish path. */
const big = (v: number) => filled(100, v);
const small = (v: number) => filled(8, v);

type Kill = 'terminate' | 'exit' | 'throw';

/** Starts the victim, lets it reach its step, and kills it there. */
async function killAt(q: Queue<Uint8Array>, role: HeldRole, kill: Kill, message?: Uint8Array, count?: number) {
  const action: HeldAction = kill === 'terminate' ? 'hold' : kill;
  const victim = await heldThread(q.handle, role, { action, message, count });
  if (kill === 'terminate') await victim.worker.terminate();
  const code = await victim.exited;
  expect(code, `the ${role} died (${kill})`).not.toBe(0);
}

/**
 * The ring still works end to end: two full laps of messages in and out, in
 * order. Blocking pushes: a dead producer's abandoned cells are recycled on
 * the next lap only after a grace period (stall.test.ts).
 */
function worksAfter(q: Queue<Uint8Array>) {
  for (let lap = 0; lap < 2; lap++) {
    const n = q.capacity;
    for (let i = 0; i < n; i++) q.push(small(i), 10_000);
    for (let i = 0; i < n; i++) expect(q.pop(10_000)).toEqual(small(i));
  }
  expect(q.tryPop()).toBeUndefined();
}

describe.each(['terminate', 'exit', 'throw'] as const)('a thread killed inside an operation (%s)', (kill) => {
  it('a producer killed between claim and publish: its claim is reclaimed after stallTimeoutMs, and every later message arrives once, in order', async () => {
    const q = createQueue({ capacity: 8, slotBytes: 64, scratchBytes: 8, stallTimeoutMs: STALL });
    await killAt(q, 'producer', kill, big(9)); // claims positions 0-1, never publishes
    q.push(small(1));
    q.push(small(2));
    expect(q.pop(10_000)).toEqual(small(1)); // after the dead claim is reclaimed
    expect(q.pop(10_000)).toEqual(small(2));
    expect(q.tryPop()).toBeUndefined(); // its own message never arrives: its push never returned
    expect(q.stats).toEqual({ reclaimedWrites: 1, reclaimedReads: 0, retriedWrites: 0 });
    worksAfter(q);
  });

  it('a consumer killed between copying a message out and releasing it loses exactly that message; producers reclaim its cells', async () => {
    const q = createQueue({ capacity: 4, slotBytes: 64, scratchBytes: 8, stallTimeoutMs: STALL });
    q.push(big(1));
    q.push(big(2)); // the ring is full
    await killAt(q, 'consumer', kill); // takes big(1), dies before releasing it
    expect(q.pop(10_000)).toEqual(big(2));
    q.push(big(3), 10_000); // needs the dead consumer's cells: reclaimed after stallTimeoutMs
    expect(q.pop(10_000)).toEqual(big(3));
    expect(q.tryPop()).toBeUndefined(); // big(1) is the one message lost, and only it
    expect(q.stats).toEqual({ reclaimedWrites: 0, reclaimedReads: 1, retriedWrites: 0 });
    worksAfter(q);
  });
});

// An uncaught throw cannot happen inside fill or a handler: the throw
// propagates through publish/drain, whose documented answer is to withdraw
// the claim (fill) or consume the message (handler); inplace.test.ts and
// inplace.threads.test.ts test those. So the in-place calls die two ways here.
describe.each(['terminate', 'exit'] as const)('a thread killed inside an in-place call (%s)', (kill) => {
  it('a publisher killed inside fill, its claim of 3 taken: the claim is reclaimed, nothing of it arrives, later messages do', async () => {
    const q = createQueue({ capacity: 8, slotBytes: 64, stallTimeoutMs: STALL });
    await killAt(q, 'publisher', kill, small(9), 3);
    q.push(small(1));
    expect(q.pop(10_000)).toEqual(small(1));
    expect(q.tryPop()).toBeUndefined();
    expect(q.stats).toEqual({ reclaimedWrites: 1, reclaimedReads: 0, retriedWrites: 0 }); // one claim, one batch token
    worksAfter(q);
  });

  it('a drainer killed inside its handler loses exactly the batch it took; producers reclaim every cell of it', async () => {
    const q = createQueue({ capacity: 4, slotBytes: 64, stallTimeoutMs: STALL });
    for (let i = 1; i <= 4; i++) q.push(small(i)); // full
    await killAt(q, 'drainer', kill); // takes all 4 with one claim, dies in the first handler call
    for (let i = 5; i <= 8; i++) q.push(small(i), 10_000); // each needs a dead cell: one stall each
    for (let i = 5; i <= 8; i++) expect(q.pop(10_000)).toEqual(small(i));
    expect(q.tryPop()).toBeUndefined(); // 1..4 are the batch lost, and only they
    expect(q.stats).toEqual({ reclaimedWrites: 0, reclaimedReads: 4, retriedWrites: 0 });
    worksAfter(q);
  });
});
