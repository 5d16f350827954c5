// Making a Queue: createQueue (a new queue in a new shared memory) and
// attachQueue (this thread's face of a queue made elsewhere, from its handle).
import { Kernel } from '../kernel/kernel.js';
import { resolveCodec, type Codec } from '../codecs.js';
import { assertSharedMemory } from '../environment.js';
import { openHandle, type AttachOptions, type QueueHandle } from './handle.js';
import { checkViewsOf, queueConfig, type QueueOptions } from './options.js';
import { Queue } from './queue.js';

/** Creates a queue in a new shared memory. The codec decides the value type. */
export function createQueue(options?: QueueOptions<Uint8Array> & { codec?: 'bytes' }): Queue<Uint8Array>;
export function createQueue(options: QueueOptions<string> & { codec: 'string' }): Queue<string>;
export function createQueue<T = unknown>(options: QueueOptions<T> & { codec: 'json' }): Queue<T>;
export function createQueue<T>(options: QueueOptions<T> & { codec: Codec<T> }): Queue<T>;
export function createQueue<T>(options?: QueueOptions<T>): Queue<T>;
export function createQueue<T = Uint8Array>(options: QueueOptions<T> = {}): Queue<T> {
  assertSharedMemory();
  const codec = resolveCodec<T>(options?.codec);
  const config = queueConfig(options, codec.name);
  return Queue.open(Kernel.create(config), codec, checkViewsOf(options));
}

/** Attaches to a queue created elsewhere, from its handle. Synchronous. */
export function attachQueue<T = Uint8Array>(handle: QueueHandle<T>, options: AttachOptions<T> = {}): Queue<T> {
  const { kernel, codec } = openHandle<T>(handle, options);
  return Queue.open(kernel, codec, checkViewsOf(options ?? {}));
}
