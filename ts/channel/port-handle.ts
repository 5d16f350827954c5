// The structured-cloneable description of one end of a SharedChannel.
import { describeValue } from '../errors.js';
import type { QueueHandle } from '../queue/handle.js';

export const PORT_HANDLE_VERSION = 1;

/**
 * The structured-cloneable description of one end of a {@link SharedChannel}
 * ({@link SharedPort.handle}). Post it with the port's `transfer` list to
 * another thread and pass it to {@link attachPort} there.
 *
 * @example
 * ```ts
 * import { SharedChannel, type SharedPortHandle } from 'wasmq';
 *
 * declare const worker: Worker;
 * const channel = new SharedChannel();
 * const handle: SharedPortHandle = channel.port2.handle;
 * worker.postMessage(handle, channel.port2.transfer);
 * ```
 */
export interface SharedPortHandle {
  /** Always `'wasmq.port'`: tells a port handle from other messages. */
  readonly kind: 'wasmq.port';
  /** The port handle format version; {@link attachPort} refuses another. */
  readonly version: number;
  /** The queue this end reads. */
  readonly inbound: QueueHandle;
  /** The queue this end writes. */
  readonly outbound: QueueHandle;
  /** This end of the transfer lane; it must travel in the transfer list. */
  readonly lane: MessagePort;
  /** How long a receive loop polls after activity before it parks, in ms. */
  readonly pollMs: number;
}


/** Throws a TypeError that says what is wrong unless `value` is a usable port handle. */
export function checkPortHandle(value: unknown): asserts value is SharedPortHandle {
  if (value === null || typeof value !== 'object') {
    throw new TypeError(`attachPort expects a port handle (port.handle); got ${describeValue(value)}`);
  }
  const h = value as Partial<SharedPortHandle>;
  if (h.kind !== 'wasmq.port') {
    throw new TypeError(`not a wasmq port handle: its kind is ${JSON.stringify(h.kind)}, expected "wasmq.port"`);
  }
  if (h.version !== PORT_HANDLE_VERSION) {
    throw new TypeError(
      `this wasmq reads port handles of version ${PORT_HANDLE_VERSION}, but the handle is of version ${String(h.version)}`,
    );
  }
  if (!h.lane || typeof (h.lane as MessagePort).postMessage !== 'function') {
    throw new TypeError(
      'not a usable wasmq port handle: handle.lane is not a MessagePort. ' +
        'Post the handle together with its transfer list: worker.postMessage(port.handle, port.transfer)',
    );
  }
  if (typeof h.pollMs !== 'number' || !(h.pollMs >= 0)) {
    throw new TypeError(`not a usable wasmq port handle: pollMs must be a number >= 0; got ${String(h.pollMs)}`);
  }
}
