// One thread's byte-level access to a queue: its scratch lease, its stall
// watch, and ONE attempt of each kind of transfer. Queue (queue.ts) builds
// every public call from these attempts, adding codecs, validation and the
// retry loop.
//
// A small message is staged in the scratch area and pushed with one kernel
// call that claims, copies (memory.copy) and publishes. A message too large
// for the scratch area takes the two-phase path: claim (a position token) →
// copy from JS straight into the ring → publish the token.
import { BUSY, CLOSED, FULL, OVERSIZE, RECLAIMED, TOO_BIG, type Kernel, type Scratch } from '../kernel/kernel.js';
import { Batch, batchCount, batchPosition, copyBatch, handBatch, readBatch, type Cursor } from '../kernel/batch.js';
import type { WireCodec } from '../codecs.js';
import { bytesCodec } from '../codecs.js';
import { QueueClosedError } from '../errors.js';
import { bounce } from './bounce.js';
import { StallWatch } from './stall.js';

/** What one pop attempt found when it found no value. */
export const NONE = Symbol('none');
export const DRAINED = Symbol('drained');
export type Attempt<T> = T | typeof NONE | typeof DRAINED;

/** Gives a thread's scratch area back when its Queue object is collected. */
const leases = new FinalizationRegistry<{ kernel: Kernel; scratch: Scratch }>(({ kernel, scratch }) =>
  kernel.releaseScratch(scratch),
);
/**
 * Uses of the scratch area between two signs of life (and, without an area,
 * two tries to lease one). A Date.now() per this many messages costs nothing
 * measurable; a thread that neither parks nor moves this many messages within
 * stallTimeoutMs may have its area taken for dead, which it notices at its
 * next use (Transfer.own) and leases again.
 */
const BEAT_OPS = 1024;

export class Transfer {
  readonly kernel: Kernel;
  readonly ops: Kernel['ops'];
  readonly stalls: StallWatch;
  readonly maxMessageBytes: number;
  readonly #u8: Uint8Array;
  readonly #u32: Uint32Array;
  readonly #owner: WeakRef<object>;
  /** Uses of the scratch area left before the next sign of life (see BEAT_OPS). */
  #beat = BEAT_OPS;
  /** detach() was called: never lease again. */
  #detached = false;
  /** scratch.generationWord and scratch.generation, kept here for own()'s one load. */
  #genWord = 0;
  #gen = 0;
  scratch: Scratch;
  /** The scratch area as a view, for codecs that encode in place. */
  scratchView: Uint8Array;
  /** Messages this thread took but could not hand over yet, oldest first (see popInto and drain): every pop takes them first. */
  readonly #kept: Uint8Array[] = [];

  /** Leases a scratch area, released by detach() or when `owner` is garbage-collected. */
  constructor(kernel: Kernel, owner: object) {
    this.kernel = kernel;
    this.ops = kernel.ops;
    this.#u8 = kernel.u8;
    this.maxMessageBytes = kernel.maxMessageBytes;
    this.#u32 = kernel.u32;
    this.#owner = new WeakRef(owner);
    this.stalls = new StallWatch(kernel);
    this.scratch = kernel.noScratch;
    this.scratchView = this.#u8.subarray(0, 0);
    // Attaching is when a thread looks for holdings of dead threads: their
    // areas (when every one is taken) and their waits (always) come back.
    kernel.reclaimSilentLeases();
    this.#lease();
    kernel.reclaimUnlockedLeases()?.then((ended) => {
      if (ended > 0) this.#beat = 0; // without an area, try again at the next use
    }, () => {});
  }

  /** Returns the scratch area; later transfers take the two-phase path. */
  detach(): void {
    this.#detached = true;
    this.#drop();
  }

  /**
   * Before every use of the scratch area: one load says whether it is still
   * this thread's, and a countdown brings, now and then, a sign of life (or,
   * without an area, a try to lease one).
   */
  own(): void {
    if (this.#u32[this.#genWord] !== this.#gen || --this.#beat < 0) this.#renew();
  }

  #renew(): void {
    this.#beat = BEAT_OPS;
    const scratch = this.scratch;
    if (this.kernel.stillHeld(scratch)) {
      if (scratch.index >= 0) return this.kernel.touch(scratch);
      if (!this.#detached) this.#lease();
      return;
    }
    // Our holding was ended by a thread that took us for dead (we showed no
    // sign of life for stallTimeoutMs). Not a byte more goes into that area
    // (quarantined now, another thread's later); lease a new one.
    this.#drop();
    this.#lease();
  }

  #lease(): void {
    const scratch = this.kernel.leaseScratch();
    if (scratch === undefined) return;
    this.#use(scratch);
    const owner = this.#owner.deref();
    if (owner !== undefined) leases.register(owner, { kernel: this.kernel, scratch }, this);
  }

  #drop(): void {
    const scratch = this.scratch;
    if (scratch.index < 0) return;
    leases.unregister(this);
    this.kernel.releaseScratch(scratch);
    this.#use(this.kernel.noScratch);
  }

  #use(scratch: Scratch): void {
    this.scratch = scratch;
    this.scratchView = this.#u8.subarray(scratch.offset, scratch.offset + scratch.bytes);
    this.#genWord = scratch.generationWord;
    this.#gen = scratch.generation;
  }

  /** @internal For a host that watches this thread (the pool): marks the holding as its to end, and names it; undefined without one. */
  hostWatchedLease(): { index: number; generation: number } | undefined {
    const scratch = this.scratch;
    if (!this.kernel.hostWatch(scratch)) return undefined;
    return { index: scratch.index, generation: scratch.generation };
  }

  checkSize(len: number): void {
    if (len > this.maxMessageBytes) {
      throw new RangeError(
        `message of ${len} bytes is larger than this queue's maxMessageBytes (${this.maxMessageBytes}); nothing was pushed`,
      );
    }
  }

  // ---------------------------------------------------------------- push

  /** Maps a kernel push result to true (pushed) / false (no room); throws when closed. */
  pushed(r: number): boolean {
    if (r > 0) return true;
    if (r === FULL) return false;
    if (r === BUSY) {
      this.stalls.suspectConsumer();
      return false;
    }
    if (r === CLOSED) throw new QueueClosedError();
    if (r === OVERSIZE) this.checkSize(Infinity);
    throw new Error(`wasmq kernel returned unexpected push result ${r}`);
  }

  /** One push attempt of bytes in private memory: true (pushed) or false (no room); throws when closed. */
  pushOnce(bytes: Uint8Array): boolean {
    return this.pushed(this.pushBytes(bytes));
  }

  /** Pushes bytes that live in private memory. Returns a kernel result. */
  pushBytes(bytes: Uint8Array): number {
    this.own();
    if (bytes.length <= this.scratch.bytes) {
      this.#u8.set(bytes, this.scratch.offset);
      return this.ops.tryPush(this.scratch.offset, bytes.length);
    }
    return this.pushTwoPhase(bytes);
  }

  /** Claim in the kernel, copy from JS straight into the ring, publish. */
  pushTwoPhase(bytes: Uint8Array): number {
    for (;;) {
      const pos = this.ops.claimWrite(bytes.length);
      if (pos < 0) return pos;
      this.kernel.copyIn(pos, bytes);
      const r = this.ops.publishWrite(pos, bytes.length);
      if (r !== RECLAIMED) return r;
    }
  }

  // ---------------------------------------------------------------- pop

  /** One pop attempt decoded with `codec`: a value, NONE (empty) or DRAINED. */
  popOnce<T>(codec: WireCodec<T>): Attempt<T> {
    if (this.#kept.length > 0) return codec.decode(this.#kept.shift()!);
    this.own();
    const scratch = this.scratch;
    const r = this.ops.tryPop(scratch.offset, scratch.bytes);
    if (r >= 0) return codec.decodeAt(this.#u8, scratch.offset, r);
    if (r === TOO_BIG) return this.popTwoPhase(codec);
    return this.#noMessage(r);
  }

  /** Claim the head message in the kernel, copy it out from JS, release. */
  popTwoPhase<T>(codec: WireCodec<T>): Attempt<T> {
    for (;;) {
      const pos = this.ops.claimRead();
      if (pos < 0) return this.#noMessage(pos);
      const len = this.ops.readLength(pos);
      const bytes = len < 0 ? undefined : this.kernel.sliceOut(pos, len);
      if (this.ops.releaseRead(pos) < 0 || bytes === undefined) continue; // reclaimed mid-copy: torn, dropped
      return codec.decode(bytes);
    }
  }

  /** One raw pop attempt into `target` at `offset`: the length, or -1 when empty. */
  popInto(target: Uint8Array, offset: number): number {
    const room = target.length - offset;
    this.own();
    const scratch = this.scratch;
    for (;;) {
      if (this.#kept.length > 0) return this.#unkeepInto(target, offset, room);
      const r = this.ops.tryPop(scratch.offset, Math.min(room, scratch.bytes));
      if (r >= 0) {
        this.kernel.copyScratch(scratch.offset, r, target, offset);
        return r;
      }
      if (r !== TOO_BIG) {
        this.#noMessage(r);
        return -1;
      }
      const hint = this.ops.headLength();
      if (hint > room) {
        throw new RangeError(`the next message is ${hint} bytes, but target has room for ${room} (from offset ${offset})`);
      }
      const pos = this.ops.claimRead();
      if (pos < 0) continue;
      const len = this.ops.readLength(pos);
      if (len > room) {
        // Another consumer took the one we measured; this one is larger. It
        // is ours now, so it must not be dropped: keep it for the next pop.
        const bytes = this.kernel.sliceOut(pos, len);
        if (this.ops.releaseRead(pos) < 0) continue;
        this.#kept.push(bytes);
        throw new RangeError(`the next message is ${len} bytes, but target has room for ${room}; it is kept for the next pop`);
      }
      if (len >= 0) this.kernel.copyOut(pos, len, target, offset);
      if (this.ops.releaseRead(pos) < 0 || len < 0) continue; // reclaimed mid-copy: torn, dropped
      return len;
    }
  }

  /**
   * Pops up to `max` messages that are there now into `out`, taking each
   * group in place with one atomic step (no staging copy). If decoding one
   * throws, it counts as consumed, the rest of its group is kept for the next
   * pop, and the error propagates.
   */
  popBatch<T>(codec: WireCodec<T>, max: number, out: T[]): void {
    while (out.length < max && this.#kept.length > 0) out.push(codec.decode(this.#kept.shift()!));
    const k = this.kernel;
    const batch = this.batch;
    while (out.length < max) {
      const token = this.ops.takeMany(max - out.length);
      if (token < 0) {
        if (token === BUSY) this.stalls.suspectProducer();
        return;
      }
      const pos = batchPosition(token);
      readBatch(k, pos, batchCount(token), batch);
      if (codec === (bytesCodec as unknown as WireCodec<T>)) {
        copyBatch(k, batch, (block, at, len) => out.push(block.subarray(at, at + len) as T));
        this.releaseTaken(pos);
        continue;
      }
      const cursor: Cursor = { index: 0 };
      try {
        handBatch(k, batch, (bytes, at, len) => out.push(codec.decodeAt(bytes, at, len)), bounce, cursor);
      } catch (error) {
        this.keepTaken(cursor.index + 1);
        this.releaseTaken(pos);
        throw error;
      }
      this.releaseTaken(pos);
    }
  }

  /** Where the messages of this thread's current take are (reused). */
  readonly batch = new Batch();

  /** Copies messages `from`.. of the current take into the keep list, so that releasing them loses nothing. */
  keepTaken(from: number): void {
    const { positions, lengths, count } = this.batch;
    for (let j = from; j < count; j++) {
      if (this.kernel.holds(positions[j])) this.#kept.push(this.kernel.sliceOut(positions[j], lengths[j]));
    }
  }

  /**
   * Releases the current take (taken at `pos`). If a producer reclaimed part
   * of it meanwhile (this thread stalled past stallTimeoutMs), releases what
   * is still this thread's one message at a time.
   */
  releaseTaken(pos: number): void {
    const { positions, count } = this.batch;
    if (this.ops.releaseMany(pos, count) === count) return;
    for (let j = 0; j < count; j++) if (this.kernel.holds(positions[j])) this.ops.releaseRead(positions[j]);
  }

  /** Closed, and every claimed slot taken: nothing more can ever be popped. */
  drained(): boolean {
    return this.kernel.closed && this.kernel.usedCells === 0 && this.#kept.length === 0;
  }

  /** What a failed pop result means; BUSY is timed as a possible dead producer. */
  #noMessage(r: number): typeof NONE | typeof DRAINED {
    if (r === BUSY) this.stalls.suspectProducer();
    return r === CLOSED ? DRAINED : NONE;
  }

  /** Keeps a private copy of a message this thread took but could not hand over: the next pop or drain delivers it first. */
  keep(bytes: Uint8Array): void {
    this.#kept.push(bytes);
  }

  /** The oldest kept message, taken; undefined when none is kept. */
  takeKept(): Uint8Array | undefined {
    return this.#kept.shift();
  }

  #unkeepInto(target: Uint8Array, offset: number, room: number): number {
    const bytes = this.#kept[0];
    if (bytes.length > room) {
      throw new RangeError(`the next message is ${bytes.length} bytes, but target has room for ${room}; it is kept for the next pop`);
    }
    this.#kept.shift();
    target.set(bytes, offset);
    return bytes.length;
  }

}

/** For a pop attempt: true if it took a value, false if none yet; throws once drained. */
export function took<T>(v: Attempt<T>): boolean {
  if (v === NONE) return false;
  valueOrDrained(v);
  return true;
}

export function valueOrDrained<T>(v: T | typeof DRAINED): T {
  if (v === DRAINED) throw new QueueClosedError('the queue is closed and drained');
  return v;
}
