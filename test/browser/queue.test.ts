// The queue between real module Web Workers in each browser engine, and on a browser
// main thread that may never block (popAsync / pushAsync only).
import { describe, expect, test } from 'vitest';
import { attachQueue, createQueue, QueueClosedError, TimeoutError, type QueueHandle } from '../../ts/index.js';
import { queueWorker } from './support/queue-workers.js';
import { deliveryProblems, makeMessage, ReceiptLog } from './support/messages.js';

/**
 * 64-byte slots and a small ring, so messages span slots and producers meet a
 * full queue. No thread dies here, so no pause may get one taken for dead.
 */
function mixedSizeQueue() {
  return createQueue({ capacity: 512, slotBytes: 64, stallTimeoutMs: 2 ** 31 - 1 });
}

describe('P producers x C consumers, all module Web Workers', () => {
  const PER_PRODUCER = 20_000;

  test.each([
    { producers: 2, consumers: 2 },
    { producers: 1, consumers: 2 },
    { producers: 2, consumers: 1 },
  ])(
    '$producers x $consumers: every mixed-size message arrives exactly once, intact, in per-producer order',
    async ({ producers, consumers }) => {
      const q = mixedSizeQueue();
      const handle = q.handle;
      // Half the consumers take batches (popBatch), half single pops; odd producers push in batches.
      const consuming = Array.from({ length: consumers }, (_, c) =>
        queueWorker().call<number[][]>({ op: 'consume', handle, producers, batch: c % 2 === 1 }),
      );
      const producing = Array.from({ length: producers }, (_, p) =>
        queueWorker().call<number>({ op: 'produce', handle, producer: p, count: PER_PRODUCER, batch: p % 2 === 1 }),
      );
      expect(await Promise.all(producing)).toEqual(Array(producers).fill(PER_PRODUCER));
      q.close();
      const logs = await Promise.all(consuming);
      expect(deliveryProblems(logs, producers, PER_PRODUCER)).toEqual([]);
      expect(logs.flat().reduce((n, s) => n + s.length, 0)).toBe(producers * PER_PRODUCER);
      expect(q.size).toBe(0);
    },
  );
});

describe('the main thread, which may not block', () => {
  test('consumes from two worker producers with popAsync: exactly once, in per-producer order', async () => {
    const PER_PRODUCER = 8_000;
    const q = mixedSizeQueue();
    const producing = [0, 1].map((p) =>
      queueWorker().call<number>({ op: 'produce', handle: q.handle, producer: p, count: PER_PRODUCER }),
    );
    const log = new ReceiptLog(2);
    while (log.count < 2 * PER_PRODUCER) log.add(await q.popAsync({ timeoutMs: 20_000 }));
    await Promise.all(producing);
    expect(deliveryProblems([log.seqs], 2, PER_PRODUCER)).toEqual([]);
    expect(q.tryPop()).toBeUndefined();
  });

  test('produces with pushAsync for two worker consumers: every mixed-size message exactly once, in order', async () => {
    const COUNT = 8_000;
    const q = mixedSizeQueue();
    const consuming = [0, 1].map((c) =>
      queueWorker().call<number[][]>({ op: 'consume', handle: q.handle, producers: 1, batch: c === 1 }),
    );
    for (let seq = 0; seq < COUNT; seq++) await q.pushAsync(makeMessage(0, seq), { timeoutMs: 20_000 });
    q.close();
    expect(deliveryProblems(await Promise.all(consuming), 1, COUNT)).toEqual([]);
  });

  test('pushAsync on a full queue stays pending until a worker pops, then pushes', async () => {
    const q = createQueue({ capacity: 2, slotBytes: 8 });
    expect(q.tryPush(new Uint8Array(16).fill(1))).toBe(true); // takes both slots
    let settled = false;
    const pushing = q.pushAsync(new Uint8Array([2])).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false); // no room: it cannot have completed
    const popped = await queueWorker().call<Uint8Array>({ op: 'popOnce', handle: q.handle });
    expect(popped).toEqual(new Uint8Array(16).fill(1));
    await pushing;
    expect(q.tryPop()).toEqual(new Uint8Array([2]));
  });

  test('for await over the queue yields every message, then ends when the queue is closed and drained', async () => {
    const q = mixedSizeQueue();
    const producing = queueWorker().call<number>({ op: 'produce', handle: q.handle, producer: 0, count: 3_000 });
    const closing = producing.then(() => q.close());
    const log = new ReceiptLog(1);
    for await (const bytes of q) log.add(bytes);
    await closing;
    expect(deliveryProblems([log.seqs], 1, 3_000)).toEqual([]);
  });

  test('push() and pop() throw an Error that names pushAsync() and popAsync(), and change nothing', () => {
    const q = createQueue({ capacity: 4 });
    expect(() => q.push(new Uint8Array([1]))).toThrow(/pushAsync\(\)/);
    expect(q.size).toBe(0);
    q.tryPush(new Uint8Array([2]));
    expect(() => q.pop()).toThrow(/popAsync\(\)/);
    expect(q.tryPop()).toEqual(new Uint8Array([2]));
  });
});

describe('handles and waits specific to the browser', () => {
  test('a queue created in a worker is attached by the main thread from its posted handle, contents intact', async () => {
    const handle = await queueWorker().call<QueueHandle>({ op: 'createAndFill', count: 20 });
    const q = attachQueue(handle);
    const log = new ReceiptLog(1);
    for (let i = 0; i < 20; i++) log.add(await q.popAsync({ timeoutMs: 5_000 }));
    expect(deliveryProblems([log.seqs], 1, 20)).toEqual([]);
  });

  test('popAsync on an empty queue rejects with TimeoutError once timeoutMs passes (its own timer, not only waitAsync)', async () => {
    const q = createQueue();
    const error = await q.popAsync({ timeoutMs: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/popAsync timed out after 30 ms/);
  });

  test('popAsync rejects with the abort reason when its signal aborts, and takes nothing', async () => {
    const q = createQueue();
    const controller = new AbortController();
    const popping = q.popAsync({ signal: controller.signal }).catch((e: unknown) => e);
    const reason = new Error('user went away');
    controller.abort(reason);
    expect(await popping).toBe(reason);
    q.tryPush(new Uint8Array([1]));
    expect(q.tryPop()).toEqual(new Uint8Array([1])); // the aborted pop did not consume it
  });
});

describe('close wakes waiters on every thread', () => {
  test('a popAsync waiting on an empty queue rejects with QueueClosedError when a worker closes it', async () => {
    const q = createQueue();
    const waiting = q.popAsync();
    const outcome = waiting.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await queueWorker().call({ op: 'closeAfter', handle: q.handle, delayMs: 50 });
    expect(await outcome).toBeInstanceOf(QueueClosedError);
  });

  test('a pushAsync waiting on a full queue rejects with QueueClosedError when a worker closes it', async () => {
    const q = createQueue({ capacity: 2, slotBytes: 8 });
    expect(q.tryPush(new Uint8Array(16))).toBe(true); // both slots
    const outcome = q.pushAsync(new Uint8Array(1)).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await queueWorker().call({ op: 'closeAfter', handle: q.handle, delayMs: 50 });
    expect(await outcome).toBeInstanceOf(QueueClosedError);
    // What was queued before the close can still be drained.
    expect(q.tryPop()).toEqual(new Uint8Array(16));
  });

  test('a worker blocked in pop() wakes with QueueClosedError when the main thread closes the queue', async () => {
    const q = createQueue();
    const handle: QueueHandle = q.handle;
    const popping = queueWorker()
      .call({ op: 'popOnce', handle })
      .then(
        () => 'resolved',
        (e: Error) => e.name,
      );
    // Give the worker time to park in Atomics.wait (not required for correctness: a close before it parks also ends the pop).
    await new Promise((resolve) => setTimeout(resolve, 100));
    q.close();
    expect(await popping).toBe('QueueClosedError');
  });

  test('a worker blocked in pop() receives a message the main thread pushes with pushAsync', async () => {
    const q = createQueue();
    const popping = queueWorker().call<Uint8Array>({ op: 'popOnce', handle: q.handle });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await q.pushAsync(new Uint8Array([7, 8, 9]));
    expect(Array.from(await popping)).toEqual([7, 8, 9]);
  });
});

describe('handles in one message', () => {
  // Firefox 140 ESR's structured clone resolved a second reference to an object
  // first met after a WebAssembly.Memory to the wrong object, and every handle
  // holds the one compiled kernel module: the second handle arrived with a
  // Memory for its module (queue/handle.ts, handleOf).
  test('several queue handles posted together each attach to their own queue in a worker', async () => {
    const queues = [0, 1, 2].map(() => createQueue({ codec: 'json' }));
    queues.forEach((q, i) => expect(q.tryPush({ queue: i })).toBe(true));
    const got = await queueWorker().call<unknown[]>({ op: 'popEach', handles: queues.map((q) => q.handle) });
    expect(got).toEqual([{ queue: 0 }, { queue: 1 }, { queue: 2 }]);
  });
});

