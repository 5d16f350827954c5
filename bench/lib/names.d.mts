export const IMPL: {
  readonly postMessage: string; readonly ringbuf: string; readonly jsQueue: string; readonly jsQueueBatch: string;
  readonly wasmq: string; readonly wasmqBatch: string; readonly wasmqRaw: string; readonly spin: string; readonly copy: string;
};
export const BATCH: number;
export function sizeLabel(bytes: number): string;
export function throughputScenario(producers: number, consumers: number, bytes: number): string;
export function latencyScenario(pct: string): string;
export function bandwidthScenario(bytes: number): string;
