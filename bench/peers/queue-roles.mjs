// Producer, consumer, pinger and echoer loops shared by the two queue peers
// (wasmq and the pure-JS ablation), which expose the same calls:
// push(bytes) / pop() blocking, pushBatch(values) -> count, popBatch(max) -> values.
// Keeping one copy of the loops guarantees both do exactly the same work.
import { finishProducing, idOf, messageId, payload, stamp, wallNow } from '../lib/messages.mjs';

export function openQueueRole(role, attach, data, ctx) {
  switch (role) {
    case 'producer': return ctx.batch > 1 ? batchProducer(attach(data.queue), data, ctx) : producer(attach(data.queue), data, ctx);
    case 'consumer': return ctx.batch > 1 ? batchConsumer(attach(data.queue), ctx) : consumer(attach(data.queue));
    case 'pinger': return pinger(attach(data.forward), attach(data.back), ctx);
    case 'echoer': return echoer(attach(data.forward), attach(data.back));
  }
  throw new Error(`queue peer has no role ${role}`);
}

function sendPills(q, ctrl, { producers, consumers, payloadBytes }) {
  // Only the last producer to finish sends the pills: all real messages are ahead of them.
  if (!finishProducing(ctrl, producers)) return;
  const pill = payload(payloadBytes);
  stamp(pill, 0);
  for (let c = 0; c < consumers; c++) q.push(pill);
}

function producer(q, { ctrl }, ctx) {
  const { index, producers, count, payloadBytes } = ctx;
  const shared = new Int32Array(ctrl);
  const buf = payload(payloadBytes);
  return {
    run() {
      const t0 = wallNow();
      for (let i = 0; i < count; i++) {
        stamp(buf, messageId(i, index, producers));
        q.push(buf);
      }
      const t1 = wallNow();
      sendPills(q, shared, ctx);
      return { t0, t1 };
    },
  };
}

function batchProducer(q, { ctrl }, ctx) {
  const { index, producers, count, payloadBytes, batch } = ctx;
  const shared = new Int32Array(ctrl);
  const values = Array.from({ length: batch }, () => payload(payloadBytes));
  return {
    run() {
      const t0 = wallNow();
      for (let i = 0; i < count; i += batch) {
        const n = Math.min(batch, count - i);
        for (let j = 0; j < n; j++) stamp(values[j], messageId(i + j, index, producers));
        let chunk = n === batch ? values : values.slice(0, n);
        // pushBatch pushes the prefix that fits now; when the queue is full,
        // block on one push (the wait strategy) and go on batching.
        for (let done = 0; done < n; ) {
          const k = q.pushBatch(done === 0 ? chunk : chunk.slice(done));
          if (k > 0) done += k;
          else q.push(chunk[done++]);
        }
      }
      const t1 = wallNow();
      sendPills(q, shared, ctx);
      return { t0, t1 };
    },
  };
}

function consumer(q) {
  return {
    run() {
      let count = 0;
      let sum = 0;
      for (;;) {
        const id = idOf(q.pop());
        if (id === 0) break;
        count++;
        sum += id;
      }
      return { t1: wallNow(), count, sum };
    },
  };
}

function batchConsumer(q, { batch }) {
  return {
    run() {
      let count = 0;
      let sum = 0;
      let pills = 0;
      while (pills === 0) {
        let got = q.popBatch(batch);
        // Empty now: block on one pop (the wait strategy), then batch again.
        if (got.length === 0) got = [q.pop()];
        for (let j = 0; j < got.length; j++) {
          const id = idOf(got[j]);
          if (id === 0) pills++;
          else {
            count++;
            sum += id;
          }
        }
      }
      const t1 = wallNow();
      // One pill per consumer: give back any extra this batch swallowed.
      const pill = payload(4);
      stamp(pill, 0);
      for (let i = 1; i < pills; i++) q.push(pill);
      return { t1, count, sum };
    },
  };
}

function pinger(forward, back, { payloadBytes }) {
  const buf = payload(payloadBytes);
  return {
    run({ roundTrips }) {
      const rtt = new Float64Array(roundTrips);
      for (let i = 0; i < roundTrips; i++) {
        const t0 = performance.now();
        stamp(buf, i + 1);
        forward.push(buf);
        const reply = back.pop();
        rtt[i] = performance.now() - t0;
        if (idOf(reply) !== i + 1) throw new Error(`echo returned id ${idOf(reply)}, expected ${i + 1}`);
      }
      stamp(buf, 0);
      forward.push(buf);
      back.pop();
      return { rtt };
    },
  };
}

function echoer(forward, back) {
  return {
    run() {
      for (;;) {
        const msg = forward.pop();
        back.push(msg);
        if (idOf(msg) === 0) return {};
      }
    },
  };
}
