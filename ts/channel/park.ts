// Parking a receive loop until its inbound queue gets a message, without
// blocking the thread: Atomics.waitAsync on the queue's not-empty word, with
// the kernel's waiter protocol (see ts/wait.ts and assembly/index.ts):
//   waiters += 1; seen = seq; re-check the queue; waitAsync(seq, seen); waiters -= 1
// The kernel bumps seq and notifies after a push whenever waiters > 0, so no
// wake-up is lost.
//
// Unlike Queue.popAsync, a park here can be cancelled cheaply (a post on this
// side ends it, see receiver.ts): no AbortController per park, and no spin
// first (the receive loop does its own looking, between microtasks).
import { NOT_EMPTY } from '../queue.js';
import { hasWaitAsync, parkAsync } from '../wait.js';

export class Parker {
  readonly #i32: Int32Array;
  #wake: (() => void) | undefined;

  constructor(memory: WebAssembly.Memory) {
    this.#i32 = new Int32Array(memory.buffer);
  }

  /** True while park() is waiting. */
  get parked(): boolean {
    return this.#wake !== undefined;
  }

  /**
   * Waits until a push or close may have happened, `tickMs` passes, or
   * cancel() is called. `ready` is the re-check (it may take the message): if
   * it returns true, there is no wait.
   *
   * The timer does two jobs: it keeps a Node thread alive while parked (a
   * pending waitAsync alone does not, nodejs/node#44729), and it bounds the
   * wait where waitAsync's own timeout may not fire (crbug 40742782), or
   * where there is no waitAsync at all (older Firefox: then it polls).
   */
  async park(ready: () => boolean, tickMs: number): Promise<void> {
    const i32 = this.#i32;
    Atomics.add(i32, NOT_EMPTY.waiters, 1);
    try {
      const seen = Atomics.load(i32, NOT_EMPTY.seq);
      if (ready()) return;
      const released = hasWaitAsync ? parkAsync(i32, NOT_EMPTY, seen, tickMs) : undefined;
      if (hasWaitAsync && released === undefined) return; // seq moved on already
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, hasWaitAsync ? tickMs : Math.min(tickMs, 4));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = done;
        released?.then(done);
      });
    } finally {
      this.#wake = undefined;
      Atomics.sub(i32, NOT_EMPTY.waiters, 1);
    }
  }

  /** Ends the current park (if any) now. */
  cancel(): void {
    this.#wake?.();
  }
}
