// Dead-thread detection. A kernel operation that finds a cell held by a
// thread that may be dead returns BUSY and records the position. If the same
// position stays stuck, as this thread sees it, for the queue's
// stallTimeoutMs, its owner is declared dead and the kernel reclaims it:
//   - a consumer stuck behind an unpublished head cell reclaims the claim of
//     a dead PRODUCER (reclaimWrite: the claim is skipped);
//   - a producer stuck behind a cell of the previous lap reclaims the message
//     of a dead CONSUMER (reclaimRead: the cells are freed, the message lost),
//     or recycles an abandoned producer claim.
import type { Kernel } from '../kernel/kernel.js';

const PRODUCER = 1;
const CONSUMER = 2;

export class StallWatch {
  readonly #kernel: Kernel;
  readonly #timeoutMs: number;
  #side = 0;
  #pos = 0;
  #since = 0;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#timeoutMs = kernel.stallTimeoutMs;
  }

  /** How long a blocked thread parks at most between looks, so that stalls are timed. */
  get tickMs(): number {
    return Math.max(1, this.#timeoutMs / 2);
  }

  /** A pop got BUSY: the head message is unpublished; its producer may be dead. */
  suspectProducer(): void {
    if (this.#stuck(PRODUCER)) this.#kernel.ops.reclaimWrite(this.#pos);
  }

  /** A push got BUSY: a cell it needs is still held; its consumer (or an abandoned claim) may be dead. */
  suspectConsumer(): void {
    if (this.#stuck(CONSUMER)) this.#kernel.ops.reclaimRead(this.#pos);
  }

  /** True once the position of the last BUSY has been stuck for the stall timeout. */
  #stuck(side: number): boolean {
    const pos = this.#kernel.ops.stallPosition();
    const now = performance.now();
    if (side !== this.#side || pos !== this.#pos) {
      this.#side = side;
      this.#pos = pos;
      this.#since = now;
      return false;
    }
    if (now - this.#since < this.#timeoutMs) return false;
    this.#side = 0;
    return true;
  }
}
