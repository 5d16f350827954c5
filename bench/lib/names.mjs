// Implementation and scenario names: the table, the JSON and the targets
// block all refer to results by these strings, so they live in one place.
export const IMPL = {
  postMessage: 'postMessage',
  ringbuf: 'ringbuf.js (SPSC spin)',
  jsQueue: 'pure-JS ablation',
  jsQueueBatch: 'pure-JS ablation, batch 64',
  wasmq: 'wasmq push/pop',
  wasmqBatch: 'wasmq batch 64',
  wasmqRaw: 'wasmq pushFrom/popInto (no allocation)',
  spin: 'Atomics spin hand-off (floor)',
  copy: 'Uint8Array.set, 1 thread (ceiling)',
};

export const BATCH = 64;

export const sizeLabel = (bytes) => (bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} B`);
export const throughputScenario = (producers, consumers, bytes) => `${producers}P${consumers}C ${sizeLabel(bytes)}`;
export const latencyScenario = (pct) => `round trip ${pct}, 64 B`;
export const bandwidthScenario = (bytes) => `1P1C ${sizeLabel(bytes)} bandwidth`;
