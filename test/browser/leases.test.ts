// Dead Web Workers' scratch leases and parked waits come back through their
// life locks (Web Locks held for the thread's life; ts/kernel/liveness.ts),
// with no stall timeout, and the fallback is forced-testable.
import { describe, expect, it } from 'vitest';
import { createQueue } from '../../ts/index.js';
import { Kernel } from '../../ts/kernel/kernel.js';
import { lockHolder, lockScanner } from '../../ts/kernel/liveness.js';
import { hasWaitAsync } from '../../ts/wait.js';

const WORKERS = 8;

async function until(ready: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('dead Web Workers leave nothing behind', () => {
  it('workers holding life locks, parked in popAsync, are found dead once terminated: their areas and waits come back with no stall timeout', async () => {
    if (!lockScanner()) {
      // An engine without Web Locks: the silence fallback is its path (the node suite tests it).
      expect((navigator as { locks?: unknown }).locks).toBeUndefined();
      return;
    }
    expect(lockHolder()).toBeDefined(); // a page and its workers live until closed: they hold life locks
    // The longest stall timeout: nothing but the locks may reclaim here.
    const q = createQueue({ capacity: 8, slotBytes: 8, scratchBytes: 64, scratchAreas: WORKERS + 2, stallTimeoutMs: 2 ** 31 - 1 });
    const k = Kernel.open(q.handle.module, q.handle.memory) as Kernel;
    const workers = Array.from({ length: WORKERS }, () => new Worker(new URL('./workers/lease.worker.ts', import.meta.url), { type: 'module' }));
    await Promise.all(workers.map((w) => {
      const attached = new Promise((resolve) => w.addEventListener('message', resolve, { once: true }));
      w.postMessage(q.handle);
      return attached;
    }));
    // This page's lease and every worker's, each marked once its lock is held; every worker parked.
    await until(() => k.leaseCensus().locked === WORKERS + 1, 'every life lock to be held');
    // With Atomics.waitAsync every worker stays registered as a waiter while it
    // parks. Without it (Firefox before 145) popAsync polls, registered only
    // for each short park, so there is no steady count to wait for.
    if (hasWaitAsync) await until(() => k.leaseCensus().waits[0] === WORKERS && k.leaseCensus().waits[1] === WORKERS, 'every worker to park');
    else await new Promise((r) => setTimeout(r, 50));
    for (const w of workers) w.terminate();
    // The engine lets go of a dead worker's locks as it tears the worker down: ask until it has.
    let ended = 0;
    const end = Date.now() + 30_000;
    while (ended < WORKERS && Date.now() < end) {
      ended += (await k.reclaimUnlockedLeases())!;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(ended).toBe(WORKERS);
    const c = k.leaseCensus();
    expect(c).toMatchObject({ held: 1, locked: 1, quarantined: 0 }); // this page's
    expect(c.waits).toEqual([0, 0, 0, 0]);
    // The page's own lease is alive: its lock is held, so no scan takes it.
    expect(await k.reclaimUnlockedLeases()).toBe(0);
  });

  it('with Web Locks forced off (globalThis.__wasmqForceNoWebLocks), nothing holds or queries them: the silence fallback is the path', async () => {
    const g = globalThis as { __wasmqForceNoWebLocks?: boolean };
    g.__wasmqForceNoWebLocks = true;
    try {
      expect(lockScanner()).toBeUndefined();
      expect(lockHolder()).toBeUndefined();
      const q = createQueue({ scratchAreas: 2 });
      const k = Kernel.open(q.handle.module, q.handle.memory) as Kernel;
      await new Promise((r) => setTimeout(r, 20));
      expect(k.leaseCensus()).toMatchObject({ held: 1, locked: 0 });
      expect(k.reclaimUnlockedLeases()).toBeUndefined();
      // q stays reachable until here: a collected Queue ends its lease (WebKit collected it within the 20 ms).
      expect(q.closed).toBe(false);
    } finally {
      delete g.__wasmqForceNoWebLocks;
    }
  });
});
