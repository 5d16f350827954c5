// The wait strategy's wake-ups: parked waiters are woken by pushes and pops,
// promptly, even when stale async registrations are around.
import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { createQueue } from '../dist/index.js';
import { MAX_ASYNC_RUN_MS, SPIN_MS, spin } from '../dist/wait.js';
import { Kernel } from '../dist/kernel/kernel.js';
import { OFF_HEAD, OFF_TAIL } from '../dist/kernel/layout.js';
import { workerUrl } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolves with the promise's value, or rejects if it takes longer than `ms`. */
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, sleep(ms).then(() => Promise.reject(new Error(`not settled within ${ms} ms`)))]);

/** A worker that pushes or pops on request: the wake-up then crosses threads. */
async function helper(handle: unknown) {
  const worker = new Worker(workerUrl('push-on-request.mjs'), { workerData: { handle } });
  const ask = async (m: object) => {
    const done = once(worker, 'message');
    worker.postMessage(m);
    await done;
  };
  return { ask, stop: () => worker.terminate() };
}

describe('async wake-ups', () => {
  it('a parked popAsync is woken by a push even after an earlier async waiter gave up (its registration is stale)', async () => {
    // A long stall timeout makes each park long (half of it), so only a real
    // wake-up can end the second waiter's park within the test's limit.
    const q = createQueue({ codec: 'string', stallTimeoutMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      const ctl = new AbortController();
      const gaveUp = q.popAsync({ signal: ctl.signal });
      await sleep(20); // parked: the engine holds its waitAsync
      ctl.abort(new Error('gave up'));
      await expect(gaveUp).rejects.toThrow('gave up');
    }
    const other = await helper(q.handle);
    const live = q.popAsync();
    await sleep(20); // parked behind the stale registrations
    await other.ask({ push: 'wake' });
    expect(await within(live, 2_000)).toBe('wake');
    await other.stop();
  });

  it('a parked pushAsync is woken when a pop makes room, even after an earlier async pusher gave up', async () => {
    const q = createQueue({ codec: 'string', capacity: 2, slotBytes: 8, stallTimeoutMs: 60_000 });
    q.tryPush('a');
    q.tryPush('b');
    for (let i = 0; i < 3; i++) {
      const ctl = new AbortController();
      const gaveUp = q.pushAsync('x', { signal: ctl.signal });
      await sleep(20);
      ctl.abort(new Error('gave up'));
      await expect(gaveUp).rejects.toThrow('gave up');
    }
    const other = await helper(q.handle);
    const live = q.pushAsync('c');
    await sleep(20);
    await other.ask({ pop: true }); // takes 'a'
    await within(live, 2_000);
    expect([q.tryPop(), q.tryPop()]).toEqual(['b', 'c']);
    await other.stop();
  });

  it('several parked popAsync waiters each get one of several messages pushed at once', async () => {
    const q = createQueue({ codec: 'string', stallTimeoutMs: 60_000 });
    const waiters = [q.popAsync(), q.popAsync(), q.popAsync()];
    await sleep(20);
    const other = await helper(q.handle);
    for (const m of ['1', '2', '3']) await other.ask({ push: m });
    const got = await within(Promise.all(waiters), 2_000);
    await other.stop();
    expect([...got].sort()).toEqual(['1', '2', '3']);
  });
});

describe('without Atomics.waitAsync (forced off, as in Firefox before 145)', () => {
  it('popAsync and pushAsync poll instead, and still see another thread\'s pushes and pops', async () => {
    const q = createQueue({ codec: 'string', capacity: 2, slotBytes: 8 });
    const worker = new Worker(workerUrl('../../workers/wait-fallback.mjs'), {
      workerData: { handle: q.handle },
      env: { ...process.env, WASMQ_FORCE_NO_WAITASYNC: '1' },
    });
    const messages: unknown[] = [];
    const next = () => new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const ready = (await next()) as { hasWaitAsync: boolean };
    expect(ready.hasWaitAsync).toBe(false); // the fallback is really in use
    for (const m of ['a', 'b', 'c']) {
      await sleep(30); // the worker is parked, polling
      q.push(m);
    }
    const done = next();
    // The worker fills the queue (capacity 2) and then waits for room.
    const until = performance.now() + 5_000;
    while (q.size < 2 && performance.now() < until) await sleep(5);
    expect(q.size).toBe(2);
    await sleep(30); // it is parked, polling, for room
    expect(q.pop(1_000)).toBe('full 1');
    messages.push(await within(done, 5_000));
    expect(messages[0]).toEqual({ hasWaitAsync: false, popped: ['a', 'b', 'c'], pushedAfterFull: true });
    expect([q.tryPop(), q.tryPop()]).toEqual(['full 2', 'waited']);
    await worker.terminate();
  });
});


describe('spinning only while the awaited side works', () => {
  // A controlled clock: every performance.now() call advances it 1 µs, so
  // the spin's time checks are deterministic (no dependence on machine speed).
  function withClock<T>(run: () => T): T {
    const real = performance.now;
    let t = 0;
    performance.now = () => (t += 0.001);
    try {
      return run();
    } finally {
      performance.now = real;
    }
  }
  const budget = 100 * SPIN_MS;
  const spinFor = (attempt: () => boolean, progress?: Int32Array) =>
    withClock(() => ({ ok: spin(attempt, budget, progress, 0), elapsed: performance.now() }));

  it('gives up SPIN_MS after the progress word last moved, long before its budget', () => {
    const word = new Int32Array(new SharedArrayBuffer(4));
    const still = spinFor(() => false, word);
    expect(still.ok).toBe(false);
    expect(still.elapsed).toBeLessThan(2 * SPIN_MS);
  });

  it('spins its whole budget while the progress word moves, and without a progress word', () => {
    const word = new Int32Array(new SharedArrayBuffer(4));
    expect(spinFor(() => (Atomics.add(word, 0, 1), false), word).elapsed).toBeGreaterThanOrEqual(budget);
    expect(spinFor(() => false).elapsed).toBeGreaterThanOrEqual(budget);
    let calls = 0;
    expect(spin(() => ++calls === 3, budget, word, 0)).toBe(true);
  });

  it('a queue watches the tail while it waits for messages and the head while it waits for room', () => {
    const k = Kernel.create({
      capacity: 4, slotBytes: 8, maxMessageBytes: 32, stallTimeoutMs: 1000, scratchBytes: 0, scratchAreas: 0, initialPosition: 0, codec: 'bytes',
    });
    expect(k.notEmpty.progress).toBe(OFF_TAIL >> 2);
    expect(k.notFull.progress).toBe(OFF_HEAD >> 2);
  });
});

describe('async calls that never wait still let the event loop turn', () => {
  type Q = ReturnType<typeof createQueue>;
  const one = (i: number) => new Uint8Array([i & 255]);
  /** One call of each async kind that always finds its work done at once (a message there, or room). */
  const calls: Record<string, (q: Q, i: number) => Promise<void>> = {
    drainAsync: async (q, i) => {
      q.push(one(i));
      expect(await q.drainAsync(() => {})).toBe(1);
    },
    popAsync: async (q, i) => {
      q.push(one(i));
      expect(await q.popAsync()).toEqual(one(i));
    },
    popBatchAsync: async (q, i) => {
      q.push(one(i));
      expect(await q.popBatchAsync(4)).toEqual([one(i)]);
    },
    pushAsync: async (q, i) => {
      await q.pushAsync(one(i));
      expect(q.tryPop()).toEqual(one(i));
    },
    publishAsync: async (q, i) => {
      await q.publishAsync(1, (bytes, offset) => (bytes[offset] = i & 255));
      expect(q.tryPop()).toEqual(one(i));
    },
  };

  it.each(Object.keys(calls))('a loop of %s calls that never wait gives a pending macrotask its turn within MAX_ASYNC_RUN_MS', async (name) => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    const real = performance.now;
    let t = real.call(performance);
    performance.now = () => (t += 0.01); // 10 µs per look at the clock: deterministic
    let turned = false;
    let callsBefore = -1;
    setImmediate(() => {
      turned = true;
    });
    try {
      for (let i = 0; i < 2000 && !turned; i++) {
        await calls[name](q, i);
        callsBefore = i;
      }
    } finally {
      performance.now = real;
    }
    expect(turned).toBe(true);
    // At most MAX_ASYNC_RUN_MS of (fake) time: a few hundred calls, never the whole loop.
    expect(callsBefore).toBeLessThan(1999);
    expect(callsBefore * 0.01).toBeLessThan(MAX_ASYNC_RUN_MS * 10);
  });
});
