// The receiving half of a SharedPort: a loop that takes messages off the
// inbound queue and hands them over in order, without ever blocking the
// thread.
//
// How it waits, cheapest first:
//   1. messages are there: take them, one microtask apart (so promise work a
//      listener starts runs before the next message, as with a MessagePort);
//   2. the queue has just gone quiet (within pollMs of the last message in
//      or out): keep looking, one microtask apart. A reply to a request
//      usually comes within microseconds, and the promise work that produces
//      it (Comlink's, say) runs in the microtasks between our looks. Waking a
//      parked thread costs far more (a futex or event-loop wake-up:
//      docs/DESIGN.md, "Waiting"), and a macrotask poll waits behind the scheduler on busy cores;
//   3. quiet for longer: park (Queue#parkUntilPushed, i.e. ts/wait.ts's
//      parkAsync: Atomics.waitAsync, plus a timer that keeps a Node thread
//      alive, like a started MessagePort). No spin first, and a post on this
//      side ends the park cheaply (activity()).
// Steps 1 and 2 hand the event loop a macrotask turn at least every
// MAX_MICROTASK_RUN_MS (ts/wait.ts, pacedTurn), so timers, I/O and rendering are never starved.
// Posting a message (activity()) ends a park at once and goes back to step 2,
// since that is when a reply is likely.
import type { Queue } from '../queue/queue.js';
import { pacedTurn } from '../wait.js';
import type { LaneMessage, TransferLane } from './transfer-lane.js';

/** Longest single park: a re-check (and stall check) at least this often. */
const PARK_TICK_MS = 500;

export interface Delivery {
  /** A queue message's bytes (never the placeholder); a view valid only during the call. */
  bytes(bytes: Uint8Array): void;
  /** The lane message a placeholder stood for. */
  lane(message: LaneMessage): void;
  /** The other side closed and everything it sent has been delivered. */
  peerClosed(): void;
}

export class Receiver {
  readonly #queue: Queue<Uint8Array>;
  readonly #lane: TransferLane;
  readonly #pollMs: number;
  readonly #deliver: Delivery;
  #running = false;
  #stopped = false;
  #lastActivity = 0;
  /** Ends the current park early, while one sleeps. */
  #wake: (() => void) | undefined;
  readonly #onSleep = (wake: () => void) => {
    this.#wake = wake;
  };
  /** Messages are popped into this one buffer and decoded before the next pop:
   *  no allocation per message (docs/DESIGN.md, "Receive buffer"). */
  readonly #buffer: Uint8Array;

  constructor(queue: Queue<Uint8Array>, lane: TransferLane, pollMs: number, deliver: Delivery) {
    this.#queue = queue;
    this.#lane = lane;
    this.#pollMs = pollMs;
    this.#deliver = deliver;
    this.#buffer = new Uint8Array(queue.maxMessageBytes);
  }

  /** Takes the next message into the reusable buffer: a view valid until the next take, or undefined. */
  #take(): Uint8Array | undefined {
    const n = this.#queue.tryPopInto(this.#buffer);
    return n < 0 ? undefined : this.#buffer.subarray(0, n);
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    this.#lane.listen();
    this.#lastActivity = performance.now();
    void this.#run().catch((error) => {
      // A listener's exception is reported by dispatchEvent itself; anything
      // here is a bug in the loop: surface it rather than go silent.
      queueMicrotask(() => {
        throw error;
      });
    });
  }

  /** Stops the loop: no message is delivered after this returns. */
  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  /** This side just posted: a reply is likely soon, so poll rather than stay parked. */
  activity(): void {
    this.#lastActivity = performance.now();
    this.#wake?.();
  }

  async #run(): Promise<void> {
    const queue = this.#queue;
    let runStart = performance.now();
    let bytes: Uint8Array | undefined;
    while (!this.#stopped) {
      bytes ??= this.#take();
      if (bytes === undefined && queue.closed) {
        // Closed: everything the peer pushed came before its close, so one
        // more look tells "drained" from "the last push was not visible yet".
        bytes = this.#take();
        if (bytes === undefined) break;
      }
      const now = performance.now();
      if (bytes !== undefined) {
        const message = bytes;
        bytes = undefined;
        // Queue messages are delivered synchronously; only a lane placeholder may have to wait.
        if (message.length > 0) this.#deliver.bytes(message);
        else await this.#handleLane();
        this.#lastActivity = now;
      } else if (now - this.#lastActivity >= this.#pollMs) {
        // Quiet for a while: park. The re-check may take a message; the top of the loop handles it.
        await queue.parkUntilPushed(() => (bytes = this.#take()) !== undefined || queue.closed, PARK_TICK_MS, {
          onSleep: this.#onSleep,
        });
        this.#wake = undefined;
        runStart = performance.now();
        continue;
      }
      runStart = await pacedTurn(runStart, now);
    }
    if (!this.#stopped) {
      this.#stopped = true;
      this.#deliver.peerClosed();
    }
  }

  /** A placeholder: its message is on the lane, and may not have arrived yet. */
  async #handleLane(): Promise<void> {
    if (this.#stopped) return;
    let message = this.#lane.take();
    while (message === undefined) {
      await this.#lane.arrival();
      if (this.#stopped) return;
      message = this.#lane.take();
      if (message === undefined && this.#lane.closed) return; // the peer vanished mid-message
    }
    this.#deliver.lane(message);
  }
}
