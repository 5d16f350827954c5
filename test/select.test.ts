// select and selectAsync in one thread: what they take and from where, the
// round-robin that keeps an always-ready queue from starving the others,
// closing, timeouts, abort, and the errors for bad arguments. Real threads:
// select.threads.test.ts.
import { describe, expect, it } from 'vitest';
import { createQueue, QueueClosedError, select, selectAsync, TimeoutError, type Queue } from '../ts/index.js';

const queues = (n: number, capacity = 64) => Array.from({ length: n }, () => createQueue<number>({ capacity, codec: 'json' }));

describe('select and selectAsync', () => {
  it('take the message a queue holds, saying which queue, decoded by that queue\'s codec', async () => {
    const a = createQueue<number>({ codec: 'json' });
    const b = createQueue<string>({ codec: 'string' });
    b.push('hello');
    expect(select<number | string>([a, b])).toEqual({ index: 1, value: 'hello' });
    a.push(7);
    expect(await selectAsync<number | string>([a, b])).toEqual({ index: 0, value: 7 });
    expect(a.size + b.size).toBe(0);
  });

  it('take from full queues in turn: in every 4 calls each of 4 always-ready queues gives one message, in its own order', async () => {
    const qs = queues(4);
    qs.forEach((q, i) => { for (let k = 0; k < 50; k++) q.push(i * 1000 + k); });
    const taken: { index: number; value: number }[] = [];
    for (let n = 0; n < 100; n++) taken.push(n % 2 === 0 ? select(qs) : await selectAsync(qs));
    for (let w = 0; w < 100; w += 4) {
      expect(new Set(taken.slice(w, w + 4).map((t) => t.index)).size).toBe(4);
    }
    for (let i = 0; i < 4; i++) {
      const mine = taken.filter((t) => t.index === i).map((t) => t.value);
      expect(mine).toEqual(Array.from({ length: 25 }, (_, k) => i * 1000 + k));
    }
  });

  it('skip queues that are closed and drained, take what a closed queue still holds, and throw QueueClosedError once all are closed and drained', async () => {
    const [a, b] = queues(2);
    a.close();
    b.push(1);
    b.close();
    expect(select([a, b])).toEqual({ index: 1, value: 1 });
    expect(() => select([a, b])).toThrow(QueueClosedError);
    await expect(selectAsync([a, b])).rejects.toThrow(QueueClosedError);
  });

  it('end a wait with QueueClosedError when the last open queue closes', async () => {
    const [a, b] = queues(2);
    a.close();
    const waiting = selectAsync([a, b]);
    setTimeout(() => b.close(), 20);
    await expect(waiting).rejects.toThrow('every source select waits on is closed and drained');
  });

  it('selectAsync wakes for a message pushed into any of the queues while it waits', async () => {
    for (const target of [0, 2]) {
      const qs = queues(3);
      const waiting = selectAsync(qs, { timeoutMs: 30_000 });
      setTimeout(() => qs[target]!.push(40 + target), 20);
      expect(await waiting).toEqual({ index: target, value: 40 + target });
    }
  });

  it('throw TimeoutError after timeoutMs when nothing arrives, taking nothing', async () => {
    const qs = queues(3);
    let start = performance.now();
    expect(() => select(qs, 30)).toThrow(new TimeoutError('select', 30));
    expect(performance.now() - start).toBeGreaterThanOrEqual(29);
    start = performance.now();
    await expect(selectAsync(qs, { timeoutMs: 30 })).rejects.toThrow(new TimeoutError('selectAsync', 30));
    expect(performance.now() - start).toBeGreaterThanOrEqual(29);
    expect(() => select(qs, 0)).toThrow(TimeoutError);
  });

  it('selectAsync rejects with the signal\'s reason when aborted, before or during the wait, and takes nothing', async () => {
    const qs = queues(2);
    const reason = new Error('stop');
    await expect(selectAsync(qs, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const controller = new AbortController();
    const waiting = selectAsync(qs, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await expect(waiting).rejects.toBe(reason);
    qs[1]!.push(5);
    expect(select(qs)).toEqual({ index: 1, value: 5 });
  });

  it.each([
    ['not an array', 'x', TypeError, 'select takes an array of queues and subscribers; got string'],
    ['an empty array', [], RangeError, 'select takes at least one queue or subscriber; got an empty array'],
    ['an array holding something else', [createQueue(), { tryPop() {} }], TypeError, 'select source 1 is not a Queue or a Subscriber: got an object (Object)'],
  ])('refuse %s, saying what they take', async (_, sources, type, message) => {
    expect(() => select(sources as Queue<unknown>[])).toThrow(type);
    expect(() => select(sources as Queue<unknown>[])).toThrow(message);
    await expect(selectAsync(sources as Queue<unknown>[])).rejects.toThrow(message.replace('select', 'selectAsync'));
  });

  it('refuse a bad timeoutMs or signal', async () => {
    const qs = queues(1);
    expect(() => select(qs, -1)).toThrow('select timeoutMs must be a number >= 0 (or undefined to wait forever); got -1');
    await expect(selectAsync(qs, { timeoutMs: Number.NaN })).rejects.toThrow('selectAsync timeoutMs must be a number');
    await expect(selectAsync(qs, { signal: {} as AbortSignal })).rejects.toThrow('signal must be an AbortSignal');
  });
});
