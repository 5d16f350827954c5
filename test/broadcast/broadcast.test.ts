// Broadcasts in one thread: every subscriber gets every message, in order;
// 'wait' holds producers at the slowest live subscriber and 'overwrite'
// never does, counting what a lapped subscriber missed; from 'next' and
// 'oldest'; close; eviction of a subscriber that stops reading; the in-place
// calls; select over subscribers; and the errors for bad input. Real threads:
// broadcast.threads.test.ts.
import { describe, expect, it } from 'vitest';
import {
  attachBroadcast, createBroadcast, createQueue, QueueClosedError, select, selectAsync, subscribe, TimeoutError,
} from '../../ts/index.js';

const json = <T>(options: Parameters<typeof createBroadcast<T>>[0] = {}) => createBroadcast<T>({ codec: 'json', ...options });

describe('createBroadcast and subscribe', () => {
  it('every subscriber gets every message published after it subscribed, in order', () => {
    const b = json<number>();
    const [s1, s2] = [subscribe<number>(b.handle), subscribe<number>(b.handle)];
    b.push(1);
    const s3 = subscribe<number>(b.handle);
    b.push(2);
    expect([s1.tryPop(), s1.tryPop(), s1.tryPop()]).toEqual([1, 2, undefined]);
    expect([s2.tryPop(), s2.tryPop()]).toEqual([1, 2]);
    expect([s3.tryPop(), s3.tryPop()]).toEqual([2, undefined]);
    expect(b.subscribers).toBe(3);
  });

  it("'oldest' also gets what the ring still holds; 'next' only what comes after", () => {
    const b = json<number>({ capacity: 4 });
    for (let i = 0; i < 6; i++) b.tryPush(i); // no subscriber gates: the ring keeps the last 4
    const oldest = subscribe<number>(b.handle, { from: 'oldest' });
    const next = subscribe<number>(b.handle);
    expect(next.tryPop()).toBeUndefined();
    expect(Array.from({ length: 4 }, () => oldest.tryPop())).toEqual([2, 3, 4, 5]);
    b.push(6); // room again: 'oldest' has read what held the ring full
    expect([oldest.tryPop(), oldest.tryPop(), oldest.missed]).toEqual([6, undefined, 0]);
    expect([next.tryPop(), next.tryPop()]).toEqual([6, undefined]);
  });

  it("'wait': a full ring refuses tryPush and times out push until the slowest subscriber reads; nothing is lost", async () => {
    const b = json<number>({ capacity: 4 });
    const fast = subscribe<number>(b.handle);
    const slow = subscribe<number>(b.handle);
    for (let i = 0; i < 4; i++) expect(b.tryPush(i)).toBe(true);
    for (let i = 0; i < 4; i++) expect(fast.tryPop()).toBe(i);
    expect(b.tryPush(4)).toBe(false);
    expect(() => b.push(4, 20)).toThrow(new TimeoutError('push', 20));
    await expect(b.pushAsync(4, { timeoutMs: 20 })).rejects.toThrow(TimeoutError);
    expect(slow.tryPop()).toBe(0);
    expect(b.tryPush(4)).toBe(true);
    expect(Array.from({ length: 5 }, () => slow.tryPop())).toEqual([1, 2, 3, 4, undefined]);
    expect([fast.tryPop(), fast.missed, slow.missed]).toEqual([4, 0, 0]);
  });

  it("'wait': a subscriber that unsubscribes, or stops reading for stallTimeoutMs, stops gating", async () => {
    const b = json<number>({ capacity: 2, stallTimeoutMs: 30 });
    const gone = subscribe<number>(b.handle);
    b.push(0);
    b.push(1);
    expect(b.tryPush(2)).toBe(false);
    gone.unsubscribe();
    expect(b.tryPush(2)).toBe(true);
    expect(() => gone.tryPop()).toThrow('this subscriber has unsubscribed');

    const stuck = subscribe<number>(b.handle);
    b.push(3);
    b.push(4);
    const started = performance.now();
    b.push(5, 5_000); // waits until stuck has held it back, unmoved, for stallTimeoutMs
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    // Evicted: it rejoins where the ring is and counts what it lost.
    const got: number[] = [];
    for (let v = stuck.tryPop(); v !== undefined; v = stuck.tryPop()) got.push(v);
    expect(got.length + stuck.missed).toBe(3);
    expect(got).toEqual([3, 4, 5].slice(stuck.missed));
  });

  it("'overwrite': producers never wait; a lapped subscriber skips to the oldest message held, and received + missed = published", () => {
    const b = json<number>({ capacity: 8, whenFull: 'overwrite' });
    const s = subscribe<number>(b.handle);
    const received: number[] = [];
    for (let i = 0; i < 100; i++) {
      expect(b.tryPush(i)).toBe(true);
      if (i % 13 === 0) for (let v = s.tryPop(); v !== undefined; v = s.tryPop()) received.push(v);
    }
    for (let v = s.tryPop(); v !== undefined; v = s.tryPop()) received.push(v);
    expect(received.length + s.missed).toBe(100);
    expect(received).toEqual([...received].sort((a, b) => a - b)); // in order
    expect(received.at(-1)).toBe(99);
    expect(s.missed).toBeGreaterThan(0);
  });

  it('close: subscribers drain what is left, then pop throws QueueClosedError and drain returns 0; pushes throw', async () => {
    const b = json<number>();
    const s = subscribe<number>(b.handle);
    b.push(1);
    b.close();
    expect(b.closed).toBe(true);
    expect(() => b.tryPush(2)).toThrow(QueueClosedError);
    expect(s.pop()).toBe(1);
    expect(() => s.pop()).toThrow(QueueClosedError);
    await expect(s.popAsync()).rejects.toThrow(QueueClosedError);
    expect(s.drain(() => {})).toBe(0);
    const seen: number[] = [];
    for await (const v of subscribe<number>(b.handle, { from: 'oldest' })) seen.push(v);
    expect(seen).toEqual([1]);
  });

  it('a parked popAsync wakes for the next message; pushBatch and the in-place calls keep the order', async () => {
    const b = createBroadcast({ capacity: 16, slotBytes: 16 });
    const s = subscribe(b.handle);
    const waiting = s.popAsync({ timeoutMs: 30_000 });
    setTimeout(() => b.push(new Uint8Array([9])), 20);
    expect(Array.from(await waiting)).toEqual([9]);
    expect(b.pushBatch([new Uint8Array([1]), new Uint8Array([2])])).toBe(2);
    expect(b.tryPublish(3, (bytes, offset, index) => bytes.set([index, index, index], offset), { count: 3 })).toBe(3);
    const got: number[][] = [];
    expect(s.tryDrain((bytes, offset, length) => got.push(Array.from(bytes.subarray(offset, offset + length))))).toBe(5);
    expect(got).toEqual([[1], [2], [0, 0, 0], [1, 1, 1], [2, 2, 2]]);
    expect(() => b.tryPublish(1, () => { throw new Error('fill failed'); }, { count: 2 })).toThrow('fill failed');
    expect(s.tryPop()).toBeUndefined(); // a throwing fill publishes nothing of its claim
    expect(s.missed).toBe(0);
  });

  it('select and selectAsync take from subscribers and queues alike', async () => {
    const b = json<string>();
    const s = subscribe<string>(b.handle);
    const q = createQueue<string>({ codec: 'json' });
    b.push('from the broadcast');
    expect(select<string>([q, s])).toEqual({ index: 1, value: 'from the broadcast' });
    setTimeout(() => b.push('later'), 20);
    expect(await selectAsync<string>([q, s], { timeoutMs: 30_000 })).toEqual({ index: 1, value: 'later' });
  });

  it('attachBroadcast publishes from another handle of the same ring, into the same order', () => {
    const b = json<number>();
    const s = subscribe<number>(b.handle);
    const other = attachBroadcast<number>(b.handle);
    b.push(1);
    other.push(2);
    b.push(3);
    expect([s.tryPop(), s.tryPop(), s.tryPop()]).toEqual([1, 2, 3]);
  });

  it('refuses bad input, saying what was wrong and what is allowed', () => {
    expect(() => createBroadcast({ capacity: 3 })).toThrow('createBroadcast option capacity must be a power of two; got 3');
    expect(() => createBroadcast({ slotBytes: 64, maxMessageBytes: 65 })).toThrow(
      'createBroadcast option maxMessageBytes (65) is more than slotBytes (64): a broadcast message fits one slot; raise slotBytes',
    );
    expect(() => createBroadcast({ whenFull: 'drop' as never })).toThrow("createBroadcast option whenFull must be 'wait' or 'overwrite'; got drop");
    expect(() => createBroadcast({ size: 4 } as never)).toThrow("createBroadcast has no option 'size'");
    const b = createBroadcast({ maxSubscribers: 1, slotBytes: 8 });
    subscribe(b.handle);
    expect(() => subscribe(b.handle)).toThrow('this broadcast has 1 subscribers already (its maxSubscribers)');
    expect(() => subscribe(createQueue().handle as never)).toThrow("subscribe takes a broadcast's handle (createBroadcast(...).handle); this is a queue's handle");
    expect(() => b.tryPush(new Uint8Array(9))).toThrow('the message encodes to 9 bytes; this broadcast carries at most 8 (maxMessageBytes)');
    expect(() => subscribe(b.handle, { codec: 'json' })).toThrow("this broadcast was created with codec 'bytes'");
    expect(() => select([])).toThrow(RangeError);
  });
});
