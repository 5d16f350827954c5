// Subscriber: one reader of a broadcast ring, with a cursor of its own.
// Every subscriber sees every message published after it subscribed, in the
// ring's one total order; 'overwrite' rings may lap a slow one, which then
// skips ahead and counts what it lost in `missed`.
import { CodecError, QueueClosedError, TimeoutError } from '../errors.js';
import type { WireCodec } from '../codecs.js';
import { assertCanBlock } from '../environment.js';
import { checkFunction, checkSignal, countOf, deadlineOf, optionsOf } from '../queue/checks.js';
import { DRAINED, NONE, type Attempt } from '../queue/transfer.js';
import type { DrainHandler, DrainOptions, WaitOptions } from '../queue/types.js';
import type { SelectPort } from '../select.js';
import { afterTurn, waitAsync, waitSync } from '../wait.js';
import { LAPPED, NOT_READY, READY, type Ring } from './ring.js';
import { untilClosed } from '../queue/until-closed.js';

/** Frees the entry of a Subscriber that was garbage-collected without unsubscribe(). */
const collected = new FinalizationRegistry<{ ring: Ring; index: number }>(({ ring, index }) => ring.leave(index));

/**
 * A subscription to a broadcast, from {@link subscribe}: its own cursor in
 * the ring. Pops and drains are Queue's; `missed` counts the messages an
 * 'overwrite' ring lapped it past.
 *
 * @example
 * ```ts
 * import { createBroadcast, subscribe } from 'wasmq';
 *
 * const news = createBroadcast<string>({ codec: 'string', whenFull: 'overwrite', capacity: 2 });
 * const slow = subscribe<string>(news.handle);
 * for (const headline of ['a', 'b', 'c']) news.push(headline);
 * console.log(slow.tryPop(), slow.missed); // 'b' 1: 'a' was overwritten before it was read
 * ```
 */
export class Subscriber<T = Uint8Array> {
  readonly #ring: Ring;
  readonly #codec: WireCodec<T>;
  readonly #index: number;
  /** The next position to read. */
  #cursor: number;
  #missed = 0;
  #left = false;
  /** Positions advanced since producers were last woken. */
  #unwoken = false;
  readonly #wakeMask: number;
  /** A 'wait' ring: this subscriber's cursor holds producers back. */
  readonly #gating: boolean;
  /** From this position on ('wait'), no producer writes a slot this subscriber has not passed: views are safe. */
  #inPlaceFrom: number;
  readonly #unregister = {};

  /** @internal Use subscribe(). */
  constructor(ring: Ring, codec: WireCodec<T>, index: number, cursor: number, inPlaceFrom: number) {
    this.#ring = ring;
    this.#codec = codec;
    this.#index = index;
    this.#cursor = cursor;
    this.#wakeMask = Math.max(1, ring.params.capacity >>> 3) - 1;
    this.#gating = ring.gates;
    this.#inPlaceFrom = inPlaceFrom;
    collected.register(this, { ring, index }, this.#unregister);
  }

  /** Messages this subscriber lost: positions an 'overwrite' ring (or, in 'wait', an eviction) moved it past unread. */
  get missed(): number {
    return this.#missed;
  }

  /** Stops gating producers and frees this subscriber's entry. Later calls throw. */
  unsubscribe(): void {
    if (this.#left) return;
    this.#left = true;
    collected.unregister(this.#unregister);
    this.#ring.leave(this.#index);
  }

  /** The next message, or undefined when there is none now (or the broadcast is closed and drained). Never waits. */
  tryPop(): T | undefined {
    const v = this.#take();
    return v === NONE || v === DRAINED ? undefined : v;
  }

  /**
   * The next message, blocking the thread until there is one.
   * @throws QueueClosedError - The broadcast is closed and this subscriber has read everything.
   * @throws TimeoutError - Nothing came within `timeoutMs`.
   */
  pop(timeoutMs?: number): T {
    assertCanBlock('pop', 'popAsync');
    const deadline = deadlineOf(timeoutMs, 'pop');
    let v = this.#take();
    if (v === NONE && !waitSync(this.#ring.notEmpty, () => (v = this.#take()) !== NONE, deadline, TICK_MS)) {
      throw new TimeoutError('pop', timeoutMs!);
    }
    return valueOf(v);
  }

  /** The next message, without blocking the thread (Atomics.waitAsync). Rejects as pop throws, and with the signal's reason. */
  async popAsync(options?: WaitOptions): Promise<T> {
    const { timeoutMs, signal } = optionsOf(options, 'popAsync');
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'popAsync');
    let v = this.#take();
    if (v !== NONE) return afterTurn(valueOf(v));
    if (!(await waitAsync(this.#ring.notEmpty, () => (v = this.#take()) !== NONE, deadline, TICK_MS, signal))) {
      throw new TimeoutError('popAsync', timeoutMs!);
    }
    return valueOf(v);
  }

  /**
   * Hands every message there is now (up to `max`) to `handler(bytes,
   * offset, length)`, raw bytes (no codec), and returns how many; 0 when
   * none. Never waits. In a 'wait' ring each is a view of shared memory,
   * valid only during the call (copy what you keep); where a producer could
   * be overwriting the slot meanwhile ('overwrite' rings, and what a
   * subscriber from 'oldest', or one that rejoined after an eviction, reads
   * of the ring it found), a private copy, checked whole before the handler
   * sees it.
   */
  tryDrain(handler: DrainHandler, max?: number): number {
    checkFunction(handler, 'tryDrain', 'a handler(bytes, offset, length)');
    const n = this.#drainOnce(handler, countOf(max, 1 << 20, 'tryDrain', 'max'));
    return n < 0 ? 0 : n;
  }

  /** {@link Subscriber.tryDrain}, blocking until there is at least one; 0 only when closed and drained. */
  drain(handler: DrainHandler, options: DrainOptions = {}): number {
    const { max, timeoutMs } = optionsOf(options, 'drain');
    checkFunction(handler, 'drain', 'a handler(bytes, offset, length)');
    assertCanBlock('drain', 'drainAsync');
    const deadline = deadlineOf(timeoutMs, 'drain');
    const m = countOf(max, 1 << 20, 'drain', 'max');
    let n = this.#drainOnce(handler, m);
    if (n === 0 && !waitSync(this.#ring.notEmpty, () => (n = this.#drainOnce(handler, m)) !== 0, deadline, TICK_MS)) {
      throw new TimeoutError('drain', timeoutMs!);
    }
    return n < 0 ? 0 : n;
  }

  /** {@link Subscriber.drain} without blocking the thread. */
  async drainAsync(handler: DrainHandler, options: DrainOptions & WaitOptions = {}): Promise<number> {
    const { max, timeoutMs, signal } = optionsOf(options, 'drainAsync');
    checkFunction(handler, 'drainAsync', 'a handler(bytes, offset, length)');
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'drainAsync');
    const m = countOf(max, 1 << 20, 'drainAsync', 'max');
    let n = this.#drainOnce(handler, m);
    if (n !== 0) return afterTurn(n < 0 ? 0 : n);
    if (!(await waitAsync(this.#ring.notEmpty, () => (n = this.#drainOnce(handler, m)) !== 0, deadline, TICK_MS, signal))) {
      throw new TimeoutError('drainAsync', timeoutMs!);
    }
    return n < 0 ? 0 : n;
  }

  /** Pops (popAsync) until the broadcast is closed and drained. */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return untilClosed(() => this.popAsync());
  }

  /** @internal For select (ts/select.ts). */
  selectPort(): SelectPort<T> {
    return { take: () => this.#take(), word: this.#ring.notEmpty, tickMs: TICK_MS };
  }

  /** One take: the next message decoded, NONE (nothing now) or DRAINED (closed, all read). */
  #take(): Attempt<T> {
    const got = this.#next(this.#decode, false);
    if (got !== READY) return got === DRAINED ? DRAINED : NONE;
    const failed = this.#failed;
    if (failed !== undefined) {
      const failure = this.#failure;
      this.#failed = this.#failure = undefined;
      throw failure instanceof CodecError ? failure : new CodecError('decoding a broadcast message failed', { cause: failure, bytes: failed });
    }
    const value = this.#value as T;
    this.#value = undefined;
    return value;
  }

  // What #decode last read: one bound function for every take, no closure per call.
  #value: T | undefined;
  #failure: unknown;
  #failed: Uint8Array | undefined;
  readonly #decode: DrainHandler = (bytes, offset, length) => {
    // Once per read: a torn read is dropped by #next and read again, so only the last one counts.
    this.#failure = this.#failed = undefined;
    try {
      this.#value = this.#codec.decodeAt(bytes, offset, length);
    } catch (e) {
      this.#failure = e;
      this.#failed = bytes.slice(offset, offset + length);
    }
  };

  /** Up to `max` messages through `handler`; the count, 0 when none, -1 when closed and drained. */
  #drainOnce(handler: DrainHandler, max: number): number {
    let n = 0;
    while (n < max) {
      const got = this.#next(handler, true);
      if (got !== READY) return n === 0 && got === DRAINED ? -1 : n;
      n++;
    }
    return n;
  }

  /**
   * Reads the next message through `read(bytes, offset, length)`, skipping
   * withdrawn positions and, when lapped, jumping to the oldest message held.
   * `handOut`: `read` is a handler that cannot be undone, so where the slot
   * may change under it, it gets a private copy checked whole first; else
   * (decoding) it reads in place and the value is dropped if the slot changed.
   */
  #next(read: DrainHandler, handOut: boolean): typeof READY | typeof NONE | typeof DRAINED {
    if (this.#left) throw new Error('this subscriber has unsubscribed: subscribe again to receive');
    const ring = this.#ring;
    if (this.#gating && ring.evicted(this.#index)) {
      ring.rejoin(this.#index, this.#cursor);
      this.#inPlaceFrom = ring.tail();
    }
    for (;;) {
      const c = this.#cursor;
      const state = ring.read(c);
      if (state === NOT_READY) {
        if (this.#unwoken) {
          this.#unwoken = false;
          ring.wakeProducers();
        }
        return ring.closed() && ring.tail() === c ? DRAINED : NONE;
      }
      if (state === LAPPED) {
        this.#jump(c);
        continue;
      }
      if (state === READY) {
        const length = ring.readLength;
        const at = ring.dataAt(c);
        // In place unless a producer may be writing the slot: an 'overwrite' ring, or, in a 'wait' ring, a
        // position before #inPlaceFrom (producers' cached limits may predate this subscriber's cursor there).
        if (handOut && (!this.#gating || ((c - this.#inPlaceFrom) | 0) < 0)) {
          const bytes = ring.bytes.slice(at, at + length);
          if (!ring.intact(c)) {
            this.#jump(c);
            continue;
          }
          this.#advance((c + 1) | 0);
          read(bytes, 0, length);
          return READY;
        }
        read(ring.bytes, at, length);
        if (!ring.intact(c)) {
          this.#jump(c);
          continue;
        }
        this.#advance((c + 1) | 0);
        return READY;
      }
      // WITHDRAWN: no message at c; skip it, counting nothing.
      if (!ring.intact(c)) {
        this.#jump(c);
        continue;
      }
      this.#advance((c + 1) | 0);
    }
  }

  #advance(c: number): void {
    this.#cursor = c;
    if (!this.#gating) return; // 'overwrite': no producer reads cursors
    // Producers waiting for room are woken once every WAKE_EVERY positions, and
    // when this subscriber catches up (#next): one wake per message from every
    // subscriber woke a waiting producer far more often than room appeared.
    const wake = (c & this.#wakeMask) === 0;
    this.#unwoken = !wake;
    this.#ring.advance(this.#index, c, wake);
  }

  /** Lapped at c: on to the oldest message held (at least c + 1), counting the positions skipped. */
  #jump(c: number): void {
    let to = this.#ring.oldest();
    if (((to - c) | 0) <= 0) to = (c + 1) | 0;
    this.#missed += (to - c) | 0;
    this.#advance(to);
  }
}

/** How often a waiting subscriber re-checks (ms): the ring has no stall checks of its own to run. */
const TICK_MS = 250;

function valueOf<T>(v: Attempt<T>): T {
  if (v === DRAINED) throw new QueueClosedError('the broadcast is closed and this subscriber has read every message');
  return v as T;
}
