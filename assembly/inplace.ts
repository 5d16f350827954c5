// In-place batches: a producer claims many messages of one length with one
// CAS and writes them where they lie in the ring; a consumer takes every
// message at the head with one CAS and reads them where they lie. Nothing is
// staged, and a whole batch costs two kernel calls and three locked RMWs on
// each side, however many messages it holds.
//
// A batch token packs the first position and the message count into one f64:
// pos + count * 2^32. count <= MAX_MANY (2^20), so the token stays below
// 2^52 and is exact; every negative result code is distinct from it.
//
// The batch as one claim. The first message's cell speaks for the whole
// batch: claimMany marks it WRITING with value = every cell of the batch, so
// a consumer that finds the batch dead skips all of it at once. publishMany
// makes the later messages READY with plain stores and then the first one
// READY with a CAS; releaseMany frees the later messages with plain stores
// and then the first one with a CAS. This is safe because consumers only ever
// look at a cell after every cell before it at the head is READY (they walk
// from the head and stop at the first that is not), and producers only claim
// a cell's next lap after claiming every position before it, so nobody reads
// a later cell before the first cell's CAS, which orders the plain stores
// before it (the same argument as release()'s continuation cells, pop.ts).
import {
  OFF_TAIL, OFF_HEAD, MAX_MANY, STATE_FREE, STATE_WRITING, STATE_READY, STATE_WITHDRAWN,
  R_CLOSED, R_OVERSIZE, OFF_RETRIED_WRITES,
} from './layout';
import { cellWord, seqOf, stateOf, valueOf } from './cell';
import { capacity, cellAt, maxMessage, slotsFor } from './instance';
import { CLOSED_BIT, FREE_RUN, STALE_RUN, cellsFree } from './push';
import { peekHead, posOf } from './pop';
import { recycleAbandoned } from './reclaim';
import { wakeConsumers, wakeProducers } from './wake';

const TWO_32: f64 = 4294967296.0;

@inline function token(pos: u32, count: u32): f64 {
  return <f64>pos + <f64>count * TWO_32;
}

/**
 * Claims up to `count` (at most MAX_MANY) messages of `len` bytes each, at
 * the tail, with one CAS. Returns a batch token, or a negative code if none
 * could be claimed (FULL, BUSY, CLOSED, OVERSIZE). Message i of the batch
 * starts at position pos + i * slotsFor(len).
 */
export function claimMany(len: u32, count: u32): f64 {
  if (len > maxMessage) return -<f64>R_OVERSIZE;
  const slots = slotsFor(len);
  const want = count < MAX_MANY ? count : MAX_MANY;
  while (true) {
    const t = atomic.load<u64>(OFF_TAIL);
    if (t & CLOSED_BIT) return -<f64>R_CLOSED;
    const pos = <u32>t;
    if (want == 0) return token(pos, 0);
    // The longest run of whole messages whose cells are all free for their lap now.
    let n: u32 = 0;
    let verdict: i32 = 0;
    let stale = false;
    while (n < want) {
      const run = cellsFree(pos + n * slots, slots);
      if (run != FREE_RUN) {
        if (run == STALE_RUN) stale = true; else verdict = run;
        break;
      }
      n++;
    }
    if (n == 0) {
      if (stale) continue;
      return <f64>verdict;
    }
    // tail == t: one CAS claims the cells of all n messages.
    if (atomic.cmpxchg<u64>(OFF_TAIL, t, <u64>(pos + n * slots)) != t) continue;
    // seq == pos, FREE → WRITING with value = every cell of the batch: a
    // consumer that finds it dead skips the whole batch. Fails only if one
    // already declared it dead (we stalled right after the CAS).
    const free = cellWord(pos, STATE_FREE, 0);
    if (atomic.cmpxchg<u64>(cellAt(pos), free, cellWord(pos, STATE_WRITING, n * slots)) != free) {
      recycleAbandoned(pos);
      continue;
    }
    return token(pos, n);
  }
  return unreachable();
}

/**
 * Publishes the `count` messages of `len` bytes that claimMany claimed at
 * `pos`. Returns count, or 0 if a consumer declared the batch dead meanwhile
 * (we stalled past stallTimeoutMs): then nothing of it is published and the
 * caller may claim it again.
 */
export function publishMany(pos: u32, count: u32, len: u32): i32 {
  if (count == 0) return 0; // a 0-count token claimed nothing
  const slots = slotsFor(len);
  const first = cellAt(pos);
  const writing = cellWord(pos, STATE_WRITING, count * slots);
  // seq == pos, WRITING (the batch): still ours, so its later cells are too
  // and no other producer can have them. If a consumer declared the batch
  // dead (the fill outlasted stallTimeoutMs), its cells may be recycled and
  // reused already: touch none of them.
  if (atomic.load<u64>(first) != writing) return givenUp(pos);
  // Later messages first, with plain stores: seq = p + 1, READY (see the header).
  for (let j: u32 = 1; j < count; j++) {
    const p = pos + j * slots;
    store<u64>(cellAt(p), cellWord(p + 1, STATE_READY, len));
  }
  // seq == pos, WRITING (the batch) → seq = pos + 1, READY: consumers may take all of it.
  if (atomic.cmpxchg<u64>(first, writing, cellWord(pos + 1, STATE_READY, len)) == writing) {
    wakeConsumers(<i32>count);
    return <i32>count;
  }
  // Declared dead between the check and the CAS (a pause of stallTimeoutMs
  // inside this loop): undo our later cells, then recycle the batch.
  for (let j: u32 = 1; j < count; j++) {
    const p = pos + j * slots;
    atomic.cmpxchg<u64>(cellAt(p), cellWord(p + 1, STATE_READY, len), cellWord(p, STATE_FREE, 0));
  }
  return givenUp(pos);
}

/** Our batch at `pos` was declared dead: recycle it if nobody has yet, and count the retry. */
function givenUp(pos: u32): i32 {
  recycleAbandoned(pos);
  atomic.add<u32>(OFF_RETRIED_WRITES, 1);
  return 0;
}

/** Gives up the batch claimMany claimed at `pos` (its fill threw): consumers skip all of it and recycle it. */
export function withdrawMany(pos: u32, count: u32, len: u32): void {
  const cells = count * slotsFor(len);
  // seq == pos, WRITING (ours) → WITHDRAWN: nobody will write it.
  atomic.cmpxchg<u64>(cellAt(pos), cellWord(pos, STATE_WRITING, cells), cellWord(pos, STATE_WITHDRAWN, cells));
  wakeConsumers(1); // a consumer parked at it may skip it now
}

/**
 * Takes up to `max` (at most MAX_MANY) published messages at the head with
 * one CAS, without copying them. Returns a batch token (the bindings walk the
 * messages' cell words from its position), or a negative code (EMPTY,
 * CLOSED, BUSY).
 */
export function takeMany(max: u32): f64 {
  const want = max < MAX_MANY ? max : MAX_MANY;
  while (true) {
    const f = peekHead();
    if (f < 0) return <f64>f;
    const h = posOf(f);
    if (want == 0) return token(h, 0);
    let n: u32 = 0;
    let p = h;
    let end = h;
    while (n < want) {
      const w = atomic.load<u64>(cellAt(p));
      // seq == p, WITHDRAWN: a claim its producer gave up. Take it along (the
      // bindings skip it, releaseMany recycles it) and look past it.
      if (seqOf(w) == p && stateOf(w) == STATE_WITHDRAWN) {
        p += valueOf(w);
        continue;
      }
      // seq == p + 1, READY: published and untaken (head <= h <= p).
      if (seqOf(w) != p + 1 || stateOf(w) != STATE_READY) break;
      p += slotsFor(valueOf(w));
      end = p;
      n++;
    }
    p = end; // a batch never ends in a withdrawn claim: peekHead recycles those at the head
    if (n == 0) continue; // another consumer took the head message first
    // head == h: all n messages are untaken; one CAS takes them all.
    if (atomic.cmpxchg<u32>(OFF_HEAD, h, p) == h) return token(h, n);
  }
  return unreachable();
}

/**
 * Releases the `count` messages takeMany took at `pos`. Returns how many it
 * released: fewer than count if a producer reclaimed some meanwhile (we
 * stalled past stallTimeoutMs: the bytes read may have been overwritten).
 */
export function releaseMany(pos: u32, count: u32): i32 {
  if (count == 0) return 0; // a 0-count token took nothing
  const first = cellAt(pos);
  const w = atomic.load<u64>(first);
  // seq == pos + 1, READY: still ours. Producers reclaim in position order,
  // so while the first message is ours, so are the later ones: free them
  // with plain stores (see the header), then the first by CAS.
  if (seqOf(w) != pos + 1 || stateOf(w) != STATE_READY) {
    // The first was reclaimed (we stalled past stallTimeoutMs): its length is
    // gone with it, so the later ones cannot be found from here; producers
    // reclaim them too, in order, each after its own stall timeout.
    wakeProducers();
    return 0;
  }
  let p = pos + slotsFor(valueOf(w));
  for (let i = pos + 1; i != p; i++) store<u32>(cellAt(i), i + capacity);
  for (let j: u32 = 1; j < count; ) {
    const c = atomic.load<u64>(cellAt(p));
    // seq == p, WITHDRAWN (taken along by takeMany) or seq == p + 1, READY (ours):
    // → seq = p + cap, FREE, continuation cells likewise.
    const k = stateOf(c) == STATE_WITHDRAWN ? valueOf(c) : slotsFor(valueOf(c));
    if (stateOf(c) != STATE_WITHDRAWN) j++;
    store<u64>(cellAt(p), cellWord(p + capacity, STATE_FREE, 0));
    for (let i: u32 = 1; i < k; i++) store<u32>(cellAt(p + i), p + i + capacity);
    p += k;
  }
  // seq == pos + 1, READY → seq = pos + cap, FREE: producers may claim the batch's cells.
  const ok = atomic.cmpxchg<u64>(first, w, cellWord(pos + capacity, STATE_FREE, 0)) == w;
  wakeProducers();
  return ok ? <i32>count : <i32>count - 1; // the first was reclaimed just now; the rest were released
}
