// wasmq/nats in the browser: the page forwards a queue to a subject over the
// test nats-server's WebSocket listener, and a module Web Worker receives it
// (durable) into a queue the page reads. Every message arrives, once, in order.
import { afterEach, expect, inject, test } from 'vitest';
import { wsconnect } from '@nats-io/nats-core';
import { createQueue } from '../../ts/index.js';
import { forward } from '../../ts/nats/index.js';
import { startWorker, type WorkerClient } from './support/worker-rpc.js';
import type { NatsWorkerRequest } from './workers/nats.worker.js';

const started: WorkerClient[] = [];
afterEach(() => {
  for (const w of started.splice(0)) w.terminate();
});

test('a Web Worker receives a subject over WebSocket into its queue: every message arrives once, in order', async () => {
  const url = inject('natsWebSocket');
  const subject = `browser.${Math.random().toString(36).slice(2)}`;
  const total = 5000;
  const from = createQueue({ capacity: 1024, slotBytes: 64, codec: 'bytes' });
  const to = createQueue({ capacity: 1024, slotBytes: 64, codec: 'bytes' });
  const worker = startWorker(new Worker(new URL('./workers/nats.worker.ts', import.meta.url), { type: 'module' }));
  started.push(worker);
  const call = <T>(request: NatsWorkerRequest) => worker.call<T>(request);
  expect(await call<boolean>({ op: 'receive', url, subject, handle: to.handle })).toBe(true);
  const connection = await wsconnect({ servers: url });
  const tx = await forward(from, { connection, subject });
  const message = new Uint8Array(64);
  const sending = (async () => {
    for (let i = 0; i < total; i++) {
      new DataView(message.buffer).setUint32(0, i, true);
      await from.pushAsync(message);
    }
  })();
  const got: number[] = [];
  while (got.length < total) {
    await to.drainAsync((bytes, offset) => {
      got.push(bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24));
    }, { max: 256, timeoutMs: 30_000 });
  }
  await sending;
  await tx.close();
  expect(got).toEqual(Array.from({ length: total }, (_, i) => i));
  expect(await call<number>({ op: 'close' })).toBe(total);
  await connection.close();
});
