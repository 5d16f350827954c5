// Peer: ringbuf.js (Paul Adenot's wait-free SPSC byte ring), spinning.
// Single producer, single consumer only: that is all it supports.
// Each message is `payloadBytes` bytes; the consumer waits until a whole
// message is readable and pops it into a reused buffer (ringbuf.js's own
// idiom: no allocation per message, which favours it over the queues, whose
// pop returns a fresh Uint8Array as postMessage does).
import { RingBuffer } from 'ringbuf.js';
import { idOf, messageId, payload, stamp, wallNow } from '../lib/messages.mjs';

export const name = 'ringbuf.js';

function ring(config) {
  return RingBuffer.getStorageForCapacity(config.ringMessages * config.payloadBytes, Uint8Array);
}

export function prepare(kind, config) {
  if (kind === 'throughput') {
    if (config.producers !== 1 || config.consumers !== 1) throw new RangeError('ringbuf.js is single-producer single-consumer only');
    const sab = ring(config);
    return { forWorker: () => ({ data: { sab }, transfer: [] }) };
  }
  const forward = ring(config);
  const back = ring(config);
  return { forWorker: () => ({ data: { forward, back }, transfer: [] }) };
}

/** Spins until `n` bytes can be written, then writes them. */
function put(rb, buf) {
  const n = buf.length;
  while (rb.availableWrite() < n);
  rb.push(buf, n);
}
/** Spins until `n` bytes can be read, then reads them into `out`. */
function take(rb, out) {
  const n = out.length;
  while (rb.availableRead() < n);
  rb.pop(out, n);
  return out;
}

export function open(role, data, { index = 0, producers = 1, count, payloadBytes }) {
  const buf = payload(payloadBytes);
  switch (role) {
    case 'producer': {
      const rb = new RingBuffer(data.sab, Uint8Array);
      return {
        run() {
          const t0 = wallNow();
          for (let i = 0; i < count; i++) {
            stamp(buf, messageId(i, index, producers));
            put(rb, buf);
          }
          const t1 = wallNow();
          stamp(buf, 0);
          put(rb, buf);
          return { t0, t1 };
        },
      };
    }
    case 'consumer': {
      const rb = new RingBuffer(data.sab, Uint8Array);
      return {
        run() {
          let count = 0;
          let sum = 0;
          for (;;) {
            const id = idOf(take(rb, buf));
            if (id === 0) break;
            count++;
            sum += id;
          }
          return { t1: wallNow(), count, sum };
        },
      };
    }
    case 'pinger': {
      const forward = new RingBuffer(data.forward, Uint8Array);
      const back = new RingBuffer(data.back, Uint8Array);
      const reply = new Uint8Array(payloadBytes);
      return {
        run({ roundTrips }) {
          const rtt = new Float64Array(roundTrips);
          for (let i = 0; i < roundTrips; i++) {
            const t0 = performance.now();
            stamp(buf, i + 1);
            put(forward, buf);
            take(back, reply);
            rtt[i] = performance.now() - t0;
            if (idOf(reply) !== i + 1) throw new Error(`ringbuf.js echo returned id ${idOf(reply)}, expected ${i + 1}`);
          }
          stamp(buf, 0);
          put(forward, buf);
          take(back, reply);
          return { rtt };
        },
      };
    }
    case 'echoer': {
      const forward = new RingBuffer(data.forward, Uint8Array);
      const back = new RingBuffer(data.back, Uint8Array);
      return {
        run() {
          for (;;) {
            take(forward, buf);
            put(back, buf);
            if (idOf(buf) === 0) return {};
          }
        },
      };
    }
  }
  throw new Error(`ringbuf.js peer has no role ${role}`);
}
