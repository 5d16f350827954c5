// Peer: wasmq through its allocation-free calls: pushFrom(bytes) and
// popInto(buffer) block like push/pop but never allocate (a receiver reuses
// one buffer, as the ringbuf.js peer does). The same producer/consumer loops
// as the other queue peers run over a thin adapter.
import { attachQueue } from '../../dist/index.js';
import { openQueueRole } from './queue-roles.mjs';
import { prepare as prepareWasmq } from './wasmq.mjs';

export const name = 'wasmq (no allocation)';
export const prepare = prepareWasmq;

/** push/pop over pushFrom/popInto; pop returns the reused buffer, valid until the next pop. */
function rawAdapter(handle, payloadBytes) {
  const q = attachQueue(handle);
  const buf = new Uint8Array(payloadBytes);
  return {
    push: (bytes) => q.pushFrom(bytes),
    pop: () => {
      const n = q.popInto(buf);
      if (n !== payloadBytes) throw new Error(`popInto returned ${n} bytes, expected ${payloadBytes}`);
      return buf;
    },
  };
}

export function open(role, data, ctx) {
  if (ctx.batch > 1) throw new Error('the allocation-free peer has no batch mode');
  return openQueueRole(role, (handle) => rawAdapter(handle, ctx.payloadBytes), data, ctx);
}
