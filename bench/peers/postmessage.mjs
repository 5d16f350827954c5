// Peer: MessagePort.postMessage with structured clone (the baseline).
//
// postMessage has no multi-consumer channel, so P producers and C consumers
// (P == C) are wired as P independent pairs, each over its own MessageChannel:
// the most favourable set-up for postMessage (no contention at all).
// A producer may run at most `window` messages ahead of its consumer (the
// same bound as the queues' capacity), via a shared counter, so a fast
// producer cannot pile up gigabytes of clones in the consumer's port.
import { MessageChannel } from 'node:worker_threads';
import { idOf, messageId, payload, roundResults, stamp, wallNow } from '../lib/messages.mjs';

export const name = 'postMessage';

/**
 * The capability this peer needs beyond shared memory (lib/harness.mjs asks
 * before measuring): MessagePorts of node:worker_threads with Node's
 * EventEmitter `on`, which both sides use. Null when the runtime has them.
 */
export function unsupported() {
  const { port1, port2 } = new MessageChannel();
  try {
    return typeof port1.on === 'function' && typeof port1.off === 'function'
      ? null
      : "node:worker_threads' MessagePort has no EventEmitter on/off here";
  } finally {
    port1.close();
    port2.close();
  }
}

export function prepare(kind, config) {
  if (kind === 'throughput') {
    const { producers, consumers, ringMessages } = config;
    if (producers !== consumers) throw new RangeError('the postMessage peer pairs producers with consumers: P must equal C');
    const pairs = [];
    for (let i = 0; i < producers; i++) {
      const { port1, port2 } = new MessageChannel();
      pairs.push({ port1, port2, flow: new SharedArrayBuffer(4) });
    }
    return {
      forWorker(role, index) {
        const pair = pairs[index];
        const port = role === 'producer' ? pair.port1 : pair.port2;
        return { data: { port, flow: pair.flow, window: ringMessages }, transfer: [port] };
      },
    };
  }
  // latency: one channel; the pinger posts, the echoer posts back.
  const { port1, port2 } = new MessageChannel();
  return {
    forWorker(role) {
      const port = role === 'pinger' ? port1 : port2;
      return { data: { port }, transfer: [port] };
    },
  };
}

export function open(role, data, ctx) {
  switch (role) {
    case 'producer': return producer(data, ctx);
    case 'consumer': return consumer(data, ctx);
    case 'pinger': return pinger(data, ctx);
    case 'echoer': return echoer(data, ctx);
  }
  throw new Error(`postMessage peer has no role ${role}`);
}

function producer({ port, flow, window }, { index, producers, count, payloadBytes }) {
  const consumed = new Int32Array(flow);
  const buf = payload(payloadBytes);
  let sent = 0;
  return {
    run() {
      const t0 = wallNow();
      for (let i = 0; i < count; i++) {
        // Back-pressure: wait while `window` messages are in flight.
        for (let seen = Atomics.load(consumed, 0); sent - seen >= window; seen = Atomics.load(consumed, 0)) {
          Atomics.wait(consumed, 0, seen, 1);
        }
        stamp(buf, messageId(i, index, producers));
        port.postMessage(buf);
        sent++;
      }
      stamp(buf, 0);
      port.postMessage(buf);
      sent++;
      return { t0, t1: wallNow() };
    },
  };
}

function consumer({ port, flow, window }) {
  const consumed = new Int32Array(flow);
  const notifyEvery = Math.max(1, window >> 2);
  let total = 0;
  let count = 0;
  let sum = 0;
  const results = roundResults();
  port.on('message', (msg) => {
    Atomics.store(consumed, 0, ++total);
    if (total % notifyEvery === 0) Atomics.notify(consumed, 0);
    const id = idOf(msg);
    if (id === 0) {
      Atomics.notify(consumed, 0);
      const result = { t1: wallNow(), count, sum };
      count = 0;
      sum = 0;
      results.push(result);
      return;
    }
    count++;
    sum += id;
  });
  return {
    run: () => results.next(),
  };
}

function pinger({ port }, { payloadBytes }) {
  const buf = payload(payloadBytes);
  let reply;
  port.on('message', (msg) => reply(msg));
  const next = () => new Promise((resolve) => (reply = resolve));
  return {
    async run({ roundTrips }) {
      const rtt = new Float64Array(roundTrips);
      for (let i = 0; i < roundTrips; i++) {
        const t0 = performance.now();
        stamp(buf, i + 1);
        const answer = next();
        port.postMessage(buf);
        const msg = await answer;
        rtt[i] = performance.now() - t0;
        if (idOf(msg) !== i + 1) throw new Error(`postMessage echo returned id ${idOf(msg)}, expected ${i + 1}`);
      }
      stamp(buf, 0);
      const done = next();
      port.postMessage(buf);
      await done;
      return { rtt };
    },
  };
}

function echoer({ port }) {
  const results = roundResults();
  port.on('message', (msg) => {
    port.postMessage(msg);
    if (idOf(msg) === 0) results.push({});
  });
  return {
    run: () => results.next(),
  };
}
