// The queue handle: the plain, structured-cloneable description of a queue
// that travels between threads, and its validation, in one place. Opening a
// handle checks its shape, instantiates the kernel over its memory, lets the
// kernel validate the header, and negotiates the codec.
import { Kernel, LAYOUT_VERSION, type CodecKind } from '../kernel/kernel.js';
import { negotiateCodec, type Codec, type CodecName, type WireCodec } from '../codecs.js';
import { describeValue } from '../errors.js';

/**
 * A plain, structured-cloneable description of a queue ({@link Queue.handle}):
 * post it to a worker (no transfer list needed) and pass it to
 * {@link attachQueue} there. `T` is the queue's value type, carried at the
 * type level only.
 *
 * @example
 * ```ts
 * import { createQueue, type QueueHandle } from 'wasmq';
 * import { Worker } from 'node:worker_threads';
 *
 * const queue = createQueue({ codec: 'json' });
 * const handle: QueueHandle = queue.handle;
 * new Worker(new URL('./consumer.js', import.meta.url), { workerData: handle });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handles usually arrive untyped (workerData, postMessage)
export interface QueueHandle<T = any> {
  /** Always `'wasmq.queue'`: tells a queue handle from other messages. */
  readonly kind: 'wasmq.queue';
  /** The memory layout version of the wasmq that made it; {@link attachQueue} refuses another. */
  readonly version: number;
  /** The queue's shared memory (header, ring and scratch areas). */
  readonly memory: WebAssembly.Memory;
  /** The compiled queue kernel, instantiated over `memory` by each attaching thread. */
  readonly module: WebAssembly.Module;
  /** The codec the queue was created with; `'custom'` means the attaching thread must pass it again. */
  readonly codec: CodecName | 'custom';
  /** Type-level only (never set): lets attachQueue(q.handle) infer the value type. */
  readonly __valueType?: T;
}

/**
 * Options of {@link attachQueue}.
 *
 * @example
 * ```ts
 * import { attachQueue, type AttachOptions, type QueueHandle } from 'wasmq';
 *
 * declare const handle: QueueHandle<{ id: number }>;
 * const codec = {
 *   encode: (value: { id: number }) => new Uint8Array(new Uint32Array([value.id]).buffer),
 *   decode: (bytes: Uint8Array) => ({ id: new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) }),
 * };
 * const options: AttachOptions<{ id: number }> = { codec, checkViews: true };
 * const queue = attachQueue(handle, options);
 * ```
 */
export interface AttachOptions<T> {
  /**
   * Required when the queue was created with a custom codec: pass the same
   * one. For a built-in codec it may be left out (the queue's is used); if
   * given, it must name the queue's codec.
   */
  codec?: CodecName | Codec<T>;
  /** The development check for kept in-place views, on this thread's face only (see {@link QueueOptions.checkViews}). Default false. */
  checkViews?: boolean;
}

/**
 * @internal The handle of the queue a Kernel serves. `module` comes before
 * `memory`: Firefox 140 ESR's structured clone resolves a message's second
 * reference to an object first met after a WebAssembly.Memory to the wrong
 * object (it numbers the memory's buffer on one side only). Every handle
 * shares the one compiled module, so several handles in one message (a
 * pool's init, a SharedChannel port's two queues) reach it as a second
 * reference; met first here, before any memory, it arrives intact.
 */
export function handleOf<T>(kernel: Kernel): QueueHandle<T> {
  return { kind: 'wasmq.queue', version: LAYOUT_VERSION, module: kernel.module, memory: kernel.memory, codec: kernel.codec };
}

const notAHandle = (why: string) => new TypeError(`not a wasmq queue handle: ${why}`);

/** @internal Validates `handle` and attaches this thread to its queue. Throws a TypeError that says what is wrong. */
export function openHandle<T>(handle: unknown, options: AttachOptions<T>): { kernel: Kernel; codec: WireCodec<T> } {
  if (handle === null || typeof handle !== 'object') {
    throw new TypeError(`attachQueue expects a queue handle (queue.handle); got ${describeValue(handle)}`);
  }
  const h = handle as Partial<QueueHandle<T>>;
  if (h.kind !== 'wasmq.queue') {
    throw notAHandle(`its kind is ${JSON.stringify(h.kind)}, expected "wasmq.queue"`);
  }
  if (h.version !== LAYOUT_VERSION) {
    throw new TypeError(`this wasmq reads layout version ${LAYOUT_VERSION}, but the handle is of version ${String(h.version)}`);
  }
  if (!(h.memory instanceof WebAssembly.Memory) || !(h.memory.buffer instanceof SharedArrayBuffer)) {
    throw notAHandle('handle.memory must be a shared WebAssembly.Memory');
  }
  if (!(h.module instanceof WebAssembly.Module)) throw notAHandle('handle.module must be a WebAssembly.Module');
  let opened: ReturnType<typeof Kernel.open>;
  try {
    opened = Kernel.open(h.module, h.memory);
  } catch (cause) {
    throw notAHandle(`its module is not a wasmq kernel: ${(cause as Error).message}`);
  }
  if (!(opened instanceof Kernel)) {
    switch (opened.refused) {
      case 'no-magic':
        throw new TypeError('not a wasmq queue: the memory does not start with the wasmq magic word');
      case 'other-version':
        throw new TypeError(`this wasmq reads layout version ${LAYOUT_VERSION}, but the queue memory is of version ${opened.version}`);
      case 'inconsistent':
        throw new TypeError('not a usable wasmq queue: its header is inconsistent (corrupt or forged)');
      case 'unknown-codec':
        throw new TypeError(`not a usable wasmq queue: unknown codec id ${opened.codecId} in its header`);
    }
  }
  return { kernel: opened, codec: negotiateCodec(opened.codec, options.codec, { what: 'this queue', call: 'attachQueue', verb: 'attach' }) };
}


