// Making a Queue: createQueue (a new queue in a new shared memory) and
// attachQueue (this thread's face of a queue made elsewhere, from its handle).
import { Kernel } from '../kernel/kernel.js';
import { resolveCodec, type Codec } from '../codecs.js';
import { assertSharedMemory } from '../environment.js';
import { openHandle, type AttachOptions, type QueueHandle } from './handle.js';
import { checkViewsOf, queueConfig, type QueueOptions } from './options.js';
import { Queue } from './queue.js';

/**
 * Creates a queue in a new shared `WebAssembly.Memory`. The `codec` option
 * decides the value type: `'bytes'` (the default) carries `Uint8Array`s,
 * `'string'` strings (UTF-8), `'json'` JSON values, and a {@link Codec}
 * object whatever it encodes.
 *
 * This overload: a `'bytes'` queue (no codec given), of `Uint8Array` values.
 *
 * @param options - Sizes, codec and timeouts; every field is optional (see {@link QueueOptions}).
 * @returns This thread's face of the new queue. Post its {@link Queue.handle}
 *   to other threads and {@link attachQueue} it there.
 * @throws Error - Where shared memory is unavailable (no `SharedArrayBuffer`,
 *   or a browser page that is not cross-origin isolated); the message says what is missing.
 * @throws RangeError - An option out of range (e.g. a `capacity` that is not a
 *   power of two, or sizes that do not fit in one memory); the message names it.
 * @throws TypeError - `options` is not an object, or `codec` is not a codec.
 *
 * @example
 * ```ts
 * import { createQueue } from 'wasmq';
 *
 * const queue = createQueue({ codec: 'string', capacity: 256 });
 * queue.push('hello');
 * console.log(queue.tryPop()); // 'hello'
 * ```
 */
export function createQueue(options?: QueueOptions<Uint8Array> & { codec?: 'bytes' }): Queue<Uint8Array>;
/** A `'string'` queue: values are strings, carried as UTF-8. See the first overload. */
export function createQueue(options: QueueOptions<string> & { codec: 'string' }): Queue<string>;
/** A `'json'` queue: values go through `JSON.stringify` / `JSON.parse`; `T` is what you say they are. See the first overload. */
export function createQueue<T = unknown>(options: QueueOptions<T> & { codec: 'json' }): Queue<T>;
/** A queue with a custom {@link Codec}: values are what it encodes and decodes. See the first overload. */
export function createQueue<T>(options: QueueOptions<T> & { codec: Codec<T> }): Queue<T>;
/** Any codec option, when it is not known statically. See the first overload. */
export function createQueue<T>(options?: QueueOptions<T>): Queue<T>;
export function createQueue<T = Uint8Array>(options: QueueOptions<T> = {}): Queue<T> {
  assertSharedMemory();
  const codec = resolveCodec<T>(options?.codec);
  const config = queueConfig(options, codec.name);
  return Queue.open(Kernel.create(config), codec, checkViewsOf(options));
}

/**
 * Attaches this thread to a queue created elsewhere (usually on another
 * thread), from its {@link Queue.handle}. Synchronous: it instantiates the
 * queue's kernel module over the handle's memory and checks the header.
 * Every thread that uses a queue needs its own `Queue` object.
 *
 * @param handle - A queue's `handle`, as received through `postMessage` or `workerData`.
 * @param options - The codec (required again for a custom codec) and `checkViews`.
 * @returns This thread's face of the queue.
 * @throws TypeError - `handle` is not a queue handle (wrong shape, kind or
 *   layout version, a memory that is not shared, or not a wasmq queue); the
 *   queue was made with a custom codec and `options.codec` does not pass one;
 *   or `options.codec` names a built-in codec other than the queue's.
 *
 * @example
 * ```ts
 * import { attachQueue, type QueueHandle } from 'wasmq';
 * import { workerData } from 'node:worker_threads';
 *
 * const queue = attachQueue(workerData as QueueHandle<string>, { codec: 'string' });
 * for await (const message of queue) console.log(message);
 * ```
 */
export function attachQueue<T = Uint8Array>(handle: QueueHandle<T>, options: AttachOptions<T> = {}): Queue<T> {
  const { kernel, codec } = openHandle<T>(handle, options);
  return Queue.open(kernel, codec, checkViewsOf(options ?? {}));
}
