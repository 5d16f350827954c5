// The pool's result loop: takes results off the result queue without
// blocking the main thread, for as long as any task is pending.
//
// How it waits, as a SharedChannel's receiver does (ts/channel/receiver.ts),
// cheapest first:
//   1. results are there: take every one (drain);
//   2. a result came, or a task went out, within POLL_MS: look again, one
//      microtask apart. A tiny task's result is microseconds away, and the
//      promise work it starts (the next run(), say) runs between our looks;
//      waking a parked main thread costs far more (docs/DESIGN.md, "Waiting");
//   3. quiet for longer: park (Queue#parkUntilPushed) until a push, a stall
//      tick, or stop() / a new task ends it (a cheap wake, no AbortSignal).
// Steps 1 and 2 hand the event loop a macrotask turn at least every
// MAX_MICROTASK_RUN_MS (ts/wait.ts, pacedTurn), so the main thread's timers and I/O still run.
import { sharedViews } from '../codecs.js';
import type { Queue } from '../queue/queue.js';
import { pacedTurn, type ParkOptions } from '../wait.js';

/** How long after the last result or task the loop keeps looking before it parks (ms). */
const POLL_MS = 0.1;

/** @internal */
export class Results {
  readonly #queue: Queue<Uint8Array>;
  readonly #pending: () => boolean;
  readonly #onResult: (message: Uint8Array) => void;
  readonly #buffer: Uint8Array;
  /** Longest single park: a re-look (and so a stall check, stall.ts) at least this often. */
  readonly #tickMs: number;
  #receiving = false;
  /** performance.now() of the last result taken or task pushed. */
  #lastActivity = 0;
  /** Ends the current park early (set while parked). */
  #wake: (() => void) | undefined;
  readonly #park: ParkOptions = {
    onSleep: (wake) => {
      this.#wake = wake;
    },
    // Without Atomics.waitAsync (Firefox before 145), look every 1 ms, as popAsync's first poll does.
    pollMs: 1,
  };

  /**
   * `onResult` gets each result message (a view valid during the call); the
   * loop runs while `pending()`, and parks at most `tickMs` at a time (the
   * pool passes half the stall timeout, as a blocked pop parks: stall.ts).
   */
  constructor(queue: Queue<Uint8Array>, pending: () => boolean, onResult: (message: Uint8Array) => void, tickMs: number) {
    this.#queue = queue;
    this.#pending = pending;
    this.#onResult = onResult;
    this.#tickMs = tickMs;
    this.#buffer = new Uint8Array(queue.maxMessageBytes);
  }

  /** A task was just pushed: its result is likely soon, so look rather than stay parked. */
  start(): void {
    this.#lastActivity = performance.now();
    if (!this.#receiving) void this.#receive();
    else this.#wake?.();
  }

  /** Nothing is pending any more: let the loop end, so its timers do not keep the process alive. */
  stop(): void {
    this.#wake?.();
  }

  /** Takes every result there is now; how many. */
  drain(): number {
    let n = 0;
    if (sharedViews.decode) {
      // In place: every result there is, with one take and one release per
      // batch, each decoded straight from shared memory (the decoder copies
      // what it keeps: serialize.ts's copyBuffers).
      for (let k; (k = this.#queue.tryDrain(this.#onResultAt)) > 0; ) n += k;
      return n;
    }
    // This engine cannot decode text from shared memory: copy each result out first.
    const buffer = this.#buffer;
    for (;;) {
      const length = this.#queue.tryPopInto(buffer);
      if (length < 0) return n;
      n++;
      this.#onResult(buffer.subarray(0, length));
    }
  }

  readonly #onResultAt = (bytes: Uint8Array, offset: number, length: number): void =>
    this.#onResult(bytes.subarray(offset, offset + length));

  /**
   * The park's re-check, after it registered as a waiter: a result pushed
   * since our last look is taken here (else no push would wake us for it),
   * and a loop with nothing pending, or a closed queue, stops parking.
   */
  readonly #ready = (): boolean => this.drain() > 0 || !this.#pending() || this.#queue.closed;

  /** Takes results until nothing is pending (see the header for how it waits). */
  async #receive(): Promise<void> {
    this.#receiving = true;
    try {
      let runStart = performance.now();
      while (this.#pending()) {
        const now = performance.now();
        if (this.drain() > 0) {
          this.#lastActivity = now;
        } else if (this.#queue.closed) {
          // Closed: workers push no more results, and the look above took the last ones.
          break;
        } else if (now - this.#lastActivity >= POLL_MS) {
          await this.#queue.parkUntilPushed(this.#ready, this.#tickMs, this.#park);
          this.#wake = undefined;
          runStart = performance.now();
          continue;
        }
        runStart = await pacedTurn(runStart, now);
      }
    } finally {
      this.#receiving = false;
    }
  }
}
