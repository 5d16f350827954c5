// Comlink over SharedChannel in each browser engine: between the page and a module Web
// Worker, and with both ports on the (never-blocking) main thread.
import { afterEach, describe, expect, test } from 'vitest';
import * as Comlink from 'comlink';
import { SharedChannel } from '../../../ts/index.js';
import { service } from './service.js';

type Service = typeof service;
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

function inWorker(): Comlink.Remote<Service> {
  const { port1, port2 } = new SharedChannel();
  const worker = new Worker(new URL('./comlink-service.worker.ts', import.meta.url), { type: 'module' });
  worker.postMessage(port2.handle, port2.transfer);
  cleanup.push(() => {
    port1.close();
    worker.terminate();
  });
  return Comlink.wrap<Service>(port1);
}

function inThisThread(): Comlink.Remote<Service> {
  const { port1, port2 } = new SharedChannel();
  Comlink.expose(service, port2);
  cleanup.push(() => port1.close());
  return Comlink.wrap<Service>(port1);
}

describe.each([
  ['a module Web Worker', inWorker],
  ['the same (main) thread', inThisThread],
])('Comlink over SharedChannel with %s', (_, connect) => {
  test('calls return the remote result, many in flight', async () => {
    const remote = connect();
    expect(await remote.add(2, 3)).toBe(5);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => remote.add(i, 1)));
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  test('a Comlink.proxy callback is called back', async () => {
    const remote = connect();
    const total = await remote.sumViaCallback([1, 2, 3], Comlink.proxy((sum: number, v: number) => sum + v));
    expect(total).toBe(6);
  });

  test('Comlink.transfer moves an ArrayBuffer both ways', async () => {
    const remote = connect();
    const buffer = new ArrayBuffer(64);
    const back = await remote.fill(Comlink.transfer(buffer, [buffer]), 9);
    expect(buffer.byteLength).toBe(0);
    expect(new Uint8Array(back)).toEqual(new Uint8Array(64).fill(9));
  });

  test('a thrown error rejects the call with its name and message', async () => {
    const remote = connect();
    await expect(remote.fail('nope')).rejects.toMatchObject({ name: 'RangeError', message: 'nope' });
  });

  test('structured-clone values come back equal to structuredClone', async () => {
    const remote = connect();
    const cyclic: Record<string, unknown> = { when: new Date(7), big: 2n ** 90n, bytes: new Int16Array([-1, 2]) };
    cyclic.self = cyclic;
    const value = { cyclic, map: new Map([['k', new Set([1, 2])]]), re: /x/g, zero: -0, error: new TypeError('t') };
    const back = await remote.roundTrip(value);
    expect(back).toEqual(structuredClone(value));
    expect((back.cyclic as Record<string, unknown>).self).toBe(back.cyclic);
  });
});

test('SharedPort: typed arrays received in successive messages are independent copies (the receiver reuses its buffer)', async () => {
  const { port1, port2 } = new SharedChannel();
  cleanup.push(() => port1.close());
  const got: Uint8Array[] = [];
  const all = new Promise<void>((resolve) => {
    port2.onmessage = (e: MessageEvent) => {
      got.push(e.data.bytes);
      if (got.length === 3) resolve();
    };
  });
  for (const fill of [1, 2, 3]) port1.postMessage({ bytes: new Uint8Array(100).fill(fill) });
  await all;
  expect(got.map((b) => [b.length, b[0], b[99], b.buffer.byteLength])).toEqual([
    [100, 1, 1, 100],
    [100, 2, 2, 100],
    [100, 3, 3, 100],
  ]);
});

test('SharedPort: close() on the page is seen by the other end after everything posted', async () => {
  const { port1, port2 } = new SharedChannel({ capacity: 4, slotBytes: 64 });
  const got: unknown[] = [];
  const closed = new Promise((resolve) => port2.addEventListener('close', resolve));
  port2.onmessage = (e) => got.push(e.data);
  for (let i = 0; i < 10; i++) port1.postMessage(i);
  port1.close();
  await closed;
  expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
