// Implementation and scenario names: the table, the JSON and the targets
// block all refer to results by these strings, so they live in one place.

/** Records per batch of the in-place rows (and of pushBatch/popBatch). */
export const BATCH = 64;

/** The plain-JS in-place SPSC ring (the JS ceiling) publishing once per `batch` records. */
export const jsRingImpl = (batch) => `JS in-place SPSC ring, batch ${batch} (ceiling)`;

export const IMPL = {
  postMessage: 'postMessage',
  postMessageBatch: `postMessage, ${BATCH} records per message`,
  ringbuf: 'ringbuf.js (SPSC spin)',
  jsQueue: 'pure-JS ablation',
  jsQueueBatch: 'pure-JS ablation, batch 64',
  jsRing: jsRingImpl(BATCH),
  wasmq: 'wasmq push/pop',
  wasmqBatch: 'wasmq batch 64',
  wasmqRaw: 'wasmq pushFrom/popInto (no allocation)',
  wasmqInPlace: `wasmq publish/drain (in place, ${BATCH} per publish)`,
  wasmqInPlaceLatency: 'wasmq publish/drain (in place)',
  wasmqInPlaceSpin: 'wasmq tryPublish/tryDrain spinning (in place)',
  spin: 'Atomics spin hand-off (floor)',
  copy: 'Uint8Array.set, 1 thread (ceiling)',
  comlinkMessage: 'MessageChannel',
  comlinkShared: 'SharedChannel',
  // The browser module (scenarios/browser.mjs): a main thread consuming from 2 Web Workers.
  browserDrainAsync: `wasmq drainAsync (in place, ${BATCH} per publish)`,
  browserPopAsync: 'wasmq popAsync (one message per await)',
  postMessageBatchTransfer: `postMessage, ${BATCH} records per message, transferred`,
  postMessageBatchClone: `postMessage, ${BATCH} records per message, cloned`,
  // The demo in every browser engine (scenarios/browser-engines.mjs): the demo's own workers.
  demoPushPop: 'wasmq push/pop, blocking (the demo\'s workers)',
};

export const sizeLabel = (bytes) => (bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} B`);
export const throughputScenario = (producers, consumers, bytes) => `${producers}P${consumers}C ${sizeLabel(bytes)}`;
export const latencyScenario = (pct) => `round trip ${pct}, 64 B`;
export const bandwidthScenario = (bytes) => `1P1C ${sizeLabel(bytes)} bandwidth`;
/** The first 2^20 messages that a fresh set of threads moves (no warm-up round). */
export const coldScenario = (bytes) => `1P1C ${sizeLabel(bytes)} cold: first 2^20 messages on fresh threads`;
export const COMLINK_CALL = 'comlink call round trip: add(i, 1)';
export const COMLINK_ECHO = 'comlink call round trip: echo(record)';
/** The browser module's scenario, one per browser ('Chromium', 'Firefox'). */
export const browserScenario = (browser) => `browser main thread ← 2 workers, 64 B (${browser})`;
/** The browser-engines module's scenario: the demo's comparison between Web Workers, in one engine ('Chromium', 'Firefox', 'WebKit'). */
export const demoEngineScenario = (producers, consumers, bytes, engine) =>
  `${throughputScenario(producers, consumers, bytes)}, Web Workers (${engine})`;

// ---- pool module (scenarios/pool.mjs): wasmq/pool vs Piscina vs tinypool ----
/** Worker threads of every pool row: the figures and targets are for 2 threads. */
export const POOL_THREADS = 2;
export const POOL_IMPL = { wasmq: 'wasmq/pool', piscina: 'Piscina', tinypool: 'tinypool' };
/** Tasks kept in flight by the async-handler row: threads x concurrentTasksPerWorker x 4. */
export const POOL_ASYNC_CONCURRENCY = 8;
export const POOL_ASYNC_IN_FLIGHT = POOL_THREADS * POOL_ASYNC_CONCURRENCY * 4;
export const POOL = {
  tiny: `pool tiny tasks x => x + 1, ${POOL_THREADS} threads, 1000 in flight`,
  json: `pool 1 KiB JSON in → transform → 1 KiB out, ${POOL_THREADS} threads, 256 in flight`,
  f64: `pool 1 MiB Float64Array in and out, ${POOL_THREADS} threads, 4 in flight (Piscina, tinypool: transferList + move)`,
  async: `pool async handlers awaiting I/O (setTimeout 1 ms), concurrentTasksPerWorker ${POOL_ASYNC_CONCURRENCY}, ${POOL_THREADS} threads, ${POOL_ASYNC_IN_FLIGHT} in flight`,
  cpu: `pool 1 ms CPU tasks, ${POOL_THREADS} threads, ${POOL_THREADS * 8} in flight`,
  latency: `pool tiny task latency (one awaited at a time), ${POOL_THREADS} threads`,
};
// ---- end pool module names ----

// ---- The pool module's crashed-workers row (issue 15): a pool that replaced 100 crashed workers vs a fresh one. ----
export const POOL_CRASHED = {
  scenario: 'pool tiny tasks x => x + 1 after 100 crashed workers were replaced (the pool module\'s threads), 1000 in flight',
  fresh: 'wasmq/pool, fresh',
  crashed: 'wasmq/pool, 100 workers crashed and replaced',
};

// ---- broadcast module (scenarios/broadcast.mjs): 1 producer -> 4 subscribers ----
export const FANOUT_SUBSCRIBERS = 4;
export const FANOUT = `broadcast 1 producer → ${FANOUT_SUBSCRIBERS} subscribers, 64 B (deliveries/s)`;
export const FANOUT_IMPL = {
  broadcastChannel: 'BroadcastChannel',
  ports: `postMessage to ${FANOUT_SUBSCRIBERS} ports`,
  wasmqWait: "wasmq broadcast, whenFull 'wait'",
  wasmqOverwrite: "wasmq broadcast, whenFull 'overwrite' (received only)",
  broadcastChannelBatch: `BroadcastChannel, ${BATCH} records per message`,
  wasmqWaitBatch: `wasmq broadcast, whenFull 'wait', pushBatch ${BATCH} / drain (in place)`,
};
// ---- select module (scenarios/select.mjs): one consumer, 4 queues vs 1 ----
export const SELECT = 'select: 2 producers → 1 consumer, 64 B';
export const SELECT_ONE_THREAD = 'select: one thread, messages already queued, 64 B';
export const SELECT_IMPL = { pop: 'wasmq pop, one queue', select: 'wasmq select over 4 queues' };
// ---- NATS module (scenarios/nats.mjs): going remote ----
export const NATS_POOL = 'tiny tasks over NATS, 2 machines of 1 thread vs local pools of 2 threads (tasks/s)';
export const NATS_POOL_IMPL = {
  piscina: 'Piscina, 2 threads (local)',
  local: 'wasmq/pool, 2 threads (local)',
  remote: 'wasmq/nats: remotePool → 2 servePool processes',
};
export const NATS_STREAM = 'stream 64 B messages through NATS JetStream (msg/s)';
export const NATS_STREAM_IMPL = {
  bare: 'NATS client alone: JetStream publish (1024 unacked) → consume() (256 pulled ahead, ack each)',
  wasmq: 'wasmq/nats: queue → forward → receive (durable) → queue',
};
