// A module Web Worker for test/browser/nats.test.ts: connects to the test
// nats-server over its WebSocket listener and receives a subject (durable)
// into a queue the page shares.
import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { attachQueue, type QueueHandle } from '../../../ts/index.js';
import { receive, type Receiver } from '../../../ts/nats/index.js';
import { serveRequests } from '../support/worker-serve.js';

export type NatsWorkerRequest =
  | { op: 'receive'; url: string; subject: string; handle: QueueHandle<Uint8Array> }
  | { op: 'close' };

let connection: NatsConnection | undefined;
let receiver: Receiver | undefined;

serveRequests(async (request: NatsWorkerRequest) => {
  if (request.op === 'receive') {
    connection = await wsconnect({ servers: request.url });
    receiver = await receive({ connection, subject: request.subject, durable: 'browser' }, attachQueue(request.handle));
    return true;
  }
  await receiver!.close();
  await connection!.close();
  return receiver!.received;
});
