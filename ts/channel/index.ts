// SharedChannel: a MessageChannel over wasmq queues, so Comlink (and any
// MessagePort code) runs on shared memory.
export { SharedChannel, type SharedChannelOptions } from './shared-channel.js';
export { SharedPort, attachPort, type SharedPortHandler } from './shared-port.js';
export type { SharedPortHandle } from './port-handle.js';
