// SharedChannel: a drop-in MessageChannel over two wasmq queues in shared
// memory (one per direction), plus a real MessageChannel as the transfer lane
// for messages that need the platform (see transfer-lane.ts).
import { createQueue } from '../queue/create.js';
import { PORT_HANDLE_VERSION, type SharedPortHandle } from './port-handle.js';
import { SharedPort } from './shared-port.js';

export interface SharedChannelOptions {
  /** Slots per direction: a power of two. Default 512. */
  capacity?: number;
  /** Bytes per slot: a power of two. Default 128 (a Comlink call fits in one). */
  slotBytes?: number;
  /** Largest encoded message the queues carry; larger ones travel on the transfer lane.
   *  Default capacity × slotBytes / 4, so a few large messages never fill a direction. */
  maxMessageBytes?: number;
  /** How long (ms) a receive loop keeps looking for the next message, between microtasks,
   *  after activity (a message in or out) before it parks on Atomics.waitAsync. Looking
   *  catches a reply within microseconds but keeps the thread busy (it yields a macrotask
   *  turn every millisecond); parking is idle, but a wake-up costs tens of microseconds (docs/DESIGN.md). Default 0.1. */
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

export class SharedChannel {
  readonly port1: SharedPort;
  readonly port2: SharedPort;

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
