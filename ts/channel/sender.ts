// The sending half of a SharedPort: pushes encoded messages into the
// outbound queue without ever blocking, in posting order, and closes the
// queue only after everything posted has gone in.
import { QueueClosedError } from '../errors.js';
import type { Queue } from '../queue/queue.js';
import type { TransferLane } from './transfer-lane.js';

/** The empty message that marks "the next message is on the transfer lane". */
export const LANE_PLACEHOLDER = new Uint8Array(0);

export class Sender {
  readonly #queue: Queue<Uint8Array>;
  readonly #lane: TransferLane;
  /** Messages that found the queue full, oldest first: postMessage never blocks or drops. */
  readonly #backlog: Uint8Array[] = [];
  #flushing = false;
  #closing = false;
  #onClosed: (() => void) | undefined;
  /** The other side closed the channel: like a MessagePort, further posts are dropped silently. */
  #peerGone = false;

  constructor(queue: Queue<Uint8Array>, lane: TransferLane) {
    this.#queue = queue;
    this.#lane = lane;
  }

  /** Largest encoded message the queue takes; bigger ones travel on the lane. */
  get maxMessageBytes(): number {
    return this.#queue.maxMessageBytes;
  }

  /** Sends encoded bytes through the queue. */
  send(bytes: Uint8Array): void {
    if (this.#peerGone || this.#closing) return;
    if (this.#backlog.length === 0) {
      try {
        if (this.#queue.tryPush(bytes)) return;
      } catch (error) {
        if (error instanceof QueueClosedError) {
          this.#peerGone = true;
          return;
        }
        throw error;
      }
    }
    // The queue is full (or older messages are still waiting): keep order by
    // queueing behind them. The encoder may reuse its buffer, so keep a copy.
    this.#backlog.push(bytes.slice());
    if (!this.#flushing) void this.#flush();
  }

  /** Sends a value through the lane with platform semantics; throws (sending nothing) if it cannot be cloned. */
  sendViaLane(value: unknown, transfer: Transferable[]): void {
    if (this.#peerGone || this.#closing) return;
    this.#lane.post(value, transfer);
    this.send(LANE_PLACEHOLDER);
  }

  /** Closes the queue once every posted message is in it; then calls `done`. */
  closeWhenSent(done: () => void): void {
    this.#closing = true;
    this.#onClosed = done;
    if (!this.#flushing) this.#finish();
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#backlog.length > 0) {
        // Waits (without blocking the thread) for room; keeps a Node thread alive meanwhile.
        await this.#queue.pushAsync(this.#backlog[0]);
        this.#backlog.shift();
      }
    } catch (error) {
      if (!(error instanceof QueueClosedError)) throw error;
      this.#peerGone = true;
      this.#backlog.length = 0;
    } finally {
      this.#flushing = false;
    }
    if (this.#closing) this.#finish();
  }

  #finish(): void {
    this.#queue.close();
    const done = this.#onClosed;
    this.#onClosed = undefined;
    done?.();
  }
}
