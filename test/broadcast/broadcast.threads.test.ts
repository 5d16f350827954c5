// Broadcasts under real threads: producers in threads of their own publish
// checksummed messages (push, pushBatch and in-place tryPublish in turn);
// subscribers in threads of their own read them (pop, or drain) and report
// what they saw. 'wait': every subscriber gets every message exactly once,
// all in the same total order, each producer's in its own order. 'overwrite'
// with a deliberately slow subscriber: nothing torn, order kept, and
// received + missed = published. A subscriber that stops reading stops
// gating within stallTimeoutMs.
import { describe, expect, it } from 'vitest';
import { createBroadcast, subscribe } from '../../dist/index.js';
import { lengthOf, makeMessage } from '../queue/workers/messages.mjs';
import { startThread, type TestThread } from '../thread.js';

const MAX_LEN = 64;
const file = (name: string) => new URL(`./workers/${name}`, import.meta.url);

interface Report { received: number; missed: number; order: number; last: number[]; errors: string[] }

function thread<T>(name: string, data: unknown): { t: TestThread; first: Promise<unknown>; last: Promise<T> } {
  const t = startThread(file(name), data);
  const replies: unknown[] = [];
  const waiters: ((v: unknown) => void)[] = [];
  const failures: ((e: unknown) => void)[] = [];
  t.on('message', (m) => (waiters.length ? waiters.shift()!(m) : replies.push(m)));
  t.on('error', (e) => failures.forEach((f) => f(e)));
  const next = () => new Promise<unknown>((resolve, reject) => {
    failures.push(reject);
    if (replies.length) resolve(replies.shift());
    else waiters.push(resolve);
  });
  const first = next();
  return { t, first, last: first.then(() => next()) as Promise<T> };
}

async function run(opts: { producers: number; subscribers: number; count: number; whenFull: 'wait' | 'overwrite'; capacity: number; slow?: number[]; modes?: string[] }) {
  const b = createBroadcast({ capacity: opts.capacity, slotBytes: MAX_LEN, whenFull: opts.whenFull });
  const gate = new SharedArrayBuffer(4);
  const subs = Array.from({ length: opts.subscribers }, (_, i) =>
    thread<Report>('subscriber.mjs', {
      handle: b.handle, producers: opts.producers, maxLen: MAX_LEN, slowEvery: opts.slow?.[i] ?? 0, mode: opts.modes?.[i % opts.modes.length] ?? 'pop',
    }));
  await Promise.all(subs.map((s) => s.first)); // subscribed before anything is published
  const prods = Array.from({ length: opts.producers }, (_, id) =>
    thread<never>('producer.mjs', { handle: b.handle, id, count: opts.count, maxLen: MAX_LEN, gate }));
  Atomics.store(new Int32Array(gate), 0, 1);
  Atomics.notify(new Int32Array(gate), 0);
  try {
    const pushed = (await Promise.all(prods.map((p) => p.first))) as { pushed: number }[];
    expect(pushed.map((p) => p.pushed)).toEqual(new Array(opts.producers).fill(opts.count));
    b.close();
    return await Promise.all(subs.map((s) => s.last));
  } finally {
    await Promise.all([...subs, ...prods].map((x) => x.t.terminate()));
  }
}

describe('broadcast under real threads', () => {
  it("'wait', 2 producers x 3 subscribers, 120k messages: each subscriber gets every message once, intact, in one total order", async () => {
    const count = 60_000;
    const reports = await run({ producers: 2, subscribers: 3, count, whenFull: 'wait', capacity: 256, modes: ['pop', 'drain'] });
    for (const r of reports) {
      expect(r.errors).toEqual([]);
      expect({ received: r.received, missed: r.missed, last: r.last }).toEqual({ received: 2 * count, missed: 0, last: [count - 1, count - 1] });
    }
    // The same total order: every subscriber folded the same sequence into the same hash.
    expect(new Set(reports.map((r) => r.order)).size).toBe(1);
  }, 240_000);

  it("'overwrite', 2 producers, a fast and a deliberately slow subscriber, 100k messages: nothing torn, order kept, received + missed = published", async () => {
    const count = 50_000;
    const reports = await run({ producers: 2, subscribers: 2, count, whenFull: 'overwrite', capacity: 64, slow: [0, 200] });
    for (const r of reports) {
      expect(r.errors).toEqual([]);
      expect(r.received + r.missed).toBe(2 * count);
    }
    expect(reports[1]!.missed).toBeGreaterThan(0); // the slow one was lapped
  }, 240_000);

  it.each(['stops reading', 'is killed after reading 5'])("'wait': a subscriber that %s stops gating within stallTimeoutMs; the others lose nothing", async (how) => {
    const b = createBroadcast({ capacity: 16, slotBytes: MAX_LEN, stallTimeoutMs: 200 });
    const dead = thread<{ stopped: number }>('subscriber.mjs', { handle: b.handle, producers: 1, maxLen: MAX_LEN, stopAfter: 5 });
    await dead.first;
    const live = subscribe(b.handle);
    const killed = how.startsWith('is killed');
    if (killed) {
      // Let it read its 5 and stop, then terminate it: its entry stays, with a cursor nobody moves.
      for (let i = 0; i < 5; i++) b.push(makeMessage(0, i, lengthOf(0, i, MAX_LEN)), 30_000), live.pop(30_000);
      expect(await dead.last).toEqual({ stopped: 5 });
      await dead.t.terminate();
    }
    try {
      const started = performance.now();
      for (let i = killed ? 5 : 0; i < 200; i++) {
        const m = makeMessage(0, i, lengthOf(0, i, MAX_LEN));
        b.push(m, 30_000); // blocks while the stopped subscriber gates, until it is evicted
        const got = live.pop(30_000);
        expect(got).toEqual(m);
      }
      expect(performance.now() - started).toBeGreaterThanOrEqual(150); // it did gate for about stallTimeoutMs
      if (!killed) expect(await dead.last).toEqual({ stopped: 5 }); // it read 5, then held its place unread
      expect(live.missed).toBe(0);
    } finally {
      await dead.t.terminate();
    }
  }, 120_000);
});
