// Broadcast and select between real module Web Workers in each browser
// engine, and on a browser main thread that may never block (popAsync,
// selectAsync only). Every subscriber gets every message exactly once, all
// in one total order; select takes every message of several queues once.
import { afterEach, describe, expect, test } from 'vitest';
import { createBroadcast, createQueue, QueueClosedError, selectAsync, subscribe } from '../../ts/index.js';
import { deliveryProblems, ReceiptLog } from './support/messages.js';
import { queueWorker } from './support/queue-workers.js';
import { startWorker, type WorkerClient } from './support/worker-rpc.js';
import type { BroadcastWorkerRequest } from './workers/broadcast.worker.js';

const started: WorkerClient[] = [];
afterEach(() => {
  for (const w of started.splice(0)) w.terminate();
});
function broadcastWorker() {
  const client = startWorker(new Worker(new URL('./workers/broadcast.worker.ts', import.meta.url), { type: 'module' }));
  started.push(client);
  return { call: <T>(request: BroadcastWorkerRequest) => client.call<T>(request) };
}

/** The test messages run to 20 KB; a broadcast message fits one slot. */
const SLOT_BYTES = 32 * 1024;

interface Consumed { seqs: number[][]; order: number; missed: number }

describe('broadcast between module Web Workers', () => {
  test("'wait', 2 producers x 3 subscribers: each subscriber gets every message once, intact, in one total order", async () => {
    const PER_PRODUCER = 6_000;
    const b = createBroadcast({ capacity: 64, slotBytes: SLOT_BYTES });
    const subscribers = [0, 1, 2].map(() => broadcastWorker());
    for (const s of subscribers) await s.call({ op: 'subscribe', handle: b.handle });
    const consuming = subscribers.map((s) => s.call<Consumed>({ op: 'consume', producers: 2 }));
    const producing = [0, 1].map((producer) => broadcastWorker().call<number>({ op: 'produce', handle: b.handle, producer, count: PER_PRODUCER }));
    expect(await Promise.all(producing)).toEqual([PER_PRODUCER, PER_PRODUCER]);
    b.close();
    const results = await Promise.all(consuming);
    for (const r of results) {
      expect(deliveryProblems([r.seqs], 2, PER_PRODUCER)).toEqual([]);
      expect(r.seqs.map((s) => s.length)).toEqual([PER_PRODUCER, PER_PRODUCER]);
      expect(r.missed).toBe(0);
    }
    expect(new Set(results.map((r) => r.order)).size).toBe(1);
  });

  test('the main thread subscribes and reads with popAsync, and selectAsync takes from a subscriber and a queue', async () => {
    const PER_PRODUCER = 3_000;
    const b = createBroadcast({ capacity: 64, slotBytes: SLOT_BYTES });
    const s = subscribe(b.handle);
    const q = createQueue({ capacity: 512, slotBytes: 64, stallTimeoutMs: 2 ** 31 - 1 });
    const producing = [
      broadcastWorker().call<number>({ op: 'produce', handle: b.handle, producer: 0, count: PER_PRODUCER }),
      queueWorker().call<number>({ op: 'produce', handle: q.handle, producer: 1, count: PER_PRODUCER }),
    ];
    const log = new ReceiptLog(2);
    const fromSource = [0, 0];
    for (let n = 0; n < 2 * PER_PRODUCER; n++) {
      const { index, value } = await selectAsync<Uint8Array>([s, q], { timeoutMs: 60_000 });
      log.add(value);
      fromSource[index]!++;
    }
    expect(await Promise.all(producing)).toEqual([PER_PRODUCER, PER_PRODUCER]);
    expect(fromSource).toEqual([PER_PRODUCER, PER_PRODUCER]);
    expect(deliveryProblems([log.seqs], 2, PER_PRODUCER)).toEqual([]);
    b.close();
    await expect(s.popAsync()).rejects.toThrow(QueueClosedError);
  });
});

describe('select in a module Web Worker', () => {
  test('over 3 queues fed by 3 producer workers: every message once, intact, in per-producer order, from its own queue', async () => {
    const PER_PRODUCER = 6_000;
    const queues = [0, 1, 2].map(() => createQueue({ capacity: 512, slotBytes: 64, stallTimeoutMs: 2 ** 31 - 1 }));
    const selecting = broadcastWorker().call<{ seqs: number[][]; perQueue: number[] }>({ op: 'select', handles: queues.map((q) => q.handle), producers: 3 });
    const producing = queues.map((q, producer) => queueWorker().call<number>({ op: 'produce', handle: q.handle, producer, count: PER_PRODUCER }));
    expect(await Promise.all(producing)).toEqual([PER_PRODUCER, PER_PRODUCER, PER_PRODUCER]);
    for (const q of queues) q.close();
    const { seqs, perQueue } = await selecting;
    expect(deliveryProblems([seqs], 3, PER_PRODUCER)).toEqual([]);
    expect(perQueue).toEqual([PER_PRODUCER, PER_PRODUCER, PER_PRODUCER]);
  });
});
