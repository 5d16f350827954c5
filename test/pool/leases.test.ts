// The pool knows exactly when a worker dies (its 'exit' event, or its life
// lock in browsers), so it ends that worker's leases in both pool queues at
// once: their scratch areas and the waits it was parked in come back without
// a stall timeout (ts/pool/workers.ts, ts/pool/control.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, WorkerDiedError, type Pool } from '../../dist/pool/index.js';

const behaviours = new URL('./workers/behaviours.mjs', import.meta.url);
let p: Pool<any, any> | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

interface Census { held: number; hosted: number; waits: number[]; leasedWaits: number[] }

describe('a pool whose workers crash', () => {
  it('ends each dead worker\'s leases in both queues at once: after 100 crashes (process.exit, uncaught throw, abort) only live threads hold areas and waits, with no stall timeout to wait for', async () => {
    const threads = 2;
    // The longest stall timeout: nothing but the pool's own knowledge of its workers may reclaim here.
    p = createPool({ worker: behaviours, threads, stallTimeoutMs: 2 ** 31 - 1 });
    for (let i = 0; i < 100; i++) {
      const how = i % 3;
      if (how === 0) {
        await expect(p.run({ op: 'exit', code: 3 })).rejects.toBeInstanceOf(WorkerDiedError);
      } else if (how === 1) {
        await expect(p.run({ op: 'uncaught', message: 'crash' })).rejects.toBeInstanceOf(WorkerDiedError);
      } else {
        const abort = new AbortController();
        const running = p.run({ op: 'sleep', ms: 60_000, value: 0 }, { signal: abort.signal });
        await new Promise((r) => setTimeout(r, 5));
        abort.abort(new Error('stop'));
        await expect(running).rejects.toThrow('stop');
      }
    }
    // Every replacement serves (and the census task runs on a live worker).
    await expect(Promise.all([1, 2, 3, 4].map((value) => p!.run({ op: 'echo', value })))).resolves.toEqual([1, 2, 3, 4]);
    const end = Date.now() + 30_000;
    let census: Census[] = [];
    for (;;) {
      census = (await p.run({ op: 'census' })) as Census[];
      const settled = census.every((c) => c.waits.every((w, k) => w === c.leasedWaits[k]));
      // A worker stopped to abort its task is replaced after its exit: wait for both to be up.
      if ((settled && census[0].hosted === threads && census[1].hosted === threads) || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const [tasks, results] = census;
    // The main thread's face of each queue, and one per live worker, which the pool watches.
    expect(tasks).toMatchObject({ held: 1 + threads, hosted: threads });
    expect(results).toMatchObject({ held: 1 + threads, hosted: threads });
    // No dead worker's parked wait is left in the counts: each is a live thread's.
    for (const c of census) expect(c.waits).toEqual(c.leasedWaits);
    expect(tasks.waits[0]).toBeLessThanOrEqual(threads);
  }, 120_000);
});
