/**
 * wasmq/pool: a worker pool whose task queue is a wasmq queue in shared
 * memory. Idle workers take tasks off it themselves, so a task reaches a
 * worker without a postMessage round trip.
 *
 * The main thread calls {@link createPool} with a worker file; the worker
 * file calls {@link serve} with the task function. Inputs and results are
 * structured-clone-family values.
 *
 * @module wasmq/pool
 */
export { createPool, Pool } from './pool.js';
export type { BroadcastOptions, CloseOptions, RunOptions } from './call-options.js';
export type { PoolOptions } from './options.js';
export type { ResourceLimits } from './thread-host.js';
export { serve, workerData } from './serve.js';
export { move } from './move.js';
export type { TaskHandler, TaskHandlers } from './handlers.js';
export type { PoolStats, TimeSummary } from './stats.js';
export { PoolClosedError, WorkerDiedError, WorkerStartError } from '../errors.js';
