// The Queue's own slow-thread paths (ts/queue/transfer.ts), with a real
// thread held at an exact step of a real push or pop (workers/held-thread.mjs)
// for as long as the test needs: no race with a timer decides the outcome.
// A slow push whose claim was reclaimed pushes again; a slow pop whose take
// was reclaimed drops its possibly torn copy and takes the next message.
import { describe, expect, it } from 'vitest';
import { createQueue } from '../../dist/index.js';
import { until } from '../helpers.js';
import { heldThread } from './held-thread.js';

const filled = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('a Queue thread that is slow, not dead, inside an operation', () => {
  it('a push held between claim and publish past stallTimeoutMs is reclaimed, then pushes again: the message arrives once, intact', async () => {
    // scratchBytes 8: a 100-byte message takes the claim → copy → publish path.
    const q = createQueue({ capacity: 8, slotBytes: 64, scratchBytes: 8, stallTimeoutMs: 30 });
    const message = filled(100, 7);
    const slow = await heldThread(q.handle, 'producer', { message });
    try {
      const popped = q.popAsync({ timeoutMs: 30_000 }); // finds the head claimed and unpublished
      await until(() => q.stats.reclaimedWrites === 1, 'the stalled claim to be reclaimed');
      slow.release(); // its publish finds the claim reclaimed; the Queue pushes again
      expect(await popped).toEqual(message);
      expect(await slow.result).toEqual({ pushed: true });
      expect(q.stats).toEqual({ reclaimedWrites: 1, reclaimedReads: 0, retriedWrites: 1 });
      expect(q.tryPop()).toBeUndefined(); // exactly once
    } finally {
      slow.release();
      await slow.worker.terminate();
    }
  });

  it('a pop held between copying out and releasing past stallTimeoutMs drops its copy when its take was reclaimed, and returns the next message', async () => {
    // Capacity 4 slots of 64 B: two 100-byte messages (2 slots each) fill it.
    const q = createQueue({ capacity: 4, slotBytes: 64, scratchBytes: 8, stallTimeoutMs: 30 });
    const [m1, m2, m3] = [1, 2, 3].map((v) => filled(100, v));
    q.push(m1);
    const slow = await heldThread(q.handle, 'consumer'); // holds m1's cells, copied out
    try {
      q.push(m2);
      const pushing = q.pushAsync(m3, { timeoutMs: 30_000 }); // needs m1's cells
      await until(() => q.stats.reclaimedReads === 1, "the stalled reader's cells to be reclaimed");
      await pushing;
      slow.release(); // its release fails: the copy of m1 may be torn, so it is dropped
      expect(await slow.result).toEqual({ got: Array.from(m2) });
      expect(q.tryPop()).toEqual(m3);
      expect(q.tryPop()).toBeUndefined();
      expect(q.stats).toEqual({ reclaimedWrites: 0, reclaimedReads: 1, retriedWrites: 0 });
    } finally {
      slow.release();
      await slow.worker.terminate();
    }
  });
});
