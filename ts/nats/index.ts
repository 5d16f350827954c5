/**
 * wasmq/nats: queues and pools across machines, over a NATS server the user
 * runs (JetStream for work that must survive the loss of a machine).
 *
 * Every machine that does work serves its local pool with {@link servePool};
 * any process reaches the pool with {@link remotePool}, whose `run` has
 * Pool.run's contract. Needs the optional peer dependencies
 * `@nats-io/nats-core` and `@nats-io/jetstream`, and a connection from
 * `@nats-io/transport-node` (or nats-core's `wsconnect`).
 *
 * @module wasmq/nats
 */
export { remotePool, PoolClient } from './remote-pool.js';
export type { RemotePoolOptions, RemotePoolStats, RemoteRunOptions } from './remote-pool.js';
export { servePool, PoolServer } from './serve-pool.js';
export type { PoolServerStats, RunsTasks, ServePoolOptions } from './serve-pool.js';
export { forward, Forwarder } from './forward.js';
export type { ForwardOptions } from './forward.js';
export { receive, Receiver } from './receive.js';
export type { ReceiveOptions } from './receive.js';
