// SharedPort's MessagePort semantics, with both ends in this thread.
import { afterEach, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { SharedChannel, attachPort, type SharedPort } from '../../ts/index.js';

const open: SharedPort[] = [];
afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

function channel(options?: ConstructorParameters<typeof SharedChannel>[0]) {
  const ch = new SharedChannel(options);
  open.push(ch.port1, ch.port2);
  return ch;
}

/** Collects the next `n` events' data on a port (starting it). */
function receive(port: SharedPort, n: number): Promise<MessageEvent[]> {
  return new Promise((resolve) => {
    const events: MessageEvent[] = [];
    port.onmessage = (event) => {
      events.push(event);
      if (events.length === n) {
        port.onmessage = null;
        resolve(events);
      }
    };
  });
}

const nextEvent = (port: SharedPort, type: string) =>
  new Promise<Event>((resolve) => port.addEventListener(type, resolve, { once: true }));

describe('delivery and order', () => {
  test('listeners get MessageEvents whose data is a structured clone, in posting order', async () => {
    const { port1, port2 } = channel();
    const sent = [1, 'two', { three: [3] }, new Map([[4, new Set([4])]]), null];
    for (const v of sent) port1.postMessage(v);
    const events = await receive(port2, sent.length);
    expect(events.every((e) => e instanceof MessageEvent && e.type === 'message')).toBe(true);
    expect(events.map((e) => e.data)).toEqual(sent.map((v) => structuredClone(v)));
    expect(events[2].data).not.toBe(sent[2]);
  });

  test('order holds across the queue and the transfer lane, for any mix of messages', async () => {
    // small (queue), transferred buffer (lane), -0 (lane: platform clone), large (lane: over maxMessageBytes)
    const kinds = fc.array(fc.constantFrom('small', 'transfer', 'platform', 'large'), { minLength: 1, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(kinds, async (plan) => {
        const { port1, port2 } = channel({ capacity: 16, slotBytes: 64, maxMessageBytes: 256 });
        const got = receive(port2, plan.length);
        plan.forEach((kind, i) => {
          if (kind === 'small') port1.postMessage({ i });
          else if (kind === 'transfer') {
            const buffer = new Uint32Array([i]).buffer;
            port1.postMessage({ i, buffer }, [buffer]);
          } else if (kind === 'platform') port1.postMessage({ i, zero: -0 });
          else port1.postMessage({ i, pad: 'x'.repeat(1000) });
        });
        const events = await got;
        expect(events.map((e) => (e.data as { i: number }).i)).toEqual(plan.map((_, i) => i));
        port1.close();
      }),
      { numRuns: 25 },
    );
  });

  test('random values arrive equal to structuredClone of what was posted', async () => {
    const { port1, port2 } = channel();
    await fc.assert(
      fc.asyncProperty(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true }), async (value) => {
        const got = receive(port2, 1);
        port1.postMessage(value);
        const [event] = await got;
        expect(event.data).toEqual(structuredClone(value));
      }),
      { numRuns: 200 },
    );
  });

  test('more messages than the queue holds are all delivered, in order (postMessage never blocks or drops)', async () => {
    const { port1, port2 } = channel({ capacity: 4, slotBytes: 64 });
    for (let i = 0; i < 100; i++) port1.postMessage(i);
    const events = await receive(port2, 100);
    expect(events.map((e) => e.data)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('transfer', () => {
  test('a transferred ArrayBuffer is detached here and arrives whole there', async () => {
    const { port1, port2 } = channel();
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const got = receive(port2, 1);
    port1.postMessage({ buffer }, { transfer: [buffer] });
    expect(buffer.byteLength).toBe(0);
    const [event] = await got;
    expect([...new Uint8Array((event.data as { buffer: ArrayBuffer }).buffer)]).toEqual([1, 2, 3]);
  });

  test('a transferred MessagePort arrives in event.ports and works', async () => {
    const { port1, port2 } = channel();
    const inner = new MessageChannel();
    const got = receive(port2, 1);
    port1.postMessage({ port: inner.port2 }, [inner.port2]);
    const [event] = await got;
    expect(event.ports).toHaveLength(1);
    const received = event.ports[0];
    const echoed = new Promise((resolve) => (inner.port1.onmessage = (e) => resolve(e.data)));
    received.postMessage('through the transferred port');
    expect(await echoed).toBe('through the transferred port');
    inner.port1.close();
    received.close();
  });
});

describe('uncloneable values', () => {
  test.each([
    ['a function', { f: () => 1 }],
    ['a symbol', Symbol('s')],
    ['a WeakMap', new WeakMap()],
  ])('%s throws a DataCloneError DOMException and nothing is sent', async (_, value) => {
    const { port1, port2 } = channel();
    let thrown: unknown;
    try {
      port1.postMessage(value);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DOMException);
    expect((thrown as DOMException).name).toBe('DataCloneError');
    port1.postMessage('after');
    const [event] = await receive(port2, 1);
    expect(event.data).toBe('after');
  });

  test('a transfer list that is not an array is a TypeError', () => {
    const { port1 } = channel();
    expect(() => port1.postMessage(1, 5 as never)).toThrow(TypeError);
  });
});

/** Lets this thread's event loop run `n` macrotask turns (each after the microtasks before it). */
async function eventLoopTurns(n: number) {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
}

describe('starting', () => {
  test('addEventListener alone does not deliver; start() does, and nothing posted before is lost', async () => {
    const { port1, port2 } = channel();
    const seen: unknown[] = [];
    port2.addEventListener('message', (e) => seen.push((e as MessageEvent).data));
    port1.postMessage('a');
    port1.postMessage('b');
    // Both messages are in port2's queue already (posting is synchronous),
    // and a started port on this thread would hand them over within a turn
    // or two of the event loop; ten turns, not a wall-clock wait.
    await eventLoopTurns(10);
    expect(seen).toEqual([]);
    const done = new Promise<void>((resolve) => port2.addEventListener('message', () => seen.length === 2 && resolve()));
    port2.start();
    await done;
    expect(seen).toEqual(['a', 'b']);
  });

  test('setting onmessage starts the port; removeEventListener stops a listener', async () => {
    const { port1, port2 } = channel();
    const extra: unknown[] = [];
    const listener = (e: Event) => extra.push((e as MessageEvent).data);
    port2.addEventListener('message', listener);
    const first = receive(port2, 1);
    port1.postMessage(1);
    await first;
    port2.removeEventListener('message', listener);
    const second = receive(port2, 1);
    port1.postMessage(2);
    await second;
    expect(extra).toEqual([1]);
    expect(port2.onmessage).toBe(null);
  });
});

describe('closing', () => {
  test('the other end gets everything posted before close(), then a close event', async () => {
    const { port1, port2 } = channel({ capacity: 4, slotBytes: 64 });
    const buffer = new ArrayBuffer(4);
    for (let i = 0; i < 20; i++) port1.postMessage(i); // more than fit: some wait in the backlog
    port1.postMessage('via lane', [buffer]);
    port1.close();
    const closed = nextEvent(port2, 'close');
    const events = await receive(port2, 21);
    await closed;
    expect(events.map((e) => e.data)).toEqual([...Array.from({ length: 20 }, (_, i) => i), 'via lane']);
  });

  test('a closed port delivers nothing more, and posting on it or to it is silently dropped', async () => {
    const { port1, port2 } = channel();
    const seen: unknown[] = [];
    port2.onmessage = (e) => seen.push(e.data);
    port2.close();
    port1.postMessage('to a closed port');
    port2.postMessage('from a closed port');
    await eventLoopTurns(10); // as above: turns of this thread's event loop, not a wall-clock wait
    expect(seen).toEqual([]);
  });
});

describe('handles', () => {
  test('attachPort in the same thread makes a working end from a handle', async () => {
    const { port1, port2 } = channel();
    const attached = attachPort(port2.handle);
    open.push(attached);
    const got = receive(attached, 1);
    port1.postMessage('hello');
    expect((await got)[0].data).toBe('hello');
    const back = receive(port1, 1);
    attached.postMessage('back');
    expect((await back)[0].data).toBe('back');
  });

  test('attachPort rejects what is not a port handle, saying why', () => {
    const { port2 } = channel();
    expect(() => attachPort(null as never)).toThrow(/expects a port handle/);
    expect(() => attachPort({ kind: 'wasmq.queue' } as never)).toThrow(/kind is "wasmq.queue", expected "wasmq.port"/);
    expect(() => attachPort({ ...port2.handle, version: 99 })).toThrow(/version 99/);
    expect(() => attachPort({ ...port2.handle, lane: undefined as never })).toThrow(/transfer list/);
  });

  test('bad channel options are rejected with what is allowed', () => {
    expect(() => new SharedChannel({ pollMs: -1 })).toThrow(RangeError);
    expect(() => new SharedChannel({ capacity: 3 })).toThrow(/capacity must be a power of two/);
  });
});
