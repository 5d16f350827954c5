// Comlink.wrap / Comlink.expose over SharedChannel ports, unchanged: within
// one thread (as Comlink's own tests do) and across Node worker_threads (or,
// with WASMQ_TEST_WORKERS=web, the engine's Web Workers: test/thread.ts).
import { afterEach, describe, expect, test } from 'vitest';
import { startThread, webWorkers, type TestThread } from '../thread.js';
import * as Comlink from 'comlink';
import { SharedChannel, type SharedPort } from '../../ts/index.js';
import { service, type Service as SharedService } from './workers/service.mjs';

/** The worker's service adds closePort(); the in-thread one is the shared object alone. */
type Service = SharedService & { closePort(): string };

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

/** The same checks, whatever thread the service lives in. */
function comlinkSuite(connect: () => Promise<Comlink.Remote<Service>>) {
  test('calls return the remote result', async () => {
    const remote = await connect();
    expect(await remote.add(2, 3)).toBe(5);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => remote.add(i, i)));
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => 2 * i));
  });

  test('a Comlink.proxy callback is called back across the channel', async () => {
    const remote = await connect();
    const seen: number[] = [];
    const total = await remote.sumViaCallback(
      [1, 2, 3, 4],
      Comlink.proxy((sum: number, v: number) => {
        seen.push(v);
        return sum + v;
      }),
    );
    expect(total).toBe(10);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  test('Comlink.transfer moves an ArrayBuffer both ways (the sender’s copy is detached)', async () => {
    const remote = await connect();
    const buffer = new ArrayBuffer(1024);
    const back = await remote.fill(Comlink.transfer(buffer, [buffer]), 7);
    expect(buffer.byteLength).toBe(0);
    expect(back.byteLength).toBe(1024);
    expect(new Uint8Array(back).every((b) => b === 7)).toBe(true);
    // Without a transfer the buffer is copied and stays usable here.
    const kept = new ArrayBuffer(16);
    expect(await remote.byteLength(kept)).toBe(16);
    expect(kept.byteLength).toBe(16);
  });

  test('a thrown error rejects the call with its name and message', async () => {
    const remote = await connect();
    const error = await remote.fail('out of range').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('RangeError');
    expect((error as Error).message).toBe('out of range');
  });

  test('structured-clone values survive a call both ways', async () => {
    const remote = await connect();
    const cyclic: { self?: unknown; when: Date } = { when: new Date(12345) };
    cyclic.self = cyclic;
    const value = {
      map: new Map<unknown, unknown>([[1, 'one'], ['set', new Set([1n, 2n ** 80n])]]),
      re: /a+b/gi,
      bytes: new Float32Array([1.5, -2]),
      cyclic,
      negativeZero: -0,
    };
    const back = await remote.roundTrip(value);
    expect(back).toEqual(structuredClone(value));
    expect(Object.is(back.negativeZero, -0)).toBe(true);
    expect(back.cyclic.self).toBe(back.cyclic);
  });

  test('a remote class is constructed and used through a proxy', async () => {
    const remote = await connect();
    const counter = await new remote.Counter();
    await counter.increment(2);
    expect(await counter.increment(3)).toBe(5);
    expect(await counter.count).toBe(5);
  });
}

describe('Comlink within one thread (both ports in this realm)', () => {
  comlinkSuite(async () => {
    const { port1, port2 } = new SharedChannel();
    Comlink.expose(service, port2);
    cleanup.push(() => port1.close());
    return Comlink.wrap<Service>(port1);
  });
});

function startService(): { worker: TestThread; port: SharedPort } {
  const { port1, port2 } = new SharedChannel();
  const worker = startThread(new URL('./workers/comlink-service.mjs', import.meta.url), { handle: port2.handle }, port2.transfer);
  return { worker, port: port1 };
}

describe(webWorkers ? "Comlink across the engine's Web Workers" : 'Comlink across Node worker_threads', () => {
  comlinkSuite(async () => {
    const { worker, port } = startService();
    cleanup.push(async () => {
      port.close();
      await worker.terminate();
    });
    return Comlink.wrap<Service>(port);
  });
});
