// Peer: the pure-JavaScript port of wasmq's algorithm (see js-queue.mjs),
// with the same queue shape as the wasmq peer and the same role loops.
import { JsQueue, createJsQueue } from './js-queue.mjs';
import { queueOptions } from './wasmq.mjs';
import { openQueueRole } from './queue-roles.mjs';

export const name = 'pure-JS ablation';

export function prepare(kind, config) {
  if (kind === 'throughput') {
    const queue = createJsQueue(queueOptions(config));
    const ctrl = new SharedArrayBuffer(4);
    return { forWorker: () => ({ data: { queue, ctrl }, transfer: [] }) };
  }
  const forward = createJsQueue(queueOptions(config));
  const back = createJsQueue(queueOptions(config));
  return { forWorker: () => ({ data: { forward, back }, transfer: [] }) };
}

export function open(role, data, ctx) {
  return openQueueRole(role, (handle) => new JsQueue(handle), data, ctx);
}
