export const IMPL: {
  readonly postMessage: string; readonly postMessageBatch: string; readonly ringbuf: string;
  readonly jsQueue: string; readonly jsQueueBatch: string; readonly jsRing: string;
  readonly wasmq: string; readonly wasmqBatch: string; readonly wasmqRaw: string;
  readonly wasmqInPlace: string; readonly wasmqInPlaceLatency: string; readonly wasmqInPlaceSpin: string;
  readonly spin: string; readonly copy: string; readonly comlinkMessage: string; readonly comlinkShared: string;
  readonly browserDrainAsync: string; readonly browserPopAsync: string;
  readonly postMessageBatchTransfer: string; readonly postMessageBatchClone: string;
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
