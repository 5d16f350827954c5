// SharedPort: one end of a SharedChannel, with the MessagePort surface that
// Comlink's Endpoint needs and people use: postMessage(value, transfer?),
// add/removeEventListener('message'), onmessage, start(), close(), and the
// 'messageerror' and 'close' events.
//
// MessagePort semantics kept on purpose:
// - Messages wait (in the shared queue) until the port is started: start(),
//   or setting onmessage. addEventListener alone does not start it, as on the
//   web (Comlink calls start() itself).
// - A started, open port keeps a Node thread alive (its receive loop holds a
//   timer or an immediate); an unstarted or closed port does not. So a worker
//   that closes its port, or whose peer closed it, can exit.
// - close() stops this end's events at once, still delivers to the other end
//   everything posted before it, and the other end then gets a 'close' event.
//   Posting on a closed channel drops the message silently.
import { attachQueue } from '../queue/create.js';
import type { Queue } from '../queue/queue.js';
import { checkPortHandle, type SharedPortHandle } from './port-handle.js';
import { Receiver } from './receiver.js';
import { Sender } from './sender.js';
import { needsPlatformClone } from '../clone-rule.js';
import { deserialize, serialize } from '../serialize.js';
import { TransferLane, type LaneMessage } from './transfer-lane.js';

/**
 * The type of {@link SharedPort.onmessage} and
 * {@link SharedPort.onmessageerror}: an event handler called with the port as
 * `this`, or null for none.
 *
 * @example
 * ```ts
 * import type { SharedPortHandler } from 'wasmq';
 *
 * const logData: SharedPortHandler = function (event) {
 *   console.log('received', event.data);
 * };
 * ```
 */
export type SharedPortHandler = ((this: SharedPort, event: MessageEvent) => unknown) | null;

/** The queues a port works on, attached on first use. */
/** @internal */
export interface Wiring {
  readonly inbound: Queue<Uint8Array>;
  readonly outbound: Queue<Uint8Array>;
}

const NO_PORTS: readonly MessagePort[] = Object.freeze([]);

/** A MessageEvent where the platform has one (Node 20+, browsers), else an Event with the same fields. */
function messageEvent(type: 'message' | 'messageerror', data: unknown, ports: readonly MessagePort[]): MessageEvent {
  if (typeof MessageEvent === 'function') {
    const event = new MessageEvent(type, { data, ports: ports as MessagePort[] });
    // The init dictionary turns undefined into null; a MessagePort delivers undefined as is.
    if (data === undefined) Object.defineProperty(event, 'data', { value: undefined });
    return event;
  }
  const event = new Event(type) as Event & { data: unknown; ports: readonly MessagePort[] };
  Object.defineProperties(event, { data: { value: data }, ports: { value: ports } });
  return event as unknown as MessageEvent;
}

function transferListOf(option: unknown): Transferable[] {
  if (option === undefined || option === null) return [];
  if (Array.isArray(option)) return option as Transferable[];
  if (typeof option === 'object') {
    const list = (option as StructuredSerializeOptions).transfer;
    if (list === undefined) return [];
    if (Array.isArray(list)) return list;
  }
  throw new TypeError('postMessage transfer must be an array of transferables, or { transfer: [...] }');
}

/**
 * One end of a {@link SharedChannel}, with the MessagePort surface that
 * Comlink's Endpoint needs: postMessage(value, transfer?),
 * add/removeEventListener('message'), onmessage, start(), close(), and the
 * 'messageerror' and 'close' events. Get one from a SharedChannel, or from
 * {@link attachPort} on another thread.
 *
 * As on a MessagePort: messages wait (in the shared queue) until the port is
 * started, by start() or by setting onmessage (addEventListener alone does
 * not start it); a started, open port keeps a Node thread alive, an
 * unstarted or closed one does not.
 *
 * @example
 * ```ts
 * import { attachPort, type SharedPortHandle } from 'wasmq';
 * import { parentPort } from 'node:worker_threads';
 *
 * parentPort!.once('message', (handle: SharedPortHandle) => {
 *   const port = attachPort(handle);
 *   port.addEventListener('message', (event) => port.postMessage((event as MessageEvent).data));
 *   port.start();
 * });
 * ```
 */
export class SharedPort extends EventTarget {
  /** Post it to another thread, with `transfer`: worker.postMessage(port.handle, port.transfer). */
  readonly handle: SharedPortHandle;
  /** What must travel with the handle: this end of the transfer lane. */
  readonly transfer: Transferable[];

  readonly #lane: TransferLane;
  #wiring: Wiring | undefined;
  #sender: Sender | undefined;
  #receiver: Receiver | undefined;
  #closed = false;
  #onmessage: SharedPortHandler = null;
  #onmessageerror: SharedPortHandler = null;

  private constructor(handle: SharedPortHandle, wiring?: Wiring) {
    super();
    this.handle = handle;
    this.transfer = [handle.lane];
    this.#lane = new TransferLane(handle.lane);
    this.#wiring = wiring;
  }

  /** @internal The one way ports are made: new SharedChannel() and attachPort(handle) call it. */
  static open(handle: SharedPortHandle, wiring?: Wiring): SharedPort {
    return new SharedPort(handle, wiring);
  }

  /**
   * Sends a copy of `message` to the other end. With a non-empty transfer
   * list it goes through the transfer lane with the platform's transfer
   * semantics; order is kept across both paths. Throws a DataCloneError (and
   * sends nothing) for a value structured clone rejects. On a closed port
   * (either end closed) the message is dropped silently.
   * @param transfer - An array of transferables, or `{ transfer: [...] }`.
   * @throws TypeError - `transfer` is neither.
   */
  postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
    const list = transferListOf(transfer);
    if (this.#closed) return;
    const sender = this.#wire().sender;
    if (list.length > 0 || needsPlatformClone(message)) {
      sender.sendViaLane(message, list);
    } else {
      const bytes = serialize(message);
      if (bytes.length <= sender.maxMessageBytes) sender.send(bytes);
      else sender.sendViaLane(message, list); // too big for the queue: the platform carries it
    }
    this.#receiver?.activity();
  }

  /** Starts delivering messages (those sent before this were kept). Idempotent; does nothing once closed. */
  start(): void {
    if (this.#closed) return;
    this.#wire().receiver.start();
  }

  /**
   * Disconnects this end: no more events here; everything already posted from
   * here is still delivered, then the other end gets a 'close' event (and is
   * closed too). Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const { sender, receiver, wiring } = this.#wire();
    receiver.stop();
    // Nobody reads here any more: the peer's later posts fail fast and are dropped.
    wiring.inbound.close();
    sender.closeWhenSent(() => {
      this.#lane.close();
      wiring.inbound.detach();
      wiring.outbound.detach();
    });
  }

  /**
   * The 'message' event handler, as on a MessagePort: `event.data` is the
   * message. Setting a function starts the port (as {@link SharedPort.start}
   * does); setting null removes it. A non-function is stored as null.
   */
  get onmessage(): SharedPortHandler {
    return this.#onmessage;
  }

  /** Setting a handler starts the port, as on a MessagePort. */
  set onmessage(handler: SharedPortHandler) {
    this.#setHandler('message', handler);
    if (handler !== null) this.start();
  }

  /**
   * The 'messageerror' event handler: called (with `data` null) for a message
   * that arrived but could not be deserialized here. Setting it does not
   * start the port.
   */
  get onmessageerror(): SharedPortHandler {
    return this.#onmessageerror;
  }

  /** Sets the 'messageerror' handler (null removes it). */
  set onmessageerror(handler: SharedPortHandler) {
    this.#setHandler('messageerror', handler);
  }

  // ---------------------------------------------------------------- internals

  /** Event-handler attributes: one listener per type, added when first set, removed on null. */
  #setHandler(type: 'message' | 'messageerror', handler: SharedPortHandler): void {
    const fn = typeof handler === 'function' ? handler : null;
    const old = type === 'message' ? this.#onmessage : this.#onmessageerror;
    if (type === 'message') this.#onmessage = fn;
    else this.#onmessageerror = fn;
    if (old === null && fn !== null) this.addEventListener(type, this.#callHandler);
    if (old !== null && fn === null) this.removeEventListener(type, this.#callHandler);
  }

  #callHandler = (event: Event): void => {
    const handler = event.type === 'message' ? this.#onmessage : this.#onmessageerror;
    handler?.call(this, event as MessageEvent);
  };

  /** Attaches the queues on first use, so a port whose handle went to another thread costs nothing here. */
  #wire(): { sender: Sender; receiver: Receiver; wiring: Wiring } {
    if (this.#sender === undefined || this.#receiver === undefined) {
      const wiring = (this.#wiring ??= {
        inbound: attachQueue<Uint8Array>(this.handle.inbound),
        outbound: attachQueue<Uint8Array>(this.handle.outbound),
      });
      this.#sender = new Sender(wiring.outbound, this.#lane);
      this.#receiver = new Receiver(wiring.inbound, this.#lane, this.handle.pollMs, {
        bytes: (bytes) => this.#deliverBytes(bytes),
        lane: (message) => this.#deliverLane(message),
        peerClosed: () => this.#peerClosed(),
      });
    }
    return { sender: this.#sender, receiver: this.#receiver, wiring: this.#wiring! };
  }

  #deliverBytes(bytes: Uint8Array): void {
    let data: unknown;
    try {
      data = deserialize(bytes);
    } catch {
      this.dispatchEvent(messageEvent('messageerror', null, NO_PORTS));
      return;
    }
    this.dispatchEvent(messageEvent('message', data, NO_PORTS));
  }

  #deliverLane(message: LaneMessage): void {
    if (message.ok) this.dispatchEvent(messageEvent('message', message.data, message.ports));
    else this.dispatchEvent(messageEvent('messageerror', null, NO_PORTS));
  }

  /** The other end closed and all it sent was delivered: close here too, and say so. */
  #peerClosed(): void {
    if (this.#closed) return;
    this.close();
    this.dispatchEvent(new Event('close'));
  }
}

/**
 * Attaches to one end of a {@link SharedChannel} from its
 * {@link SharedPort.handle} (posted from another thread with the port's
 * `transfer` list, or from the same thread). The port's queues are attached
 * on its first use.
 *
 * @throws TypeError - `handle` is not a usable port handle (wrong kind or
 *   version, no `lane` MessagePort because it was posted without its
 *   transfer list, or a bad `pollMs`); the message says which.
 *
 * @example
 * ```ts
 * import { attachPort, type SharedPortHandle } from 'wasmq';
 *
 * self.onmessage = (event: MessageEvent<SharedPortHandle>) => {
 *   const port = attachPort(event.data);
 *   port.onmessage = (message) => port.postMessage(`echo: ${message.data}`);
 * };
 * ```
 */
export function attachPort(handle: SharedPortHandle): SharedPort {
  checkPortHandle(handle);
  return SharedPort.open(handle);
}
