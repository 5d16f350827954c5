// In-place batches: a producer claims many messages of one length with one
// CAS and writes them where they lie in the ring; a consumer takes every
// message at the head with one CAS and reads them where they lie. Nothing is
// staged, and a whole batch costs two kernel calls on each side.
//
// A batch token packs the first position and the message count into one f64:
// pos + count * 2^32. count <= MAX_MANY (2^20), so the token stays below
// 2^52 and is exact; every negative result code is distinct from it. The
// bindings find message i of a claim at pos + i * slots (one length), and the
// messages of a take by walking their cell words from pos.
import {
  OFF_HEAD, OFF_TAIL, MAX_MANY, STATE_FREE, STATE_WRITING, STATE_READY, STATE_WITHDRAWN,
  R_CLOSED, R_OVERSIZE, R_RECLAIMED,
} from './layout';
import { cellWord, seqOf, stateOf, valueOf } from './cell';
import { cellAt, maxMessage, slotsFor } from './instance';
import { CLOSED_BIT, fullOrBusy, markWriting, publish } from './push';
import { peekHead, posOf, release } from './pop';
import { recycleAbandoned } from './reclaim';
import { wakeConsumers, wakeProducers } from './wake';

const TWO_32: f64 = 4294967296.0;

@inline function token(pos: u32, count: u32): f64 {
  return <f64>pos + <f64>count * TWO_32;
}

/**
 * Claims up to `count` (at most MAX_MANY) messages of `len` bytes each, at
 * the tail, with one CAS, and marks each WRITING. Returns a batch token, or
 * a negative code if none could be claimed (FULL, BUSY, CLOSED, OVERSIZE).
 */
export function claimMany(len: u32, count: u32): f64 {
  if (len > maxMessage) return -<f64>R_OVERSIZE;
  const slots = slotsFor(len);
  const want = count < MAX_MANY ? count : MAX_MANY;
  while (true) {
    const t = atomic.load<u64>(OFF_TAIL);
    if (t & CLOSED_BIT) return -<f64>R_CLOSED;
    const pos = <u32>t;
    // The longest run of whole messages whose cells are all free for their lap now.
    let n: u32 = 0;
    let verdict: i32 = 0;
    let stale = false;
    while (n < want) {
      let i: u32 = 0;
      for (; i < slots; i++) {
        const p = pos + n * slots + i;
        const w = atomic.load<u64>(cellAt(p));
        const d = <i32>(seqOf(w) - p);
        if (d == 0) continue; // seq == p: free for this lap
        if (d > 0) stale = true; else verdict = fullOrBusy(p, w);
        break;
      }
      if (i < slots) break;
      n++;
    }
    if (n == 0) {
      if (stale || want == 0) {
        if (want == 0) return token(pos, 0);
        continue;
      }
      return <f64>verdict;
    }
    // tail == t: one CAS claims the cells of all n messages.
    if (atomic.cmpxchg<u64>(OFF_TAIL, t, <u64>(pos + n * slots)) != t) continue;
    for (let j: u32 = 0; j < n; j++) {
      const p = pos + j * slots;
      if (!markWriting(p, slots)) {
        // A consumer declared this claim dead before we marked it (we stalled
        // for stallTimeoutMs right after the CAS): give back it and the rest.
        withdrawFrom(pos, j, n, slots);
        if (j == 0) { recycleAbandoned(p); break; }
        return token(pos, j);
      }
    }
    return token(pos, n);
  }
  return unreachable();
}

/**
 * Publishes `count` messages of `len` bytes claimed by claimMany at `pos`.
 * Returns how many were published: all of them, or the prefix before the
 * first one a consumer declared dead (we stalled past stallTimeoutMs); the
 * rest are withdrawn, and the caller may claim them again.
 */
export function publishMany(pos: u32, count: u32, len: u32): i32 {
  const slots = slotsFor(len);
  for (let j: u32 = 0; j < count; j++) {
    if (!publish(pos + j * slots, slots, len)) {
      withdrawFrom(pos, j + 1, count, slots);
      if (j > 0) wakeConsumers(<i32>j);
      return <i32>j;
    }
  }
  wakeConsumers(<i32>count);
  return <i32>count;
}

/** Gives up `count` messages claimed by claimMany at `pos` (their fill threw): consumers skip them. */
export function withdrawMany(pos: u32, count: u32, len: u32): void {
  withdrawFrom(pos, 0, count, slotsFor(len));
  wakeConsumers(1); // a consumer parked at the first one may skip them now
}

/** WRITING (ours) → WITHDRAWN for messages from..n-1 of a claim at `pos`; whoever skips them recycles them. */
function withdrawFrom(pos: u32, from: u32, n: u32, slots: u32): void {
  for (let j = from; j < n; j++) {
    const p = pos + j * slots;
    // seq == p, WRITING (ours) → WITHDRAWN: nobody will write it.
    atomic.cmpxchg<u64>(cellAt(p), cellWord(p, STATE_WRITING, slots), cellWord(p, STATE_WITHDRAWN, slots));
  }
}

/**
 * Takes up to `max` (at most MAX_MANY) published messages at the head with
 * one CAS, without copying them. Returns a batch token (walk the messages'
 * cell words from its position), or a negative code (EMPTY, CLOSED, BUSY).
 */
export function takeMany(max: u32): f64 {
  const want = max < MAX_MANY ? max : MAX_MANY;
  while (true) {
    const f = peekHead();
    if (f < 0) return <f64>f;
    const h = posOf(f);
    let n: u32 = 0;
    let p = h;
    while (n < want) {
      const w = atomic.load<u64>(cellAt(p));
      // seq == p + 1, READY: published and untaken (head <= h <= p).
      if (seqOf(w) != p + 1 || stateOf(w) != STATE_READY) break;
      p += slotsFor(valueOf(w));
      n++;
    }
    if (n == 0) {
      if (want == 0) return token(h, 0);
      continue; // another consumer took the head message first
    }
    // head == h: all n messages are untaken; one CAS takes them all.
    if (atomic.cmpxchg<u32>(OFF_HEAD, h, p) == h) return token(h, n);
  }
  return unreachable();
}

/**
 * Releases `count` messages taken by takeMany at `pos`. Returns how many were
 * still ours; a message a producer reclaimed meanwhile (we stalled past
 * stallTimeoutMs) may have been overwritten while it was being read.
 */
export function releaseMany(pos: u32, count: u32): i32 {
  let ok: u32 = 0;
  let p = pos;
  for (let j: u32 = 0; j < count; j++) {
    const w = atomic.load<u64>(cellAt(p));
    // seq == p + 1, READY: still the message we took.
    if (seqOf(w) != p + 1 || stateOf(w) != STATE_READY) {
      // Reclaimed: its length is gone with it, so the rest cannot be found
      // from here; they were reclaimed too (reclaim follows the head order)
      // or will be after the stall timeout.
      break;
    }
    const len = valueOf(w);
    if (release(p, len)) ok++;
    p += slotsFor(len);
  }
  wakeProducers();
  return <i32>ok;
}
