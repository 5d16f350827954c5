// Peer: wasmq itself, through its public API (blocking push/pop, or
// pushBatch/popBatch when the scenario asks for batches).
import { attachQueue, createQueue } from '../../dist/index.js';
import { openQueueRole } from './queue-roles.mjs';

export const name = 'wasmq';

/** One message per slot: the configuration a user would pick for this payload. */
export function queueOptions({ payloadBytes, ringMessages }) {
  const slotBytes = Math.max(8, 2 ** Math.ceil(Math.log2(payloadBytes)));
  return { capacity: ringMessages, slotBytes };
}

export function prepare(kind, config) {
  if (kind === 'throughput') {
    const queue = createQueue(queueOptions(config)).handle;
    const ctrl = new SharedArrayBuffer(4);
    return { forWorker: () => ({ data: { queue, ctrl }, transfer: [] }) };
  }
  const forward = createQueue(queueOptions(config)).handle;
  const back = createQueue(queueOptions(config)).handle;
  return { forWorker: () => ({ data: { forward, back }, transfer: [] }) };
}

export function open(role, data, ctx) {
  return openQueueRole(role, (handle) => attachQueue(handle), data, ctx);
}
