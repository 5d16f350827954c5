// wasmq/pool: a worker pool whose task queue is a wasmq kernel queue.
export { createPool, Pool } from './pool.js';
export type { RunOptions } from './pool.js';
export type { PoolOptions } from './options.js';
export type { ResourceLimits } from './thread-host.js';
export { serve } from './serve.js';
export type { TaskHandler } from './serve.js';
export type { PoolStats } from './stats.js';
export { PoolClosedError, WorkerDiedError, WorkerStartError } from '../errors.js';
