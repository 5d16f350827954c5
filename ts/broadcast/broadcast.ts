// Broadcast: the producer face of a broadcast ring, the same producer calls
// as Queue's. Any number of threads may publish to one ring (createBroadcast
// in one, attachBroadcast in the others); every subscriber sees every
// message in one total order.
import type { WireCodec } from '../codecs.js';
import { assertCanBlock } from '../environment.js';
import { QueueClosedError, TimeoutError } from '../errors.js';
import { checkFunction, checkSignal, countOf, deadlineOf, optionsOf } from '../queue/checks.js';
import type { PublishFill, PublishOptions, WaitOptions } from '../queue/types.js';
import { afterTurn, waitAsync, waitSync } from '../wait.js';
import type { BroadcastHandle } from './options.js';
import { BUSY, CLAIMED, CLOSED, FULL, newGate, type Gate, type Ring } from './ring.js';

/** Claim attempts while a producer a lap behind finishes writing a slot (it is mid-copy: microseconds). */
const BUSY_RETRIES = 64;

/**
 * The producer face of a broadcast: from {@link createBroadcast} or
 * {@link attachBroadcast}. Push calls are Queue's: `tryPush` never waits,
 * `push` blocks the thread, `pushAsync` never blocks it; in 'wait' mode they
 * wait for the slowest live subscriber, in 'overwrite' mode never.
 *
 * @example
 * ```ts
 * import { createBroadcast, subscribe } from 'wasmq';
 *
 * const ticks = createBroadcast<number>({ codec: 'json' });
 * const a = subscribe<number>(ticks.handle);
 * const b = subscribe<number>(ticks.handle);
 * ticks.push(1);
 * console.log(a.tryPop(), b.tryPop()); // 1 1
 * ```
 */
export class Broadcast<T = Uint8Array> {
  readonly #ring: Ring;
  readonly #codec: WireCodec<T>;
  readonly #handle: BroadcastHandle;
  readonly #gate = newGate();
  /** Private staging for one encoded message: a message is encoded, checked, then claimed and copied. */
  #scratch: Uint8Array;

  /** @internal Use createBroadcast or attachBroadcast. */
  constructor(ring: Ring, codec: WireCodec<T>, handle: BroadcastHandle) {
    this.#ring = ring;
    this.#codec = codec;
    this.#handle = handle;
    this.#scratch = new Uint8Array(ring.params.maxMessageBytes);
  }

  /** Post it to other threads: {@link subscribe} and {@link attachBroadcast} take it. */
  get handle(): BroadcastHandle {
    return this.#handle;
  }

  /** Messages the ring holds. */
  get capacity(): number {
    return this.#ring.params.capacity;
  }

  /** Largest message in bytes. */
  get maxMessageBytes(): number {
    return this.#ring.params.maxMessageBytes;
  }

  /** Whether close() was called (in any thread). */
  get closed(): boolean {
    return this.#ring.closed();
  }

  /** Subscribers now (approximate under concurrency). */
  get subscribers(): number {
    return this.#ring.subscriberCount();
  }

  /**
   * Publishes `value` unless the ring is full ('wait': the slowest live
   * subscriber is a whole ring behind). Never waits.
   * @returns true if published, false when full.
   * @throws QueueClosedError - The broadcast is closed.
   * @throws RangeError - The value encodes to more than maxMessageBytes.
   */
  tryPush(value: T): boolean {
    return this.#pushBytes(this.#encode(value));
  }

  /**
   * Publishes `value`, blocking the thread while the ring is full.
   * @throws TimeoutError - Still full after `timeoutMs`.
   * @throws QueueClosedError - The broadcast is (or gets) closed.
   */
  push(value: T, timeoutMs?: number): void {
    assertCanBlock('push', 'pushAsync');
    const deadline = deadlineOf(timeoutMs, 'push');
    const bytes = this.#encode(value); // no copy: this call returns only once it is published
    if (this.#pushBytes(bytes)) return;
    if (!waitSync(this.#ring.notFull, () => this.#pushBytes(bytes), deadline, this.#tickMs())) throw new TimeoutError('push', timeoutMs!);
  }

  /** Publishes `value` without blocking the thread: waits with Atomics.waitAsync while full. */
  async pushAsync(value: T, options?: WaitOptions): Promise<void> {
    const { timeoutMs, signal } = optionsOf(options, 'pushAsync');
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'pushAsync');
    const bytes = this.#encode(value).slice();
    if (this.#pushBytes(bytes)) return afterTurn(undefined);
    if (!(await waitAsync(this.#ring.notFull, () => this.#pushBytes(bytes), deadline, this.#tickMs(), signal))) {
      throw new TimeoutError('pushAsync', timeoutMs!);
    }
  }

  /**
   * Publishes a prefix of `values`, in order, with one claim: as many as the
   * ring has room for now (at most its capacity). Never waits.
   * @returns How many were published.
   */
  pushBatch(values: readonly T[]): number {
    if (!Array.isArray(values)) throw new TypeError('pushBatch takes an array of values');
    const encoded = values.map((v) => this.#encode(v).slice());
    return this.#claimed(encoded.length, true, (n) => {
      for (let k = 0; k < n; k++) this.#ring.bytes.set(encoded[k]!, this.#ring.dataAt((this.#gate.at + k) | 0));
      return encoded.map((e) => e.length);
    });
  }

  /**
   * In place: claims up to `count` messages of `length` bytes with one step,
   * lets `fill(bytes, offset, index)` write message `index` at
   * `bytes[offset …]` (a view of shared memory, valid during the call), then
   * publishes them. A `fill` that throws publishes none of the claim (its
   * positions are withdrawn: no subscriber sees them) and the error
   * propagates. Never waits.
   * @returns How many were published (0 when full).
   */
  tryPublish(length: number, fill: PublishFill, options?: PublishOptions): number {
    const { count } = optionsOf(options, 'tryPublish');
    return this.#publishOnce(this.#lengthOf(length, 'tryPublish'), fill, countOf(count, 1, 'tryPublish', 'count'), 'tryPublish');
  }

  /** {@link Broadcast.tryPublish}, blocking the thread until all `count` are published. */
  publish(length: number, fill: PublishFill, options: PublishOptions & { timeoutMs?: number } = {}): number {
    const { count, timeoutMs } = optionsOf(options, 'publish');
    assertCanBlock('publish', 'publishAsync');
    const deadline = deadlineOf(timeoutMs, 'publish');
    const n = this.#lengthOf(length, 'publish');
    const total = countOf(count, 1, 'publish', 'count');
    let done = this.#publishOnce(n, fill, total, 'publish');
    while (done < total) {
      const ok = waitSync(this.#ring.notFull, () => (done += this.#publishOnce(n, fill, total - done, 'publish', done)) >= total, deadline, this.#tickMs());
      if (!ok) throw new TimeoutError('publish', timeoutMs!);
    }
    return done;
  }

  /** {@link Broadcast.publish} without blocking the thread. */
  async publishAsync(length: number, fill: PublishFill, options: PublishOptions & WaitOptions = {}): Promise<number> {
    const { count, timeoutMs, signal } = optionsOf(options, 'publishAsync');
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'publishAsync');
    const n = this.#lengthOf(length, 'publishAsync');
    const total = countOf(count, 1, 'publishAsync', 'count');
    let done = this.#publishOnce(n, fill, total, 'publishAsync');
    while (done < total) {
      const attempt = () => (done += this.#publishOnce(n, fill, total - done, 'publishAsync', done)) >= total;
      if (!(await waitAsync(this.#ring.notFull, attempt, deadline, this.#tickMs(), signal))) throw new TimeoutError('publishAsync', timeoutMs!);
    }
    return afterTurn(done);
  }

  /** Closes the broadcast: later pushes throw QueueClosedError; subscribers drain what is left, then their pops throw it. */
  close(): void {
    this.#ring.close();
  }

  #lengthOf(length: unknown, operation: string): number {
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > this.maxMessageBytes) {
      throw new RangeError(
        `${operation} length must be an integer from 0 to this broadcast's maxMessageBytes (${this.maxMessageBytes}); got ${String(length)}`,
      );
    }
    return length;
  }

  #tickMs(): number {
    return Math.max(1, this.#ring.params.stallTimeoutMs / 4);
  }

  #encode(value: T): Uint8Array {
    // 'bytes': the value itself (checked), copied once, into its slot; other codecs encode into the scratch first.
    const encoded = this.#codec.name === 'bytes' ? this.#codec.encode(value) : this.#codec.encodeInto(value, this.#scratch);
    const bytes = typeof encoded === 'number' ? this.#scratch.subarray(0, encoded) : encoded;
    if (bytes.length > this.maxMessageBytes) {
      throw new RangeError(`the message encodes to ${bytes.length} bytes; this broadcast carries at most ${this.maxMessageBytes} (maxMessageBytes)`);
    }
    return bytes;
  }

  /** One message: the hot path, with no closure or array per push (measured: about half the cost of #claimed). */
  #pushBytes(bytes: Uint8Array): boolean {
    const ring = this.#ring;
    const r = claimRetrying(ring, 1, this.#gate);
    if (r === CLOSED) throw new QueueClosedError('the broadcast is closed');
    if (r !== CLAIMED) return false;
    const at = this.#gate.at;
    ring.begin(at);
    ring.bytes.set(bytes, ring.dataAt(at));
    ring.publish(at, bytes.length);
    ring.wakeSubscribers();
    return true;
  }

  #publishOnce(length: number, fill: PublishFill, count: number, operation: string, first = 0): number {
    checkFunction(fill, operation, 'a fill(bytes, offset, index)');
    return this.#claimed(count, true, (n) => {
      const at = this.#gate.at;
      for (let k = 0; k < n; k++) fill(this.#ring.bytes, this.#ring.dataAt((at + k) | 0), first + k);
      return new Array<number>(n).fill(length);
    });
  }

  /**
   * Claims `n` positions (fewer if `partial` and the ring has room for fewer),
   * marks them WRITING, lets `write(claimed)` fill them and return their
   * lengths, and publishes them in order. If `write` throws, every position
   * of the claim is withdrawn (published as no message) and the error
   * propagates. Returns how many were claimed: 0 when full.
   */
  #claimed(n: number, partial: boolean, write: (claimed: number) => readonly number[]): number {
    const ring = this.#ring;
    const g = this.#gate;
    // One claim never spans more than the ring: its last position would reuse its first one's slot.
    n = Math.min(n, ring.params.capacity);
    let r = claimRetrying(ring, n, g);
    if (r === FULL && partial && n > 1) {
      // Room for fewer: as many as the slowest subscriber allows now (claim refreshed the limit).
      const room = (g.limit - ring.tail()) | 0;
      if (room >= 1) r = claimRetrying(ring, (n = Math.min(n - 1, room)), g);
    }
    if (r === CLOSED) throw new QueueClosedError('the broadcast is closed');
    if (r !== CLAIMED) return 0;
    const at = g.at;
    for (let k = 0; k < n; k++) ring.begin((at + k) | 0);
    let lengths: readonly number[];
    try {
      lengths = write(n);
    } catch (error) {
      for (let k = 0; k < n; k++) ring.withdraw((at + k) | 0);
      ring.wakeSubscribers();
      throw error;
    }
    for (let k = 0; k < n; k++) ring.publish((at + k) | 0, lengths[k]!);
    ring.wakeSubscribers();
    return n;
  }
}

/** ring.claim, retried while a producer a whole lap behind is still writing a slot of the claim. */
function claimRetrying(ring: Ring, n: number, g: Gate): number {
  let r = ring.claim(n, g);
  for (let k = 0; r === BUSY && k < BUSY_RETRIES; k++) r = ring.claim(n, g);
  return r;
}
