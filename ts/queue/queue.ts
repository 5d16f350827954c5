// Queue<T>: the typed, thread-local face of a kernel queue in shared memory.
//
// Every thread (and every attachQueue call) gets its own kernel instance over
// the same memory, plus a leased scratch area: a private staging region in
// the shared memory. A small message is encoded into the scratch area and
// pushed with ONE kernel call that claims, copies (memory.copy) and
// publishes. Messages too large for the scratch area take the two-phase path
// (claim → copy from JS straight into the ring → publish), which copies once.
//
// Every call is built on one attempt: #pushOnce / #popOnce. The try variants
// make it once; the blocking and async variants retry it through
// #retrySync / #retryAsync, which park on the kernel's wake words (ts/wait.ts).
import { BUSY, CLOSED, EMPTY, FULL, OVERSIZE, RECLAIMED, TOO_BIG, Kernel, type KernelStats, type Scratch } from '../kernel/kernel.js';
import { bytesCodec, resolveCodec, type Codec, type CodecName, type WireCodec } from '../codecs.js';
import { QueueClosedError, TimeoutError } from '../errors.js';
import { assertCanBlock, assertSharedMemory } from '../environment.js';
import { parkAsync, waitAsync, waitSync, type ParkOptions, type WakeWord } from '../wait.js';
import { handleOf, openHandle, type AttachOptions, type QueueHandle } from './handle.js';
import { queueConfig, type QueueOptions } from './options.js';
import { packRecords, RecordReader } from './records.js';
import { StallWatch } from './stall.js';

export interface WaitOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface QueueStats extends KernelStats {
  /** Producer claims declared dead (stalled past stallTimeoutMs) and skipped. */
  readonly reclaimedWrites: number;
  /** Messages whose consumer was declared dead while holding them (lost). */
  readonly reclaimedReads: number;
  /** Producers that were only slow, found their claim reclaimed, and pushed again. */
  readonly retriedWrites: number;
}

/** What one pop attempt found when it found no value. */
const NONE = Symbol('none');
const DRAINED = Symbol('drained');
type Attempt<T> = T | typeof NONE | typeof DRAINED;

/** Gives a thread's scratch area back when its Queue object is collected. */
const leases = new FinalizationRegistry<{ kernel: Kernel; scratch: Scratch }>(({ kernel, scratch }) =>
  kernel.releaseScratch(scratch),
);
const NO_SCRATCH: Scratch = { index: -1, offset: 0, bytes: 0 };

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
  readonly #ops: Kernel['ops'];
  readonly #u8: Uint8Array;
  readonly #codec: WireCodec<T>;
  readonly #stalls: StallWatch;
  #scratch: Scratch;
  #scratchView: Uint8Array;
  /** A message this thread took but could not hand over (see tryPopInto). */
  #stash: Uint8Array | undefined;

  private constructor(kernel: Kernel, codec: WireCodec<T>) {
    this.#k = kernel;
    this.#ops = kernel.ops;
    this.#u8 = kernel.u8;
    this.#codec = codec;
    this.handle = handleOf<T>(kernel);
    this.capacity = kernel.capacity;
    this.slotBytes = kernel.slotBytes;
    this.maxMessageBytes = kernel.maxMessageBytes;
    this.#stalls = new StallWatch(kernel);
    this.#scratch = kernel.leaseScratch() ?? NO_SCRATCH;
    if (this.#scratch !== NO_SCRATCH) leases.register(this, { kernel, scratch: this.#scratch }, this);
    this.#scratchView = this.#u8.subarray(this.#scratch.offset, this.#scratch.offset + this.#scratch.bytes);
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
    this.#ops.close();
  }

  /**
   * Returns this thread's scratch area to the queue's pool, for a thread that
   * is done with the queue (also happens when the Queue is garbage-collected).
   * The Queue keeps working, through the slower two-phase path.
   */
  detach(): void {
    if (this.#scratch === NO_SCRATCH) return;
    leases.unregister(this);
    this.#k.releaseScratch(this.#scratch);
    this.#scratch = NO_SCRATCH;
    this.#scratchView = this.#u8.subarray(0, 0);
  }

  // ---------------------------------------------------------------- push

  /** Pushes `value` if there is room now. Returns false when full. */
  tryPush(value: T): boolean {
    const encoded = this.#codec.encodeInto(value, this.#scratchView);
    if (typeof encoded === 'number') {
      this.#checkSize(encoded);
      return this.#pushed(this.#ops.tryPush(this.#scratch.offset, encoded));
    }
    this.#checkSize(encoded.length);
    return this.#pushed(this.#pushTwoPhase(encoded));
  }

  /** Pushes raw bytes, bypassing the codec (no allocation). Returns false when full. */
  tryPushFrom(source: Uint8Array): boolean {
    if (!(source instanceof Uint8Array)) throw new TypeError('tryPushFrom takes a Uint8Array');
    this.#checkSize(source.length);
    return this.#pushOnce(source);
  }

  /** Pushes, blocking the thread while the queue is full. */
  push(value: T, timeoutMs?: number): void {
    const deadline = this.#blocking('push', 'pushAsync', timeoutMs);
    if (this.tryPush(value)) return;
    const bytes = this.#codec.encode(value); // once; each retry only copies
    this.#retrySync('push', this.#k.notFull, () => this.#pushOnce(bytes), deadline, timeoutMs);
  }

  /** Pushes raw bytes (bypassing the codec, no allocation), blocking the thread while the queue is full. */
  pushFrom(source: Uint8Array, timeoutMs?: number): void {
    const deadline = this.#blocking('pushFrom', 'pushAsync', timeoutMs);
    if (this.tryPushFrom(source)) return;
    this.#retrySync('pushFrom', this.#k.notFull, () => this.#pushOnce(source), deadline, timeoutMs);
  }

  /** Pushes without blocking the thread: waits with Atomics.waitAsync while full. */
  async pushAsync(value: T, options: WaitOptions = {}): Promise<void> {
    const { timeoutMs, signal } = options;
    checkSignal(signal);
    const deadline = deadlineOf(timeoutMs, 'pushAsync');
    if (this.tryPush(value)) return;
    const bytes = this.#codec.encode(value);
    await this.#retryAsync('pushAsync', this.#k.notFull, () => this.#pushOnce(bytes), deadline, timeoutMs, signal);
  }

  /**
   * Pushes as many of `values` as fit now, in order, claiming the slots of a
   * whole group with one atomic step. Returns how many were pushed (a prefix).
   * Every value is validated first: a bad one throws and nothing is pushed.
   */
  pushBatch(values: readonly T[]): number {
    if (!Array.isArray(values)) throw new TypeError('pushBatch takes an array of values');
    const encoded: Uint8Array[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      encoded[i] = this.#codec.encode(values[i]);
      this.#checkSize(encoded[i].length);
    }
    let pushed = 0;
    while (pushed < encoded.length) {
      let count = packRecords(this.#k, this.#scratch, encoded, pushed);
      let r: number;
      if (count === 0) {
        // Too large for a scratch record: push it on its own.
        r = this.#pushBytes(encoded[pushed]);
        count = 1;
      } else {
        r = this.#ops.pushBatch(this.#scratch.offset, count);
      }
      if (r > 0) {
        pushed += r;
        if (r < count) break;
        continue;
      }
      if (r === RECLAIMED) continue;
      if (r === CLOSED && pushed === 0) throw new QueueClosedError();
      if (r === BUSY) this.#stalls.suspectConsumer();
      break;
    }
    return pushed;
  }

  // ---------------------------------------------------------------- pop

  /** Pops a message if there is one; undefined when empty (or closed and drained). */
  tryPop(): T | undefined {
    const v = this.#popOnce();
    return v === NONE || v === DRAINED ? undefined : v;
  }

  /**
   * Pops raw bytes into `target` at `offset`, bypassing the codec (no
   * allocation). Returns the message length, or -1 when empty. Throws
   * RangeError (and leaves the message queued) if it does not fit.
   */
  tryPopInto(target: Uint8Array, offset = 0): number {
    checkTarget(target, offset, 'tryPopInto');
    return this.#popIntoOnce(target, offset);
  }

  /** Pops, blocking the thread while the queue is empty. Throws QueueClosedError once closed and drained. */
  pop(timeoutMs?: number): T {
    const deadline = this.#blocking('pop', 'popAsync', timeoutMs);
    const first = this.#popOnce(); // fast path: no closure when a message is there
    if (first !== NONE) return this.#valueOrDrained(first);
    let value: T;
    this.#retrySync('pop', this.#k.notEmpty, () => this.#took((value = this.#popOnce() as T)), deadline, timeoutMs);
    return value!;
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
    let n = this.#popIntoOnce(target, offset);
    if (n >= 0) return n;
    const attempt = () => {
      n = this.#popIntoOnce(target, offset);
      if (n >= 0) return true;
      if (this.#drained()) throw new QueueClosedError('the queue is closed and drained');
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
    const first = this.#popOnce();
    if (first !== NONE) return this.#valueOrDrained(first);
    let value: T;
    const attempt = () => this.#took((value = this.#popOnce() as T));
    await this.#retryAsync('popAsync', this.#k.notEmpty, attempt, deadline, timeoutMs, signal);
    return value!;
  }

  /** Pops up to `max` messages that are there now, taking each group with one atomic step. */
  popBatch(max: number): T[] {
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`popBatch max must be an integer >= 0; got ${max}`);
    const out: T[] = [];
    const scratch = this.#scratch;
    while (out.length < max) {
      if (this.#stash) {
        out.push(this.#codec.decode(this.#takeStash()));
        continue;
      }
      const n = this.#ops.popBatch(scratch.offset, scratch.bytes, max - out.length);
      if (n > 0) {
        this.#readRecords(n, out);
        continue;
      }
      if (n === TOO_BIG) {
        const v = this.#popTwoPhase();
        if (v === NONE || v === DRAINED) break;
        out.push(v);
        continue;
      }
      if (n === BUSY) this.#stalls.suspectProducer();
      break;
    }
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
    if (!waitSync(word, attempt, deadline, this.#stalls.tickMs)) throw new TimeoutError(operation, timeoutMs!);
  }

  /** Retries `attempt`, parking asynchronously on `word` meanwhile; TimeoutError at the deadline. */
  async #retryAsync(
    operation: string, word: WakeWord, attempt: () => boolean, deadline: number, timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (!(await waitAsync(word, attempt, deadline, this.#stalls.tickMs, signal))) {
      throw new TimeoutError(operation, timeoutMs!);
    }
  }

  /** For a pop attempt: true if it took a value, false if none yet; throws once drained. */
  #took(v: Attempt<T>): boolean {
    if (v === NONE) return false;
    this.#valueOrDrained(v);
    return true;
  }

  #valueOrDrained(v: T | typeof DRAINED): T {
    if (v === DRAINED) throw new QueueClosedError('the queue is closed and drained');
    return v;
  }

  // ---------------------------------------------------------------- one attempt

  #checkSize(len: number): void {
    if (len > this.maxMessageBytes) {
      throw new RangeError(
        `message of ${len} bytes is larger than this queue's maxMessageBytes (${this.maxMessageBytes}); nothing was pushed`,
      );
    }
  }

  /** One push attempt of bytes in private memory: true (pushed) or false (no room); throws when closed. */
  #pushOnce(bytes: Uint8Array): boolean {
    return this.#pushed(this.#pushBytes(bytes));
  }

  /** Maps a kernel push result to true (pushed) / false (no room); throws when closed. */
  #pushed(r: number): boolean {
    if (r > 0) return true;
    if (r === FULL) return false;
    if (r === BUSY) {
      this.#stalls.suspectConsumer();
      return false;
    }
    if (r === CLOSED) throw new QueueClosedError();
    if (r === OVERSIZE) this.#checkSize(Infinity);
    throw new Error(`wasmq kernel returned unexpected push result ${r}`);
  }

  /** Pushes bytes that live in private memory. Returns a kernel result. */
  #pushBytes(bytes: Uint8Array): number {
    if (bytes.length <= this.#scratch.bytes) {
      this.#u8.set(bytes, this.#scratch.offset);
      return this.#ops.tryPush(this.#scratch.offset, bytes.length);
    }
    return this.#pushTwoPhase(bytes);
  }

  /** Claim in the kernel, copy from JS straight into the ring, publish. */
  #pushTwoPhase(bytes: Uint8Array): number {
    for (;;) {
      const pos = this.#ops.claimWrite(bytes.length);
      if (pos < 0) return pos;
      this.#k.copyIn(pos, bytes);
      const r = this.#ops.publishWrite(pos, bytes.length);
      if (r !== RECLAIMED) return r;
    }
  }

  /** One non-blocking pop attempt: a value, NONE (empty) or DRAINED. */
  #popOnce(): Attempt<T> {
    if (this.#stash) return this.#codec.decode(this.#takeStash());
    const scratch = this.#scratch;
    const r = this.#ops.tryPop(scratch.offset, scratch.bytes);
    if (r >= 0) return this.#codec.decodeAt(this.#u8, scratch.offset, r);
    if (r === TOO_BIG) return this.#popTwoPhase();
    return this.#noMessage(r);
  }

  /** What a failed pop result means; BUSY is timed as a possible dead producer. */
  #noMessage(r: number): typeof NONE | typeof DRAINED {
    if (r === BUSY) this.#stalls.suspectProducer();
    return r === CLOSED ? DRAINED : NONE;
  }

  /** Claim the head message in the kernel, copy it out from JS, release. */
  #popTwoPhase(): Attempt<T> {
    for (;;) {
      const pos = this.#ops.claimRead();
      if (pos < 0) return this.#noMessage(pos);
      const len = this.#ops.readLength(pos);
      const bytes = len < 0 ? undefined : this.#k.sliceOut(pos, len);
      if (this.#ops.releaseRead(pos) < 0 || bytes === undefined) continue; // reclaimed mid-copy: torn, dropped
      return this.#codec.decode(bytes);
    }
  }

  /** One raw pop attempt into `target`: the length, or -1 when empty. */
  #popIntoOnce(target: Uint8Array, offset: number): number {
    const room = target.length - offset;
    const scratch = this.#scratch;
    for (;;) {
      if (this.#stash) return this.#unstashInto(target, offset, room);
      const r = this.#ops.tryPop(scratch.offset, Math.min(room, scratch.bytes));
      if (r >= 0) {
        this.#k.copyScratch(scratch.offset, r, target, offset);
        return r;
      }
      if (r !== TOO_BIG) {
        this.#noMessage(r);
        return -1;
      }
      const hint = this.#ops.headLength();
      if (hint > room) {
        throw new RangeError(`the next message is ${hint} bytes, but target has room for ${room} (from offset ${offset})`);
      }
      const pos = this.#ops.claimRead();
      if (pos < 0) continue;
      const len = this.#ops.readLength(pos);
      if (len > room) {
        // Another consumer took the one we measured; this one is larger. It
        // is ours now, so it must not be dropped: keep it for the next pop.
        const bytes = this.#k.sliceOut(pos, len);
        if (this.#ops.releaseRead(pos) < 0) continue;
        this.#stash = bytes;
        throw new RangeError(`the next message is ${len} bytes, but target has room for ${room}; it is kept for the next pop`);
      }
      if (len >= 0) this.#k.copyOut(pos, len, target, offset);
      if (this.#ops.releaseRead(pos) < 0 || len < 0) continue; // reclaimed mid-copy: torn, dropped
      return len;
    }
  }

  #unstashInto(target: Uint8Array, offset: number, room: number): number {
    const bytes = this.#stash!;
    if (bytes.length > room) {
      throw new RangeError(`the next message is ${bytes.length} bytes, but target has room for ${room}; it is kept for the next pop`);
    }
    this.#stash = undefined;
    target.set(bytes, offset);
    return bytes.length;
  }

  #takeStash(): Uint8Array {
    const bytes = this.#stash!;
    this.#stash = undefined;
    return bytes;
  }

  /** Closed, and every claimed slot taken: nothing more can ever be popped. */
  #drained(): boolean {
    return this.#k.closed && this.#k.usedCells === 0 && this.#stash === undefined;
  }

  /** Decodes the n records popBatch wrote into the scratch area, appending them to `out`. */
  #readRecords(n: number, out: T[]): void {
    const records = new RecordReader(this.#k, this.#scratch.offset, n);
    if (this.#codec === (bytesCodec as unknown as WireCodec<T>)) {
      // Bytes: copy the whole group out of shared memory once and hand out
      // views of that one private buffer: one allocation per batch rather
      // than one per message (the values share an ArrayBuffer, disjointly).
      const start = this.#scratch.offset;
      const views: [number, number][] = [];
      while (records.next()) if (!records.dropped) views.push([records.payload - start, records.length]);
      const block = this.#u8.slice(start, records.end);
      for (const [at, len] of views) out.push(block.subarray(at, at + len) as T);
      return;
    }
    while (records.next()) {
      if (!records.dropped) out.push(this.#codec.decodeAt(this.#u8, records.payload, records.length));
    }
  }
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
