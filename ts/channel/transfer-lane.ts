// The transfer lane: a real MessagePort paired with a SharedChannel, for the
// messages the shared queue cannot carry with the platform's semantics:
// those with a transfer list (ArrayBuffers to detach, MessagePorts, as
// Comlink.transfer and Comlink.proxy use), values only the platform clones
// exactly (see ts/serialize.ts), and messages larger than the queue allows.
//
// Order: the sender posts the value here first, then pushes an empty
// placeholder message into the queue at that point of the stream. The
// receiver, on popping a placeholder, delivers the next lane message (waiting
// for it if it has not arrived yet). Both paths are FIFO, so one placeholder
// matches one lane message and the combined order is the posting order.

/** What the lane delivers: a value (with any transferred ports), or a failure to deserialize it. */
export type LaneMessage =
  | { readonly ok: true; readonly data: unknown; readonly ports: readonly MessagePort[] }
  | { readonly ok: false };

export class TransferLane {
  readonly #port: MessagePort;
  readonly #arrived: LaneMessage[] = [];
  #wake: (() => void) | undefined;
  #listening = false;
  #closed = false;
  #peerClosed = false;

  constructor(port: MessagePort) {
    this.#port = port;
  }

  /** Posts a value with the platform's structured clone and transfer; throws DataCloneError as it does. */
  post(value: unknown, transfer: Transferable[]): void {
    this.#port.postMessage(value, transfer);
  }

  /** Starts taking lane messages in (they wait in the port until then). */
  listen(): void {
    if (this.#listening || this.#closed) return;
    this.#listening = true;
    this.#port.addEventListener('message', this.#onMessage);
    this.#port.addEventListener('messageerror', this.#onMessageError);
    // Node (and Chromium 123+) tell one end when the other closes; messages
    // posted before the close arrive before this event.
    this.#port.addEventListener('close', this.#onPeerClose);
    this.#port.start();
  }

  /** The next lane message that has arrived, if any. */
  take(): LaneMessage | undefined {
    return this.#arrived.shift();
  }

  /** Resolves when a lane message arrives, or the lane is closed. */
  arrival(): Promise<void> {
    if (this.#arrived.length > 0 || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Either end closed the lane: no further message will arrive once `take()` runs dry. */
  get closed(): boolean {
    return this.#closed || this.#peerClosed;
  }

  /** Closes this end (messages it already posted are still delivered to the other end). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.removeEventListener('message', this.#onMessage);
    this.#port.removeEventListener('messageerror', this.#onMessageError);
    this.#port.removeEventListener('close', this.#onPeerClose);
    this.#port.close();
    this.#resume();
  }

  #onMessage = (event: MessageEvent): void => {
    this.#arrived.push({ ok: true, data: event.data, ports: event.ports ?? [] });
    this.#resume();
  };

  #onMessageError = (): void => {
    // Keep the slot: its placeholder in the queue must still be matched.
    this.#arrived.push({ ok: false });
    this.#resume();
  };

  #onPeerClose = (): void => {
    this.#peerClosed = true;
    this.#resume();
  };

  #resume(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
