// wasmq: a lock-free MPMC message queue in shared WebAssembly memory.
export { createQueue, attachQueue, Queue } from './queue.js';
export type { QueueHandle, AttachOptions, WaitOptions, QueueStats } from './queue.js';
export type { QueueOptions } from './options.js';
export type { Codec, CodecName } from './codecs.js';
export { QueueClosedError, TimeoutError, CodecError } from './errors.js';
export { SharedChannel, attachPort } from './channel/index.js';
export type { SharedPort, SharedPortHandle, SharedChannelOptions } from './channel/index.js';
