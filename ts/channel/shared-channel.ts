// SharedChannel: a drop-in MessageChannel over two wasmq queues in shared
// memory (one per direction), plus a real MessageChannel as the transfer lane
// for messages that need the platform (see transfer-lane.ts).
import { createQueue } from '../queue/create.js';
import { PORT_HANDLE_VERSION, type SharedPortHandle } from './port-handle.js';
import { SharedPort } from './shared-port.js';

/**
 * Options of {@link SharedChannel}: the sizes of its two queues, and how long
 * a receive loop polls. Sizes are checked as {@link createQueue} checks them.
 *
 * @example
 * ```ts
 * import { SharedChannel, type SharedChannelOptions } from 'wasmq';
 *
 * const options: SharedChannelOptions = { capacity: 1024, slotBytes: 256, pollMs: 0 };
 * const { port1, port2 } = new SharedChannel(options);
 * ```
 */
export interface SharedChannelOptions {
  /** Slots per direction: a power of two. Default 512. */
  capacity?: number;
  /** Bytes per slot: a power of two. Default 128 (a Comlink call fits in one). */
  slotBytes?: number;
  /** Largest encoded message, in bytes, the queues carry; larger ones travel on the transfer lane
   *  (a real MessageChannel). Default capacity × slotBytes / 4 (at least slotBytes), so a few
   *  large messages never fill a direction. */
  maxMessageBytes?: number;
  /** How long (ms) a receive loop keeps looking for the next message, between microtasks,
   *  after activity (a message in or out) before it parks on Atomics.waitAsync. Looking
   *  catches a reply within microseconds but keeps the thread busy (it yields a macrotask
   *  turn every millisecond); parking is idle, but a wake-up costs tens of microseconds (docs/DESIGN.md). A finite number
   *  \>= 0 (else RangeError); 0 parks at once. Default 0.1. */
  pollMs?: number;
}

/** Staging areas per queue: each end attaches once, and re-attaching is rare. */
const SCRATCH_AREAS = 4;

function pollMsOption(value: unknown): number {
  if (value === undefined) return 0.1;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`pollMs must be a finite number of milliseconds >= 0; got ${String(value)}`);
  }
  return value;
}

/**
 * A drop-in `MessageChannel` over two wasmq queues in shared memory (one per
 * direction), so MessagePort code (Comlink, for one) talks through shared
 * memory instead of the event loop's postMessage. Messages are structured
 * clones; one with a transfer list, one the queue cannot carry (e.g. a
 * MessagePort or a platform object), or one larger than `maxMessageBytes`
 * travels on a real MessageChannel instead, in order with the rest.
 *
 * To use `port2` on another thread, post its {@link SharedPort.handle} with
 * its {@link SharedPort.transfer} list and {@link attachPort} it there.
 *
 * @example
 * ```ts
 * import { SharedChannel } from 'wasmq';
 *
 * const { port1, port2 } = new SharedChannel();
 * const worker = new Worker(new URL('./echo.js', import.meta.url), { type: 'module' });
 * worker.postMessage(port2.handle, port2.transfer);
 * port1.onmessage = (event) => console.log('reply:', event.data);
 * port1.postMessage({ hello: 'worker' });
 * ```
 */
export class SharedChannel {
  /** The first end; usually used on this thread. */
  readonly port1: SharedPort;
  /**
   * The second end; usually posted to another thread as
   * `worker.postMessage(port2.handle, port2.transfer)`. It attaches to its
   * queues only when used, so posting it costs nothing here.
   */
  readonly port2: SharedPort;

  /**
   * Creates the two queues and the transfer lane.
   * @param options - Queue sizes and the poll time; see {@link SharedChannelOptions}.
   * @throws TypeError - `options` is not an object.
   * @throws RangeError - A bad size (as {@link createQueue} reports it) or `pollMs`.
   * @throws Error - Where shared memory is unavailable.
   */
  constructor(options: SharedChannelOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`SharedChannel options must be an object; got ${String(options)}`);
    }
    const pollMs = pollMsOption(options.pollMs);
    const capacity = options.capacity ?? 512;
    const slotBytes = options.slotBytes ?? 128;
    const maxMessageBytes =
      options.maxMessageBytes ??
      (Number.isInteger(capacity) && Number.isInteger(slotBytes) ? Math.max(slotBytes, (capacity * slotBytes) / 4) : undefined);
    const queueOptions = { capacity, slotBytes, maxMessageBytes, scratchAreas: SCRATCH_AREAS };
    // createQueue validates the sizes and says what is allowed.
    const oneToTwo = createQueue<Uint8Array>(queueOptions);
    const twoToOne = createQueue<Uint8Array>(queueOptions);
    const lane = new MessageChannel();
    const handle1: SharedPortHandle = {
      kind: 'wasmq.port', version: PORT_HANDLE_VERSION, inbound: twoToOne.handle, outbound: oneToTwo.handle,
      lane: lane.port1, pollMs,
    };
    const handle2: SharedPortHandle = {
      kind: 'wasmq.port', version: PORT_HANDLE_VERSION, inbound: oneToTwo.handle, outbound: twoToOne.handle,
      lane: lane.port2, pollMs,
    };
    this.port1 = SharedPort.open(handle1, { inbound: twoToOne, outbound: oneToTwo });
    // port2 usually goes to another thread: it attaches its own queues on first use.
    this.port2 = SharedPort.open(handle2);
  }
}
