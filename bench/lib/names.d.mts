export const IMPL: {
  readonly postMessage: string; readonly postMessageBatch: string; readonly ringbuf: string;
  readonly jsQueue: string; readonly jsQueueBatch: string; readonly jsRing: string;
  readonly wasmq: string; readonly wasmqBatch: string; readonly wasmqRaw: string;
  readonly wasmqInPlace: string; readonly wasmqInPlaceLatency: string; readonly wasmqInPlaceSpin: string;
  readonly spin: string; readonly copy: string; readonly comlinkMessage: string; readonly comlinkShared: string;
  readonly browserDrainAsync: string; readonly browserPopAsync: string;
  readonly postMessageBatchTransfer: string; readonly postMessageBatchClone: string; readonly demoPushPop: string;
};
export const BATCH: number;
export function jsRingImpl(batch: number): string;
export function sizeLabel(bytes: number): string;
export function throughputScenario(producers: number, consumers: number, bytes: number): string;
export function latencyScenario(pct: string): string;
export function bandwidthScenario(bytes: number): string;
export function coldScenario(bytes: number): string;
export const COMLINK_CALL: string;
export const COMLINK_ECHO: string;
export function browserScenario(browser: string): string;
export function demoEngineScenario(producers: number, consumers: number, bytes: number, engine: string): string;
// ---- pool module names ----
export const POOL_THREADS: number;
export const POOL_IMPL: { readonly wasmq: string; readonly piscina: string; readonly tinypool: string };
export const POOL_ASYNC_CONCURRENCY: number;
export const POOL_ASYNC_IN_FLIGHT: number;
export const POOL: {
  readonly tiny: string; readonly json: string; readonly f64: string; readonly async: string; readonly cpu: string; readonly latency: string;
};
// ---- end pool module names ----
export const POOL_CRASHED: { scenario: string; fresh: string; crashed: string };
// ---- broadcast and select module names ----
export const FANOUT_SUBSCRIBERS: number;
export const FANOUT: string;
export const FANOUT_IMPL: {
  readonly broadcastChannel: string; readonly ports: string; readonly wasmqWait: string; readonly wasmqOverwrite: string;
  readonly broadcastChannelBatch: string; readonly wasmqWaitBatch: string;
};
export const SELECT: string;
export const SELECT_ONE_THREAD: string;
export const SELECT_IMPL: { readonly pop: string; readonly select: string };
export const NATS_POOL: string;
export const NATS_POOL_IMPL: { piscina: string; local: string; remote: string };
export const NATS_STREAM: string;
export const NATS_STREAM_IMPL: { bare: string; wasmq: string };
