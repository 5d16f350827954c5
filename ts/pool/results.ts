// The pool's result loop: takes results off the result queue without
// blocking the main thread, for as long as any task is pending.
import { sharedViews } from '../codecs.js';
import { QueueClosedError } from '../errors.js';
import type { Queue } from '../queue/queue.js';

/** @internal */
export class Results {
  readonly #queue: Queue<Uint8Array>;
  readonly #pending: () => boolean;
  readonly #onResult: (message: Uint8Array) => void;
  readonly #buffer: Uint8Array;
  #receiving = false;
  #stopReceiving: AbortController | undefined;

  /** `onResult` gets each result message (a view valid during the call); the loop runs while `pending()`. */
  constructor(queue: Queue<Uint8Array>, pending: () => boolean, onResult: (message: Uint8Array) => void) {
    this.#queue = queue;
    this.#pending = pending;
    this.#onResult = onResult;
    this.#buffer = new Uint8Array(queue.maxMessageBytes);
  }

  /** Starts the loop if it is not running (a task was just pushed). */
  start(): void {
    if (!this.#receiving) void this.#receive();
  }

  /** Nothing is pending any more: let the loop end, so its timers do not keep the process alive. */
  stop(): void {
    this.#stopReceiving?.abort();
  }

  /** Takes every result there is now. */
  drain(): void {
    if (sharedViews.decode) {
      // In place: every result there is, with one take and one release per
      // batch, each decoded straight from shared memory (the decoder copies
      // what it keeps: serialize.ts's copyBuffers).
      while (this.#queue.tryDrain(this.#onResultAt) > 0);
      return;
    }
    // This engine cannot decode text from shared memory: copy each result out first.
    const buffer = this.#buffer;
    for (;;) {
      const n = this.#queue.tryPopInto(buffer);
      if (n < 0) return;
      this.#onResult(buffer.subarray(0, n));
    }
  }

  readonly #onResultAt = (bytes: Uint8Array, offset: number, length: number): void =>
    this.#onResult(bytes.subarray(offset, offset + length));

  /** Takes results until nothing is pending, parking with waitAsync between them. */
  async #receive(): Promise<void> {
    this.#receiving = true;
    try {
      while (this.#pending()) {
        this.drain();
        if (!this.#pending()) break;
        const stop = new AbortController();
        this.#stopReceiving = stop;
        let message: Uint8Array;
        try {
          message = await this.#queue.popAsync({ signal: stop.signal });
        } catch (e) {
          // Stopped because nothing is pending any more (see stop), or closed.
          if (stop.signal.aborted || e instanceof QueueClosedError) continue;
          throw e;
        } finally {
          this.#stopReceiving = undefined;
        }
        this.#onResult(message);
      }
    } finally {
      this.#receiving = false;
    }
  }
}
