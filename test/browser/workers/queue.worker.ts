// A module Web Worker that attaches to a queue and plays one role per
// request: producer, consumer, closer. Used by the browser suite.
import { attachQueue, createQueue, QueueClosedError, type QueueHandle } from '../../../ts/index.js';
import { serveRequests, transferring } from '../support/worker-serve.js';
import { makeMessage, ReceiptLog } from '../support/messages.js';
import { textOf } from '../support/texts.js';

export type QueueWorkerRequest =
  /** Pushes messages 0..count-1 of `producer` (pushBatch groups of 8 when `batch`). */
  | { op: 'produce'; handle: QueueHandle; producer: number; count: number; batch?: boolean }
  /** Pops until the queue is closed and drained; returns per-producer sequence logs. */
  | { op: 'consume'; handle: QueueHandle; producers: number; batch?: boolean }
  /** Pushes textOf(producer, 0..count-1) into a 'string' queue. */
  | { op: 'produceStrings'; handle: QueueHandle; producer: number; count: number }
  /** Pops strings until the queue is closed and drained; returns them in order. */
  | { op: 'consumeStrings'; handle: QueueHandle }
  /** Pops one message with the blocking pop; returns it (as the codec decodes it). */
  | { op: 'popOnce'; handle: QueueHandle }
  /** Creates a queue here, pushes messages 0..count-1 of producer 0, and returns its handle. */
  | { op: 'createAndFill'; count: number }
  /** Attaches every handle (all came in this one message) and pops one value from each. */
  | { op: 'popEach'; handles: QueueHandle[] }
  /** Closes the queue after `delayMs`. */
  | { op: 'closeAfter'; handle: QueueHandle; delayMs: number };

serveRequests(async (request: QueueWorkerRequest) => {
  switch (request.op) {
    case 'produce': {
      const q = attachQueue(request.handle);
      const { producer, count } = request;
      let seq = 0;
      while (seq < count) {
        if (request.batch && count - seq >= 8) {
          const group = Array.from({ length: 8 }, (_, i) => makeMessage(producer, seq + i));
          const pushed = q.pushBatch(group);
          // pushBatch pushes a prefix of what fits; push the rest one by one
          // (blocking) so the order is kept.
          for (let i = pushed; i < group.length; i++) q.push(group[i]);
          seq += group.length;
        } else {
          q.push(makeMessage(producer, seq++));
        }
      }
      q.detach();
      return count;
    }
    case 'consume': {
      const q = attachQueue(request.handle);
      const log = new ReceiptLog(request.producers);
      for (;;) {
        if (request.batch) {
          const got = q.popBatch(32);
          for (const bytes of got) log.add(bytes);
          if (got.length > 0) continue;
        }
        try {
          log.add(q.pop());
        } catch (e) {
          if (e instanceof QueueClosedError) break;
          throw e;
        }
      }
      q.detach();
      return log.seqs;
    }
    case 'produceStrings': {
      const q = attachQueue<string>(request.handle, { codec: 'string' });
      for (let seq = 0; seq < request.count; seq++) q.push(textOf(request.producer, seq));
      return request.count;
    }
    case 'consumeStrings': {
      const q = attachQueue<string>(request.handle, { codec: 'string' });
      const texts: string[] = [];
      for (;;) {
        try {
          texts.push(q.pop());
        } catch (e) {
          if (e instanceof QueueClosedError) return texts;
          throw e;
        }
      }
    }
    case 'popOnce': {
      const q = attachQueue<unknown>(request.handle);
      const value = q.pop();
      return value instanceof Uint8Array ? transferring(value, [value.buffer]) : value;
    }
    case 'createAndFill': {
      const q = createQueue({ capacity: 256, slotBytes: 64 });
      for (let seq = 0; seq < request.count; seq++) {
        if (!q.tryPush(makeMessage(0, seq))) throw new Error(`queue full at message ${seq}`);
      }
      return q.handle;
    }
    case 'popEach':
      return request.handles.map((handle) => attachQueue<unknown>(handle).tryPop());
    case 'closeAfter': {
      const q = attachQueue<unknown>(request.handle);
      await new Promise((resolve) => setTimeout(resolve, request.delayMs));
      q.close();
      return true;
    }
  }
});
