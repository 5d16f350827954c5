// A module Web Worker for test/browser/broadcast.test.ts: subscribes to a
// broadcast and reads it, publishes to one, or selects over queues.
import {
  attachBroadcast, attachQueue, QueueClosedError, select, subscribe, type BroadcastHandle, type QueueHandle, type Subscriber,
} from '../../../ts/index.js';
import { serveRequests } from '../support/worker-serve.js';
import { makeMessage, ReceiptLog } from '../support/messages.js';

export type BroadcastWorkerRequest =
  /** Subscribes (from 'next'); a later 'consume' reads from this subscription. */
  | { op: 'subscribe'; handle: BroadcastHandle }
  /** Reads until the broadcast is closed and drained: per-producer logs, and a hash of the order seen. */
  | { op: 'consume'; producers: number }
  /** Publishes messages 0..count-1 of `producer`, in groups of 8 with pushBatch every other time. */
  | { op: 'produce'; handle: BroadcastHandle; producer: number; count: number }
  /** select()s over the queues until every one is closed and drained: per-producer logs and per-queue counts. */
  | { op: 'select'; handles: QueueHandle[]; producers: number };

let subscriber: Subscriber | undefined;

serveRequests(async (request: BroadcastWorkerRequest) => {
  switch (request.op) {
    case 'subscribe':
      subscriber = subscribe(request.handle);
      return true;
    case 'consume': {
      const log = new ReceiptLog(request.producers);
      let order = 0;
      for (;;) {
        let bytes: Uint8Array;
        try {
          bytes = subscriber!.pop();
        } catch (e) {
          if (e instanceof QueueClosedError) break;
          throw e;
        }
        log.add(bytes);
        const view = new DataView(bytes.buffer, bytes.byteOffset);
        order = (Math.imul(order, 31) + view.getUint32(0, true) * 1_000_003 + view.getUint32(4, true)) | 0;
      }
      return { seqs: log.seqs, order, missed: subscriber!.missed };
    }
    case 'produce': {
      const b = attachBroadcast(request.handle);
      const { producer, count } = request;
      for (let seq = 0, step = 0; seq < count; step++) {
        if (step % 2 === 1 && count - seq >= 8) {
          const group = Array.from({ length: 8 }, (_, i) => makeMessage(producer, seq + i));
          const pushed = b.pushBatch(group);
          for (let i = pushed; i < group.length; i++) b.push(group[i]!);
          seq += group.length;
        } else {
          b.push(makeMessage(producer, seq++));
        }
      }
      return count;
    }
    case 'select': {
      const queues = request.handles.map((h) => attachQueue(h));
      const log = new ReceiptLog(request.producers);
      const perQueue = queues.map(() => 0);
      for (;;) {
        try {
          const { index, value } = select(queues);
          log.add(value);
          perQueue[index]!++;
        } catch (e) {
          if (e instanceof QueueClosedError) return { seqs: log.seqs, perQueue };
          throw e;
        }
      }
    }
  }
});
