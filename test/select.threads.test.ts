// select and selectAsync under real threads: producer threads push into four
// queues (four memories) while this thread takes from all of them with one
// call at a time. Every message arrives exactly once, intact, in per-producer
// order, from the queue its producer pushed to; once the queues are closed
// and drained, the next call says so.
import { describe, expect, it } from 'vitest';
import { createQueue, QueueClosedError, select, selectAsync, type Queue } from '../dist/index.js';
import { NO_RECLAIM, runWorker } from './helpers.js';
import { checkMessage, lengthOf } from './queue/workers/messages.mjs';

const QUEUES = 4;
const PRODUCERS_PER_QUEUE = 2;

async function run(count: number, take: (queues: Queue<Uint8Array>[]) => Promise<{ index: number; value: Uint8Array }>) {
  const queues = Array.from({ length: QUEUES }, () => createQueue<Uint8Array>({ capacity: 256, slotBytes: 64, ...NO_RECLAIM }));
  const producers = queues.flatMap((q, qi) =>
    Array.from({ length: PRODUCERS_PER_QUEUE }, (_, k) =>
      runWorker('stress.mjs', { handle: q.handle, role: 'producer', id: qi * PRODUCERS_PER_QUEUE + k, count, mode: 'mixed', maxLen: 1024 })),
  );
  const total = QUEUES * PRODUCERS_PER_QUEUE * count;
  const next = new Array<number>(QUEUES * PRODUCERS_PER_QUEUE).fill(0);
  const perQueue = new Array<number>(QUEUES).fill(0);
  try {
    for (let received = 0; received < total; received++) {
      const { index, value } = await take(queues);
      const m = checkMessage(value, (p: number, s: number) => lengthOfCapped(p, s));
      if (typeof m === 'string') throw new Error(m);
      // From the queue its producer pushed to, and each producer's messages in order, once.
      if (Math.floor(m.producer / PRODUCERS_PER_QUEUE) !== index) throw new Error(`producer ${m.producer}'s message came from queue ${index}`);
      if (m.seq !== next[m.producer]) throw new Error(`producer ${m.producer}: seq ${m.seq} arrived where ${next[m.producer]} was due`);
      next[m.producer]++;
      perQueue[index]++;
    }
    await Promise.all(producers.map((p) => p.result));
    expect(next).toEqual(new Array(QUEUES * PRODUCERS_PER_QUEUE).fill(count));
    expect(perQueue).toEqual(new Array(QUEUES).fill(PRODUCERS_PER_QUEUE * count));
    for (const q of queues) q.close();
    await expect(take(queues)).rejects.toThrow(QueueClosedError);
    for (const q of queues) expect(q.size).toBe(0);
  } finally {
    await Promise.all(producers.map((p) => p.worker.terminate()));
  }
}

// stress.mjs draws lengths with lengthOf(p, s, maxLen); the check recomputes them the same way.
const lengthOfCapped = (p: number, s: number) => lengthOf(p, s, 1024);

describe('select over queues fed by real threads', () => {
  it('select: 8 producers into 4 queues, 200k mixed-size messages: each exactly once, intact, in per-producer order, from its own queue; then QueueClosedError', async () => {
    await run(25_000, async (queues) => select(queues, 60_000));
  }, 240_000);

  it('selectAsync: 8 producers into 4 queues, 100k mixed-size messages: each exactly once, intact, in per-producer order, from its own queue; then QueueClosedError', async () => {
    await run(12_500, (queues) => selectAsync(queues, { timeoutMs: 60_000 }));
  }, 240_000);
});
