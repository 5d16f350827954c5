// Exactly-once, intact, per-producer-ordered delivery between real threads.
import { describe, expect, it } from 'vitest';
import { createQueue } from '../../dist/index.js';
import { checkWrapped, NO_RECLAIM, positions, runWorker } from '../helpers.js';

interface ConsumerReport {
  seen: Uint8Array[];
  errors: string[];
}

async function runStress(opts: {
  producers: number;
  consumers: number;
  count: number;
  mode: 'blocking' | 'mixed';
  capacity?: number;
  slotBytes?: number;
  initialPosition?: number;
  maxLen?: number;
}) {
  const q = createQueue({
    capacity: opts.capacity ?? 1024,
    slotBytes: opts.slotBytes ?? 64,
    initialPosition: opts.initialPosition,
    ...NO_RECLAIM,
  });
  const start = positions(q);
  if (opts.initialPosition !== undefined) expect(start).toEqual({ tail: opts.initialPosition, head: opts.initialPosition });
  const maxLen = opts.maxLen ?? 4096;
  const common = { handle: q.handle, count: opts.count, producers: opts.producers, mode: opts.mode, maxLen };
  const consumers = Array.from({ length: opts.consumers }, (_, id) =>
    runWorker<ConsumerReport>('stress.mjs', { ...common, role: 'consumer', id }),
  );
  const producers = Array.from({ length: opts.producers }, (_, id) =>
    runWorker('stress.mjs', { ...common, role: 'producer', id }),
  );
  await Promise.all(producers.map((p) => p.result));
  q.close(); // consumers drain what is left, then see QueueClosedError
  const reports = await Promise.all(consumers.map((c) => c.result));
  await Promise.all([...producers, ...consumers].map((w) => w.worker.terminate()));

  const errors = reports.flatMap((r) => r.errors);
  expect(errors).toEqual([]);
  // Exactly once: summed over consumers, every (producer, seq) was seen once.
  let missing = 0;
  let duplicated = 0;
  for (let p = 0; p < opts.producers; p++) {
    for (let s = 0; s < opts.count; s++) {
      let n = 0;
      for (const r of reports) n += r.seen[p][s];
      if (n === 0) missing++;
      if (n > 1) duplicated++;
    }
  }
  expect({ missing, duplicated }).toEqual({ missing: 0, duplicated: 0 });
  expect(q.size).toBe(0);
  expect(q.stats).toEqual({ reclaimedWrites: 0, reclaimedReads: 0, retriedWrites: 0 });
  checkWrapped(start, positions(q), opts.initialPosition !== undefined);
  return reports;
}

describe('real threads: every message arrives exactly once, intact, in per-producer order', () => {
  it('4 producers x 4 consumers, 200k mixed-size messages (1–4096 B, multi-slot), blocking push/pop', async () => {
    await runStress({ producers: 4, consumers: 4, count: 50_000, mode: 'blocking' });
  });

  it('1 producer x 4 consumers, 100k messages, mixing push/tryPush/pushBatch and pop/popBatch', async () => {
    await runStress({ producers: 1, consumers: 4, count: 100_000, mode: 'mixed' });
  });

  it('4 producers x 1 consumer, 160k messages, mixing batch and single operations', async () => {
    await runStress({ producers: 4, consumers: 1, count: 40_000, mode: 'mixed' });
  });

  it('2 producers x 2 consumers through a tiny ring (8 slots of 8 B): constant wrap and full/empty hand-offs', async () => {
    await runStress({ producers: 2, consumers: 2, count: 20_000, mode: 'mixed', capacity: 8, slotBytes: 8, maxLen: 64 });
  });

  it('counters starting just below 2^32 wrap past it under 3x3 threads without loss or reordering', async () => {
    await runStress({ producers: 3, consumers: 3, count: 30_000, mode: 'mixed', initialPosition: 2 ** 32 - 5_000 });
  });
});
