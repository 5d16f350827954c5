// Queue<T>: the typed, thread-local face of a kernel queue in shared memory.
//
// Every thread (and every attachQueue call) gets its own kernel instance over
// the same memory and its own Transfer (transfer.ts): a leased scratch area
// and one attempt of each kind of byte transfer. Queue adds the codec,
// argument checks, and the one retry loop: the try variants make one
// attempt; the blocking and async variants retry it through #retrySync /
// #retryAsync, which park on the kernel's wake words (ts/wait.ts).
import { BUSY, CLOSED, MAX_MANY, RECLAIMED, Kernel } from '../kernel/kernel.js';
import type { WireCodec } from '../codecs.js';
import { QueueClosedError, TimeoutError } from '../errors.js';
import { assertCanBlock } from '../environment.js';
import { afterTurn, parkAsync, waitAsync, waitSync, type ParkOptions, type WakeWord } from '../wait.js';
import { handleOf, type QueueHandle } from './handle.js';
import type { DrainHandler, DrainOptions, PublishFill, PublishOptions, QueueStats, WaitOptions } from './types.js';
import { checkFunction, checkSignal, checkTarget, countOf, deadlineOf, lengthOf, optionsOf } from './checks.js';
import { drainOnce, publishOnce } from './inplace.js';
import { checkedFill, checkedHandler } from './view-check.js';
import { packRecords } from './records.js';
import { DRAINED, NONE, Transfer, took, valueOrDrained, type Attempt } from './transfer.js';
import type { SelectPort } from '../select.js';
import { untilClosed } from './until-closed.js';

/**
 * One thread's face of a queue in shared memory: a lock-free, bounded,
 * multi-producer multi-consumer FIFO of messages of type `T`. Make one with
 * {@link createQueue}, or on another thread with {@link attachQueue} from its
 * {@link Queue.handle}; post the handle, not the `Queue` object (a copy of
 * it would not work).
 *
 * Each kind of call comes in variants: `try*` makes one attempt and never
 * waits; the plain ones block the thread while full or empty (not allowed on
 * a browser main thread: they throw there, saying which async call to use);
 * `*Async` waits without blocking (`Atomics.waitAsync`). `*From` / `*Into`
 * move raw bytes past the codec; `drain` and `publish` hand the bytes over in
 * place in shared memory. Timeouts are in milliseconds.
 *
 * After {@link Queue.close}, pushes throw {@link QueueClosedError}, and pops
 * return what is left, then throw it too (the try variants return
 * `undefined` / -1 / 0).
 *
 * @typeParam T - The value type, decided by the codec.
 *
 * @example
 * ```ts
 * import { createQueue } from 'wasmq';
 *
 * const queue = createQueue<{ n: number }>({ codec: 'json' });
 * queue.push({ n: 1 });
 * await queue.pushAsync({ n: 2 }, { timeoutMs: 100 });
 * queue.close();
 * for await (const value of queue) console.log(value.n); // 1, 2
 * ```
 */
export class Queue<T = Uint8Array> {
  /** Number of slots (a power of two). */
  readonly capacity: number;
  /** Payload bytes per slot. */
  readonly slotBytes: number;
  /** Largest message, in bytes (encoded); a larger one throws a RangeError and is not pushed. */
  readonly maxMessageBytes: number;
  /** Post this to another thread and pass it to {@link attachQueue} there (see {@link QueueHandle}). */
  readonly handle: QueueHandle<T>;

  readonly #k: Kernel;
  readonly #t: Transfer;
  readonly #codec: WireCodec<T>;
  /** The development check for kept views (view-check.ts). */
  readonly #checkViews: boolean;

  private constructor(kernel: Kernel, codec: WireCodec<T>, checkViews: boolean) {
    this.#k = kernel;
    this.#codec = codec;
    this.#checkViews = checkViews;
    this.#t = new Transfer(kernel, this);
    this.handle = handleOf<T>(kernel);
    this.capacity = kernel.capacity;
    this.slotBytes = kernel.slotBytes;
    this.maxMessageBytes = kernel.maxMessageBytes;
  }

  /** @internal The one way Queues are made: createQueue and attachQueue call it. */
  static open<T>(kernel: Kernel, codec: WireCodec<T>, checkViews = false): Queue<T> {
    return new Queue<T>(kernel, codec, checkViews);
  }

  // ---------------------------------------------------------------- state

  /** Approximate number of queued messages (occupied slots: a message of n slots counts n). */
  get size(): number {
    return this.#k.usedCells;
  }

  /** Whether {@link Queue.close} has been called, on any thread. Messages may still be left to pop. */
  get closed(): boolean {
    return this.#k.closed;
  }

  /** The queue's stall-recovery counters, read now (a fresh object each time; shared by all threads). */
  get stats(): QueueStats {
    return this.#k.stats();
  }

  /**
   * Closes the queue for every thread: wakes every waiter; later pushes throw
   * {@link QueueClosedError}; pops drain what is left, then throw it (or, in
   * the try variants, report empty). Idempotent; a closed queue cannot be reopened.
   */
  close(): void {
    this.#k.ops.close();
  }

  /**
   * Returns this thread's scratch area to the queue's pool, for a thread that
   * is done with the queue (also happens when the Queue is garbage-collected).
   * The Queue keeps working, through the slower two-phase path.
   */
  detach(): void {
    this.#t.detach();
  }

  /**
   * @internal For a host that learns exactly when this thread dies (the
   * pool): marks this thread's scratch lease as the host's to end, and names
   * it; undefined without one. See Kernel.reclaimLease.
   */
  hostWatchedLease(): { index: number; generation: number } | undefined {
    return this.#t.hostWatchedLease();
  }

  // ---------------------------------------------------------------- push

  /**
   * Pushes `value` if there is room now. Never waits.
   * @returns true if pushed, false when full.
   * @throws QueueClosedError - The queue is closed.
   * @throws RangeError - The encoded value is larger than {@link Queue.maxMessageBytes}.
   * @throws TypeError - The value is not of the codec's type (e.g. not a Uint8Array on a 'bytes' queue).
   * @throws CodecError - A custom codec's encode threw or did not return a Uint8Array.
   */
  tryPush(value: T): boolean {
    const t = this.#t;
    t.own();
    const encoded = this.#codec.encodeInto(value, t.scratchView);
    if (typeof encoded === 'number') {
      t.checkSize(encoded);
      return t.pushed(t.ops.tryPush(t.scratch.offset, encoded));
    }
    t.checkSize(encoded.length);
    return t.pushed(t.pushTwoPhase(encoded));
  }

  /**
   * Pushes raw bytes, bypassing the codec (no allocation). Never waits. The
   * consumer gets them decoded by the queue's codec.
   * @returns true if pushed, false when full.
   * @throws TypeError - `source` is not a Uint8Array.
   * @throws RangeError - `source` is longer than {@link Queue.maxMessageBytes}.
   * @throws QueueClosedError - The queue is closed.
   */
  tryPushFrom(source: Uint8Array): boolean {
    if (!(source instanceof Uint8Array)) throw new TypeError('tryPushFrom takes a Uint8Array');
    this.#t.checkSize(source.length);
    return this.#t.pushOnce(source);
  }

  /**
   * Pushes, blocking the thread while the queue is full.
   * @param timeoutMs - Most milliseconds to wait (\>= 0). Default: forever.
   * @throws TimeoutError - Still full after `timeoutMs`.
   * @throws QueueClosedError - The queue is (or gets) closed.
   * @throws Error - This thread may not block (a browser main thread): use {@link Queue.pushAsync}.
   * @throws RangeError - A bad `timeoutMs`, or a value larger than {@link Queue.maxMessageBytes}.
   */
  push(value: T, timeoutMs?: number): void {
    const deadline = this.#blocking('push', 'pushAsync', timeoutMs);
    if (this.tryPush(value)) return;
    const bytes = this.#codec.encode(value); // once; each retry only copies
    this.#retrySync('push', this.#k.notFull, () => this.#t.pushOnce(bytes), deadline, timeoutMs);
  }

  /**
   * Pushes raw bytes (bypassing the codec, no allocation), blocking the
   * thread while the queue is full. Throws as {@link Queue.push} does, and a
   * TypeError if `source` is not a Uint8Array.
   * @param timeoutMs - Most milliseconds to wait (\>= 0). Default: forever.
   */
  pushFrom(source: Uint8Array, timeoutMs?: number): void {
    const deadline = this.#blocking('pushFrom', 'pushAsync', timeoutMs);
    if (this.tryPushFrom(source)) return;
    this.#retrySync('pushFrom', this.#k.notFull, () => this.#t.pushOnce(source), deadline, timeoutMs);
  }

  /**
   * Pushes without blocking the thread: waits with Atomics.waitAsync while
   * full. Rejects with {@link TimeoutError} after `options.timeoutMs`,
   * `signal.reason` when aborted, {@link QueueClosedError} once closed, and
   * as {@link Queue.tryPush} throws for a bad value.
   */
  async pushAsync(value: T, options?: WaitOptions): Promise<void> {
    const { timeoutMs, signal } = optionsOf(options, 'pushAsync');
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'pushAsync');
    if (this.tryPush(value)) return afterTurn(undefined);
    const bytes = this.#codec.encode(value);
    await this.#retryAsync('pushAsync', this.#k.notFull, () => this.#t.pushOnce(bytes), deadline, timeoutMs, signal);
  }

  /**
   * Pushes as many of `values` as fit now, in order, claiming the slots of a
   * whole group with one atomic step. Returns how many were pushed (a prefix).
   * Every value is validated first: a bad one throws and nothing is pushed.
   * Never waits.
   * @throws TypeError - `values` is not an array, or a value is not of the codec's type.
   * @throws QueueClosedError - The queue is closed (and nothing was pushed).
   */
  pushBatch(values: readonly T[]): number {
    if (!Array.isArray(values)) throw new TypeError('pushBatch takes an array of values');
    const t = this.#t;
    const encoded: Uint8Array[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      encoded[i] = this.#codec.encode(values[i]);
      t.checkSize(encoded[i].length);
    }
    let pushed = 0;
    while (pushed < encoded.length) {
      t.own();
      let count = packRecords(this.#k, t.scratch, encoded, pushed);
      let r: number;
      if (count === 0) {
        // Too large for a scratch record: push it on its own.
        r = t.pushBytes(encoded[pushed]);
        count = 1;
      } else {
        r = t.ops.pushBatch(t.scratch.offset, count);
      }
      if (r > 0) {
        pushed += r;
        if (r < count) break;
        continue;
      }
      if (r === RECLAIMED) continue;
      if (r === CLOSED && pushed === 0) throw new QueueClosedError();
      if (r === BUSY) t.stalls.suspectConsumer();
      break;
    }
    return pushed;
  }

  // ---------------------------------------------------------------- pop

  /**
   * Pops a message if there is one. Never waits.
   * @returns The value; undefined when empty (or closed and drained).
   * @throws CodecError - Decoding failed; the message was taken off the queue, its bytes are in `error.bytes`.
   */
  tryPop(): T | undefined {
    const v = this.#t.popOnce(this.#codec);
    return v === NONE || v === DRAINED ? undefined : v;
  }

  /**
   * Pops raw bytes into `target` at `offset`, bypassing the codec (no
   * allocation). Never waits.
   * @param offset - Where in `target` to write; default 0.
   * @returns The message length, or -1 when empty (or closed and drained).
   * @throws RangeError - The next message does not fit in `target` after
   *   `offset` (it stays queued for the next pop), or a bad `offset`.
   * @throws TypeError - `target` is not a Uint8Array.
   */
  tryPopInto(target: Uint8Array, offset = 0): number {
    checkTarget(target, offset, 'tryPopInto');
    return this.#t.popInto(target, offset);
  }

  /**
   * Pops, blocking the thread while the queue is empty.
   * @param timeoutMs - Most milliseconds to wait (\>= 0). Default: forever.
   * @throws QueueClosedError - The queue is closed and drained.
   * @throws TimeoutError - Still empty after `timeoutMs`.
   * @throws Error - This thread may not block (a browser main thread): use {@link Queue.popAsync}.
   * @throws CodecError - Decoding failed (the message was taken; its bytes are in `error.bytes`).
   */
  pop(timeoutMs?: number): T {
    const deadline = this.#blocking('pop', 'popAsync', timeoutMs);
    const t = this.#t;
    const first = t.popOnce(this.#codec); // fast path: no closure when a message is there
    if (first !== NONE) return valueOrDrained(first);
    let value: Attempt<T> = NONE;
    this.#retrySync('pop', this.#k.notEmpty, () => took((value = t.popOnce(this.#codec))), deadline, timeoutMs);
    return value as T;
  }

  /**
   * Pops raw bytes into `target` at `offset` (bypassing the codec, no
   * allocation), blocking the thread while the queue is empty. Returns the
   * message length. Throws RangeError (message kept) if it does not fit,
   * QueueClosedError once closed and drained, TimeoutError after
   * `timeoutMs`, and an Error where the thread may not block.
   */
  popInto(target: Uint8Array, offset = 0, timeoutMs?: number): number {
    const deadline = this.#blocking('popInto', 'popAsync', timeoutMs);
    checkTarget(target, offset, 'popInto');
    const t = this.#t;
    let n = t.popInto(target, offset);
    if (n >= 0) return n;
    const attempt = () => {
      n = t.popInto(target, offset);
      if (n >= 0) return true;
      if (t.drained()) throw new QueueClosedError('the queue is closed and drained');
      return false;
    };
    this.#retrySync('popInto', this.#k.notEmpty, attempt, deadline, timeoutMs);
    return n;
  }

  /**
   * Pops without blocking the thread: waits with Atomics.waitAsync while
   * empty. Rejects with {@link QueueClosedError} once closed and drained,
   * {@link TimeoutError} after `options.timeoutMs`, `signal.reason` when
   * aborted, and {@link CodecError} when decoding fails.
   */
  async popAsync(options?: WaitOptions): Promise<T> {
    const { timeoutMs, signal } = optionsOf(options, 'popAsync');
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'popAsync');
    const t = this.#t;
    const first = t.popOnce(this.#codec);
    if (first !== NONE) return afterTurn(valueOrDrained(first));
    let value: Attempt<T> = NONE;
    const attempt = () => took((value = t.popOnce(this.#codec)));
    await this.#retryAsync('popAsync', this.#k.notEmpty, attempt, deadline, timeoutMs, signal);
    return value as T;
  }

  /**
   * Pops up to `max` messages that are there now, taking each group with one
   * atomic step. Never waits.
   * @param max - An integer \>= 0.
   * @returns The values, oldest first; empty when the queue is.
   * @throws RangeError - `max` is not an integer \>= 0.
   * @throws CodecError - Decoding one failed: it is consumed, the values after it stay for the next pop.
   */
  popBatch(max: number): T[] {
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`popBatch max must be an integer >= 0; got ${max}`);
    const out: T[] = [];
    this.#t.popBatch(this.#codec, max, out);
    return out;
  }

  /**
   * Pops up to `max` messages, waiting without blocking the thread until
   * there is at least one (`max` 0 resolves with [] at once). Rejects as
   * {@link Queue.popAsync} does, and with a RangeError for a bad `max`.
   */
  async popBatchAsync(max: number, options: WaitOptions = {}): Promise<T[]> {
    const { timeoutMs, signal } = optionsOf(options, 'popBatchAsync');
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'popBatchAsync');
    let out = this.popBatch(max);
    if (out.length > 0 || max === 0) return afterTurn(out);
    const t = this.#t;
    const attempt = () => {
      out = this.popBatch(max);
      if (out.length > 0) return true;
      if (t.drained()) throw new QueueClosedError('the queue is closed and drained');
      return false;
    };
    await this.#retryAsync('popBatchAsync', this.#k.notEmpty, attempt, deadline, timeoutMs, signal);
    return out;
  }

  // ---------------------------------------------------------------- in place

  /**
   * Hands every message there is now (up to `max`) to `handler` in place,
   * taking them with one claim: handler(bytes, offset, length) sees the raw
   * bytes (no codec) at bytes[offset, offset + length), a view of shared
   * memory valid only during the call; keeping it afterwards is an error.
   * Returns how many; 0 when empty. Never waits. If `handler` throws, the
   * message it was handling counts as consumed, the ones after it are kept
   * for this Queue's next pop or drain, and the error propagates.
   * @param max - An integer from 1 to 2^20; default: all (up to 2^20).
   * @throws TypeError - `handler` is not a function.
   * @throws RangeError - A bad `max`.
   */
  tryDrain(handler: DrainHandler, max?: number): number {
    const n = drainOnce(this.#t, this.#handlerOf(handler, 'tryDrain'), countOf(max, MAX_MANY, 'tryDrain', 'max'));
    return n < 0 ? 0 : n;
  }

  /**
   * {@link Queue.tryDrain}, but blocks the thread (spin, then park) until
   * there is at least one message. Returns how many were handed over; 0 only
   * when closed and drained. Throws {@link TimeoutError} after
   * `options.timeoutMs`, and an Error where the thread may not block (use
   * {@link Queue.drainAsync}).
   */
  drain(handler: DrainHandler, options: DrainOptions = {}): number {
    const { max, timeoutMs } = optionsOf(options, 'drain');
    const deadline = this.#blocking('drain', 'drainAsync', timeoutMs);
    handler = this.#handlerOf(handler, 'drain');
    const t = this.#t;
    const m = countOf(max, MAX_MANY, 'drain', 'max');
    let n = drainOnce(t, handler, m);
    if (n === 0) this.#retrySync('drain', this.#k.notEmpty, () => (n = drainOnce(t, handler, m)) !== 0, deadline, timeoutMs);
    return n < 0 ? 0 : n;
  }

  /**
   * {@link Queue.drain} without blocking the thread (Atomics.waitAsync).
   * Resolves with how many were handed over (0 only when closed and
   * drained); rejects with {@link TimeoutError} after `options.timeoutMs`,
   * `signal.reason` when aborted, or what `handler` threw.
   */
  async drainAsync(handler: DrainHandler, options: DrainOptions & { signal?: AbortSignal } = {}): Promise<number> {
    const { max, timeoutMs, signal } = optionsOf(options, 'drainAsync');
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'drainAsync');
    handler = this.#handlerOf(handler, 'drainAsync');
    const t = this.#t;
    const m = countOf(max, MAX_MANY, 'drainAsync', 'max');
    let n = drainOnce(t, handler, m);
    if (n !== 0) return afterTurn(n < 0 ? 0 : n);
    const attempt = () => (n = drainOnce(t, handler, m)) !== 0;
    await this.#retryAsync('drainAsync', this.#k.notEmpty, attempt, deadline, timeoutMs, signal);
    return n < 0 ? 0 : n;
  }

  /**
   * Claims up to `count` messages of `length` bytes with one atomic step and
   * lets fill(bytes, offset, index) write each in place (raw bytes, no codec),
   * then publishes them. Returns how many (0 when full). If `fill` throws,
   * nothing of this call is published and the error propagates. Never waits.
   * @param length - Bytes per message: an integer from 0 to {@link Queue.maxMessageBytes}.
   * @throws QueueClosedError - The queue is closed.
   * @throws RangeError - A bad `length` or `options.count`.
   * @throws TypeError - `fill` is not a function.
   */
  tryPublish(length: number, fill: PublishFill, options: PublishOptions = {}): number {
    const { count } = optionsOf(options, 'tryPublish');
    const [len, total, checked] = this.#publishArgs('tryPublish', length, fill, count);
    return publishOnce(this.#t, len, checked, total, 0);
  }

  /**
   * Publishes `count` messages (default 1) in place, blocking the thread while
   * the queue is full. A fill that throws stops it: what earlier claims
   * published stays published. On a timeout, the TimeoutError says how many were.
   * Also throws {@link QueueClosedError} when closed, an Error where the
   * thread may not block (use {@link Queue.publishAsync}), and as
   * {@link Queue.tryPublish} for bad arguments.
   */
  publish(length: number, fill: PublishFill, options: PublishOptions = {}): void {
    const { count, timeoutMs } = optionsOf(options, 'publish');
    const deadline = this.#blocking('publish', 'publishAsync', timeoutMs);
    const [len, total, checked] = this.#publishArgs('publish', length, fill, count);
    const t = this.#t;
    fill = checked;
    let done = publishOnce(t, len, fill, total, 0);
    if (done === total) return;
    const attempt = () => (done += publishOnce(t, len, fill, total - done, done)) === total;
    try {
      this.#retrySync('publish', this.#k.notFull, attempt, deadline, timeoutMs);
    } catch (error) {
      throw saying(error, `publish (${done} of ${total} published)`, timeoutMs);
    }
  }

  /**
   * {@link Queue.publish} without blocking the thread (Atomics.waitAsync).
   * Rejects with a {@link TimeoutError} (saying how many were published)
   * after `options.timeoutMs`, `signal.reason` when aborted,
   * {@link QueueClosedError} when closed, or what `fill` threw.
   */
  async publishAsync(length: number, fill: PublishFill, options: PublishOptions & { signal?: AbortSignal } = {}): Promise<void> {
    const { count, timeoutMs, signal } = optionsOf(options, 'publishAsync');
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'publishAsync');
    const [len, total, checked] = this.#publishArgs('publishAsync', length, fill, count);
    const t = this.#t;
    fill = checked;
    let done = publishOnce(t, len, fill, total, 0);
    if (done === total) return afterTurn(undefined);
    const attempt = () => (done += publishOnce(t, len, fill, total - done, done)) === total;
    try {
      await this.#retryAsync('publishAsync', this.#k.notFull, attempt, deadline, timeoutMs, signal);
    } catch (error) {
      throw saying(error, `publishAsync (${done} of ${total} published)`, timeoutMs);
    }
  }

  /** Validates a publish's arguments: [length, count, the fill to call (checked when checkViews is on)]. */
  #publishArgs(operation: string, length: number, fill: PublishFill, count: number | undefined): [number, number, PublishFill] {
    const len = lengthOf(length, this.maxMessageBytes, operation);
    checkFunction(fill, operation, 'a fill(bytes, offset, index)');
    return [len, countOf(count, 1, operation, 'count'), this.#checkViews ? checkedFill(fill, len) : fill];
  }

  /** Validates a drain's handler; the handler to call (checked when checkViews is on). */
  #handlerOf(handler: DrainHandler, operation: string): DrainHandler {
    checkFunction(handler, operation, 'a handler(bytes, offset, length)');
    return this.#checkViews ? checkedHandler(handler) : handler;
  }

  /**
   * Pops (with {@link Queue.popAsync}) until the queue is closed and
   * drained, then ends. Other errors (e.g. CodecError) end it by throwing.
   */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return untilClosed(() => this.popAsync());
  }

  /**
   * @internal For receive loops that pop on their own (SharedPort): one async
   * park until a push (or close) may have happened, `ms` passes, or the
   * onSleep hook's wake is called. `ready` is the re-check; true ends it at once.
   */
  parkUntilPushed(ready: () => boolean, ms: number, options?: ParkOptions): Promise<boolean> {
    return parkAsync(this.#k.notEmpty, ready, ms, options);
  }

  /**
   * @internal For a producer that must learn when its messages have been
   * taken (wasmq/nats's durable receive): a mark read after a push, and
   * whether consumers have taken every message before a mark. u32
   * positions, compared modulo 2^32.
   */
  takenMark(): { mark(): number; taken(mark: number): boolean } {
    const k = this.#k;
    return { mark: () => k.claimedThrough, taken: (mark) => ((k.takenThrough - mark) | 0) >= 0 };
  }

  /** @internal For select (ts/select.ts): one take (a value, NONE or DRAINED), the not-empty word, and the stall tick. */
  selectPort(): SelectPort<T> {
    const t = this.#t;
    return { take: () => t.popOnce(this.#codec), word: this.#k.notEmpty, tickMs: t.stalls.tickMs };
  }

  // ---------------------------------------------------------------- the retry loop

  /** Validates a blocking call: this thread may block, and timeoutMs is valid. Returns the deadline. */
  #blocking(operation: string, asyncOperation: string, timeoutMs: number | undefined): number {
    assertCanBlock(operation, asyncOperation);
    return deadlineOf(timeoutMs, operation);
  }

  /** Retries `attempt`, blocking the thread on `word` meanwhile; TimeoutError at the deadline. */
  #retrySync(operation: string, word: WakeWord, attempt: () => boolean, deadline: number, timeoutMs?: number): void {
    if (!waitSync(word, attempt, deadline, this.#t.stalls.tickMs)) throw new TimeoutError(operation, timeoutMs!);
  }

  /** Retries `attempt`, parking asynchronously on `word` meanwhile; TimeoutError at the deadline. */
  async #retryAsync(
    operation: string, word: WakeWord, attempt: () => boolean, deadline: number, timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (!(await waitAsync(word, attempt, deadline, this.#t.stalls.tickMs, signal))) {
      throw new TimeoutError(operation, timeoutMs!);
    }
  }
}

/** A TimeoutError of `operation` (which says how far it got), or any other error as it is. */
function saying(error: unknown, operation: string, timeoutMs: number | undefined): unknown {
  return error instanceof TimeoutError ? new TimeoutError(operation, timeoutMs!) : error;
}
