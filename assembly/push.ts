// The producer side: claim cells at the tail, copy, publish.
import {
  OFF_HEAD, OFF_TAIL, OFF_RETRIED_WRITES, RECORD_HEADER_BYTES,
  STATE_FREE, STATE_WRITING, STATE_READY, STATE_ABANDONED, STATE_WITHDRAWN,
  R_CLOSED, R_FULL, R_BUSY, R_RECLAIMED, R_OVERSIZE,
} from './layout';
import { cellWord, seqOf, stateOf } from './cell';
import { capacity, cellAt, maxMessage, noteBusy, slotsFor } from './instance';
import { copyIn, pad8 } from './ring';
import { wakeConsumers } from './wake';
import { recycleAbandoned } from './reclaim';

export const CLOSED_BIT: u64 = 1 << 32;

/**
 * The cell at `p` is not free for p's lap: tell a full queue (consumers have
 * not taken the message there yet) from a stall candidate (a consumer took it
 * and has not released it, or an abandoned claim still holds it).
 */
export function fullOrBusy(p: u32, w: u64): i32 {
  const prev = p - capacity; // the position that last used this cell
  const state = stateOf(w);
  const seq = seqOf(w);
  // seq == prev, ABANDONED: a dead producer's claim of the previous lap.
  if (seq == prev && state == STATE_ABANDONED) return noteBusy(prev, -R_BUSY);
  // seq == prev, WITHDRAWN: a given-up claim. Before the head reaches it the
  // queue is just full; past the head, the consumer that skipped it stopped
  // before recycling it, so time it like any stall.
  if (seq == prev && state == STATE_WITHDRAWN) {
    return <i32>(atomic.load<u32>(OFF_HEAD) - prev) > 0 ? noteBusy(prev, -R_BUSY) : -R_FULL;
  }
  if (seq == prev + 1 && state == STATE_READY) {
    // seq == prev + 1, READY, and head > prev: a consumer took the message
    // at prev and is still copying it out (or died doing so).
    if (<i32>(atomic.load<u32>(OFF_HEAD) - prev) > 0) return noteBusy(prev, -R_BUSY);
  }
  return -R_FULL;
}

/** cellsFree: every cell was free for its lap. */
export const FREE_RUN: i32 = 0;
/** cellsFree: a cell had moved past its lap: the tail snapshot is stale. */
export const STALE_RUN: i32 = 1;

/**
 * Whether the `k` cells of positions from..from+k-1 are all free for their
 * lap now: FREE_RUN, STALE_RUN, or (a cell still holds the previous lap) the
 * negative FULL or BUSY verdict of fullOrBusy.
 *
 * Every cell of a claim must be free for its lap *before* the tail CAS takes
 * it. Cells that are free for their lap can only be changed by the owner of
 * that position, and nobody owns a position past the tail; so after the CAS
 * they are still free and the copy never has to wait.
 */
@inline export function cellsFree(from: u32, k: u32): i32 {
  for (let i: u32 = 0; i < k; i++) {
    const p = from + i;
    const w = atomic.load<u64>(cellAt(p));
    const d = <i32>(seqOf(w) - p);
    if (d == 0) continue;         // seq == p: free for this lap
    if (d > 0) return STALE_RUN;  // seq > p: our tail snapshot is stale
    return fullOrBusy(p, w);      // seq < p: still holds the previous lap
  }
  return FREE_RUN;
}

/**
 * Claims `slots` consecutive cells at the tail. Returns the first position
 * (>= 0 as i64), or a negative result code.
 */
function claimCells(slots: u32): i64 {
  let t = atomic.load<u64>(OFF_TAIL);
  while (true) {
    if (t & CLOSED_BIT) return -<i64>R_CLOSED;
    const pos = <u32>t;
    const run = cellsFree(pos, slots);
    if (run < 0) return run;
    if (run == STALE_RUN) {
      t = atomic.load<u64>(OFF_TAIL);
      continue;
    }
    // tail == t: nobody claimed since our snapshot, and the queue is open.
    const seen = atomic.cmpxchg<u64>(OFF_TAIL, t, <u64>(pos + slots));
    if (seen == t) return <i64>pos;
    t = seen; // another producer won, or close() set the closed bit
  }
}

/**
 * Marks our claim at `pos` as being written, recording its size so that a
 * consumer that finds us dead knows how many cells to skip. Fails only if a
 * consumer already declared the claim dead (we stalled for stallTimeoutMs
 * between claiming and getting here).
 */
@inline export function markWriting(pos: u32, slots: u32): bool {
  // seq == pos, FREE: the cell is ours (we moved the tail past it).
  const free = cellWord(pos, STATE_FREE, 0);
  return atomic.cmpxchg<u64>(cellAt(pos), free, cellWord(pos, STATE_WRITING, slots)) == free;
}

/**
 * Publishes the message at `pos`. Returns false if the claim was declared
 * dead meanwhile; then the cells are recycled here and the caller retries.
 */
export function publish(pos: u32, slots: u32, len: u32): bool {
  // seq == pos, WRITING: still ours. → seq = pos + 1, READY: consumers may take it.
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

/**
 * Claims room for one message of `len` bytes and marks it WRITING. Returns
 * its position (>= 0 as i64), or a negative result code.
 */
function claimMessage(len: u32): i64 {
  if (len > maxMessage) return -<i64>R_OVERSIZE;
  const slots = slotsFor(len);
  while (true) {
    const c = claimCells(slots);
    if (c < 0) return c;
    // A consumer declared the fresh claim dead (we stalled right after the CAS): give it back, claim again.
    if (!markWriting(<u32>c, slots)) { recycleAbandoned(<u32>c); continue; }
    return c;
  }
}

/** Pushes one message of `len` bytes from `src` (a scratch area). Returns 1 or a negative code. */
export function tryPush(src: usize, len: u32): i32 {
  const slots = slotsFor(len);
  while (true) {
    const c = claimMessage(len);
    if (c < 0) return <i32>c;
    const pos = <u32>c;
    copyIn(pos, src, len);
    if (!publish(pos, slots, len)) continue;
    wakeConsumers(1);
    return 1;
  }
}

/**
 * First phase of a push whose bytes the caller copies itself (messages too
 * large for its scratch area): claims room for `len` bytes. Returns the
 * claimed position (the token publishWrite takes back; the caller finds its
 * data cells from it) or a negative result code. An f64 holds every u32
 * position and every negative code without BigInt.
 */
export function claimWrite(len: u32): f64 {
  return <f64>claimMessage(len);
}

/** Publishes the claim at `pos` (from claimWrite, for `len` bytes). Returns 1, or -R_RECLAIMED: push it again. */
export function publishWrite(pos: u32, len: u32): i32 {
  if (!publish(pos, slotsFor(len), len)) return -R_RECLAIMED;
  wakeConsumers(1);
  return 1;
}

/**
 * Pushes up to `count` records from `src` (RECORD_HEADER_BYTES then the bytes
 * padded to 8, each) with one CAS on the tail for all of them. Returns how
 * many were pushed (a prefix, in order), or a negative code if none were.
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
      const run = cellsFree(pos + slots, k);
      if (run != FREE_RUN) {
        if (run == STALE_RUN) stale = true; else verdict = run;
        break;
      }
      slots += k;
      n++;
      rec += RECORD_HEADER_BYTES + pad8(len);
    }
    if (stale && n == 0) continue;
    if (n == 0) return verdict;
    // tail == t: one CAS claims the cells of all n messages.
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
      rec += RECORD_HEADER_BYTES + pad8(len);
    }
    rec = src;
    p = pos;
    for (let j: u32 = 0; j < n; j++) {
      const len = load<u32>(rec);
      const k = slotsFor(len);
      copyIn(p, rec + RECORD_HEADER_BYTES, len);
      if (!publish(p, k, len)) {
        // Message j was declared dead; withdraw the ones after it so the
        // pushed set stays a prefix in order.
        const rest = abandonFrom(src, pos, j + 1, n);
        if (j > 0) wakeConsumers(<i32>j);
        return j > 0 ? <i32>j : (rest < 0 ? rest : -R_RECLAIMED);
      }
      p += k;
      rec += RECORD_HEADER_BYTES + pad8(len);
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
      // seq == p, FREE or WRITING (ours) → ABANDONED: consumers will skip it.
      const c = cellAt(p);
      const w = atomic.load<u64>(c);
      if (seqOf(w) == p && (stateOf(w) == STATE_FREE || stateOf(w) == STATE_WRITING)) {
        atomic.cmpxchg<u64>(c, w, cellWord(p, STATE_ABANDONED, k));
      }
      recycleAbandoned(p);
    }
    p += k;
    rec += RECORD_HEADER_BYTES + pad8(len);
  }
  if (from > 0) wakeConsumers(<i32>from);
  return from > 0 ? <i32>from : -R_RECLAIMED;
}
