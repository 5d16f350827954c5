// Queue<T>: the typed, thread-local face of a kernel queue in shared memory.
//
// Every thread (and every attachQueue call) gets its own kernel instance over
// the same memory and its own Transfer (transfer.ts): a leased scratch area
// and one attempt of each kind of byte transfer. Queue adds the codec,
// argument checks, and the one retry loop: the try variants make one
// attempt; the blocking and async variants retry it through #retrySync /
// #retryAsync, which park on the kernel's wake words (ts/wait.ts).
import { BUSY, CLOSED, RECLAIMED, Kernel } from '../kernel/kernel.js';
import { resolveCodec, type Codec, type WireCodec } from '../codecs.js';
import { QueueClosedError, TimeoutError } from '../errors.js';
import { assertCanBlock, assertSharedMemory } from '../environment.js';
import { parkAsync, waitAsync, waitSync, type ParkOptions, type WakeWord } from '../wait.js';
import { handleOf, openHandle, type AttachOptions, type QueueHandle } from './handle.js';
import { queueConfig, type QueueOptions } from './options.js';
import { packRecords } from './records.js';
import { DRAINED, NONE, Transfer, type Attempt } from './transfer.js';

export interface WaitOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface QueueStats {
  /** Producer claims declared dead (stalled past stallTimeoutMs) and skipped. */
  readonly reclaimedWrites: number;
  /** Messages whose consumer was declared dead while holding them (lost). */
  readonly reclaimedReads: number;
  /** Producers that were only slow, found their claim reclaimed, and pushed again. */
  readonly retriedWrites: number;
}

function deadlineOf(timeoutMs: number | undefined, operation: string): number {
  if (timeoutMs === undefined) return Infinity;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`${operation} timeoutMs must be a number >= 0 (or undefined to wait forever); got ${String(timeoutMs)}`);
  }
  return performance.now() + timeoutMs;
}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  signal?.throwIfAborted();
}

function checkTarget(target: Uint8Array, offset: number, operation: string): void {
  if (!(target instanceof Uint8Array)) throw new TypeError(`${operation} takes a Uint8Array`);
  if (!Number.isInteger(offset) || offset < 0 || offset > target.length) {
    throw new RangeError(`offset must be an integer from 0 to ${target.length}; got ${offset}`);
  }
}

export class Queue<T = Uint8Array> {
  /** Number of slots. */
  readonly capacity: number;
  /** Payload bytes per slot. */
  readonly slotBytes: number;
  /** Largest message, in bytes. */
  readonly maxMessageBytes: number;
  /** Post this to another thread and pass it to attachQueue there. */
  readonly handle: QueueHandle<T>;

  readonly #k: Kernel;
  readonly #t: Transfer;
  readonly #codec: WireCodec<T>;

  private constructor(kernel: Kernel, codec: WireCodec<T>) {
    this.#k = kernel;
    this.#codec = codec;
    this.#t = new Transfer(kernel, this);
    this.handle = handleOf<T>(kernel);
    this.capacity = kernel.capacity;
    this.slotBytes = kernel.slotBytes;
    this.maxMessageBytes = kernel.maxMessageBytes;
  }

  /** @internal The one way Queues are made: createQueue and attachQueue call it. */
  static open<T>(kernel: Kernel, codec: WireCodec<T>): Queue<T> {
    return new Queue<T>(kernel, codec);
  }

  // ---------------------------------------------------------------- state

  /** Approximate number of queued messages (occupied slots: a message of n slots counts n). */
  get size(): number {
    return this.#k.usedCells;
  }

  get closed(): boolean {
    return this.#k.closed;
  }

  get stats(): QueueStats {
    return this.#k.stats();
  }

  /** Wakes every waiter; later pushes throw QueueClosedError; pops drain what is left. Idempotent. */
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

  // ---------------------------------------------------------------- push

  /** Pushes `value` if there is room now. Returns false when full. */
  tryPush(value: T): boolean {
    const t = this.#t;
    const encoded = this.#codec.encodeInto(value, t.scratchView);
    if (typeof encoded === 'number') {
      t.checkSize(encoded);
      return t.pushed(t.ops.tryPush(t.scratch.offset, encoded));
    }
    t.checkSize(encoded.length);
    return t.pushed(t.pushTwoPhase(encoded));
  }

  /** Pushes raw bytes, bypassing the codec (no allocation). Returns false when full. */
  tryPushFrom(source: Uint8Array): boolean {
    if (!(source instanceof Uint8Array)) throw new TypeError('tryPushFrom takes a Uint8Array');
    this.#t.checkSize(source.length);
    return this.#t.pushOnce(source);
  }

  /** Pushes, blocking the thread while the queue is full. */
  push(value: T, timeoutMs?: number): void {
    const deadline = this.#blocking('push', 'pushAsync', timeoutMs);
    if (this.tryPush(value)) return;
    const bytes = this.#codec.encode(value); // once; each retry only copies
    this.#retrySync('push', this.#k.notFull, () => this.#t.pushOnce(bytes), deadline, timeoutMs);
  }

  /** Pushes raw bytes (bypassing the codec, no allocation), blocking the thread while the queue is full. */
  pushFrom(source: Uint8Array, timeoutMs?: number): void {
    const deadline = this.#blocking('pushFrom', 'pushAsync', timeoutMs);
    if (this.tryPushFrom(source)) return;
    this.#retrySync('pushFrom', this.#k.notFull, () => this.#t.pushOnce(source), deadline, timeoutMs);
  }

  /** Pushes without blocking the thread: waits with Atomics.waitAsync while full. */
  async pushAsync(value: T, options: WaitOptions = {}): Promise<void> {
    const { timeoutMs, signal } = options;
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'pushAsync');
    if (this.tryPush(value)) return;
    const bytes = this.#codec.encode(value);
    await this.#retryAsync('pushAsync', this.#k.notFull, () => this.#t.pushOnce(bytes), deadline, timeoutMs, signal);
  }

  /**
   * Pushes as many of `values` as fit now, in order, claiming the slots of a
   * whole group with one atomic step. Returns how many were pushed (a prefix).
   * Every value is validated first: a bad one throws and nothing is pushed.
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

  /** Pops a message if there is one; undefined when empty (or closed and drained). */
  tryPop(): T | undefined {
    const v = this.#t.popOnce(this.#codec);
    return v === NONE || v === DRAINED ? undefined : v;
  }

  /**
   * Pops raw bytes into `target` at `offset`, bypassing the codec (no
   * allocation). Returns the message length, or -1 when empty. Throws
   * RangeError (and leaves the message queued) if it does not fit.
   */
  tryPopInto(target: Uint8Array, offset = 0): number {
    checkTarget(target, offset, 'tryPopInto');
    return this.#t.popInto(target, offset);
  }

  /** Pops, blocking the thread while the queue is empty. Throws QueueClosedError once closed and drained. */
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
   * message length. Throws RangeError (message kept) if it does not fit, and
   * QueueClosedError once closed and drained.
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

  /** Pops without blocking the thread: waits with Atomics.waitAsync while empty. */
  async popAsync(options: WaitOptions = {}): Promise<T> {
    const { timeoutMs, signal } = options;
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'popAsync');
    const t = this.#t;
    const first = t.popOnce(this.#codec);
    if (first !== NONE) return valueOrDrained(first);
    let value: Attempt<T> = NONE;
    const attempt = () => took((value = t.popOnce(this.#codec)));
    await this.#retryAsync('popAsync', this.#k.notEmpty, attempt, deadline, timeoutMs, signal);
    return value as T;
  }

  /** Pops up to `max` messages that are there now, taking each group with one atomic step. */
  popBatch(max: number): T[] {
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`popBatch max must be an integer >= 0; got ${max}`);
    const out: T[] = [];
    this.#t.popBatch(this.#codec, max, out);
    return out;
  }

  /** Pops until the queue is closed and drained. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      try {
        yield await this.popAsync();
      } catch (e) {
        if (e instanceof QueueClosedError) return;
        throw e;
      }
    }
  }

  /**
   * @internal For receive loops that pop on their own (SharedPort): one async
   * park until a push (or close) may have happened, `ms` passes, or the
   * onSleep hook's wake is called. `ready` is the re-check; true ends it at once.
   */
  parkUntilPushed(ready: () => boolean, ms: number, options?: ParkOptions): Promise<boolean> {
    return parkAsync(this.#k.notEmpty, ready, ms, options);
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

/** For a pop attempt: true if it took a value, false if none yet; throws once drained. */
function took<T>(v: Attempt<T>): boolean {
  if (v === NONE) return false;
  valueOrDrained(v);
  return true;
}

function valueOrDrained<T>(v: T | typeof DRAINED): T {
  if (v === DRAINED) throw new QueueClosedError('the queue is closed and drained');
  return v;
}

/** Creates a queue in a new shared memory. The codec decides the value type. */
export function createQueue(options?: QueueOptions<Uint8Array> & { codec?: 'bytes' }): Queue<Uint8Array>;
export function createQueue(options: QueueOptions<string> & { codec: 'string' }): Queue<string>;
export function createQueue<T = unknown>(options: QueueOptions<T> & { codec: 'json' }): Queue<T>;
export function createQueue<T>(options: QueueOptions<T> & { codec: Codec<T> }): Queue<T>;
export function createQueue<T>(options?: QueueOptions<T>): Queue<T>;
export function createQueue<T = Uint8Array>(options: QueueOptions<T> = {}): Queue<T> {
  assertSharedMemory();
  const codec = resolveCodec<T>(options?.codec);
  return Queue.open(Kernel.create(queueConfig(options, codec.name)), codec);
}

/** Attaches to a queue created elsewhere, from its handle. Synchronous. */
export function attachQueue<T = Uint8Array>(handle: QueueHandle<T>, options: AttachOptions<T> = {}): Queue<T> {
  const { kernel, codec } = openHandle<T>(handle, options);
  return Queue.open(kernel, codec);
}
