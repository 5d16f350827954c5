// The receiving half of a SharedPort: a loop that takes messages off the
// inbound queue and hands them over in order, without ever blocking the
// thread.
//
// How it waits, cheapest first:
//   1. messages are there: take them, one microtask apart (so promise work a
//      listener starts runs before the next message, as with a MessagePort),
//      and a macrotask apart every BURST messages (so a flood cannot starve
//      timers and I/O);
//   2. the queue has just gone quiet (within pollMs of the last message in
//      or out): poll once per event-loop turn. Replies to a request usually
//      come within microseconds, and this catches them without a wake-up;
//   3. quiet for longer: park (park.ts: Atomics.waitAsync, plus a timer that
//      keeps a Node thread alive, like a started MessagePort).
// Posting a message (activity()) ends a park at once and goes back to step 2,
// since that is when a reply is likely.
import type { Queue } from '../queue.js';
import { nextTask } from './next-task.js';
import { Parker } from './park.js';
import type { LaneMessage, TransferLane } from './transfer-lane.js';

/** Messages delivered between macrotask yields. */
const BURST = 64;
/** An event-loop turn longer than this while polling means polling does not pay: park. */
const SLOW_TURN_MS = 0.1;
/** Longest single park: a re-check (and stall check) at least this often. */
const PARK_TICK_MS = 500;

export interface Delivery {
  /** A queue message's bytes (never the placeholder). */
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
  readonly #parker: Parker;

  constructor(queue: Queue<Uint8Array>, lane: TransferLane, pollMs: number, deliver: Delivery) {
    this.#queue = queue;
    this.#lane = lane;
    this.#pollMs = pollMs;
    this.#deliver = deliver;
    this.#parker = new Parker(queue.handle.memory);
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
    this.#parker.cancel();
  }

  /** This side just posted: a reply is likely soon, so poll rather than stay parked. */
  activity(): void {
    this.#lastActivity = performance.now();
    this.#parker.cancel();
  }

  async #run(): Promise<void> {
    const queue = this.#queue;
    let burst = 0;
    let slowTurn = false;
    let bytes: Uint8Array | undefined;
    while (!this.#stopped) {
      bytes ??= queue.tryPop();
      if (bytes === undefined && queue.closed) {
        // Closed: everything the peer pushed came before its close, so one
        // more look tells "drained" from "the last push was not visible yet".
        bytes = queue.tryPop();
        if (bytes === undefined) break;
      }
      if (bytes !== undefined) {
        const message = bytes;
        bytes = undefined;
        await this.#handle(message);
        this.#lastActivity = performance.now();
        if (++burst >= BURST) {
          burst = 0;
          await nextTask();
        } else {
          await undefined; // a microtask checkpoint between messages
        }
        continue;
      }
      burst = 0;
      const before = performance.now();
      if (before - this.#lastActivity < this.#pollMs && !slowTurn) {
        await nextTask();
        // A poll only pays while this thread gets the CPU back at once. A slow
        // turn means the cores are oversubscribed (or the event loop is busy):
        // a polling thread then waits for a scheduler time slice (ms), while a
        // parked one is woken promptly, so park instead (measured here under
        // load: polling 0.9-4 ms per round trip, parking 0.08-0.25 ms).
        slowTurn = performance.now() - before > SLOW_TURN_MS;
        continue;
      }
      slowTurn = false;
      // The re-check may take a message; the top of the loop handles it.
      await this.#parker.park(() => (bytes = queue.tryPop()) !== undefined || queue.closed, PARK_TICK_MS);
    }
    if (!this.#stopped) {
      this.#stopped = true;
      this.#deliver.peerClosed();
    }
  }

  async #handle(bytes: Uint8Array): Promise<void> {
    if (this.#stopped) return;
    if (bytes.length > 0) {
      this.#deliver.bytes(bytes);
      return;
    }
    // A placeholder: its message is on the lane, and may not have arrived yet.
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
