/**
 * wasmq: a lock-free MPMC (multi-producer, multi-consumer) message queue in
 * shared WebAssembly memory, for JavaScript threads (Node worker_threads, Web
 * Workers, Deno, Bun) to pass messages without postMessage.
 *
 * Make a queue with {@link createQueue}, post its {@link Queue.handle} to a
 * worker, and {@link attachQueue} it there. {@link SharedChannel} is a
 * MessageChannel over two such queues, so MessagePort code (Comlink) runs on
 * shared memory. {@link select} and {@link selectAsync} take the first message
 * any of several queues has. The worker pool is the `wasmq/pool` entry point.
 *
 * Shared memory needs `SharedArrayBuffer`: in browsers, a cross-origin
 * isolated page.
 *
 * @module wasmq
 */
export { createQueue, attachQueue } from './queue/create.js';
export { Queue } from './queue/queue.js';
export type { WaitOptions, QueueStats, DrainOptions, PublishOptions, PublishFill, DrainHandler } from './queue/types.js';
export type { QueueHandle, AttachOptions } from './queue/handle.js';
export type { QueueOptions } from './queue/options.js';
export type { Codec, CodecName } from './codecs.js';
export { createBroadcast, attachBroadcast, subscribe } from './broadcast/create.js';
export type { SubscribeOptions } from './broadcast/create.js';
export { Broadcast } from './broadcast/broadcast.js';
export { Subscriber } from './broadcast/subscriber.js';
export type { BroadcastOptions, BroadcastHandle } from './broadcast/options.js';
export { select, selectAsync } from './select.js';
export type { Selectable, Selected, SelectOptions } from './select.js';
export { QueueClosedError, TimeoutError, CodecError } from './errors.js';
export { SharedChannel, attachPort } from './channel/index.js';
export type { SharedPort, SharedPortHandle, SharedChannelOptions, SharedPortHandler } from './channel/index.js';
