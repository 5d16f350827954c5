// Single-thread semantics of the in-place calls: tryPublish / publish /
// publishAsync write messages where they lie in the ring; tryDrain / drain /
// drainAsync read them there. (Threads: inplace.threads.test.ts.)
import { describe, expect, it } from 'vitest';
import { attachQueue, createQueue, QueueClosedError, TimeoutError, type Queue } from '../../dist/index.js';

type Q = Queue<Uint8Array>;
const pat = (len: number, tag: number) => Uint8Array.from({ length: len }, (_, i) => (tag * 31 + i * 7 + 1) & 0xff);
const one = (b: number) => new Uint8Array([b]);
const bad = (v: unknown) => v as never;

let privateRegions = 0; // regions in a private (bounce) buffer: messages that wrap
/** The region a callback is given must be real, in bounds and contiguous. */
function checkRegion(bytes: Uint8Array, offset: number, length: number): void {
  expect(bytes).toBeInstanceOf(Uint8Array);
  if (!(bytes.buffer instanceof SharedArrayBuffer)) privateRegions++;
  expect(Number.isInteger(offset) && offset >= 0).toBe(true);
  expect(offset + length).toBeLessThanOrEqual(bytes.length);
}
/** A fill writing pat(length, base + index), recording the indexes it was called with; throws after writing #throwAt. */
function filler(length: number, base = 0, calls: number[] = [], throwAt = -1) {
  return (bytes: Uint8Array, offset: number, index: number) => {
    calls.push(index);
    checkRegion(bytes, offset, length);
    bytes.set(pat(length, base + index), offset);
    if (index === throwAt) throw new Error(`fill ${index} fails`);
  };
}
/** A handler that copies each message out; throws after copying message `throwAt`. */
function collector(out: Uint8Array[], throwAt = -1) {
  return (bytes: Uint8Array, offset: number, length: number) => {
    checkRegion(bytes, offset, length);
    out.push(bytes.slice(offset, offset + length));
    if (out.length - 1 === throwAt) throw new Error(`handler ${throwAt} fails`);
  };
}
const drainAll = (q: Q, max?: number) => {
  const out: Uint8Array[] = [];
  expect(q.tryDrain(collector(out), max)).toBe(out.length);
  return out;
};
const firsts = (ms: Uint8Array[]) => ms.map((m) => m[0]);

describe('argument errors say what is allowed and change nothing', () => {
  /** `call` must throw, or return a promise that rejects, with an error whose "Name: message" matches `pattern`. */
  async function fails(call: () => unknown, pattern: RegExp) {
    const outcome = await (async () => call())().then((v) => `returned ${String(v)}`, (e) => String(e));
    expect(outcome).toMatch(pattern);
  }
  const preloaded = () => ((q) => (q.pushBatch([one(1), one(2), one(3)]), q))(createQueue({ capacity: 8, slotBytes: 8 }));
  const unchanged = (q: Q) => expect([q.size, firsts(q.popBatch(10))]).toEqual([3, [1, 2, 3]]);

  it('tryPublish / publish / publishAsync reject a bad length, fill, count, timeoutMs, options or signal before claiming', async () => {
    const q = preloaded();
    const calls: number[] = [];
    const fill = filler(4, 0, calls);
    for (const op of ['tryPublish', 'publish', 'publishAsync'] as const) {
      const call = (len: unknown, f: unknown, o?: unknown) => () => q[op](bad(len), bad(f), bad(o));
      for (const len of [-1, 65, 1.5, NaN, '4', undefined]) {
        await fails(call(len, fill), RegExp(`^RangeError: ${op} length must be an integer from 0 to this queue's maxMessageBytes \\(64\\); got`));
      }
      for (const f of [undefined, null, 5, 'fill', {}]) await fails(call(4, f), RegExp(`^TypeError: ${op} takes a fill\\(bytes, offset, index\\); got`));
      for (const count of [0, -1, 2 ** 20 + 1, 1.5, '2', null]) {
        await fails(call(4, fill, { count }), RegExp(`^RangeError: ${op} count must be an integer from 1 to 1048576; got`));
      }
      for (const options of [null, 5, 'x']) await fails(call(4, fill, options), RegExp(`^TypeError: ${op} options must be an object`));
      if (op === 'tryPublish') continue;
      for (const timeoutMs of [-1, NaN, '5']) await fails(call(4, fill, { timeoutMs }), RegExp(`^RangeError: ${op} timeoutMs must be a number >= 0`));
    }
    await fails(() => q.publishAsync(4, fill, { signal: bad({}) }), /^TypeError: signal must be an AbortSignal/);
    expect(calls).toEqual([]);
    unchanged(q);
  });

  it('tryDrain / drain / drainAsync reject a bad handler, max, timeoutMs, options or signal before taking anything', async () => {
    const q = preloaded();
    const got: Uint8Array[] = [];
    const h = collector(got);
    const call = (op: 'tryDrain' | 'drain' | 'drainAsync', f: unknown, max?: unknown, o: object = {}) => () =>
      op === 'tryDrain' ? q.tryDrain(bad(f), bad(max)) : q[op](bad(f), bad({ max, ...o }));
    for (const op of ['tryDrain', 'drain', 'drainAsync'] as const) {
      for (const f of [undefined, null, 5, 'h']) await fails(call(op, f), RegExp(`^TypeError: ${op} takes a handler\\(bytes, offset, length\\); got`));
      for (const max of [0, -3, 2 ** 20 + 1, 2.5, '1', null]) {
        await fails(call(op, h, max), RegExp(`^RangeError: ${op} max must be an integer from 1 to 1048576; got`));
      }
      if (op === 'tryDrain') continue;
      for (const timeoutMs of [-1, NaN, '5']) await fails(call(op, h, undefined, { timeoutMs }), RegExp(`^RangeError: ${op} timeoutMs must be a number >= 0`));
      for (const options of [null, 7]) await fails(() => q[op](h, bad(options)), RegExp(`^TypeError: ${op} options must be an object`));
    }
    await fails(() => q.drainAsync(h, { signal: bad('s') }), /^TypeError: signal must be an AbortSignal/);
    await fails(() => q.popBatchAsync(-1), /^RangeError: popBatch max must be an integer >= 0; got -1/);
    await fails(() => q.popBatchAsync(1.5), /^RangeError/);
    await fails(() => q.popBatchAsync(2, bad(null)), /^TypeError: popBatchAsync options must be an object/);
    await fails(() => q.popBatchAsync(2, { timeoutMs: -1 }), /^RangeError: popBatchAsync timeoutMs/);
    expect(got).toEqual([]);
    unchanged(q);
  });
});

describe('tryPublish claims what fits, with one call', () => {
  it('publishes `count` (default 1) messages calling fill once per index in order; a partial count when only some fit, 0 when full', () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    const calls: number[] = [];
    expect(q.tryPublish(3, filler(3, 0, calls), { count: 4 })).toBe(4);
    expect(q.tryPublish(3, filler(3, 4, calls))).toBe(1);
    expect(q.tryPublish(3, filler(3, 5, calls), { count: 5 })).toBe(3);
    expect(q.tryPublish(3, filler(3, 9, calls), { count: 5 })).toBe(0);
    expect(calls).toEqual([0, 1, 2, 3, 0, 0, 1, 2]);
    expect(q.size).toBe(8);
    expect(drainAll(q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((t) => pat(3, t)));
  });

  it('a message takes ceil(length / slotBytes) slots (an empty one takes one); the largest fits only an empty ring', () => {
    const q = createQueue({ capacity: 16, slotBytes: 8 });
    expect([q.tryPublish(20, filler(20), { count: 10 }), q.size]).toEqual([5, 15]); // 3 slots each
    expect([q.tryPublish(0, filler(0), { count: 3 }), q.size]).toEqual([1, 16]);
    const got = drainAll(q);
    expect(got.map((m) => m.length)).toEqual([20, 20, 20, 20, 20, 0]);
    expect(got.slice(0, 5)).toEqual([0, 1, 2, 3, 4].map((t) => pat(20, t)));
    expect(q.tryPublish(0, filler(0), { count: 20 })).toBe(16);
    expect(q.tryPublish(128, filler(128))).toBe(0);
    expect(drainAll(q)).toHaveLength(16);
    expect(q.tryPublish(128, filler(128, 3))).toBe(1);
    expect(drainAll(q)).toEqual([pat(128, 3)]);
  });
});

describe('messages whose bytes run past the ring end', () => {
  it('at every start position and length, fill and handler see one contiguous region and the bytes arrive identical', () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    let tag = 0;
    let pos = 0;
    const before = privateRegions;
    for (let start = 0; start < 8; start++) {
      for (let len = 0; len <= 64; len += len < 20 ? 1 : 7) {
        const pad = (((start - pos) % 8) + 8) % 8; // move head and tail to `start` (mod 8)
        for (let i = 0; i < pad; i++) q.tryPush(one(0));
        expect(q.popBatch(8)).toHaveLength(pad);
        pos += pad + 3 * Math.max(1, Math.ceil(len / 8));
        tag++;
        expect(q.tryPublish(len, filler(len, tag))).toBe(1);
        expect(drainAll(q)).toEqual([pat(len, tag)]);
        expect(q.tryPublish(len, filler(len, tag + 1000))).toBe(1); // published in place, popped by copy
        expect(q.tryPop()).toEqual(pat(len, tag + 1000));
        expect(q.tryPush(pat(len, tag + 2000))).toBe(true); // pushed by copy, drained in place
        expect(drainAll(q)).toEqual([pat(len, tag + 2000)]);
      }
    }
    expect(privateRegions - before).toBeGreaterThan(100); // the wrapped ones really went through a private buffer
  });

  it('a batch with a wrapped message in its middle delivers every message intact, crossing 2^32 too', () => {
    for (const initialPosition of [3, 2 ** 32 - 5]) {
      const before = privateRegions;
      const q = createQueue({ capacity: 16, slotBytes: 8, initialPosition });
      for (let round = 0; round < 20; round++) {
        expect(q.tryPublish(13, filler(13, round * 8), { count: 7 })).toBe(7); // 2 slots each: one wraps at times
        expect(drainAll(q, 3)).toEqual([0, 1, 2].map((i) => pat(13, round * 8 + i)));
        expect(drainAll(q)).toEqual([3, 4, 5, 6].map((i) => pat(13, round * 8 + i)));
      }
      expect(privateRegions - before).toBeGreaterThanOrEqual(20); // odd positions: one message of each side wraps
    }
  });
});

describe('a throwing fill', () => {
  it.each([0, 2, 4])('throwing at index %i of 5 publishes nothing of that call, and the whole ring is usable afterwards', (at) => {
    const q = createQueue({ capacity: 16, slotBytes: 8 });
    q.tryPush(one(100));
    const calls: number[] = [];
    expect(() => q.tryPublish(12, filler(12, 0, calls, at), { count: 5 })).toThrow(`fill ${at} fails`);
    expect(calls).toEqual([0, 1, 2, 3, 4].slice(0, at + 1));
    expect(q.tryPublish(12, filler(12, 50), { count: 1 })).toBe(1);
    expect(drainAll(q).concat(drainAll(q))).toEqual([one(100), pat(12, 50)]); // (two calls: see the last test)
    expect(q.tryPop()).toBeUndefined();
    expect(q.size).toBe(0);
    expect(q.tryPublish(8, filler(8, 200), { count: 16 })).toBe(16);
    expect(drainAll(q)).toEqual(Array.from({ length: 16 }, (_, i) => pat(8, 200 + i)));
  });

  it('throwing while filling a message that wraps (through a private buffer) publishes none of it', () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    q.pushBatch([0, 0, 0, 0, 0, 0].map(one));
    q.popBatch(6); // head and tail at 6: a 20-byte message would wrap
    expect(() => q.tryPublish(20, filler(20, 7, [], 0))).toThrow('fill 0 fails'); // after writing all 20 bytes
    expect(q.tryPop()).toBeUndefined();
    expect(q.tryPublish(20, filler(20, 9))).toBe(1);
    expect(q.tryPop()).toEqual(pat(20, 9));
    expect(q.tryPublish(8, filler(8), { count: 8 })).toBe(8);
  });

  it('publishAsync: a fill that throws in a later claim leaves the earlier claims published', async () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    const calls: number[] = [];
    const p = q.publishAsync(4, filler(4, 0, calls, 10), { count: 12 });
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 6, 7]); // first claim: the whole ring
    expect(drainAll(q, 4)).toEqual([0, 1, 2, 3].map((t) => pat(4, t)));
    await expect(p).rejects.toThrow('fill 10 fails');
    expect(calls.slice(8)).toEqual([8, 9, 10]);
    expect(drainAll(q).concat(drainAll(q))).toEqual([4, 5, 6, 7].map((t) => pat(4, t)));
    expect(q.tryPublish(1, filler(1), { count: 8 })).toBe(8);
  });

  it('a later tryDrain hands over every message there is, also those behind a withdrawn claim', () => {
    const q = createQueue({ capacity: 16, slotBytes: 8 });
    q.tryPush(one(1));
    expect(() => q.tryPublish(1, filler(1, 0, [], 0), { count: 2 })).toThrow('fill 0 fails');
    q.tryPush(one(2));
    expect(firsts(drainAll(q))).toEqual([1, 2]);
  });
});

describe('a throwing handler', () => {
  /** 5 messages, a tryDrain whose handler throws on #2: #0-#2 consumed, #3 and #4 kept; #5 pushed after. */
  const afterThrow = () => {
    const q = createQueue({ capacity: 16, slotBytes: 8 });
    q.pushBatch([0, 1, 2, 3, 4].map(one));
    const got: Uint8Array[] = [];
    expect(() => q.tryDrain(collector(got, 2))).toThrow('handler 2 fails');
    expect(firsts(got)).toEqual([0, 1, 2]);
    q.tryPush(one(5));
    return q;
  };

  const thrice = async (next: () => Uint8Array | Promise<Uint8Array>) => [(await next())[0], (await next())[0], (await next())[0]];
  it.each<[string, (q: Q) => number[] | Promise<number[]>]>([
    ['tryPop', (q) => thrice(() => q.tryPop()!)],
    ['pop', (q) => thrice(() => q.pop(100))],
    ['popAsync', (q) => thrice(() => q.popAsync({ timeoutMs: 100 }))],
    ['tryDrain', (q) => firsts(drainAll(q))],
    ['drain', (q) => { const out: Uint8Array[] = []; while (out.length < 3) q.drain(collector(out), { timeoutMs: 5000 }); return firsts(out); }],
    ['popBatch', (q) => firsts(q.popBatch(10))],
    ['popBatchAsync', async (q) => firsts(await q.popBatchAsync(10))],
    ['tryPopInto', (q) => thrice(() => { const t = new Uint8Array(4); return t.subarray(2, 2 + q.tryPopInto(t, 2)); })],
  ])('the rest of the take comes first from the next %s, before newer messages', async (_, read) => {
    const q = afterThrow();
    expect(await read(q)).toEqual([3, 4, 5]);
    expect(q.tryPop()).toBeUndefined();
  });

  it('throwing on the last message keeps nothing; kept messages are still delivered after close', () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    q.pushBatch([one(1), one(2)]);
    expect(() => q.tryDrain(collector([], 1))).toThrow();
    q.pushBatch([one(3), one(4), one(5)]);
    expect(() => q.tryDrain(collector([], 0))).toThrow();
    q.close();
    expect(q.tryPop()).toEqual(one(4));
    const out: Uint8Array[] = [];
    expect([q.drain(collector(out)), firsts(out), q.drain(collector(out))]).toEqual([1, [5], 0]);
    expect(() => q.pop()).toThrow(QueueClosedError);
  });

  it('a handler that throws on a kept message consumes only that one; max counts kept messages', () => {
    const q = afterThrow();
    expect(firsts(drainAll(q, 1))).toEqual([3]);
    const got: Uint8Array[] = [];
    expect(() => q.tryDrain(collector(got, 0))).toThrow(); // on kept #4
    expect(firsts(got)).toEqual([4]);
    expect(firsts(drainAll(q))).toEqual([5]);
  });

  it('kept messages belong to the Queue object that took them, not to another one attached to the same queue', () => {
    const q = afterThrow();
    const other = attachQueue(q.handle);
    expect([other.tryPop(), other.tryPop()]).toEqual([one(5), undefined]);
    expect(firsts(q.popBatch(5))).toEqual([3, 4]);
  });
});

describe('drain and drainAsync wait', () => {
  it('return 0 once closed and drained; a closed queue hands its messages over first (and publishing throws QueueClosedError)', async () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    q.pushBatch([one(1), one(2), one(3)]);
    q.close();
    const [out, calls]: [Uint8Array[], number[]] = [[], []];
    expect(() => q.tryPublish(1, filler(1, 0, calls))).toThrow(QueueClosedError);
    expect(() => q.publish(1, filler(1, 0, calls), { count: 3 })).toThrow(QueueClosedError);
    await expect(q.publishAsync(1, filler(1, 0, calls))).rejects.toBeInstanceOf(QueueClosedError);
    expect(calls).toEqual([]);
    expect(q.drain(collector(out), { max: 2 })).toBe(2);
    expect(await q.drainAsync(collector(out))).toBe(1);
    expect(firsts(out)).toEqual([1, 2, 3]);
    expect(q.drain(collector(out))).toBe(0);
    expect(q.drain(collector(out), { timeoutMs: 10 })).toBe(0);
    expect(await q.drainAsync(collector(out))).toBe(0);
    expect(q.tryDrain(collector(out))).toBe(0);
    expect(out).toHaveLength(3);
  });

  it('throw TimeoutError on an empty queue after timeoutMs; drainAsync rejects with the signal reason when aborted', async () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    const out: Uint8Array[] = [];
    let t0 = performance.now();
    expect(() => q.drain(collector(out), { timeoutMs: 30 })).toThrow(/drain timed out after 30 ms/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    expect(() => q.drain(collector(out), { timeoutMs: 0 })).toThrow(TimeoutError);
    t0 = performance.now();
    await expect(q.drainAsync(collector(out), { timeoutMs: 30 })).rejects.toThrow(/drainAsync timed out after 30 ms/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    const reason = new Error('stop'); // aborted before or while waiting: rejects with the reason, takes nothing
    await expect(q.drainAsync(collector(out), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    q.tryPush(one(1));
    await expect(q.drainAsync(collector(out), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(q.tryPop()).toEqual(one(1));
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(reason), 20);
    await expect(q.drainAsync(collector(out), { signal: ctl.signal, timeoutMs: 10_000 })).rejects.toBe(reason);
    expect(out).toEqual([]);
    q.tryPush(one(9));
    expect(q.drain(collector(out), { timeoutMs: 0 })).toBe(1);
  });

  it('drainAsync resolves with a later push, rejects with a handler error thrown then, and resolves 0 on close', async () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    const out: Uint8Array[] = [];
    setTimeout(() => q.tryPublish(2, filler(2, 4), { count: 3 }), 20);
    expect(await q.drainAsync(collector(out), { timeoutMs: 10_000 })).toBe(3);
    setTimeout(() => q.pushBatch([one(1), one(2)]), 20);
    await expect(q.drainAsync(collector([], 0), { timeoutMs: 10_000 })).rejects.toThrow('handler 0 fails');
    expect(q.tryPop()).toEqual(one(2));
    setTimeout(() => q.close(), 20);
    expect(await q.drainAsync(collector(out), { timeoutMs: 10_000 })).toBe(0);
    expect(out).toEqual([4, 5, 6].map((t) => pat(2, t)));
  });
});

describe('publish and publishAsync wait for room', () => {
  it('on a full queue they throw TimeoutError saying how many of the count were published', async () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    let t0 = performance.now();
    expect(() => q.publish(4, filler(4), { count: 12, timeoutMs: 30 })).toThrow(/publish \(8 of 12 published\) timed out after 30 ms/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    expect(q.size).toBe(8);
    expect(() => q.publish(4, filler(4), { timeoutMs: 0 })).toThrow(/\(0 of 1 published\)/);
    t0 = performance.now();
    await expect(q.publishAsync(4, filler(4), { timeoutMs: 30 })).rejects.toThrow(/publishAsync \(0 of 1 published\) timed out after 30 ms/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort('why'), 20);
    await expect(q.publishAsync(4, filler(4), { signal: ctl.signal })).rejects.toBe('why');
    expect(drainAll(q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((t) => pat(4, t)));
  });

  it('publishAsync finishes a count larger than the ring as a consumer frees room, in order', async () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    const out: Uint8Array[] = [];
    const consumer = setInterval(() => q.tryDrain(collector(out), 3), 2);
    await q.publishAsync(9, filler(9), { count: 40, timeoutMs: 20_000 }).finally(() => clearInterval(consumer)); // 2 slots each
    out.push(...drainAll(q));
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => pat(9, i)));
  });
});

describe('codec queues hand raw bytes to the in-place calls', () => {
  it("drain gives a 'string' queue's UTF-8 bytes; bytes published in place, and kept ones, pop as strings", () => {
    const q = createQueue({ codec: 'string', capacity: 16, slotBytes: 8 });
    q.push('héllo, wörld');
    const raw = new TextEncoder().encode('ünïcode ✓');
    q.tryPublish(raw.length, (b, o) => b.set(raw, o));
    const got: string[] = [];
    q.tryDrain((b, o, l) => got.push(new TextDecoder().decode(b.slice(o, o + l))), 1);
    expect(got).toEqual(['héllo, wörld']);
    expect(q.pop()).toBe('ünïcode ✓');
    q.pushBatch(['a', 'bé', 'c']);
    expect(() => q.tryDrain(() => { throw new Error('x'); })).toThrow('x');
    expect(q.popBatch(5)).toEqual(['bé', 'c']);
    const j = createQueue({ codec: 'json' });
    j.push({ a: [1, 'x'] });
    j.tryDrain((b, o, l) => got.push(new TextDecoder().decode(b.slice(o, o + l))));
    expect(JSON.parse(got[1])).toEqual({ a: [1, 'x'] });
  });

  it('popBatchAsync returns decoded values, waits for at least one, and rejects once closed and drained', async () => {
    const q = createQueue<{ n: number }>({ codec: 'json' });
    q.pushBatch([{ n: 1 }, { n: 2 }]);
    expect(await q.popBatchAsync(5)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await q.popBatchAsync(0)).toEqual([]);
    await expect(q.popBatchAsync(5, { timeoutMs: 20 })).rejects.toThrow(/popBatchAsync timed out after 20 ms/);
    setTimeout(() => q.pushBatch([{ n: 3 }, { n: 4 }, { n: 5 }]), 20);
    expect(await q.popBatchAsync(5, { timeoutMs: 10_000 })).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    await expect(q.popBatchAsync(5, { signal: AbortSignal.timeout(20) })).rejects.toHaveProperty('name', 'TimeoutError');
    q.push({ n: 6 });
    q.close();
    expect(await q.popBatchAsync(5)).toEqual([{ n: 6 }]);
    await expect(q.popBatchAsync(5)).rejects.toBeInstanceOf(QueueClosedError);
  });
});

describe('the old and new calls share one FIFO order', () => {
  it('publish, push, pushBatch, tryPublish and publishAsync interleave; pop, popBatch, drain and tryPopInto read in order', async () => {
    const q = createQueue({ capacity: 64, slotBytes: 8, scratchBytes: 64 });
    const [want, got]: Uint8Array[][] = [[], []];
    let tag = 0;
    for (let round = 0; round < 30; round++) {
      const len = [0, 3, 8, 9, 30, 70][round % 6]; // 70 > scratchBytes: the two-call path
      q.publish(len, filler(len, tag), { count: 2 });
      want.push(pat(len, tag), pat(len, tag + 1));
      q.push(pat(len + 1, tag + 2));
      q.pushBatch([pat(len, tag + 3), pat(2, tag + 4)]);
      q.tryPublish(len, filler(len, tag + 5));
      await q.publishAsync(5, filler(5, tag + 6));
      want.push(pat(len + 1, tag + 2), pat(len, tag + 3), pat(2, tag + 4), pat(len, tag + 5), pat(5, tag + 6));
      tag += 7;
      got.push(q.pop(), ...q.popBatch(2));
      q.drain(collector(got), { max: 2 });
      const t = new Uint8Array(80);
      got.push(t.slice(0, q.tryPopInto(t)), ...(await q.popBatchAsync(1)));
    }
    expect(got).toEqual(want);
    expect(q.size).toBe(0);
  });
});
