// Parking a receive loop until its inbound queue gets a message, without
// blocking the thread: Atomics.waitAsync on the queue's not-empty word, with
// the kernel's waiter protocol (see ts/wait.ts and assembly/index.ts):
//   waiters += 1; seen = seq; re-check the queue; waitAsync(seq, seen); waiters -= 1
// The kernel bumps seq and notifies after a push whenever waiters > 0, so no
// wake-up is lost.
//
// Why not Queue.popAsync: measured here (Node 20, 1 ping-pong of 16 bytes
// each way between two threads), popAsync round trips take 104-147 µs while
// a bare waitAsync round trip takes 21 µs; a receive loop also needs a cheap
// cancel (a post on this side ends the park, see receiver.ts) rather than an
// AbortController per park.
import { OFF_CONSUMERS_WAITING, OFF_NOT_EMPTY_SEQ } from '../layout.js';

const SEQ = OFF_NOT_EMPTY_SEQ >> 2;
const WAITERS = OFF_CONSUMERS_WAITING >> 2;

type WaitAsync = (a: Int32Array, i: number, v: number, t?: number) =>
  { async: false; value: string } | { async: true; value: Promise<string> };
const atomicsWaitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync?.bind(Atomics);

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
    Atomics.add(i32, WAITERS, 1);
    try {
      const seen = Atomics.load(i32, SEQ);
      if (ready()) return;
      const result = atomicsWaitAsync?.(i32, SEQ, seen, tickMs);
      if (result !== undefined && !result.async) return; // seq moved on already
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, atomicsWaitAsync ? tickMs : Math.min(tickMs, 4));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = done;
        result?.value.then(done);
      });
    } finally {
      this.#wake = undefined;
      Atomics.sub(i32, WAITERS, 1);
    }
  }

  /** Ends the current park (if any) now. */
  cancel(): void {
    this.#wake?.();
  }
}
