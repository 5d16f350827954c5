// A worker_threads Worker serving Comlink over a SharedPort exits on its own
// once its port is closed, as one serving a MessagePort does. (Web Workers do
// not exit when idle, and report no exit: so this file runs with worker_threads
// only, in Node, Deno and Bun; scripts/engines.mjs leaves it out of --web.)
import { describe, expect, test } from 'vitest';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import * as Comlink from 'comlink';
import { SharedChannel, type SharedPort } from '../../ts/index.js';
import type { Service as SharedService } from './workers/service.mjs';

type Service = SharedService & { closePort(): string };

function startService(): { worker: Worker; port: SharedPort } {
  const { port1, port2 } = new SharedChannel();
  const worker = new Worker(new URL('./workers/comlink-service.mjs', import.meta.url), {
    workerData: { handle: port2.handle },
    transferList: port2.transfer as never,
  });
  return { worker, port: port1 };
}

describe('Comlink across Node worker_threads: closing', () => {
  test('a worker whose port is closed (by itself, or by the other side) exits on its own', async () => {
    // The worker closes its own end.
    const a = startService();
    const exitA = once(a.worker, 'exit');
    expect(await Comlink.wrap<Service>(a.port).closePort()).toBe('closing');
    const [codeA] = await exitA;
    expect(codeA).toBe(0);
    a.port.close();

    // This side closes: the worker sees 'close', and exits.
    const b = startService();
    const exitB = once(b.worker, 'exit');
    const peerClosed = once(b.worker, 'message');
    expect(await Comlink.wrap<Service>(b.port).add(1, 1)).toBe(2);
    b.port.close();
    expect((await peerClosed)[0]).toBe('peer-closed');
    const [codeB] = await exitB;
    expect(codeB).toBe(0);
  });
});
