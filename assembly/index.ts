// The wasmq kernel: a bounded multi-producer multi-consumer queue of byte
// messages in shared linear memory.
//
// Algorithm: Dmitry Vyukov's bounded MPMC queue (per-cell sequence numbers),
// extended in three ways:
//   1. A message may span several consecutive cells, claimed by one CAS on the
//      tail (and one CAS on the head to take it), so FIFO order holds for
//      messages of any size up to the ring.
//   2. Each cell word also carries a small state (WRITING / READY / ABANDONED),
//      so a thread that dies between claiming and finishing can be detected
//      and its cells reclaimed (see reclaimWrite / reclaimRead).
//   3. Batches: pushBatch claims the cells of many messages with one CAS, and
//      popBatch takes many messages with one CAS.
//
// Positions (head, tail, seq) are u32 and wrap modulo 2^32. Capacity is a
// power of two that divides 2^32, so `pos & mask` stays continuous across the
// wrap, and every comparison is a signed difference `<i32>(a - b)`, which is
// correct while the two values are less than 2^31 apart (capacity <= 2^28).
//
// All Wasm atomics are sequentially consistent, so no explicit fences appear.
// The kernel allocates nothing and keeps no state in memory other than the
// layout in ./layout.ts; its globals are per instance, i.e. per thread.

import {
  MAGIC, LAYOUT_VERSION,
  OFF_MAGIC, OFF_VERSION, OFF_CAPACITY, OFF_SLOT_BYTES, OFF_MAX_MESSAGE_BYTES,
  OFF_CELLS, OFF_DATA, OFF_SCRATCH, OFF_SCRATCH_BYTES, OFF_SCRATCH_COUNT,
  OFF_STALL_TIMEOUT_MS, OFF_CODEC, OFF_TOTAL_BYTES,
  OFF_TAIL, OFF_HEAD, OFF_NOT_EMPTY_SEQ, OFF_CONSUMERS_WAITING, OFF_CONSUMERS_ASYNC,
  OFF_NOT_FULL_SEQ, OFF_PRODUCERS_WAITING,
  OFF_RECLAIMED_WRITES, OFF_RECLAIMED_READS, OFF_RETRIED_WRITES,
  OFF_LEASES, MAX_SCRATCH_AREAS, FIXED_HEADER_BYTES,
  CELL_BYTES, STATE_SHIFT, VALUE_MASK,
  STATE_FREE, STATE_WRITING, STATE_READY, STATE_ABANDONED,
  R_EMPTY, R_CLOSED, R_FULL, R_BUSY, R_TOO_BIG, R_RECLAIMED, R_OVERSIZE,
} from './layout';

// Re-export the layout so its values are visible as Wasm globals; the layout
// test compares them with the generated TypeScript copy.
export * from './layout';

const CLOSED_BIT: u64 = 1 << 32;
const POS_MASK: u64 = 0xffffffff;
/** Bytes of a record header in scratch batches: [len u32][reserved u32]. */
const RECORD_HEADER: u32 = 8;
/** popBatch marks a record whose claim was reclaimed mid-copy with this len. */
const DROPPED: u32 = 0xffffffff;

// ---- Per-instance (per-thread) cache of the read-only header. ----
let capacity: u32 = 0;
let mask: u32 = 0;
let slotBytes: u32 = 0;
let slotShift: u32 = 0;
let maxMessage: u32 = 0;
let cells: usize = 0;
let data: usize = 0;
let dataEnd: usize = 0;

// ---- Per-instance state of two-phase operations and diagnostics. ----
// JS is single-threaded per instance and every claim → copy → publish runs
// synchronously, so one pending operation of each kind is enough.
let wPos: u32 = 0;     // position of the pending claimWrite
let wSlots: u32 = 0;   // its cell count
let wLen: u32 = 0;     // its length
let rPos: u32 = 0;     // position of the pending claimRead
let rLen: u32 = 0;     // its length
let lastLen: u32 = 0;  // length reported with R_TOO_BIG / by claimRead
let stallPos: u32 = 0; // the cell position reported with R_BUSY

// ---- Cell words: low 32 bits seq, high 32 bits (state << 29 | value). ----

@inline function cellAt(pos: u32): usize {
  return cells + (<usize>(pos & mask) << 3);
}
@inline function dataAt(pos: u32): usize {
  return data + (<usize>(pos & mask) << slotShift);
}
@inline function cellWord(seq: u32, state: u32, value: u32): u64 {
  return (<u64>((state << STATE_SHIFT) | value) << 32) | <u64>seq;
}
@inline function seqOf(w: u64): u32 {
  return <u32>w;
}
@inline function stateOf(w: u64): u32 {
  return <u32>(w >> (32 + STATE_SHIFT));
}
@inline function valueOf(w: u64): u32 {
  return <u32>(w >> 32) & VALUE_MASK;
}
@inline function slotsFor(len: u32): u32 {
  return len == 0 ? 1 : (len + slotBytes - 1) >> slotShift;
}
@inline function pad8(n: u32): u32 {
  return (n + 7) & ~7;
}
@inline function tailPos(): u32 {
  return <u32>atomic.load<u64>(OFF_TAIL);
}

// ---- Set-up ----

/** Writes a fresh header and cell array. Called once, by createQueue. */
export function init(
  cap: u32, slot: u32, maxMsg: u32,
  cellsOff: u32, dataOff: u32, scratchOff: u32, scratchBytes: u32, scratchCount: u32,
  stallMs: u32, codec: u32, total: u32, startPos: u32,
): void {
  store<u32>(OFF_CAPACITY, cap);
  store<u32>(OFF_SLOT_BYTES, slot);
  store<u32>(OFF_MAX_MESSAGE_BYTES, maxMsg);
  store<u32>(OFF_CELLS, cellsOff);
  store<u32>(OFF_DATA, dataOff);
  store<u32>(OFF_SCRATCH, scratchOff);
  store<u32>(OFF_SCRATCH_BYTES, scratchBytes);
  store<u32>(OFF_SCRATCH_COUNT, scratchCount);
  store<u32>(OFF_STALL_TIMEOUT_MS, stallMs);
  store<u32>(OFF_CODEC, codec);
  store<u32>(OFF_TOTAL_BYTES, total);
  // Cell for position p starts free for p's lap: seq == p.
  const m = cap - 1;
  for (let i: u32 = 0; i < cap; i++) {
    const p = startPos + i;
    store<u64>(<usize>cellsOff + (<usize>(p & m) << 3), cellWord(p, STATE_FREE, 0));
  }
  atomic.store<u64>(OFF_TAIL, <u64>startPos);
  atomic.store<u32>(OFF_HEAD, startPos);
  // The magic word goes last: a half-initialised memory never looks valid.
  atomic.store<u32>(OFF_VERSION, LAYOUT_VERSION);
  atomic.store<u32>(OFF_MAGIC, MAGIC);
}

/**
 * Validates the header and caches it in this instance's globals.
 * Returns 0, or 1 (no magic), 2 (other layout version), 3 (inconsistent).
 */
export function attach(): u32 {
  const bytes = <u64>memory.size() << 16;
  if (bytes < <u64>FIXED_HEADER_BYTES) return 1;
  if (atomic.load<u32>(OFF_MAGIC) != MAGIC) return 1;
  if (atomic.load<u32>(OFF_VERSION) != LAYOUT_VERSION) return 2;
  const cap = load<u32>(OFF_CAPACITY);
  const slot = load<u32>(OFF_SLOT_BYTES);
  const maxMsg = load<u32>(OFF_MAX_MESSAGE_BYTES);
  const cellsOff = load<u32>(OFF_CELLS);
  const dataOff = load<u32>(OFF_DATA);
  const total = load<u32>(OFF_TOTAL_BYTES);
  if (cap < 2 || cap > (1 << 28) || (cap & (cap - 1)) != 0) return 3;
  if (slot < 8 || slot > (1 << 20) || (slot & (slot - 1)) != 0) return 3;
  if (cellsOff < FIXED_HEADER_BYTES) return 3;
  if (<u64>cellsOff + <u64>cap * CELL_BYTES > <u64>dataOff) return 3;
  const dataBytes = <u64>cap * <u64>slot;
  if (<u64>dataOff + dataBytes > <u64>total || <u64>total > bytes) return 3;
  if (<u64>maxMsg > dataBytes || maxMsg > VALUE_MASK) return 3;
  const scratchOff = load<u32>(OFF_SCRATCH);
  const scratchBytes = load<u32>(OFF_SCRATCH_BYTES);
  const scratchCount = load<u32>(OFF_SCRATCH_COUNT);
  if (scratchCount > MAX_SCRATCH_AREAS) return 3;
  if (<u64>scratchOff + <u64>scratchBytes * <u64>scratchCount > <u64>total) return 3;
  capacity = cap;
  mask = cap - 1;
  slotBytes = slot;
  slotShift = ctz<u32>(slot);
  maxMessage = maxMsg;
  cells = cellsOff;
  data = dataOff;
  dataEnd = <usize>(<u64>dataOff + dataBytes);
  return 0;
}

// ---- Scratch leases: a private staging area in shared memory per thread ----

/** Takes a free scratch area; returns its index, or -1 when all are leased. */
export function leaseScratch(): i32 {
  const count = load<u32>(OFF_SCRATCH_COUNT);
  for (let i: u32 = 0; i < count; i++) {
    const word = OFF_LEASES + ((i >> 5) << 2);
    const bit: u32 = 1 << (i & 31);
    const seen = atomic.load<u32>(word);
    if (seen & bit) continue;
    // bit clear: area i is free; setting it makes it ours alone.
    if ((atomic.or<u32>(word, bit) & bit) == 0) return <i32>i;
  }
  return -1;
}

/** Returns a scratch area taken by leaseScratch. */
export function releaseScratch(i: u32): void {
  atomic.and<u32>(OFF_LEASES + ((i >> 5) << 2), ~(<u32>1 << (i & 31)));
}

// ---- Waking parked threads ----

// A waiter increments *_WAITING, then re-checks the queue, then parks on the
// sequence word. We publish (seq-cst) and only then read *_WAITING. Either the
// waiter's re-check sees our publish, or we see its registration and bump the
// sequence word, which makes its park return at once. So no wake-up is lost,
// and when nobody waits the cost is one load of a line that stays shared.
@inline function wakeConsumers(n: i32): void {
  if (atomic.load<i32>(OFF_CONSUMERS_WAITING) > 0) {
    atomic.add<i32>(OFF_NOT_EMPTY_SEQ, 1);
    // n messages can satisfy at most n consumers, so wake n: waking all of
    // them made oversubscribed MPMC runs thrash. But an Atomics.waitAsync
    // whose caller stopped waiting (its own timer won, it was aborted, a post
    // cancelled a channel's park) stays registered with the engine until its
    // timeout, and a notify of n may be spent on such stale waiters while a
    // live one sleeps on. So while any async wait is outstanding, wake all.
    atomic.notify(OFF_NOT_EMPTY_SEQ, atomic.load<i32>(OFF_CONSUMERS_ASYNC) > 0 ? -1 : n);
  }
}
@inline function wakeProducers(): void {
  if (atomic.load<i32>(OFF_PRODUCERS_WAITING) > 0) {
    atomic.add<i32>(OFF_NOT_FULL_SEQ, 1);
    // All of them: a freed run of cells may suit a small message and not a
    // large one, so waking just one could leave a fitting producer asleep.
    atomic.notify(OFF_NOT_FULL_SEQ, -1);
  }
}

// ---- Producer side ----

/**
 * The cell at `p` is not free for p's lap: tell a full queue (consumers have
 * not taken the message there yet) from a stall candidate (a consumer took it
 * and has not released it, or an abandoned claim still holds it).
 */
function fullOrBusy(p: u32, w: u64): i32 {
  const prev = p - capacity; // the position that last used this cell
  const state = stateOf(w);
  const seq = seqOf(w);
  if (seq == prev && state == STATE_ABANDONED) {
    stallPos = prev;
    return -R_BUSY;
  }
  if (seq == prev + 1 && state == STATE_READY) {
    // head > prev: a consumer claimed the message at prev and is still
    // copying it out, or died doing so.
    if (<i32>(atomic.load<u32>(OFF_HEAD) - prev) > 0) {
      stallPos = prev;
      return -R_BUSY;
    }
  }
  return -R_FULL;
}

/**
 * Claims `slots` consecutive cells at the tail for one or more messages.
 * On success sets wPos and returns 0; otherwise a negative result code.
 */
function claimCells(slots: u32): i32 {
  let t = atomic.load<u64>(OFF_TAIL);
  while (true) {
    if (t & CLOSED_BIT) return -R_CLOSED;
    const pos = <u32>t;
    // Every cell of the claim must be free for its lap *before* we take it.
    // Cells that are free for their lap can only be changed by the owner of
    // that position, and nobody owns a position past the tail; so after our
    // CAS they are still free and the copy never has to wait.
    let i: u32 = 0;
    for (; i < slots; i++) {
      const p = pos + i;
      const w = atomic.load<u64>(cellAt(p));
      const d = <i32>(seqOf(w) - p);
      if (d == 0) continue; // seq == p: free for this lap
      if (d > 0) break;     // seq > p: our tail snapshot is stale
      return fullOrBusy(p, w); // seq < p: still holds the previous lap
    }
    if (i < slots) {
      t = atomic.load<u64>(OFF_TAIL);
      continue;
    }
    // tail == t: nobody claimed since our snapshot, and the queue is open.
    const seen = atomic.cmpxchg<u64>(OFF_TAIL, t, <u64>(pos + slots));
    if (seen == t) {
      wPos = pos;
      return 0;
    }
    t = seen; // another producer won, or close() set the closed bit
  }
}

/**
 * Marks our claim at `pos` as being written, recording its size so that a
 * consumer that finds us dead knows how many cells to skip.
 * Fails only if a consumer already declared the claim dead (we were stalled
 * for stallTimeoutMs between claiming and getting here).
 */
@inline function markWriting(pos: u32, slots: u32): bool {
  // seq == pos, FREE: the cell is ours (we moved the tail past it).
  const free = cellWord(pos, STATE_FREE, 0);
  return atomic.cmpxchg<u64>(cellAt(pos), free, cellWord(pos, STATE_WRITING, slots)) == free;
}

/** Copies `len` bytes from `src` into the data cells starting at `pos`. */
@inline function copyIn(pos: u32, src: usize, len: u32): void {
  const dst = dataAt(pos);
  const room = <u32>(dataEnd - dst);
  if (len <= room) {
    memory.copy(dst, src, len);
  } else {
    // The message wraps past the end of the ring: two pieces.
    memory.copy(dst, src, room);
    memory.copy(data, src + room, len - room);
  }
}

/** Copies `len` bytes out of the data cells starting at `pos`. */
@inline function copyOut(pos: u32, dst: usize, len: u32): void {
  const src = dataAt(pos);
  const room = <u32>(dataEnd - src);
  if (len <= room) {
    memory.copy(dst, src, len);
  } else {
    memory.copy(dst, src, room);
    memory.copy(dst + room, data, len - room);
  }
}

/**
 * Publishes the message at `pos`. Returns false if the claim was declared
 * dead meanwhile; then the cells are recycled here and the caller retries.
 */
function publish(pos: u32, slots: u32, len: u32): bool {
  // seq == pos, WRITING: still ours. seq = pos + 1, READY: consumers may take it.
  const writing = cellWord(pos, STATE_WRITING, slots);
  if (atomic.cmpxchg<u64>(cellAt(pos), writing, cellWord(pos + 1, STATE_READY, len)) == writing) {
    return true;
  }
  // A consumer marked us ABANDONED and skips (or skipped) these cells. We are
  // alive after all, so hand the cells to the next lap ourselves.
  recycleAbandoned(pos);
  atomic.add<u32>(OFF_RETRIED_WRITES, 1);
  return false;
}

/** Pushes one message of `len` bytes from `src` (a scratch area). */
export function tryPush(src: usize, len: u32): i32 {
  if (len > maxMessage) return -R_OVERSIZE;
  const slots = slotsFor(len);
  while (true) {
    const r = claimCells(slots);
    if (r < 0) return r;
    const pos = wPos;
    if (!markWriting(pos, slots)) { recycleAbandoned(pos); continue; }
    copyIn(pos, src, len);
    if (!publish(pos, slots, len)) continue;
    wakeConsumers(1);
    return 1;
  }
}

/**
 * Two-phase push for messages too large for the scratch area: claims room
 * and returns the byte offset of the first data cell (the caller copies,
 * wrapping at the end of the data ring), or a negative result code.
 */
export function claimWrite(len: u32): i32 {
  if (len > maxMessage) return -R_OVERSIZE;
  const slots = slotsFor(len);
  while (true) {
    const r = claimCells(slots);
    if (r < 0) return r;
    if (!markWriting(wPos, slots)) { recycleAbandoned(wPos); continue; }
    wSlots = slots;
    wLen = len;
    return <i32>dataAt(wPos);
  }
}

/** Publishes the claimWrite. Returns 1, or -R_RECLAIMED (push it again). */
export function publishWrite(): i32 {
  if (!publish(wPos, wSlots, wLen)) return -R_RECLAIMED;
  wakeConsumers(1);
  return 1;
}

/**
 * Pushes up to `count` records from `src`, each [len u32][u32][bytes padded
 * to 8], with one CAS on the tail for all of them. Returns how many were
 * pushed (a prefix, in order), or a negative result code if none were.
 */
export function pushBatch(src: usize, count: u32): i32 {
  while (true) {
    let t = atomic.load<u64>(OFF_TAIL);
    if (t & CLOSED_BIT) return -R_CLOSED;
    const pos = <u32>t;
    // Find the longest prefix of records whose cells are all free now.
    let n: u32 = 0;
    let slots: u32 = 0;
    let rec = src;
    let verdict: i32 = 0;
    let stale = false;
    while (n < count) {
      const len = load<u32>(rec);
      if (len > maxMessage) { if (n == 0) return -R_OVERSIZE; break; }
      const k = slotsFor(len);
      let i: u32 = 0;
      for (; i < k; i++) {
        const p = pos + slots + i;
        const w = atomic.load<u64>(cellAt(p));
        const d = <i32>(seqOf(w) - p);
        if (d == 0) continue;
        if (d > 0) stale = true; else verdict = fullOrBusy(p, w);
        break;
      }
      if (i < k) break;
      slots += k;
      n++;
      rec += RECORD_HEADER + pad8(len);
    }
    if (stale && n == 0) continue;
    if (n == 0) return verdict;
    // One CAS claims the cells of all n messages.
    const seen = atomic.cmpxchg<u64>(OFF_TAIL, t, <u64>(pos + slots));
    if (seen != t) continue;
    // Mark every message as being written before copying any, so that a
    // consumer that finds us dead can skip each one by its own size.
    rec = src;
    let p = pos;
    for (let j: u32 = 0; j < n; j++) {
      const len = load<u32>(rec);
      const k = slotsFor(len);
      if (!markWriting(p, k)) {
        // We stalled long enough to be declared dead: give back this claim
        // and everything after it, report the prefix we marked.
        return abandonFrom(src, pos, j, n);
      }
      p += k;
      rec += RECORD_HEADER + pad8(len);
    }
    rec = src;
    p = pos;
    for (let j: u32 = 0; j < n; j++) {
      const len = load<u32>(rec);
      const k = slotsFor(len);
      copyIn(p, rec + RECORD_HEADER, len);
      if (!publish(p, k, len)) {
        // Message j was declared dead; withdraw the ones after it so the
        // pushed set stays a prefix in order.
        const rest = abandonFrom(src, pos, j + 1, n);
        if (j > 0) wakeConsumers(<i32>j);
        return j > 0 ? <i32>j : (rest < 0 ? rest : -R_RECLAIMED);
      }
      p += k;
      rec += RECORD_HEADER + pad8(len);
    }
    wakeConsumers(<i32>n);
    return <i32>n;
  }
  return unreachable();
}

/**
 * Withdraws records from..n-1 of a batch claimed at `pos`: each is marked
 * ABANDONED (if a consumer did not do it first) and recycled. Returns `from`
 * if it is positive, else -R_RECLAIMED.
 */
function abandonFrom(src: usize, pos: u32, from: u32, n: u32): i32 {
  let rec = src;
  let p = pos;
  for (let j: u32 = 0; j < n; j++) {
    const len = load<u32>(rec);
    const k = slotsFor(len);
    if (j >= from) {
      // FREE or WRITING (ours) → ABANDONED: consumers will skip it.
      const c = cellAt(p);
      const w = atomic.load<u64>(c);
      if (seqOf(w) == p && (stateOf(w) == STATE_FREE || stateOf(w) == STATE_WRITING)) {
        atomic.cmpxchg<u64>(c, w, cellWord(p, STATE_ABANDONED, k));
      }
      recycleAbandoned(p);
    }
    p += k;
    rec += RECORD_HEADER + pad8(len);
  }
  if (from > 0) wakeConsumers(<i32>from);
  return from > 0 ? <i32>from : -R_RECLAIMED;
}

// ---- Consumer side ----

/** The head position found by peekHead. */
let peekPos: u32 = 0;

/**
 * Looks at the cell at the head. Returns 0 with peekPos and lastLen set when a
 * READY message is there, else a negative code (EMPTY, CLOSED, BUSY).
 * Helps skip abandoned claims on the way.
 */
function peekHead(): i32 {
  let h = atomic.load<u32>(OFF_HEAD);
  while (true) {
    const w = atomic.load<u64>(cellAt(h));
    const seq = seqOf(w);
    const d = <i32>(seq - (h + 1));
    if (d == 0) {
      // seq == h + 1: published for this lap; READY until its reader releases it.
      peekPos = h;
      lastLen = valueOf(w);
      return 0;
    }
    if (d > 0) {
      // seq > h + 1: another consumer took h and the cell moved on. Reload.
      h = atomic.load<u32>(OFF_HEAD);
      continue;
    }
    if (seq == h && stateOf(w) == STATE_ABANDONED) {
      // A dead producer's claim: skip its cells (anyone may do this step).
      atomic.cmpxchg<u32>(OFF_HEAD, h, h + valueOf(w));
      h = atomic.load<u32>(OFF_HEAD);
      continue;
    }
    // seq <= h: nothing published at h yet.
    const t = atomic.load<u64>(OFF_TAIL);
    const tpos = <u32>t;
    if (tpos == h) {
      // tail == head: empty. If closed, no producer can claim again: drained.
      if (atomic.load<u32>(OFF_HEAD) != h) { h = atomic.load<u32>(OFF_HEAD); continue; }
      return (t & CLOSED_BIT) ? -R_CLOSED : -R_EMPTY;
    }
    if (<i32>(tpos - h) < 0) {
      // Our head snapshot is older than a tail that moved on; reload.
      h = atomic.load<u32>(OFF_HEAD);
      continue;
    }
    // tail > head but the head cell is unpublished: a producer is writing it.
    stallPos = h;
    return -R_BUSY;
  }
}

/**
 * Takes the message at the head with one CAS. Returns its position (in
 * peekPos) and length (lastLen), or a negative code. Fails with R_TOO_BIG,
 * claiming nothing, if the message is longer than `max`.
 */
function claimHead(max: u32): i32 {
  while (true) {
    const r = peekHead();
    if (r < 0) return r;
    const h = peekPos;
    const len = lastLen;
    if (len > max) return -R_TOO_BIG;
    // head == h: the message at h is still untaken; moving head past its
    // cells makes it ours alone.
    if (atomic.cmpxchg<u32>(OFF_HEAD, h, h + slotsFor(len)) == h) return 0;
  }
}

/**
 * Hands the cells of the message at `h` to the next lap, and validates our
 * copy: returns false if a producer declared us dead and recycled the cells
 * meanwhile (then the bytes we copied may be torn, and are dropped).
 *
 * Continuation cells go first, then the first cell, by CAS. A producer can
 * only reach a continuation cell after claiming the position before it, and
 * ultimately the first cell, so "first cell free" implies "all cells free".
 *
 * Measured shortcut: continuation cells are released with a plain 32-bit
 * store of their seq (their info word is always FREE) instead of a CAS. A
 * 64 KiB message over 64-byte slots has 1023 of them, and a locked RMW each
 * cost ~30 µs per message, capping bandwidth near 1 GB/s; plain stores
 * stream. They are ordered before the seq-cst CAS on the first cell, which is
 * what any producer synchronises with before it can claim them. The one
 * hazard, a consumer declared dead that wakes between the check below and
 * its stores, needs a pause longer than stallTimeoutMs inside this loop.
 */
function release(h: u32, len: u32): bool {
  const first = cellAt(h);
  // seq == h + 1, READY: the message we took; → seq = h + cap, FREE.
  const ready = cellWord(h + 1, STATE_READY, len);
  if (atomic.load<u64>(first) != ready) return false; // recycled under us
  const k = slotsFor(len);
  for (let i: u32 = 1; i < k; i++) {
    const p = h + i;
    // seq == p, FREE (an untouched continuation cell) → seq = p + cap.
    store<u32>(cellAt(p), p + capacity);
  }
  return atomic.cmpxchg<u64>(first, ready, cellWord(h + capacity, STATE_FREE, 0)) == ready;
}

/**
 * Pops one message into `dst` (a scratch area of `max` bytes). Returns its
 * length, or a negative code; R_TOO_BIG leaves the message in the queue and
 * its length in lastLength().
 */
export function tryPop(dst: usize, max: u32): i32 {
  while (true) {
    const r = claimHead(max);
    if (r < 0) return r;
    const h = peekPos;
    const len = lastLen;
    copyOut(h, dst, len);
    const ok = release(h, len);
    wakeProducers();
    if (ok) return <i32>len;
    // A producer declared us dead mid-copy and reused the cells: the copy
    // may be torn and the message is gone (the reclaimer counted it). Next.
  }
}

/** Two-phase pop of the head message: returns the byte offset of its first
 *  data cell (length in lastLength()), or a negative code. */
export function claimRead(): i32 {
  const r = claimHead(VALUE_MASK);
  if (r < 0) return r;
  rPos = peekPos;
  rLen = lastLen;
  return <i32>dataAt(rPos);
}

/** Finishes claimRead. Returns 1, or -R_RECLAIMED if the copy is invalid. */
export function releaseRead(): i32 {
  const ok = release(rPos, rLen);
  wakeProducers();
  return ok ? 1 : -R_RECLAIMED;
}

/**
 * Pops up to `max` messages with one CAS on the head, writing records
 * [len u32][u32][bytes padded to 8] to `dst` (at most `dstBytes`). Returns the
 * number of records, or a negative code. A record whose claim was reclaimed
 * mid-copy has len 0xffffffff and must be skipped.
 */
export function popBatch(dst: usize, dstBytes: u32, max: u32): i32 {
  while (true) {
    const r = peekHead();
    if (r < 0) return r;
    const h = peekPos;
    // Walk the published messages after h that fit.
    let n: u32 = 0;
    let p = h;
    let bytes: u32 = 0;
    while (n < max) {
      const w = atomic.load<u64>(cellAt(p));
      // seq == p + 1, READY: published (and untaken, as head <= h <= p).
      if (seqOf(w) != p + 1 || stateOf(w) != STATE_READY) break;
      const len = valueOf(w);
      const need = RECORD_HEADER + pad8(len);
      if (<u64>bytes + <u64>need > <u64>dstBytes) break;
      bytes += need;
      p += slotsFor(len);
      n++;
    }
    if (n == 0) {
      // Either the head message does not fit, or another consumer took it.
      const w = atomic.load<u64>(cellAt(h));
      if (seqOf(w) != h + 1 || stateOf(w) != STATE_READY) continue;
      lastLen = valueOf(w);
      return -R_TOO_BIG;
    }
    // head == h: all n messages are untaken; one CAS takes them all.
    if (atomic.cmpxchg<u32>(OFF_HEAD, h, p) != h) continue;
    p = h;
    let out = dst;
    for (let j: u32 = 0; j < n; j++) {
      const len = valueOf(atomic.load<u64>(cellAt(p)));
      copyOut(p, out + RECORD_HEADER, len);
      store<u32>(out, release(p, len) ? len : DROPPED);
      out += RECORD_HEADER + pad8(len);
      p += slotsFor(len);
    }
    wakeProducers(); // once for the whole batch
    return <i32>n;
  }
  return unreachable();
}

// ---- Closing ----

/** Sets the closed bit (idempotent) and wakes every parked thread. */
export function close(): void {
  let t = atomic.load<u64>(OFF_TAIL);
  while (!(t & CLOSED_BIT)) {
    const seen = atomic.cmpxchg<u64>(OFF_TAIL, t, t | CLOSED_BIT);
    if (seen == t) break;
    t = seen;
  }
  atomic.add<i32>(OFF_NOT_EMPTY_SEQ, 1);
  atomic.add<i32>(OFF_NOT_FULL_SEQ, 1);
  atomic.notify(OFF_NOT_EMPTY_SEQ, -1);
  atomic.notify(OFF_NOT_FULL_SEQ, -1);
}

export function isClosed(): bool {
  return (atomic.load<u64>(OFF_TAIL) & CLOSED_BIT) != 0;
}

/** Messages' cells in use (approximate under concurrency; never negative). */
export function usedCells(): u32 {
  const d = <i32>(tailPos() - atomic.load<u32>(OFF_HEAD));
  return d < 0 ? 0 : <u32>d;
}

// ---- Recovering from dead threads ----

/**
 * Consumer side: the head cell at `pos` has been unpublished (BUSY) for
 * stallTimeoutMs. Declares its producer dead: the claim becomes ABANDONED
 * and the head skips it. Returns 1 if this call reclaimed it.
 */
export function reclaimWrite(pos: u32): i32 {
  if (atomic.load<u32>(OFF_HEAD) != pos) return 0;
  if (<i32>(tailPos() - pos) <= 0) return 0;
  const c = cellAt(pos);
  const w = atomic.load<u64>(c);
  if (seqOf(w) != pos) return 0;
  const state = stateOf(w);
  let slots: u32;
  if (state == STATE_WRITING) slots = valueOf(w);
  else if (state == STATE_FREE) slots = 1; // died before recording its size
  else return 0;
  // seq == pos, WRITING or FREE → ABANDONED: the producer's publish will fail.
  if (atomic.cmpxchg<u64>(c, w, cellWord(pos, STATE_ABANDONED, slots)) != w) return 0;
  atomic.add<u32>(OFF_RECLAIMED_WRITES, 1);
  atomic.cmpxchg<u32>(OFF_HEAD, pos, pos + slots);
  // Producers may be waiting for these cells; they recycle them after a grace period.
  wakeProducers();
  return 1;
}

/**
 * Producer side: the cell of position `pos` (the previous lap of the cell a
 * producer needs) has been held for stallTimeoutMs. If a consumer took its
 * message and never released it, free the cells (the message is lost: its
 * consumer died holding it). If it is an abandoned claim whose producer never
 * came back, free it too. Returns 1 if this call recycled it.
 */
export function reclaimRead(pos: u32): i32 {
  const c = cellAt(pos);
  const w = atomic.load<u64>(c);
  const state = stateOf(w);
  if (seqOf(w) == pos && state == STATE_ABANDONED) {
    return recycleAbandoned(pos) ? 1 : 0;
  }
  if (seqOf(w) != pos + 1 || state != STATE_READY) return 0;
  if (<i32>(atomic.load<u32>(OFF_HEAD) - pos) <= 0) return 0; // untaken: not stuck
  const len = valueOf(w);
  const k = slotsFor(len);
  for (let i: u32 = 1; i < k; i++) {
    const p = pos + i;
    atomic.cmpxchg<u64>(cellAt(p), cellWord(p, STATE_FREE, 0), cellWord(p + capacity, STATE_FREE, 0));
  }
  // seq == pos + 1, READY, taken: → next lap's free cell. Its reader, if it
  // is alive after all, fails the same CAS in release() and drops the copy.
  if (atomic.cmpxchg<u64>(c, w, cellWord(pos + capacity, STATE_FREE, 0)) != w) return 0;
  atomic.add<u32>(OFF_RECLAIMED_READS, 1);
  wakeProducers();
  return 1;
}

/**
 * Hands an ABANDONED claim at `pos` to the next lap. The head must be past it
 * first, or consumers would see a next-lap cell at the head; so help move the
 * head if the reclaimer has not yet. Returns true if this call freed it.
 */
function recycleAbandoned(pos: u32): bool {
  const c = cellAt(pos);
  const w = atomic.load<u64>(c);
  // seq == pos, ABANDONED: a dead claim of `slots` cells.
  if (seqOf(w) != pos || stateOf(w) != STATE_ABANDONED) return false;
  const slots = valueOf(w);
  atomic.cmpxchg<u32>(OFF_HEAD, pos, pos + slots);
  // head <= pos: consumers have not skipped it yet (a batch withdrew its own
  // tail end); a producer of the next lap recycles it later via reclaimRead.
  if (<i32>(atomic.load<u32>(OFF_HEAD) - pos) <= 0) return false;
  for (let i: u32 = 1; i < slots; i++) {
    const p = pos + i;
    atomic.cmpxchg<u64>(cellAt(p), cellWord(p, STATE_FREE, 0), cellWord(p + capacity, STATE_FREE, 0));
  }
  const ok = atomic.cmpxchg<u64>(c, w, cellWord(pos + capacity, STATE_FREE, 0)) == w;
  if (ok) wakeProducers();
  return ok;
}

// ---- Diagnostics for the bindings ----

export function lastLength(): u32 {
  return lastLen;
}
export function stallPosition(): u32 {
  return stallPos;
}
