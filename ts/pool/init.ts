// What createPool hands each worker (Node: workerData; browsers: first message).
import type { QueueHandle } from '../queue/handle.js';
import type { ControlLayout } from './control.js';

export const INIT_KIND = 'wasmq.pool.init';
export const READY_KIND = 'wasmq.pool.ready';

export interface WorkerInit {
  readonly kind: typeof INIT_KIND;
  /** main → workers: encoded [taskId, input]. */
  readonly tasks: QueueHandle;
  /** workers → main: encoded [taskId, status, value]. */
  readonly results: QueueHandle;
  readonly control: SharedArrayBuffer;
  readonly layout: ControlLayout;
  /** This worker's slot in the control block. */
  readonly slot: number;
  /** Browsers: a Web Lock the worker holds for life, so the pool learns when it dies. */
  readonly lifeLock: string;
}

export function isWorkerInit(value: unknown): value is WorkerInit {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === INIT_KIND;
}
