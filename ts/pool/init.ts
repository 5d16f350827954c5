// What createPool hands each worker (Node: workerData; browsers: first message),
// and the messages of the per-worker control channel (broadcast, and the
// browsers' ready signal).
import type { QueueHandle } from '../queue/handle.js';
import type { ControlLayout } from './control.js';

export const INIT_KIND = 'wasmq.pool.init';
export const READY_KIND = 'wasmq.pool.ready';
/** pool → one worker: run this encoded input once on you (pool.broadcast). */
export const BROADCAST_KIND = 'wasmq.pool.broadcast';
/** worker → pool: the encoded result of a broadcast. */
export const BROADCAST_RESULT_KIND = 'wasmq.pool.broadcast-result';
/** pool → one worker: a task run with a transferList (the transfer lane; see direct.ts). */
export const DIRECT_KIND = 'wasmq.pool.direct';
/** worker → pool: a transfer-lane task's outcome. */
export const DIRECT_RESULT_KIND = 'wasmq.pool.direct-result';

export interface WorkerInit {
  readonly kind: typeof INIT_KIND;
  /** main → workers: encoded [taskId, input]. */
  readonly tasks: QueueHandle;
  /** workers → main: encoded [taskId, status, value, runMs]. */
  readonly results: QueueHandle;
  readonly control: SharedArrayBuffer;
  /** The pool's table of shared object shapes (ts/structures.ts), for this worker's serializer. */
  readonly structures: SharedArrayBuffer;
  readonly layout: ControlLayout;
  /** This worker's slot in the control block. */
  readonly slot: number;
  /** Browsers: a Web Lock the worker holds for life, so the pool learns when it dies. */
  readonly lifeLock: string;
  /** The pool keeps at least this many workers; an idle worker retires only above it. */
  readonly minThreads: number;
  /** How long a worker above minThreads may stay idle before it retires, in ms. */
  readonly idleTimeout: number;
  /** The createPool `workerData` option, for `workerData` in 'wasmq/pool'. */
  readonly workerData: unknown;
}

/** pool → worker. `id` matches the reply. */
export interface BroadcastMessage {
  readonly kind: typeof BROADCAST_KIND;
  readonly id: number;
  /** [flags][name?][input], as a task message without the id (see task-codec.ts). */
  readonly task: Uint8Array;
}

/** worker → pool. */
export interface BroadcastResult {
  readonly kind: typeof BROADCAST_RESULT_KIND;
  readonly id: number;
  /** An encoded result message (task-codec.ts encodeResult). */
  readonly result: Uint8Array;
}

/** pool → worker, by postMessage with the task's transferList. */
export interface DirectMessage {
  readonly kind: typeof DIRECT_KIND;
  readonly id: number;
  readonly name: string | undefined;
  readonly input: unknown;
}

/** worker → pool, by postMessage (transferring what the task function move()d). */
export interface DirectResult {
  readonly kind: typeof DIRECT_RESULT_KIND;
  readonly id: number;
  readonly status: number;
  /** The output, or (status RESULT_ERROR) the error as task-codec's error record. */
  readonly value: unknown;
  readonly runMs: number;
}

export function isWorkerInit(value: unknown): value is WorkerInit {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === INIT_KIND;
}

export function isBroadcast(value: unknown): value is BroadcastMessage {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === BROADCAST_KIND;
}

export function isBroadcastResult(value: unknown): value is BroadcastResult {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === BROADCAST_RESULT_KIND;
}

export function isDirect(value: unknown): value is DirectMessage {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === DIRECT_KIND;
}

export function isDirectResult(value: unknown): value is DirectResult {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === DIRECT_RESULT_KIND;
}
