// The ablation: wasmq's algorithm written in plain JavaScript over a
// SharedArrayBuffer, with no WebAssembly. Comparing it with the real kernel
// shows what compiling the hot path to Wasm adds (or costs).
//
// Ported from assembly/index.ts, keeping the hot paths' shape:
//   - Vyukov's bounded MPMC queue: every cell has a sequence number; a cell
//     is free for position p when seq == p, published when seq == p + 1, and
//     handed to the next lap with seq = p + capacity.
//   - A message spans ceil(len / slotBytes) consecutive cells, claimed with
//     ONE CAS on the tail and taken with ONE CAS on the head (FIFO for any size).
//   - pushBatch claims the cells of many messages with one CAS; popBatch takes
//     many messages with one CAS.
//   - Hot words on their own LINE_BYTES lines; wake only when a waiter is
//     registered; blocking calls use the very same spin-then-park strategy
//     as wasmq (dist/wait.js), so waiting is not what differs.
//
// Deliberately left out: the dead-thread recovery states (WRITING /
// ABANDONED) and closing. JavaScript has no cheap 64-bit CAS (BigInt64Array
// allocates), so the cell is two i32 words [seq, len] and publishing is a
// plain store of len then an atomic store of seq. That removes one CAS per
// push compared with the kernel, so this ablation is, if anything, an
// optimistic upper bound for pure JS.
import { CELL_BYTES, FIXED_HEADER_BYTES, LINE_BYTES, OFF_CONSUMERS_WAITING, OFF_HEAD, OFF_NOT_EMPTY_SEQ, OFF_NOT_FULL_SEQ, OFF_PRODUCERS_WAITING, OFF_TAIL } from '../../dist/kernel/layout.js';
import { waitSync } from '../../dist/wait.js';

// Same memory shape as the kernel, from the kernel's own layout (so the
// comparison stays like-for-like if the layout changes): the hot words at the
// kernel's offsets, cells from FIXED_HEADER_BYTES, data from the next line.
// Int32 indices of the hot words. TAIL is the low word of the kernel's u64
// tail (little-endian); this port has no closed bit, so it uses only that word.
const TAIL = OFF_TAIL >> 2;
const HEAD = OFF_HEAD >> 2;
const NOT_EMPTY_SEQ = OFF_NOT_EMPTY_SEQ >> 2;
const CONSUMERS_WAITING = OFF_CONSUMERS_WAITING >> 2;
const NOT_FULL_SEQ = OFF_NOT_FULL_SEQ >> 2;
const PRODUCERS_WAITING = OFF_PRODUCERS_WAITING >> 2;
// The wake words for waitSync (which reads seq and waiters; the port has no
// async waits, so the kernel's *_ASYNC counters are not used).
// A cell is CELL_BYTES as in the kernel, read as Int32 words: word 0 is seq
// (the kernel's low 32 bits), word 1 is the kernel's info word. Here word 1
// holds the plain message length, not state | value: the port keeps no states
// (see above), so STATE_SHIFT / VALUE_MASK do not apply to it.
const CELL_WORDS = CELL_BYTES >> 2;
const LEN_WORD = 1;
// The header line itself (magic, version, capacity, ...) is left unwritten:
// the handle carries capacity and offsets, and no kernel ever attaches to it.

/**
 * How long a parked thread sleeps at most before re-checking. Not a layout
 * value: wasmq derives its tick from the stallTimeoutMs option (half of it,
 * 500 ms at the default 1000) to run stall checks; this port has no stall
 * checks, and 500 keeps its parking the same as wasmq's at the default.
 */
const TICK_MS = 500;

/** Allocates and initialises a queue; returns the cloneable handle. */
export function createJsQueue({ capacity, slotBytes }) {
  if ((capacity & (capacity - 1)) !== 0 || (slotBytes & (slotBytes - 1)) !== 0) {
    throw new RangeError(`capacity and slotBytes must be powers of two; got ${capacity}, ${slotBytes}`);
  }
  const cellsOffset = FIXED_HEADER_BYTES;
  const dataOffset = Math.ceil((cellsOffset + capacity * CELL_BYTES) / LINE_BYTES) * LINE_BYTES;
  const sab = new SharedArrayBuffer(dataOffset + capacity * slotBytes);
  const i32 = new Int32Array(sab);
  // Cell i starts free for lap 0: seq == i.
  for (let i = 0; i < capacity; i++) i32[(cellsOffset >> 2) + CELL_WORDS * i] = i;
  return { sab, capacity, slotBytes, cellsOffset, dataOffset };
}

export class JsQueue {
  constructor({ sab, capacity, slotBytes, cellsOffset, dataOffset }) {
    this.i32 = new Int32Array(sab);
    this.notEmpty = { i32: this.i32, seq: NOT_EMPTY_SEQ, waiters: CONSUMERS_WAITING };
    this.notFull = { i32: this.i32, seq: NOT_FULL_SEQ, waiters: PRODUCERS_WAITING };
    this.u8 = new Uint8Array(sab);
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.slotBytes = slotBytes;
    this.shift = 31 - Math.clz32(slotBytes);
    this.cells = cellsOffset >> 2;
    this.data = dataOffset;
    this.dataEnd = dataOffset + capacity * slotBytes;
  }

  /** Int32 index of the seq word of position p's cell (its len word is at + LEN_WORD). */
  cell(p) {
    return this.cells + (p & this.mask) * CELL_WORDS;
  }
  slotsFor(len) {
    return len === 0 ? 1 : (len + this.slotBytes - 1) >>> this.shift;
  }

  /** Claims k cells at the tail with one CAS; returns the position or -1 when full. */
  claim(k) {
    const i32 = this.i32;
    let pos = Atomics.load(i32, TAIL);
    for (;;) {
      let i = 0;
      let d = 0;
      for (; i < k; i++) {
        d = (Atomics.load(i32, this.cell(pos + i)) - (pos + i)) | 0;
        if (d !== 0) break;
      }
      if (i < k) {
        if (d < 0) return -1; // the cell still holds the previous lap: full
        pos = Atomics.load(i32, TAIL); // stale snapshot
        continue;
      }
      const seen = Atomics.compareExchange(i32, TAIL, pos, (pos + k) | 0);
      if (seen === pos) return pos >>> 0;
      pos = seen;
    }
  }

  /** Copies bytes into the data cells of position pos (wrapping at the ring end), then publishes. */
  write(pos, src) {
    const len = src.length;
    const u8 = this.u8;
    const at = this.data + ((pos & this.mask) << this.shift);
    const room = this.dataEnd - at;
    // Small copies: a byte loop beats creating a view for TypedArray.set.
    if (len <= 64) {
      if (len <= room) for (let i = 0; i < len; i++) u8[at + i] = src[i];
      else {
        for (let i = 0; i < room; i++) u8[at + i] = src[i];
        for (let i = room; i < len; i++) u8[this.data + i - room] = src[i];
      }
    } else if (len <= room) u8.set(src, at);
    else {
      u8.set(src.subarray(0, room), at);
      u8.set(src.subarray(room), this.data);
    }
    const c = this.cell(pos);
    this.i32[c + LEN_WORD] = len;
    Atomics.store(this.i32, c, (pos + 1) | 0); // publish: seq = pos + 1
  }

  /** Copies the message at pos out into a new Uint8Array and hands its cells to the next lap. */
  read(pos, len) {
    const at = this.data + ((pos & this.mask) << this.shift);
    const room = this.dataEnd - at;
    let out;
    if (len <= room) out = this.u8.slice(at, at + len);
    else {
      out = new Uint8Array(len);
      out.set(this.u8.subarray(at, this.dataEnd));
      out.set(this.u8.subarray(this.data, this.data + len - room), room);
    }
    const k = this.slotsFor(len);
    // Continuation cells first, then the first cell: a producer reaches them only after the first.
    for (let i = 1; i < k; i++) Atomics.store(this.i32, this.cell(pos + i), (pos + i + this.capacity) | 0);
    Atomics.store(this.i32, this.cell(pos), (pos + this.capacity) | 0);
    return out;
  }

  wakeConsumers(n) {
    if (Atomics.load(this.i32, CONSUMERS_WAITING) > 0) {
      Atomics.add(this.i32, NOT_EMPTY_SEQ, 1);
      Atomics.notify(this.i32, NOT_EMPTY_SEQ, n);
    }
  }
  wakeProducers() {
    if (Atomics.load(this.i32, PRODUCERS_WAITING) > 0) {
      Atomics.add(this.i32, NOT_FULL_SEQ, 1);
      Atomics.notify(this.i32, NOT_FULL_SEQ);
    }
  }

  tryPush(src) {
    const pos = this.claim(this.slotsFor(src.length));
    if (pos < 0) return false;
    this.write(pos, src);
    this.wakeConsumers(1);
    return true;
  }

  /** Finds the published message at the head and takes it with one CAS; -1 when empty. */
  take() {
    const i32 = this.i32;
    let h = Atomics.load(i32, HEAD);
    for (;;) {
      const c = this.cell(h);
      const d = (Atomics.load(i32, c) - (h + 1)) | 0;
      if (d < 0) return -1; // not published yet: empty (or being written)
      if (d > 0) {
        h = Atomics.load(i32, HEAD); // another consumer took it
        continue;
      }
      const len = i32[c + LEN_WORD];
      const seen = Atomics.compareExchange(i32, HEAD, h, (h + this.slotsFor(len)) | 0);
      if (seen === h) {
        this.takenLen = len;
        return h >>> 0;
      }
      h = seen;
    }
  }

  tryPop() {
    const pos = this.take();
    if (pos < 0) return undefined;
    const out = this.read(pos, this.takenLen);
    this.wakeProducers();
    return out;
  }

  push(src) {
    if (this.tryPush(src)) return;
    waitSync(this.notFull, () => this.tryPush(src), Infinity, TICK_MS);
  }

  pop() {
    let out = this.tryPop();
    if (out !== undefined) return out;
    waitSync(this.notEmpty, () => (out = this.tryPop()) !== undefined, Infinity, TICK_MS);
    return out;
  }

  /** Pushes the longest prefix of `values` whose cells are free now, with one CAS. Returns the count. */
  pushBatch(values) {
    const i32 = this.i32;
    let pos = Atomics.load(i32, TAIL);
    for (;;) {
      let n = 0;
      let slots = 0;
      let stale = false;
      while (n < values.length) {
        const k = this.slotsFor(values[n].length);
        let i = 0;
        for (; i < k; i++) {
          const p = pos + slots + i;
          const d = (Atomics.load(i32, this.cell(p)) - p) | 0;
          if (d !== 0) {
            stale = d > 0;
            break;
          }
        }
        if (i < k) break;
        slots += k;
        n++;
      }
      if (n === 0) {
        if (!stale) return 0;
        pos = Atomics.load(i32, TAIL);
        continue;
      }
      const seen = Atomics.compareExchange(i32, TAIL, pos, (pos + slots) | 0);
      if (seen !== pos) {
        pos = seen;
        continue;
      }
      let p = pos >>> 0;
      for (let j = 0; j < n; j++) {
        this.write(p, values[j]);
        p += this.slotsFor(values[j].length);
      }
      this.wakeConsumers(n);
      return n;
    }
  }

  /** Takes up to `max` published messages at the head with one CAS. */
  popBatch(max) {
    const i32 = this.i32;
    const out = [];
    let h = Atomics.load(i32, HEAD);
    for (;;) {
      let p = h;
      let n = 0;
      while (n < max) {
        const c = this.cell(p);
        if (Atomics.load(i32, c) !== ((p + 1) | 0)) break;
        p = (p + this.slotsFor(i32[c + LEN_WORD])) | 0;
        n++;
      }
      if (n === 0) {
        const now = Atomics.load(i32, HEAD);
        if (now === h) return out; // empty
        h = now;
        continue;
      }
      const seen = Atomics.compareExchange(i32, HEAD, h, p);
      if (seen !== h) {
        h = seen;
        continue;
      }
      p = h >>> 0;
      for (let j = 0; j < n; j++) {
        const len = i32[this.cell(p) + LEN_WORD];
        out.push(this.read(p, len));
        p += this.slotsFor(len);
      }
      this.wakeProducers();
      return out;
    }
  }
}
