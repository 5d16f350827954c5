// Types of the pure-JS ablation queue (js-queue.mjs), for the type-checked tests.
export interface JsQueueHandle {
  readonly sab: SharedArrayBuffer;
  readonly capacity: number;
  readonly slotBytes: number;
  readonly cellsOffset: number;
  readonly dataOffset: number;
}
export function createJsQueue(options: { capacity: number; slotBytes: number }): JsQueueHandle;
export class JsQueue {
  constructor(handle: JsQueueHandle);
  tryPush(bytes: Uint8Array): boolean;
  tryPop(): Uint8Array | undefined;
  push(bytes: Uint8Array): void;
  pop(): Uint8Array;
  pushBatch(values: readonly Uint8Array[]): number;
  popBatch(max: number): Uint8Array[];
}
