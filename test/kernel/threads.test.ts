// Real threads on the raw kernel: 2 producer and 2 consumer worker_threads,
// each with its own kernel instance over one shared memory (no Queue class).
// The classic run uses one-phase (tryPush / tryPop) and two-phase
// (claimWrite + publishWrite, claimRead + releaseRead) operations; the
// in-place run mixes those with claimMany + publishMany batches (some
// withdrawn with withdrawMany) and takeMany + releaseMany takes. The counters
// start below 2^32, so each run crosses the wrap. Workers bound every wait
// and report "no progress" instead of hanging.
import { startThread, type TestThread } from '../thread.js';
import { describe, expect, it } from 'vitest';
import { L, RawQueue, wrap } from './support.js';

const PEER = new URL('./workers/peer.mjs', import.meta.url);

interface ProducerReport {
  role: 'producer';
  id: number;
  errors: string[];
  slots: number;
  counts: Record<string, number>;
}
interface ConsumerReport {
  role: 'consumer';
  id: number;
  errors: string[];
  seen: Uint8Array[];
  taken: number;
  counts: Record<string, number>;
}

function start<T>(workers: TestThread[], workerData: Record<string, unknown>): Promise<T> {
  const w = startThread(PEER, workerData);
  workers.push(w);
  return new Promise<T>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`${workerData.role} ${workerData.id} exited (${code}) before reporting`)));
  });
}

/** 2 producers x 2 consumers of COUNT messages each over `q`; asserts exactly-once delivery, order and a clean end state. */
async function run(q: RawQueue, mix: 'classic' | 'inplace', startPos: number) {
  const PRODUCERS = 2;
  const common = { memory: q.memory, module: q.module, count: COUNT, producers: PRODUCERS, stuckMs: 20_000, mix };
  const workers: TestThread[] = [];
  try {
    const consumers = [0, 1].map((id) => start<ConsumerReport>(workers, { ...common, role: 'consumer', id }));
    const producers = [0, 1].map((id) => start<ProducerReport>(workers, { ...common, role: 'producer', id }));
    const produced = await Promise.all(producers);
    q.ops.close(); // consumers drain what is left, then see R_CLOSED
    const consumed = await Promise.all(consumers);

    expect([...produced, ...consumed].flatMap((r) => r.errors)).toEqual([]);
    // exactly once: summed over consumers, every (producer, seq) was taken once
    let missing = 0;
    let duplicated = 0;
    for (let p = 0; p < PRODUCERS; p++) {
      for (let s = 0; s < COUNT; s++) {
        const n = consumed.reduce((sum, r) => sum + r.seen[p][s], 0);
        if (n === 0) missing++;
        if (n > 1) duplicated++;
      }
    }
    expect({ missing, duplicated }).toEqual({ missing: 0, duplicated: 0 });
    expect(consumed.reduce((n, r) => n + r.taken, 0)).toBe(PRODUCERS * COUNT);

    // every cell claimed is accounted for: the tail moved by exactly the claimed slots, across 2^32
    const slots = produced.reduce((n, r) => n + r.slots, 0);
    expect(slots).toBeGreaterThan(2 ** 32 - startPos);
    expect(q.tail()).toBe(wrap(startPos + slots));
    expect(q.tail()).toBeLessThan(startPos); // wrapped
    expect(q.head()).toBe(q.tail());
    expect(q.ops.usedCells()).toBe(0);
    expect(q.ops.isClosed()).toBe(1);
    // every cell was handed on: free for its position of the next lap
    const stale = [];
    for (let i = 0; i < q.g.capacity; i++) {
      const pos = wrap(q.tail() + i);
      const c = q.cell(pos);
      if (c.seq !== pos || c.state !== L.STATE_FREE || c.value !== 0) stale.push({ pos, ...c });
    }
    expect(stale).toEqual([]);
    // nothing was reclaimed (no thread stalled past a timeout: nobody timed one), and every waiter left
    expect([L.OFF_RECLAIMED_WRITES, L.OFF_RECLAIMED_READS, L.OFF_RETRIED_WRITES].map((o) => q.word(o))).toEqual([0, 0, 0]);
    expect([q.word(L.OFF_CONSUMERS_WAITING), q.word(L.OFF_PRODUCERS_WAITING)]).toEqual([0, 0]);
    return { produced, consumed };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

const COUNT = 100_000; // per producer
/** Sums one count over the reports. */
const total = (reports: { counts: Record<string, number> }[], kind: string) => reports.reduce((n, r) => n + (r.counts[kind] ?? 0), 0);

describe('real threads on the raw kernel', () => {
  it('2 producers x 2 consumers move 200k checksummed messages (1-16 slots) across the 2^32 wrap: exactly once, in per-producer order', async () => {
    const startPos = 2 ** 32 - 150_000; // about a quarter of the ~580k positions the run takes
    const q = new RawQueue({ capacity: 256, slotBytes: 16, maxMessageBytes: 256, scratchBytes: 256, scratchAreas: 8, startPos });
    await run(q, 'classic', startPos);
  }, 120_000);

  it('in place: claimMany/publishMany batches (1-32 messages, 1-16 slots, some withdrawn) and takeMany/releaseMany mixed with one- and two-phase ops, 200k messages across 2^32', async () => {
    const startPos = 2 ** 32 - 400_000; // the run takes about 1M positions
    const q = new RawQueue({ capacity: 256, slotBytes: 16, maxMessageBytes: 256, scratchBytes: 256, scratchAreas: 8, startPos });
    const { produced, consumed } = await run(q, 'inplace', startPos);
    // the mix happened: batches (some partial), withdrawn claims, takes of several messages, and the single ops
    expect(total(produced, 'batches')).toBeGreaterThan(1000);
    expect(total(produced, 'partial')).toBeGreaterThan(0);
    expect(total(produced, 'withdrawn')).toBeGreaterThan(0);
    expect(total(produced, 'tryPush') * total(produced, 'twoPhase')).toBeGreaterThan(0);
    expect(total(consumed, 'takes')).toBeGreaterThan(0);
    expect(total(consumed, 'takenByMany')).toBeGreaterThan(total(consumed, 'takes'));
  }, 120_000);
});
