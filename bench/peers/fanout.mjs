// Peers of the broadcast module (scenarios/broadcast.mjs): one producer
// thread sends `count` 64-byte messages, and every one of S subscriber
// threads must receive each (deliveries = messages x subscribers). Each
// message carries its sequence number; a subscriber checks that it gets
// them in order (a broadcast subscriber may also miss some: 'overwrite'),
// and every thread reports when it started and finished, on the shared
// wall clock, so the scenario times the whole fan-out.
//
//   broadcastChannel  the web's BroadcastChannel, one per thread, one name
//   ports             a MessageChannel per subscriber; the producer posts each message to all of them
//   wasmq             createBroadcast ('wait' or 'overwrite'), push / pop
// With `batch` (BroadcastChannel and wasmq): each idiom's batched form,
// BATCH records per postMessage (an array of them), or pushBatch of BATCH
// and drain (in place) on the wasmq side.
import { MessageChannel } from 'node:worker_threads';
import { attachBroadcast, createBroadcast, subscribe } from '../../dist/index.js';
import { idAt, idOf, payload, stamp, wallNow } from '../lib/messages.mjs';

export const PAYLOAD = 64;
/** Records per batch in the batched idioms. */
export const BATCH = 64;

// A message is 64 bytes with its sequence number in the first four, stamped
// and read byte by byte (lib/messages.mjs) as every peer does: a DataView
// over a small typed array's .buffer makes V8 move its bytes off the heap,
// which cost more than a push and four pops together. Each producer stamps
// the same buffer(s) again for every message: every transport here copies
// what it is given (postMessage clones, push copies into the ring).

/**
 * What one subscriber received over all rounds, checking the order. Sequence
 * numbers run on across rounds (round r sends r * count .. (r + 1) * count - 1),
 * so a message that arrives before its round's run() is still counted once.
 */
function counter() {
  let last = -1;
  let received = 0;
  return {
    take(seq) {
      if (seq <= last) throw new Error(`message ${seq} arrived after ${last}`);
      last = seq;
      received++;
    },
    get received() { return received; },
  };
}

export function prepare(kind, config) {
  const { impl, subscribers } = config;
  if (impl === 'broadcastChannel') {
    const name = `wasmq-bench-${Math.random().toString(36).slice(2)}`;
    return { forWorker: () => ({ data: { name }, transfer: [] }) };
  }
  if (impl === 'ports') {
    const channels = Array.from({ length: subscribers }, () => new MessageChannel());
    return {
      forWorker(role, index) {
        if (role === 'producer') {
          const ports = channels.map((c) => c.port1);
          return { data: { ports }, transfer: ports };
        }
        return { data: { port: channels[index].port2 }, transfer: [channels[index].port2] };
      },
    };
  }
  const b = createBroadcast({ capacity: config.capacity, slotBytes: PAYLOAD, whenFull: config.whenFull });
  return { forWorker: () => ({ data: { handle: b.handle }, transfer: [] }) };
}

export function open(role, data, ctx) {
  return role === 'producer' ? producer(data, ctx) : subscriber(data, ctx);
}

function producer(data, ctx) {
  const bc = ctx.impl === 'broadcastChannel' ? new BroadcastChannel(data.name) : undefined;
  const b = ctx.impl === 'wasmq' ? attachBroadcast(data.handle) : undefined;
  const one = payload(PAYLOAD);
  const batch = Array.from({ length: BATCH }, () => payload(PAYLOAD));
  return {
    async run({ count, round }) {
      const start = wallNow();
      const first = round * count;
      const end = (round + 1) * count;
      if (ctx.batch) {
        for (let seq = first; seq < end; seq += BATCH) {
          const group = batch.length === Math.min(BATCH, end - seq) ? batch : batch.slice(0, end - seq);
          for (let k = 0; k < group.length; k++) stamp(group[k], seq + k);
          if (bc) bc.postMessage(group);
          else for (let k = 0; k < group.length; ) k += b.pushBatch(k === 0 ? group : group.slice(k)) || (b.push(group[k]), 1);
        }
        return { start, end: wallNow() };
      }
      for (let seq = first; seq < end; seq++) {
        const m = one;
        stamp(m, seq);
        if (bc) bc.postMessage(m);
        else if (b) b.push(m);
        else for (const port of data.ports) port.postMessage(m);
      }
      return { start, end: wallNow() };
    },
  };
}

function subscriber(data, ctx) {
  const c = counter();
  if (ctx.impl === 'wasmq') {
    const s = subscribe(data.handle);
    let received = 0;
    let missed = 0;
    return {
      async run({ count, round }) {
        // Until every position up to this round's last is received or counted missed.
        const take = (bytes, offset) => c.take(idAt(bytes, offset));
        while (c.received + s.missed < (round + 1) * count) {
          if (ctx.batch) s.drain(take, { max: BATCH, timeoutMs: 60_000 });
          else c.take(idOf(s.pop(60_000)));
        }
        const r = { received: c.received - received, missed: s.missed - missed, end: wallNow() };
        received = c.received;
        missed = s.missed;
        return r;
      },
    };
  }
  const source = ctx.impl === 'broadcastChannel' ? new BroadcastChannel(data.name) : data.port;
  let done = null;
  let want = Infinity;
  let reported = 0;
  const onMessage = (e) => {
    if (Array.isArray(e.data)) for (const m of e.data) c.take(idOf(m));
    else c.take(idOf(e.data));
    if (c.received >= want) done?.();
  };
  if (ctx.impl === 'broadcastChannel') source.onmessage = onMessage;
  else source.on('message', (m) => onMessage({ data: m }));
  return {
    run({ count, round }) {
      return new Promise((resolve) => {
        want = (round + 1) * count;
        done = () => {
          // Once per round; messages of the next round may arrive before its run() is called.
          done = null;
          resolve({ received: want - reported, missed: 0, end: wallNow() });
          reported = want;
        };
        if (c.received >= want) done();
      });
    },
  };
}
