// Recovering from dead threads. A thread that dies between claiming cells
// and finishing with them leaves them held; the bindings time such a stall
// (R_BUSY, stallPosition()) and, after stallTimeoutMs, call one of these.
// A thread that was only slow finds out when it resumes: its publish or
// release CAS fails, because the cell word no longer holds its claim.
import {
  OFF_HEAD, OFF_TAIL, OFF_RECLAIMED_WRITES, OFF_RECLAIMED_READS,
  STATE_FREE, STATE_WRITING, STATE_READY, STATE_ABANDONED, STATE_WITHDRAWN,
} from './layout';
import { cellWord, seqOf, stateOf, valueOf } from './cell';
import { capacity, cellAt, slotsFor } from './instance';
import { wakeProducers } from './wake';

@inline function tailPos(): u32 {
  return <u32>atomic.load<u64>(OFF_TAIL);
}

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
  const seq = seqOf(w);
  const state = stateOf(w);
  let slots: u32;
  if (seq == pos && state == STATE_WRITING) slots = valueOf(w);
  else if (seq == pos && state == STATE_FREE) slots = 1; // died before recording its size
  else if (seq == pos + 1) return 0; // published: not stuck
  else if (seq == pos && state != STATE_READY) return 0; // ABANDONED / WITHDRAWN: peekHead skips those
  else {
    // tail > head == pos, so position pos was claimed, and until it is taken
    // its cell holds seq pos (claimed) or pos + 1 (published). No thread
    // writes any other word there: this one is the late plain store of a
    // thread declared dead, resuming inside a kernel loop (docs/DESIGN.md,
    // "Release"). If the head still says nobody took pos, give the cell up
    // so the queue goes on: the message there, if any, is lost.
    if (atomic.load<u32>(OFF_HEAD) != pos) return 0;
    slots = seq == pos ? slotsFor(valueOf(w)) : 1; // seq == pos, READY: its length survived
  }
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
  if (seqOf(w) == pos && (state == STATE_ABANDONED || state == STATE_WITHDRAWN)) {
    return recycleClaim(pos, state) ? 1 : 0;
  }
  if (seqOf(w) != pos + 1 || state != STATE_READY) return 0;
  if (<i32>(atomic.load<u32>(OFF_HEAD) - pos) <= 0) return 0; // untaken: not stuck
  const k = slotsFor(valueOf(w));
  for (let i: u32 = 1; i < k; i++) {
    const p = pos + i;
    // seq == p, FREE (continuation) → seq = p + cap: unless its reader released it already.
    atomic.cmpxchg<u64>(cellAt(p), cellWord(p, STATE_FREE, 0), cellWord(p + capacity, STATE_FREE, 0));
  }
  // seq == pos + 1, READY, taken: → next lap's free cell. Its reader, if it
  // is alive after all, fails the same CAS in release() and drops the copy.
  if (atomic.cmpxchg<u64>(c, w, cellWord(pos + capacity, STATE_FREE, 0)) != w) return 0;
  atomic.add<u32>(OFF_RECLAIMED_READS, 1);
  wakeProducers();
  return 1;
}

/** Hands an ABANDONED claim at `pos` to the next lap (see recycleClaim). */
export function recycleAbandoned(pos: u32): bool {
  return recycleClaim(pos, STATE_ABANDONED);
}

/**
 * Hands a dead claim at `pos` (ABANDONED, or WITHDRAWN by its producer) to
 * the next lap. The head must be past it first, or consumers would see a
 * next-lap cell at the head; so help move the head if the skipper has not
 * yet. Returns true if this call freed it.
 */
export function recycleClaim(pos: u32, state: u32): bool {
  const c = cellAt(pos);
  const w = atomic.load<u64>(c);
  // seq == pos, in `state`: a dead claim of `slots` cells.
  if (seqOf(w) != pos || stateOf(w) != state) return false;
  const slots = valueOf(w);
  atomic.cmpxchg<u32>(OFF_HEAD, pos, pos + slots);
  // head <= pos: consumers have not skipped it yet (a batch withdrew its own
  // tail end); a producer of the next lap recycles it later via reclaimRead.
  if (<i32>(atomic.load<u32>(OFF_HEAD) - pos) <= 0) return false;
  for (let i: u32 = 1; i < slots; i++) {
    const p = pos + i;
    // seq == p, FREE (continuation) → seq = p + cap.
    atomic.cmpxchg<u64>(cellAt(p), cellWord(p, STATE_FREE, 0), cellWord(p + capacity, STATE_FREE, 0));
  }
  // seq == pos, dead claim → seq = pos + cap, FREE.
  const ok = atomic.cmpxchg<u64>(c, w, cellWord(pos + capacity, STATE_FREE, 0)) == w;
  if (ok) wakeProducers();
  return ok;
}
