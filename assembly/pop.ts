// The consumer side: take the message at the head, copy it out, release its
// cells to the next lap.
import {
  OFF_HEAD, OFF_TAIL, VALUE_MASK,
  STATE_FREE, STATE_READY, STATE_ABANDONED, STATE_WITHDRAWN,
  R_EMPTY, R_CLOSED, R_BUSY, R_TOO_BIG, R_RECLAIMED,
} from './layout';
import { cellWord, seqOf, stateOf, valueOf } from './cell';
import { capacity, cellAt, noteBusy, slotsFor } from './instance';
import { copyOut } from './ring';
import { wakeProducers } from './wake';
import { CLOSED_BIT } from './push';
import { recycleClaim } from './reclaim';

/** A found message, packed as (length << 32 | position): non-negative, unlike a result code. */
@inline function found(pos: u32, len: u32): i64 {
  return <i64>((<u64>len << 32) | <u64>pos);
}
@inline export function posOf(f: i64): u32 {
  return <u32>f;
}
@inline function lenOf(f: i64): u32 {
  return <u32>(f >> 32);
}

/**
 * Looks at the cell at the head: the READY message there (found(pos, len)),
 * or a negative code (EMPTY, CLOSED, BUSY). Helps skip abandoned claims.
 */
export function peekHead(): i64 {
  let h = atomic.load<u32>(OFF_HEAD);
  while (true) {
    const w = atomic.load<u64>(cellAt(h));
    const seq = seqOf(w);
    const d = <i32>(seq - (h + 1));
    // seq == h + 1: published for this lap; READY until its reader releases it.
    if (d == 0) return found(h, valueOf(w));
    if (d > 0) {
      // seq > h + 1: another consumer took h and the cell moved on. Reload.
      h = atomic.load<u32>(OFF_HEAD);
      continue;
    }
    if (seq == h && stateOf(w) == STATE_ABANDONED) {
      // seq == h, ABANDONED: a dead producer's claim; skip its cells (anyone may).
      atomic.cmpxchg<u32>(OFF_HEAD, h, h + valueOf(w));
      h = atomic.load<u32>(OFF_HEAD);
      continue;
    }
    if (seq == h && stateOf(w) == STATE_WITHDRAWN) {
      // seq == h, WITHDRAWN: a claim its producer gave up. Skip it, and since
      // nobody will write it, the thread whose CAS skips it recycles it.
      if (atomic.cmpxchg<u32>(OFF_HEAD, h, h + valueOf(w)) == h) recycleClaim(h, STATE_WITHDRAWN);
      h = atomic.load<u32>(OFF_HEAD);
      continue;
    }
    // seq <= h: nothing published at h yet.
    const t = atomic.load<u64>(OFF_TAIL);
    const tpos = <u32>t;
    if (tpos == h) {
      // tail == head: empty. If closed, no producer can claim again: drained.
      if (atomic.load<u32>(OFF_HEAD) != h) { h = atomic.load<u32>(OFF_HEAD); continue; }
      return (t & CLOSED_BIT) ? -<i64>R_CLOSED : -<i64>R_EMPTY;
    }
    if (<i32>(tpos - h) < 0) {
      // Our head snapshot is older than a tail that moved on; reload.
      h = atomic.load<u32>(OFF_HEAD);
      continue;
    }
    // tail > head but the head cell is unpublished: a producer is writing it.
    return noteBusy(h, -R_BUSY);
  }
}

/**
 * Takes the message at the head with one CAS: found(pos, len), or a negative
 * code. Fails with R_TOO_BIG, claiming nothing, if it is longer than `max`.
 */
function claimHead(max: u32): i64 {
  while (true) {
    const f = peekHead();
    if (f < 0) return f;
    const h = posOf(f);
    const len = lenOf(f);
    if (len > max) return -<i64>R_TOO_BIG;
    // head == h: the message at h is still untaken; moving head past its
    // cells makes it ours alone.
    if (atomic.cmpxchg<u32>(OFF_HEAD, h, h + slotsFor(len)) == h) return f;
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
 * Continuation cells are released with a plain 32-bit store of their seq
 * (their info word is always FREE): the stores are ordered before the
 * seq-cst CAS on the first cell, which is what any producer synchronises with
 * before it can claim them. (Why not a CAS each: docs/DESIGN.md, "Release".)
 */
export function release(h: u32, len: u32): bool {
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
 * Pops one message into `dst` (`max` bytes). Returns its length, or a
 * negative code; R_TOO_BIG leaves the message in the queue.
 */
export function tryPop(dst: usize, max: u32): i32 {
  while (true) {
    const f = claimHead(max);
    if (f < 0) return <i32>f;
    const h = posOf(f);
    const len = lenOf(f);
    copyOut(h, dst, len);
    const ok = release(h, len);
    wakeProducers();
    if (ok) return <i32>len;
    // A producer declared us dead mid-copy and reused the cells: the copy
    // may be torn and the message is gone (the reclaimer counted it). Next.
  }
}

/** The length of the message at the head now (a hint: another consumer may take it), or a negative code. */
export function headLength(): i32 {
  const f = peekHead();
  return f < 0 ? <i32>f : <i32>lenOf(f);
}

/**
 * First phase of a pop whose bytes the caller copies itself: takes the head
 * message. Returns its position (the token readLength and releaseRead take;
 * f64 holds every u32 position and every negative code), or a negative code.
 */
export function claimRead(): f64 {
  const f = claimHead(VALUE_MASK);
  return f < 0 ? <f64>f : <f64>posOf(f);
}

/** The length of the message claimed at `pos`, or -R_RECLAIMED if it was taken from us. */
export function readLength(pos: u32): i32 {
  const w = atomic.load<u64>(cellAt(pos));
  // seq == pos + 1, READY: still the message we claimed.
  if (seqOf(w) != pos + 1 || stateOf(w) != STATE_READY) return -R_RECLAIMED;
  return <i32>valueOf(w);
}

/** Finishes the claimRead at `pos`. Returns 1, or -R_RECLAIMED if the copy is invalid. */
export function releaseRead(pos: u32): i32 {
  const len = readLength(pos);
  const ok = len >= 0 && release(pos, <u32>len);
  wakeProducers();
  return ok ? 1 : -R_RECLAIMED;
}
