// Single-thread per-operation costs, measured with benchmark.js: a push
// followed by a pop of the same message on one thread (no hand-off), for each
// transport, plus the codecs' encode/decode round trip for strings and JSON
// against structuredClone. Each benchmark.js run is one sample (round).
import Benchmark from 'benchmark';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { createQueue } from '../../dist/index.js';
import { JsQueue, createJsQueue } from '../peers/js-queue.mjs';
import { BATCH, IMPL } from '../lib/names.mjs';
import { summarize } from '../lib/stats.mjs';

export const title = 'Single thread: cost per operation (benchmark.js)';
/** Why this module runs in Node only under `--runtime` (bench/lib/runtime.mjs). */
export const nodeOnly =
  "Node only: one thread, no Workers (benchmark.js); the runtime comparison is about thread hand-offs";

const PAYLOAD = 64;

/** Every benchmark: scenario, impl, and a function doing `perCall` operations. */
function benchmarks() {
  const msg = new Uint8Array(PAYLOAD).fill(1);
  const batch = Array.from({ length: BATCH }, () => new Uint8Array(PAYLOAD).fill(2));
  const out = new Uint8Array(PAYLOAD);
  const { port1, port2 } = new MessageChannel();
  const rb = new RingBuffer(RingBuffer.getStorageForCapacity(1024 * PAYLOAD, Uint8Array), Uint8Array);
  const jq = new JsQueue(createJsQueue({ capacity: 1024, slotBytes: PAYLOAD }));
  const wq = createQueue({ capacity: 1024, slotBytes: PAYLOAD });
  const sq = createQueue({ capacity: 1024, slotBytes: 256, codec: 'string' });
  const jsonq = createQueue({ capacity: 1024, slotBytes: 256, codec: 'json' });
  const text = 'wasmq: the fastest way to move messages between JavaScript threads';
  const object = { id: 42, kind: 'order', price: 19.99, tags: ['a', 'b'], ok: true };
  const pushPop = 'push+pop 64 B, 1 thread';
  const batchPop = `pushBatch+popBatch of ${BATCH}, 64 B, 1 thread (per message)`;
  const str = 'string codec push+pop, 1 thread';
  const json = 'json codec push+pop, 1 thread';
  const check = (ok, what) => {
    if (!ok) throw new Error(`single-thread bench: ${what} returned a wrong value`);
  };
  return {
    close: () => {
      port1.close();
      port2.close();
    },
    list: [
      { scenario: pushPop, impl: IMPL.postMessage, baseline: true, perCall: 1, fn: () => { port1.postMessage(msg); check(receiveMessageOnPort(port2).message.length === PAYLOAD, 'postMessage'); } },
      { scenario: pushPop, impl: IMPL.ringbuf, perCall: 1, fn: () => { rb.push(msg); check(rb.pop(out) === PAYLOAD, 'ringbuf.js'); } },
      { scenario: pushPop, impl: IMPL.jsQueue, perCall: 1, fn: () => { jq.push(msg); check(jq.pop().length === PAYLOAD, 'ablation'); } },
      { scenario: pushPop, impl: IMPL.wasmq, perCall: 1, fn: () => { wq.push(msg); check(wq.pop().length === PAYLOAD, 'wasmq'); } },
      { scenario: pushPop, impl: 'wasmq tryPushFrom/tryPopInto (raw)', perCall: 1, fn: () => { wq.tryPushFrom(msg); check(wq.tryPopInto(out) === PAYLOAD, 'wasmq raw'); } },
      { scenario: batchPop, impl: IMPL.jsQueueBatch, perCall: BATCH, fn: () => { jq.pushBatch(batch); check(jq.popBatch(BATCH).length === BATCH, 'ablation batch'); } },
      { scenario: batchPop, impl: IMPL.wasmqBatch, perCall: BATCH, fn: () => { wq.pushBatch(batch); check(wq.popBatch(BATCH).length === BATCH, 'wasmq batch'); } },
      { scenario: str, impl: 'postMessage (structured clone)', baseline: true, perCall: 1, fn: () => { port1.postMessage(text); check(receiveMessageOnPort(port2).message === text, 'postMessage'); } },
      { scenario: str, impl: 'wasmq string codec', perCall: 1, fn: () => { sq.push(text); check(sq.pop() === text, 'wasmq string'); } },
      { scenario: json, impl: 'postMessage (structured clone)', baseline: true, perCall: 1, fn: () => { port1.postMessage(object); check(receiveMessageOnPort(port2).message.id === 42, 'postMessage'); } },
      { scenario: json, impl: 'wasmq json codec', perCall: 1, fn: () => { jsonq.push(object); check(jsonq.pop().id === 42, 'wasmq json'); } },
    ],
  };
}

/** One benchmark.js measurement of fn: operations per second. */
function measure(fn, { maxTime, minTime, minSamples }) {
  return new Promise((resolve, reject) => {
    const bench = new Benchmark({ fn, maxTime, minTime, minSamples, initCount: 1 });
    bench.on('complete', () => (bench.error ? reject(bench.error) : resolve(bench.hz)));
    bench.on('error', () => reject(bench.error));
    bench.run({ async: false });
  });
}

export async function run({ quick, log }) {
  const rounds = quick ? 3 : 5;
  // benchmark.js runs at least minSamples cycles of at least minTime each;
  // --quick trims both so the whole quick bench stays under a minute.
  const timing = quick ? { maxTime: 0.05, minTime: 0.02, minSamples: 2 } : { maxTime: 0.5, minTime: 0.05, minSamples: 5 };
  const { list, close } = benchmarks();
  const entries = [];
  try {
    for (const b of list) {
      await measure(b.fn, { ...timing, maxTime: timing.maxTime / 2 }); // warm-up: lets V8 optimise fn
      const samples = [];
      for (let r = 0; r < rounds; r++) samples.push((await measure(b.fn, timing)) * b.perCall);
      log(`${b.scenario}  ${b.impl}: ${(summarize(samples).median / 1e6).toFixed(2)} M msg/s`);
      entries.push({ scenario: b.scenario, impl: b.impl, unit: 'msg/s', higherIsBetter: true, ...(b.baseline ? { baseline: true } : {}), samples });
    }
  } finally {
    close();
  }
  return entries;
}
