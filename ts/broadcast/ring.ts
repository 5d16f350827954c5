// The broadcast ring's protocol: the only module that reads layout.ts. Every
// producer (Broadcast) and subscriber (Subscriber) talks to it in named terms.
//
// Producers claim positions with one CAS on TAIL, which gives every message
// its place in one total order, and a producer's own messages keep theirs.
// A claim then writes each slot as a seqlock: WRITING = p, the bytes, then
// READY = p. A subscriber reads position c when READY == c, copies or decodes
// the bytes, and keeps them only if WRITING is still c afterwards: otherwise
// a producer of a later lap started overwriting the slot meanwhile, and what
// it read may be torn. (This relies on the bytes being read before that last
// load, which TSO machines such as x86 give; JavaScript has no load fence.)
//
// 'wait': a producer claims p only when every ACTIVE subscriber's CURSOR has
// passed p - CAPACITY (the Disruptor's gating). The minimum is cached (a
// cursor only grows, a new subscriber starts at TAIL, so the cache errs on
// the safe side, and every subscribe bumps JOINS, for 'oldest' cursors) and
// rescanned when it blocks or JOINS moved. A subscriber whose CURSOR has
// held a producer back, unmoved, for stallTimeoutMs is EVICTED: it stops
// gating, and rejoins where the ring then is, counting what it missed.
// 'overwrite': nobody gates; a subscriber that finds its slot rewritten
// (READY past its cursor, or WRITING changed under it) skips to the oldest
// message still held and counts the positions it skipped.
import {
  BROADCAST_MAGIC, BROADCAST_VERSION, H_CAPACITY, H_CLOSED, H_CODEC, H_MAGIC, H_MAX_MESSAGE_BYTES, H_MAX_SUBSCRIBERS,
  H_NOT_EMPTY_ASYNC, H_NOT_EMPTY_SEQ, H_NOT_EMPTY_WAITERS, H_NOT_FULL_ASYNC, H_NOT_FULL_SEQ, H_NOT_FULL_WAITERS,
  H_JOINS, H_POLICY, H_SLOT_BYTES, H_SUB_HIGH, H_STALL_TIMEOUT_MS, H_TAIL, H_VERSION, LENGTH_WITHDRAWN, POLICY_WAIT, SLOT_LENGTH,
  SLOT_READY, SLOT_WRITING, SUB_ACTIVE, SUB_CURSOR, SUB_EVICTED, SUB_FREE, SUB_JOINING, SUB_STATE, geometryOf,
  type BroadcastGeometry,
} from './layout.js';
import { newSpinBudget, type WakeWord } from '../wait.js';

/** claim() outcomes. */
export const CLAIMED = 0;
export const FULL = 1;
export const CLOSED = 2;
/** A producer a whole lap behind is still writing a slot of the claim: try again in a moment. */
export const BUSY = 3;

/** read() outcomes. */
export const READY = 0;
export const NOT_READY = 1;
export const LAPPED = 2;
export const WITHDRAWN = 3;

/** The fixed parameters of a ring, as createBroadcast writes them. */
export interface RingParams {
  readonly capacity: number;
  readonly slotBytes: number;
  readonly maxMessageBytes: number;
  readonly maxSubscribers: number;
  readonly policy: number;
  readonly stallTimeoutMs: number;
  readonly codec: number;
}

/** One producer's view of the gating: its cached limit, and the subscriber it is stuck behind. */
export interface Gate {
  /** Positions before this one may be claimed (the slowest cursor seen + CAPACITY). */
  limit: number;
  /** The claim's first position, after CLAIMED. */
  at: number;
  /** JOINS when the limit was computed: a subscribe since may have put a cursor below it ('oldest'). */
  joins: number;
  stuckIndex: number;
  stuckCursor: number;
  stuckSince: number;
}

export const newGate = (): Gate => ({ limit: 0, at: 0, joins: -1, stuckIndex: -1, stuckCursor: 0, stuckSince: 0 });

/** @internal One thread's view of a broadcast ring. */
export class Ring {
  readonly buffer: SharedArrayBuffer;
  readonly i32: Int32Array;
  readonly bytes: Uint8Array;
  readonly params: RingParams;
  readonly #g: BroadcastGeometry;
  readonly #mask: number;
  readonly notEmpty: WakeWord;
  readonly notFull: WakeWord;

  private constructor(buffer: SharedArrayBuffer, params: RingParams) {
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    this.params = params;
    this.#g = geometryOf(params.capacity, params.slotBytes, params.maxSubscribers);
    this.#mask = params.capacity - 1;
    // A subscriber spins on past the spin budget while TAIL moves: producers are at work.
    this.notEmpty = { i32: this.i32, seq: H_NOT_EMPTY_SEQ, waiters: H_NOT_EMPTY_WAITERS, asyncWaits: H_NOT_EMPTY_ASYNC, spin: newSpinBudget(), progress: H_TAIL };
    this.notFull = { i32: this.i32, seq: H_NOT_FULL_SEQ, waiters: H_NOT_FULL_WAITERS, asyncWaits: H_NOT_FULL_ASYNC, spin: newSpinBudget() };
  }

  /** A new ring in a new SharedArrayBuffer. */
  static create(params: RingParams): Ring {
    const buffer = new SharedArrayBuffer(geometryOf(params.capacity, params.slotBytes, params.maxSubscribers).totalBytes);
    const ring = new Ring(buffer, params);
    const h = ring.i32;
    h[H_CAPACITY] = params.capacity;
    h[H_SLOT_BYTES] = params.slotBytes;
    h[H_MAX_MESSAGE_BYTES] = params.maxMessageBytes;
    h[H_MAX_SUBSCRIBERS] = params.maxSubscribers;
    h[H_POLICY] = params.policy;
    h[H_STALL_TIMEOUT_MS] = params.stallTimeoutMs;
    h[H_CODEC] = params.codec;
    // Each slot starts as if position slot - CAPACITY had been written there, withdrawn (no message).
    for (let s = 0; s < params.capacity; s++) {
      const w = ring.#slotWord(s, 0);
      h[w + SLOT_WRITING] = s - params.capacity;
      h[w + SLOT_READY] = s - params.capacity;
      h[w + SLOT_LENGTH] = LENGTH_WITHDRAWN;
    }
    h[H_VERSION] = BROADCAST_VERSION;
    Atomics.store(h, H_MAGIC, BROADCAST_MAGIC); // last: a ring is attachable once its header is whole
    return ring;
  }

  /** The ring in `buffer` (made by create, in any thread); throws a TypeError saying what is wrong. */
  static attach(buffer: unknown): Ring {
    if (!(buffer instanceof SharedArrayBuffer)) throw new TypeError('a broadcast handle holds its SharedArrayBuffer; this one does not');
    const h = new Int32Array(buffer, 0, Math.min(buffer.byteLength >> 2, H_CODEC + 1));
    if (h.length <= H_CODEC || Atomics.load(h, H_MAGIC) !== BROADCAST_MAGIC) {
      throw new TypeError('this memory holds no wasmq broadcast ring (its header has no broadcast magic word)');
    }
    if (h[H_VERSION] !== BROADCAST_VERSION) {
      throw new TypeError(`this broadcast ring has layout version ${h[H_VERSION]}; this wasmq reads version ${BROADCAST_VERSION}`);
    }
    const params: RingParams = {
      capacity: h[H_CAPACITY]!, slotBytes: h[H_SLOT_BYTES]!, maxMessageBytes: h[H_MAX_MESSAGE_BYTES]!,
      maxSubscribers: h[H_MAX_SUBSCRIBERS]!, policy: h[H_POLICY]!, stallTimeoutMs: h[H_STALL_TIMEOUT_MS]!, codec: h[H_CODEC]!,
    };
    if (geometryOf(params.capacity, params.slotBytes, params.maxSubscribers).totalBytes !== buffer.byteLength) {
      throw new TypeError('this broadcast ring\'s header does not match its memory\'s size: the memory was overwritten');
    }
    return new Ring(buffer, params);
  }

  /** 'wait': subscribers' cursors hold producers back. */
  get gates(): boolean {
    return this.params.policy === POLICY_WAIT;
  }

  #slotWord(slot: number, word: number): number {
    return this.#g.slots + slot * this.#g.slotWords + word;
  }

  #subWord(index: number, word: number): number {
    return this.#g.subscribers + index * this.#g.subscriberWords + word;
  }

  /** Byte offset of position p's data. */
  dataAt(p: number): number {
    return this.#g.data + (p & this.#mask) * this.params.slotBytes;
  }

  tail(): number {
    return Atomics.load(this.i32, H_TAIL);
  }

  closed(): boolean {
    return Atomics.load(this.i32, H_CLOSED) !== 0;
  }

  close(): void {
    Atomics.store(this.i32, H_CLOSED, 1);
    for (const w of [this.notEmpty, this.notFull]) {
      Atomics.add(this.i32, w.seq, 1);
      Atomics.notify(this.i32, w.seq);
    }
  }

  // ------------------------------------------------------------ producers

  /** Claims `n` consecutive positions (g.at is the first): CLAIMED, FULL, CLOSED or BUSY. */
  claim(n: number, g: Gate): number {
    const h = this.i32;
    const cap = this.params.capacity;
    for (;;) {
      if (Atomics.load(h, H_CLOSED) !== 0) return CLOSED;
      const t = Atomics.load(h, H_TAIL);
      if (this.params.policy === POLICY_WAIT && (((t + n - g.limit) | 0) > 0 || Atomics.load(h, H_JOINS) !== g.joins)) {
        g.joins = Atomics.load(h, H_JOINS);
        g.limit = (this.#slowest(t, n, g) + cap) | 0;
        if (((t + n - g.limit) | 0) > 0) return FULL;
      }
      for (let j = 0; j < n; j++) {
        const p = (t + j) | 0;
        // READY == p - CAPACITY: the slot's previous lap is written; only the owner of p changes it now.
        if (Atomics.load(h, this.#slotWord(p & this.#mask, SLOT_READY)) !== ((p - cap) | 0)) return BUSY;
      }
      // TAIL == t: nobody claimed since we checked; the positions t .. t+n-1 are ours.
      if (Atomics.compareExchange(h, H_TAIL, t, (t + n) | 0) === t) {
        g.at = t;
        return CLAIMED;
      }
    }
  }

  /** Marks position p as being written (before its bytes change): a reader of the slot's last lap now discards what it read. */
  begin(p: number): void {
    Atomics.store(this.i32, this.#slotWord(p & this.#mask, SLOT_WRITING), p);
  }

  /** Publishes position p with `length` bytes (LENGTH_WITHDRAWN: no message), then wakes parked subscribers. */
  publish(p: number, length: number): void {
    const w = this.#slotWord(p & this.#mask, 0);
    this.i32[w + SLOT_LENGTH] = length; // ordered before READY by the store below
    // READY = p: its bytes and length are whole; subscribers may read it.
    Atomics.store(this.i32, w + SLOT_READY, p);
  }

  /** Publishes position p as no message (its claim was given up): subscribers skip it. */
  withdraw(p: number): void {
    this.publish(p, LENGTH_WITHDRAWN);
  }

  /** After publishing: wakes every parked subscriber (each wants every message). */
  wakeSubscribers(): void {
    this.#wake(this.notEmpty);
  }

  /** The waker's half (ts/wait.ts): after publishing, if anyone is registered, bump the word and wake them all. */
  #wake(word: WakeWord): void {
    if (Atomics.load(this.i32, word.waiters) > 0) {
      Atomics.add(this.i32, word.seq, 1);
      Atomics.notify(this.i32, word.seq);
    }
  }

  /**
   * The slowest ACTIVE cursor (t when none). If one holds back a claim of n
   * at t and has not moved since this producer first saw it there, for
   * stallTimeoutMs, it is EVICTED and the scan runs again.
   */
  #slowest(t: number, n: number, g: Gate): number {
    const h = this.i32;
    for (;;) {
      let min = t;
      let minIndex = -1;
      const high = Atomics.load(h, H_SUB_HIGH);
      for (let i = 0; i < high; i++) {
        if (Atomics.load(h, this.#subWord(i, SUB_STATE)) !== SUB_ACTIVE) continue;
        const c = Atomics.load(h, this.#subWord(i, SUB_CURSOR));
        if (((c - min) | 0) < 0) {
          min = c;
          minIndex = i;
        }
      }
      if (minIndex < 0 || ((t + n - min - this.params.capacity) | 0) <= 0) return min;
      const now = performance.now();
      if (g.stuckIndex !== minIndex || g.stuckCursor !== min) {
        g.stuckIndex = minIndex;
        g.stuckCursor = min;
        g.stuckSince = now;
        return min;
      }
      if (now - g.stuckSince < this.params.stallTimeoutMs) return min;
      // ACTIVE, cursor unmoved for stallTimeoutMs while it held us back: stop waiting for it.
      Atomics.compareExchange(h, this.#subWord(minIndex, SUB_STATE), SUB_ACTIVE, SUB_EVICTED);
      g.stuckIndex = -1;
      this.wakeProducers(); // the others waiting behind it may go on too
    }
  }

  // ------------------------------------------------------------ subscribers

  /** What position c holds now: READY (length in readLength), NOT_READY, LAPPED or WITHDRAWN. */
  read(c: number): number {
    const w = this.#slotWord(c & this.#mask, 0);
    const d = (Atomics.load(this.i32, w + SLOT_READY) - c) | 0;
    if (d < 0) return NOT_READY; // READY < c: position c is not written yet
    if (d > 0) return LAPPED; // READY > c: a later lap was written over it
    const length = this.i32[w + SLOT_LENGTH]!;
    this.readLength = length;
    return length === LENGTH_WITHDRAWN ? WITHDRAWN : READY;
  }

  /** The length read() found at a READY position. */
  readLength = 0;

  /** After reading position c's bytes: true if no producer started overwriting them meanwhile. */
  intact(c: number): boolean {
    // WRITING == c: no later lap has begun in this slot, so the bytes read were c's, whole.
    return Atomics.load(this.i32, this.#slotWord(c & this.#mask, SLOT_WRITING)) === c;
  }

  /**
   * The oldest message still held: the first position from TAIL - CAPACITY
   * that is published and is a message (not withdrawn, nor one of the
   * never-written positions a new ring starts with); TAIL if none is.
   */
  oldest(): number {
    const t = this.tail();
    let p = (t - this.params.capacity) | 0;
    for (; ((t - p) | 0) > 0; p = (p + 1) | 0) {
      const w = this.#slotWord(p & this.#mask, 0);
      if (Atomics.load(this.i32, w + SLOT_READY) === p && this.i32[w + SLOT_LENGTH] !== LENGTH_WITHDRAWN) break;
    }
    return p;
  }

  /** Takes a free subscriber entry, at `cursor` (a function: read once the entry is ours). Returns its index, or -1 if none is free. */
  join(cursor: () => number): number {
    const h = this.i32;
    for (let i = 0; i < this.params.maxSubscribers; i++) {
      // FREE → JOINING: the entry is ours; producers ignore it until it is ACTIVE.
      if (Atomics.compareExchange(h, this.#subWord(i, SUB_STATE), SUB_FREE, SUB_JOINING) !== SUB_FREE) continue;
      // SUB_HIGH > i before the entry is ACTIVE: a producer's scan that reads the new SUB_HIGH reaches it.
      for (let high = Atomics.load(h, H_SUB_HIGH); high <= i; high = Atomics.load(h, H_SUB_HIGH)) {
        if (Atomics.compareExchange(h, H_SUB_HIGH, high, i + 1) === high) break;
      }
      Atomics.store(h, this.#subWord(i, SUB_CURSOR), cursor());
      Atomics.store(h, this.#subWord(i, SUB_STATE), SUB_ACTIVE);
      // Producers rescan before their next claim: a cursor from oldest() may sit below their cached limit.
      Atomics.add(h, H_JOINS, 1);
      return i;
    }
    return -1;
  }

  /** Publishes subscriber i's cursor (it has read everything before c); `wake`: also wake producers waiting for room. */
  advance(i: number, c: number, wake: boolean): void {
    Atomics.store(this.i32, this.#subWord(i, SUB_CURSOR), c);
    if (wake) this.wakeProducers();
  }

  /** Wakes producers waiting for room, if any. */
  wakeProducers(): void {
    this.#wake(this.notFull);
  }

  /** Whether a producer evicted subscriber i. */
  evicted(i: number): boolean {
    return Atomics.load(this.i32, this.#subWord(i, SUB_STATE)) === SUB_EVICTED;
  }

  /** An evicted subscriber gates again from cursor c (which it then checks, as any read). */
  rejoin(i: number, c: number): void {
    Atomics.store(this.i32, this.#subWord(i, SUB_CURSOR), c);
    // EVICTED → ACTIVE: only its own subscriber does this. Producers rescan: their limits left it out.
    Atomics.compareExchange(this.i32, this.#subWord(i, SUB_STATE), SUB_EVICTED, SUB_ACTIVE);
    Atomics.add(this.i32, H_JOINS, 1);
  }

  /** Frees entry i (unsubscribe, or its Subscriber was collected). */
  leave(i: number): void {
    Atomics.store(this.i32, this.#subWord(i, SUB_STATE), SUB_FREE);
    this.wakeProducers();
  }

  /** Entries in use (JOINING, ACTIVE or EVICTED). */
  subscriberCount(): number {
    let n = 0;
    const high = Atomics.load(this.i32, H_SUB_HIGH); // entries past it were never used
    for (let i = 0; i < high; i++) if (Atomics.load(this.i32, this.#subWord(i, SUB_STATE)) !== SUB_FREE) n++;
    return n;
  }
}
