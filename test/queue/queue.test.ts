// Single-thread semantics of every Queue call. (Thread safety is proved in threads.test.ts.)
import { describe, expect, it } from 'vitest';
import { attachQueue, CodecError, createQueue, QueueClosedError, TimeoutError, type Queue } from '../../dist/index.js';
import { OFF_CONSUMERS_WAITING, OFF_PRODUCERS_WAITING } from '../../dist/kernel/layout.js';
import { Kernel } from '../../dist/kernel/kernel.js';
import { NO_RECLAIM, runWorker } from '../helpers.js';
import { execFileSync } from 'node:child_process';

const bytes = (...xs: number[]) => new Uint8Array(xs);
const filled = (len: number, seed = 1) => Uint8Array.from({ length: len }, (_, i) => (i * 31 + seed) & 0xff);

/** How many threads are registered as waiting on a queue's wake word (OFF_CONSUMERS_WAITING or OFF_PRODUCERS_WAITING). */
const waitersOn = (q: Queue<Uint8Array>, offset: number) => Atomics.load(new Int32Array(q.handle.memory.buffer), offset >> 2);

/** `p`, or `late` after 10 s: so that a missing wake-up fails a test instead of hanging it. */
function within10s<T>(p: Promise<T>, late: string): Promise<T | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(late), 10_000)));
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}

describe('tryPush / tryPop', () => {
  it('returns values in FIFO order and undefined when empty', () => {
    const q = createQueue({ capacity: 4, slotBytes: 8 });
    expect(q.tryPop()).toBeUndefined();
    expect(q.tryPush(bytes(1))).toBe(true);
    expect(q.tryPush(bytes(2, 2))).toBe(true);
    expect(q.tryPop()).toEqual(bytes(1));
    expect(q.tryPop()).toEqual(bytes(2, 2));
    expect(q.tryPop()).toBeUndefined();
  });

  it('returns false when full and leaves the queue intact', () => {
    const q = createQueue({ capacity: 4, slotBytes: 8 });
    for (let i = 0; i < 4; i++) expect(q.tryPush(bytes(i))).toBe(true);
    expect(q.tryPush(bytes(9))).toBe(false);
    expect(q.size).toBe(4);
    expect([0, 1, 2, 3].map(() => q.tryPop()![0])).toEqual([0, 1, 2, 3]);
  });

  it('popped values are private copies, not views of shared memory', () => {
    const q = createQueue();
    const src = filled(40);
    q.tryPush(src);
    src[0] = 99; // the queue copied at push time
    const out = q.tryPop()!;
    expect(out[0]).toBe(filled(40)[0]);
    expect(out.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('carries empty messages', () => {
    const q = createQueue({ capacity: 2, slotBytes: 8 });
    expect(q.tryPush(new Uint8Array(0))).toBe(true);
    expect(q.tryPop()).toEqual(new Uint8Array(0));
  });
});

describe('messages larger than a slot', () => {
  it('span consecutive slots, keep FIFO order with small ones, and wrap around the ring end', () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    for (let round = 0; round < 50; round++) {
      const a = filled(3 + (round % 5), round);
      const b = filled(20 + (round % 17), round + 1); // 3–5 slots
      expect(q.tryPush(a)).toBe(true);
      expect(q.tryPush(b)).toBe(true);
      expect(q.tryPop()).toEqual(a);
      expect(q.tryPop()).toEqual(b);
    }
  });

  it('a message as large as the whole ring fits only when the ring is empty', () => {
    const q = createQueue({ capacity: 4, slotBytes: 16 });
    expect(q.tryPush(bytes(1))).toBe(true);
    expect(q.tryPush(filled(64))).toBe(false);
    q.tryPop();
    expect(q.tryPush(filled(64))).toBe(true);
    expect(q.tryPop()).toEqual(filled(64));
  });

  it('messages larger than the scratch area go through the two-call path intact', () => {
    const q = createQueue({ capacity: 64, slotBytes: 256, scratchBytes: 64 });
    for (let i = 0; i < 40; i++) {
      const m = filled(100 + i * 97, i);
      expect(q.tryPush(m)).toBe(true);
      expect(q.tryPop()).toEqual(m);
    }
  });
});

describe('oversize and bad values', () => {
  it('a message over maxMessageBytes throws a RangeError naming both sizes, and nothing is enqueued', () => {
    const q = createQueue({ capacity: 16, slotBytes: 16, maxMessageBytes: 100 });
    expect(() => q.tryPush(filled(101))).toThrow(RangeError);
    expect(() => q.tryPush(filled(101))).toThrow(/101 bytes.*maxMessageBytes \(100\)/);
    expect(() => q.push(filled(5000))).toThrow(/5000 bytes.*\(100\)/);
    expect(q.size).toBe(0);
    expect(q.tryPush(filled(100))).toBe(true); // exactly at the limit
    expect(q.tryPop()).toEqual(filled(100));
  });

  it('a non-Uint8Array to a bytes queue throws a TypeError saying what is allowed', () => {
    const q = createQueue();
    for (const bad of ['text', 42, null, undefined, [1, 2], new Uint16Array(2), new ArrayBuffer(4)]) {
      expect(() => q.tryPush(bad as unknown as Uint8Array)).toThrow(TypeError);
    }
    expect(() => q.tryPush('x' as unknown as Uint8Array)).toThrow(/carries Uint8Array values; got string/);
    expect(q.size).toBe(0);
  });
});

describe('pushBatch / popBatch', () => {
  it('pushes a prefix in order and returns how many fit', () => {
    const q = createQueue({ capacity: 8, slotBytes: 8 });
    const values = Array.from({ length: 12 }, (_, i) => bytes(i));
    expect(q.pushBatch(values)).toBe(8);
    expect(q.popBatch(100).map((v) => v[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(q.popBatch(5)).toEqual([]);
  });

  it('popBatch(max) returns at most max values, oldest first', () => {
    const q = createQueue();
    q.pushBatch(Array.from({ length: 10 }, (_, i) => bytes(i)));
    expect(q.popBatch(3).map((v) => v[0])).toEqual([0, 1, 2]);
    expect(q.popBatch(0)).toEqual([]);
    expect(q.popBatch(100).map((v) => v[0])).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('handles batches bigger than the scratch area, including multi-slot and two-phase messages', () => {
    const q = createQueue({ capacity: 256, slotBytes: 16, scratchBytes: 128 });
    const values = Array.from({ length: 30 }, (_, i) => filled([0, 5, 16, 17, 100, 300][i % 6], i));
    expect(q.pushBatch(values)).toBe(30);
    expect(q.popBatch(30)).toEqual(values);
  });

  it('validates every value before pushing any', () => {
    const q = createQueue({ maxMessageBytes: 32, capacity: 16, slotBytes: 8 });
    expect(() => q.pushBatch([bytes(1), 'no' as unknown as Uint8Array])).toThrow(TypeError);
    expect(() => q.pushBatch([bytes(1), filled(33)])).toThrow(RangeError);
    expect(q.size).toBe(0);
  });
});

describe('close', () => {
  it('later pushes throw QueueClosedError; pops drain what is left, then pop throws and tryPop returns undefined', () => {
    const q = createQueue();
    q.tryPush(bytes(1));
    q.tryPush(bytes(2));
    q.close();
    q.close(); // harmless
    expect(q.closed).toBe(true);
    expect(() => q.tryPush(bytes(3))).toThrow(QueueClosedError);
    expect(() => q.push(bytes(3))).toThrow(QueueClosedError);
    expect(() => q.pushBatch([bytes(3)])).toThrow(QueueClosedError);
    expect(q.pop()).toEqual(bytes(1));
    expect(q.tryPop()).toEqual(bytes(2));
    expect(q.tryPop()).toBeUndefined();
    expect(() => q.pop()).toThrow(QueueClosedError);
    expect(q.popBatch(4)).toEqual([]);
  });

  it('popAsync rejects with QueueClosedError once closed and drained, and async iteration ends', async () => {
    const q = createQueue({ codec: 'string' });
    q.tryPush('a');
    q.tryPush('b');
    const waiting = (async () => {
      const got: string[] = [];
      for await (const v of q) got.push(v);
      return got;
    })();
    await new Promise((r) => setTimeout(r, 20));
    q.tryPush('c');
    q.close();
    expect(await waiting).toEqual(['a', 'b', 'c']);
    await expect(q.popAsync()).rejects.toBeInstanceOf(QueueClosedError);
  });

  it('wakes a parked async waiter', async () => {
    const q = createQueue();
    const p = q.popAsync();
    setTimeout(() => q.close(), 30);
    await expect(p).rejects.toBeInstanceOf(QueueClosedError);
  });

  it('wakes threads parked in pop() and push() on other threads, which nothing else would wake', async () => {
    // The longest stall timeout makes a blocked call's periodic re-check
    // (every stallTimeoutMs / 2) never come: only close()'s wake-up can end it.
    const empty = createQueue({ ...NO_RECLAIM });
    const full = createQueue({ capacity: 2, slotBytes: 8, ...NO_RECLAIM });
    expect([full.tryPush(bytes(1)), full.tryPush(bytes(2)), full.tryPush(bytes(3))]).toEqual([true, true, false]);
    const popper = runWorker<string>('blocked.mjs', { handle: empty.handle, op: 'pop' });
    const pusher = runWorker<string>('blocked.mjs', { handle: full.handle, op: 'push' });
    try {
      // Close once both are parked (registered on their wake words), not before they block.
      while (waitersOn(empty, OFF_CONSUMERS_WAITING) === 0 || waitersOn(full, OFF_PRODUCERS_WAITING) === 0) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 50));
      empty.close();
      full.close();
      expect(await within10s(popper.result, 'still blocked 10 s after close')).toBe('QueueClosedError');
      expect(await within10s(pusher.result, 'still blocked 10 s after close')).toBe('QueueClosedError');
    } finally {
      await Promise.all([popper.worker.terminate(), pusher.worker.terminate()]);
    }
  });
});

describe('close wakes every waiter at once', () => {
  it('three popAsync, a popBatchAsync and a drainAsync parked here, and a pop() blocked in another thread, all end when the queue closes', async () => {
    const q = createQueue({ ...NO_RECLAIM }); // no periodic re-check: only close()'s wake-up ends a wait
    const popper = runWorker<string>('blocked.mjs', { handle: q.handle, op: 'pop' });
    const rejection = (p: Promise<unknown>) => p.then((v) => `resolved ${String(v)}`, (e) => (e instanceof QueueClosedError ? 'QueueClosedError' : String(e)));
    const waiters = [q.popAsync(), q.popAsync(), q.popAsync(), q.popBatchAsync(2)].map(rejection);
    const drained = q.drainAsync(() => {});
    try {
      while (waitersOn(q, OFF_CONSUMERS_WAITING) === 0) await new Promise((r) => setTimeout(r, 5)); // the other thread is parked
      await new Promise((r) => setTimeout(r, 50));
      q.close();
      const late = 'still waiting 10 s after close';
      expect(await within10s(Promise.all(waiters), late)).toEqual(['QueueClosedError', 'QueueClosedError', 'QueueClosedError', 'QueueClosedError']);
      expect(await within10s(drained, late)).toBe(0); // drain returns 0 once closed and drained
      expect(await within10s(popper.result, late)).toBe('QueueClosedError');
    } finally {
      await popper.worker.terminate();
    }
  });
});

describe('async calls act at once', () => {
  it('each async call does its work when called, before it is awaited, so un-awaited calls keep their order', async () => {
    const q = createQueue({ codec: 'string', capacity: 8, slotBytes: 8 });
    const pushes = [q.pushAsync('a'), q.pushAsync('b'), q.pushAsync('c')];
    expect(q.size).toBe(3); // all three pushed already, none awaited
    const pops = [q.popAsync(), q.popBatchAsync(1)];
    expect(q.size).toBe(1); // 'a' and 'b' taken already
    const seen: number[] = [];
    const drained = q.drainAsync((bytes, offset) => seen.push(bytes[offset]), { max: 1 });
    expect(seen).toEqual(['c'.charCodeAt(0)]); // the handler already ran
    const published = q.publishAsync(1, (bytes, offset) => (bytes[offset] = 'd'.charCodeAt(0)));
    expect(q.size).toBe(1);
    await Promise.all(pushes);
    expect(await pops[0]).toBe('a');
    expect(await pops[1]).toEqual(['b']);
    expect(await drained).toBe(1);
    await published;
    expect(q.tryPop()).toBe('d');
  });
});

describe('timeouts and abort', () => {
  it('pop(timeoutMs) throws TimeoutError on an empty queue; push(timeoutMs) on a full one', () => {
    const q = createQueue({ capacity: 2, slotBytes: 8 });
    expect(() => q.pop(20)).toThrow(TimeoutError);
    q.tryPush(bytes(1));
    q.tryPush(bytes(2));
    const t0 = performance.now();
    expect(() => q.push(bytes(3), 30)).toThrow(/push timed out after 30 ms/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    expect(q.size).toBe(2); // nothing pushed by the failed push
  });

  it('timeoutMs 0 means try once', () => {
    const q = createQueue();
    expect(() => q.pop(0)).toThrow(TimeoutError);
    q.tryPush(bytes(7));
    expect(q.pop(0)).toEqual(bytes(7));
  });

  it('popAsync / pushAsync reject with TimeoutError after timeoutMs', async () => {
    const q = createQueue({ capacity: 2, slotBytes: 8 });
    await expect(q.popAsync({ timeoutMs: 20 })).rejects.toBeInstanceOf(TimeoutError);
    q.tryPush(bytes(1));
    q.tryPush(bytes(2));
    await expect(q.pushAsync(bytes(3), { timeoutMs: 20 })).rejects.toBeInstanceOf(TimeoutError);
    expect(q.size).toBe(2);
  });

  it('an aborted signal rejects with its reason, before or while waiting, and takes nothing', async () => {
    const q = createQueue({ capacity: 2, slotBytes: 8 });
    const reason = new Error('stop');
    await expect(q.popAsync({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const ctl = new AbortController();
    const p = q.popAsync({ signal: ctl.signal });
    setTimeout(() => ctl.abort(reason), 20);
    await expect(p).rejects.toBe(reason);
    q.tryPush(bytes(5));
    expect(q.tryPop()).toEqual(bytes(5)); // the aborted waiter did not take it
    q.tryPush(bytes(1));
    q.tryPush(bytes(2));
    const ctl2 = new AbortController();
    const push = q.pushAsync(bytes(3), { signal: ctl2.signal });
    ctl2.abort();
    await expect(push).rejects.toMatchObject({ name: 'AbortError' });
    expect(q.size).toBe(2);
  });

  it('popAsync resolves when another party pushes later', async () => {
    const q = createQueue({ codec: 'json' });
    const p = q.popAsync({ timeoutMs: 5000 });
    setTimeout(() => q.tryPush({ ok: true }), 30);
    expect(await p).toEqual({ ok: true });
  });

  it('rejects a bad timeoutMs or signal with a clear error', async () => {
    const q = createQueue();
    expect(() => q.pop(-1)).toThrow(/timeoutMs must be a number >= 0/);
    await expect(q.popAsync({ signal: {} as AbortSignal })).rejects.toThrow(/AbortSignal/);
  });

  it('rejects options that are not an object (null, a number) with a TypeError naming the call, and the queue keeps its messages', async () => {
    const q = createQueue({ codec: 'string' });
    q.tryPush('kept');
    for (const options of [null, 5]) {
      await expect(q.popAsync(options as never)).rejects.toThrow(`popAsync options must be an object; got ${String(options)}`);
      await expect(q.pushAsync('x', options as never)).rejects.toThrow(`pushAsync options must be an object; got ${String(options)}`);
    }
    expect(q.size).toBe(1);
    expect(q.tryPop()).toBe('kept');
  });
});

describe('codecs', () => {
  it("'string' round-trips non-ASCII text of every size", () => {
    const q = createQueue({ codec: 'string', capacity: 256, slotBytes: 64, scratchBytes: 256 });
    for (const s of ['', 'a', 'héllo wörld', '日本語テキスト', '🦀'.repeat(100), 'x'.repeat(5000)]) {
      expect(q.tryPush(s)).toBe(true);
      expect(q.tryPop()).toBe(s);
    }
    expect(() => q.tryPush(5 as unknown as string)).toThrow(/'string' queue carries strings; got number/);
  });

  it("'json' round-trips JSON values and rejects what JSON cannot represent", () => {
    const q = createQueue<unknown>({ codec: 'json' });
    const v = { a: [1, 'two', null, { b: true }], n: -1.5 };
    q.tryPush(v);
    expect(q.tryPop()).toEqual(v);
    expect(() => q.tryPush(() => 1)).toThrow(/'json' queue cannot encode/);
    expect(() => q.tryPush(10n)).toThrow(TypeError);
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(() => q.tryPush(cyclic)).toThrow(TypeError);
    expect(q.size).toBe(0);
  });

  it('a custom codec is used for both directions and must be passed again when attaching', () => {
    const codec = {
      encode: (v: number[]) => Uint8Array.from(v),
      decode: (b: Uint8Array) => Array.from(b),
    };
    const q = createQueue({ codec });
    expect(q.handle.codec).toBe('custom');
    expect(() => attachQueue(q.handle)).toThrow(/custom codec: pass it again/);
    const other = attachQueue(q.handle, { codec });
    q.tryPush([1, 2, 3]);
    expect(other.tryPop()).toEqual([1, 2, 3]);
  });

  it('a codec that throws gives CodecError; the queue stays usable and, on decode, the bytes are kept', () => {
    let failDecode = false;
    const q = createQueue<string>({
      codec: {
        encode: (v) => {
          if (v === 'bad') throw new Error('nope');
          return new TextEncoder().encode(v);
        },
        decode: (b) => {
          if (failDecode) throw new Error('cannot');
          return new TextDecoder().decode(b);
        },
      },
    });
    expect(() => q.tryPush('bad')).toThrow(CodecError);
    expect(() => q.tryPush('bad')).toThrow(/codec.encode threw: nope/);
    expect(q.size).toBe(0);
    q.tryPush('ok');
    failDecode = true;
    let err: CodecError | undefined;
    try {
      q.tryPop();
    } catch (e) {
      err = e as CodecError;
    }
    expect(err).toBeInstanceOf(CodecError);
    expect(new TextDecoder().decode(err!.bytes)).toBe('ok');
    failDecode = false;
    q.tryPush('next');
    expect(q.tryPop()).toBe('next');
  });

  it('a custom encode that returns a non-Uint8Array is rejected', () => {
    const q = createQueue({ codec: { encode: () => 'x' as unknown as Uint8Array, decode: (b) => b } });
    expect(() => q.tryPush(1 as never)).toThrow(/must return a Uint8Array; it returned string/);
  });

  it('attachQueue rejects a different built-in codec than the queue was created with', () => {
    const q = createQueue({ codec: 'string' });
    expect(() => attachQueue(q.handle, { codec: 'json' })).toThrow(/created with codec 'string'/);
    expect(attachQueue(q.handle).tryPush('fine')).toBe(true);
  });
});

describe('attaching', () => {
  it('an attached queue in the same thread shares the messages', () => {
    const q = createQueue();
    const q2 = attachQueue(q.handle);
    q.tryPush(bytes(1, 2));
    expect(q2.tryPop()).toEqual(bytes(1, 2));
    expect(q2.capacity).toBe(q.capacity);
  });

  it('works without a scratch area (all areas leased): every path still delivers', () => {
    const q = createQueue({ scratchAreas: 0, capacity: 16, slotBytes: 8 });
    const values = [bytes(1), filled(30), new Uint8Array(0)];
    for (const v of values) expect(q.tryPush(v)).toBe(true);
    expect(q.pushBatch([bytes(4), bytes(5)])).toBe(2);
    expect(q.popBatch(2)).toEqual([bytes(1), filled(30)]);
    expect(q.tryPop()).toEqual(new Uint8Array(0));
    expect(q.pop()).toEqual(bytes(4));
    const out = new Uint8Array(4);
    expect(q.tryPopInto(out)).toBe(1);
    expect(out[0]).toBe(5);
  });

  it('a Queue that is garbage-collected returns its scratch area, as detach() does', () => {
    // In a child Node with --expose-gc, so that collection can be asked for.
    const dist = new URL('../../dist/index.js', import.meta.url).href;
    const kernelUrl = new URL('../../dist/kernel/kernel.js', import.meta.url).href;
    const script = `
      const { createQueue, attachQueue } = await import(${JSON.stringify(dist)});
      const { Kernel } = await import(${JSON.stringify(kernelUrl)});
      const q = createQueue({ scratchAreas: 2 });
      const k = Kernel.open(q.handle.module, q.handle.memory);
      let other = attachQueue(q.handle);
      const before = k.leaseCensus().held;
      other = null;
      let rounds = 0;
      while (k.leaseCensus().held !== 1 && rounds < 100) {
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 10)); // finalizers run in a later task
        rounds++;
      }
      const probe = attachQueue(q.handle); // takes the freed area, if it was freed
      console.log(JSON.stringify({ before, after: rounds < 100 ? 1 : 2, probe: k.leaseCensus().held }));`;
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(out)).toEqual({ before: 2, after: 1, probe: 2 }); // the creator keeps its area; the collected Queue's is free again
  });

  it('detach() returns the scratch area so another attach can lease it', () => {
    const q = createQueue({ scratchAreas: 1 });
    const k = Kernel.open(q.handle.module, q.handle.memory) as Kernel;
    const held = () => k.leaseCensus().held;
    expect(held()).toBe(1); // the creator holds the only area
    const early = attachQueue(q.handle);
    expect(held()).toBe(1); // nothing left to lease: this attach works without one
    q.detach();
    expect(held()).toBe(0);
    q.tryPush(bytes(1)); // still works, slower path
    const q2 = attachQueue(q.handle);
    expect(held()).toBe(1); // the next attach took it
    q.detach(); // idempotent: does not release q2's lease
    expect(held()).toBe(1);
    expect(q2.tryPop()).toEqual(bytes(1));
    expect(early.tryPush(bytes(2))).toBe(true);
    expect(q2.tryPop()).toEqual(bytes(2));
  });
});

