// wasmq: a lock-free MPMC message queue in shared WebAssembly memory.
export { createQueue, attachQueue } from './queue/create.js';
export { Queue } from './queue/queue.js';
export type { WaitOptions, QueueStats, DrainOptions, PublishOptions, PublishFill, DrainHandler } from './queue/types.js';
export type { QueueHandle, AttachOptions } from './queue/handle.js';
export type { QueueOptions } from './queue/options.js';
export type { Codec, CodecName } from './codecs.js';
export { QueueClosedError, TimeoutError, CodecError } from './errors.js';
export { SharedChannel, attachPort } from './channel/index.js';
export type { SharedPort, SharedPortHandle, SharedChannelOptions } from './channel/index.js';
