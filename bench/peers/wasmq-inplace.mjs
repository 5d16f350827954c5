// Peer: wasmq through its in-place data path. Producers call the blocking
// publish(length, fill, { count: batch }): one claim of `batch` messages,
// fill(bytes, offset, index) writes each where it lies in the ring, one
// publish. Consumers call the blocking drain(handler) (max: its default, all
// there are): one take, handler(bytes, offset, length) reads each where it
// lies, one release. Per message both sides do what the other in-place rows
// do: write / read the 4-byte id at the message's start (stampAt / idAt).
//
// Latency (ping-pong): publish (count 1) + drain (max 1), either blocking
// (ctx.spin false: spin, then park, like push/pop) or as spinning
// tryPublish / tryDrain loops (ctx.spin true: like ringbuf.js and the spin floor).
import { attachQueue } from '../../dist/index.js';
import { finishProducing, idAt, messageId, stampAt, wallNow } from '../lib/messages.mjs';
import { prepare as prepareWasmq } from './wasmq.mjs';

export const name = 'wasmq in place';
export const prepare = prepareWasmq;

export function open(role, data, ctx) {
  switch (role) {
    case 'producer': return producer(attachQueue(data.queue), data, ctx);
    case 'consumer': return consumer(attachQueue(data.queue), ctx);
    case 'pinger': return pinger(attachQueue(data.forward), attachQueue(data.back), ctx);
    case 'echoer': return echoer(attachQueue(data.forward), attachQueue(data.back), ctx);
  }
  throw new Error(`wasmq in-place peer has no role ${role}`);
}

const pillFill = (bytes, offset) => stampAt(bytes, offset, 0);

function producer(q, { ctrl }, { index, producers, consumers, count, payloadBytes, batch }) {
  const shared = new Int32Array(ctrl);
  let base = 0;
  // One fill and one options object for the whole run, as a careful user writes it.
  const fill = (bytes, offset, j) => stampAt(bytes, offset, messageId(base + j, index, producers));
  const options = { count: batch };
  return {
    run() {
      const t0 = wallNow();
      for (base = 0; base < count; base += batch) {
        options.count = Math.min(batch, count - base);
        q.publish(payloadBytes, fill, options);
      }
      const t1 = wallNow();
      // Only the last producer to finish sends the pills: all real messages are ahead of them.
      if (finishProducing(shared, producers)) q.publish(payloadBytes, pillFill, { count: consumers });
      return { t0, t1 };
    },
  };
}

function consumer(q, { payloadBytes }) {
  let count = 0;
  let sum = 0;
  let pills = 0;
  const handler = (bytes, offset) => {
    const id = idAt(bytes, offset);
    if (id === 0) pills++;
    else {
      count++;
      sum += id;
    }
  };
  return {
    run() {
      count = 0;
      sum = 0;
      pills = 0;
      while (pills === 0) q.drain(handler);
      const t1 = wallNow();
      // One pill per consumer: give back any extra this drain swallowed.
      if (pills > 1) q.publish(payloadBytes, pillFill, { count: pills - 1 });
      return { t1, count, sum };
    },
  };
}

/** send(id) / receive() -> id over two queues, blocking or spinning. */
function endpoints(forward, back, { payloadBytes, spin = false }) {
  let out = 0;
  let got = -1;
  const fill = (bytes, offset) => stampAt(bytes, offset, out);
  const handler = (bytes, offset) => {
    got = idAt(bytes, offset);
  };
  const one = { count: 1 };
  const first = { max: 1 };
  const send = spin
    ? (q, id) => {
        out = id;
        while (q.tryPublish(payloadBytes, fill, one) === 0);
      }
    : (q, id) => {
        out = id;
        q.publish(payloadBytes, fill, one);
      };
  const receive = spin
    ? (q) => {
        while (q.tryDrain(handler, 1) === 0);
        return got;
      }
    : (q) => {
        q.drain(handler, first);
        return got;
      };
  return { send, receive };
}

function pinger(forward, back, ctx) {
  const { send, receive } = endpoints(forward, back, ctx);
  return {
    run({ roundTrips }) {
      const rtt = new Float64Array(roundTrips);
      for (let i = 0; i < roundTrips; i++) {
        const t0 = performance.now();
        send(forward, i + 1);
        const id = receive(back);
        rtt[i] = performance.now() - t0;
        if (id !== i + 1) throw new Error(`in-place echo returned id ${id}, expected ${i + 1}`);
      }
      send(forward, 0);
      receive(back);
      return { rtt };
    },
  };
}

function echoer(forward, back, ctx) {
  const { send, receive } = endpoints(forward, back, ctx);
  return {
    run() {
      for (;;) {
        const id = receive(forward);
        send(back, id);
        if (id === 0) return {};
      }
    },
  };
}
