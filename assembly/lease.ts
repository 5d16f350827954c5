// Scratch leases and the waits each lease holds, so that whoever finds a
// thread dead can take back exactly what it left: its scratch area and its
// registrations in the waiter counts (the bindings' liveness side is
// ts/kernel/liveness.ts; docs/DESIGN.md, "Dead threads' leases").
//
// Record i (OFF_LEASE_RECORDS + i * LEASE_RECORD_BYTES) has a u64 state word:
//   high u32: the generation g. It changes exactly once per holding, when the
//             holding ends (endLease: released, or reclaimed from a dead
//             holder), so (i, g) names one holding for ever (mod 2^32).
//   low u32:  LEASE_HELD while (i, g) is held; LEASE_LOCKED / LEASE_HOSTED say
//             how its holder's death is detected; and the holder's
//             registrations per wait kind (LEASE_WAIT_BITS each).
// and a u32 LEASE_SEEN, the holder's last sign of life (Date.now() mod 2^32),
// for holders no platform signal watches.
//
// A holding ended because its holder was silent (revokeLease) may belong to a
// live thread that was only slow: it stops using the area at its next look at
// the generation, which it makes before every use. To write into the area
// after someone else leased it, it would have to have passed that look before
// the revocation and still be copying when the area is leased again; so the
// area stays LEASE_QUARANTINED (free but not leasable) for stallTimeoutMs
// after the revocation: that needs a pause of more than stallTimeoutMs between
// a look and the copy it guards, the same class of hazard as every other
// stall-timeout decision of this queue.
//
// The one invariant, per wait kind k: the count of k a record holds is at most
// the registrations of k its holder made in the global count (OFF_*_WAITING /
// *_ASYNC) that nobody has taken back yet. A registration adds to the global
// count first and to the record second; leaving takes it off the record first
// and the global count second; endLease zeroes the record and subtracts exactly
// what it held. So endLease never subtracts what was not added. A thread killed
// between the two steps leaves at most one count of that kind in the global
// word (an over-count: a waker then pays a needless notify, never misses one).
import {
  OFF_SCRATCH_COUNT, OFF_LEASE_RECORDS, LEASE_RECORD_BYTES, LEASE_STATE, LEASE_SEEN,
  LEASE_HELD, LEASE_LOCKED, LEASE_HOSTED, LEASE_WAIT_BITS, LEASE_WAIT_MAX,
  LEASE_QUARANTINED, LEASE_TIME_MASK, LEASE_TIME_SHIFT,
  OFF_CONSUMERS_WAITING, OFF_CONSUMERS_ASYNC, OFF_PRODUCERS_WAITING, OFF_PRODUCERS_ASYNC,
} from './layout';

/** The generation of the last area this instance leased. */
let leasedGen: u32 = 0;

@inline function record(i: u32): usize {
  return OFF_LEASE_RECORDS + i * LEASE_RECORD_BYTES;
}

@inline function gen(state: u64): u32 {
  return <u32>(state >> 32);
}

/** The global count a wait kind adds to. */
@inline function countWord(kind: u32): usize {
  return kind == 0 ? OFF_CONSUMERS_WAITING : kind == 1 ? OFF_CONSUMERS_ASYNC : kind == 2 ? OFF_PRODUCERS_WAITING : OFF_PRODUCERS_ASYNC;
}

/** Subtracts from the global counts the waits an ended holding's last state word `s` held. */
@inline function giveBackWaits(s: u64): void {
  for (let k: u32 = 0; k < 4; k++) {
    const n = (<u32>s >> (k * LEASE_WAIT_BITS)) & LEASE_WAIT_MAX;
    if (n != 0) atomic.sub<i32>(countWord(k), <i32>n);
  }
}

/** `now` (ms) in the units a quarantine's start is kept in. */
@inline function timeUnits(now: u32): u32 {
  return (now >> LEASE_TIME_SHIFT) & LEASE_TIME_MASK;
}

/**
 * Takes a free scratch area for a new holding, stamped alive at `now`; an
 * area in quarantine only once `graceMs` have passed since its revocation.
 * Returns its index (leaseGeneration() tells the holding's generation), or -1
 * when every area is held (or quarantined).
 */
export function leaseScratch(now: u32, graceMs: u32): i32 {
  const count = load<u32>(OFF_SCRATCH_COUNT);
  for (let i: u32 = 0; i < count; i++) {
    const at = record(i);
    const s = atomic.load<u64>(at, LEASE_STATE);
    if (<u32>s & LEASE_HELD) continue;
    if (<u32>s & LEASE_QUARANTINED) {
      // Elapsed since the revocation, in time units, mod 2^28 (correct while under about 49 days).
      const elapsed = (timeUnits(now) - (<u32>s & LEASE_TIME_MASK)) & LEASE_TIME_MASK;
      if (<u64>elapsed << LEASE_TIME_SHIFT < <u64>graceMs + (1 << LEASE_TIME_SHIFT)) continue;
    }
    // !HELD (and no quarantine left): the area is free; (i, gen(s)) is the
    // next holding. The CAS makes it ours alone: every other writer of this
    // word expects HELD, or this exact word.
    if (atomic.cmpxchg<u64>(at, s, (s & 0xffffffff00000000) | LEASE_HELD, LEASE_STATE) == s) {
      // A scanner may read the previous holder's LEASE_SEEN before this store
      // and end our holding at once; we then find our generation gone at our
      // first look (the bindings check it before every scratch use) and lease again.
      atomic.store<u32>(at, now, LEASE_SEEN);
      leasedGen = gen(s);
      return <i32>i;
    }
  }
  return -1;
}

/** The generation of the holding the last successful leaseScratch of this instance took (an f64: a u32 >= 2^31 reads as itself). */
export function leaseGeneration(): f64 {
  return <f64>leasedGen;
}

/**
 * Ends the holding (i, g): by its holder (release), or by whoever knows the
 * holder is dead. Subtracts the waits it still held from the global counts
 * and frees the area for the next generation. Returns 1 if this call ended
 * it, 0 if it had ended already (another generation is there, or none).
 */
export function endLease(i: u32, g: u32): i32 {
  if (i >= load<u32>(OFF_SCRATCH_COUNT)) return 0;
  const at = record(i);
  let s = atomic.load<u64>(at, LEASE_STATE);
  for (;;) {
    // gen == g and HELD: (i, g) is still held, with the counts in s.
    if (gen(s) != g || !(<u32>s & LEASE_HELD)) return 0;
    // → (g + 1, free, no counts): the holding is over; from here on every CAS
    // of its holder fails, so nothing of it is counted twice.
    const seen = atomic.cmpxchg<u64>(at, s, <u64>(g + 1) << 32, LEASE_STATE);
    if (seen == s) break;
    s = seen;
  }
  // The counts were the holding's and are ours now: subtract exactly them.
  giveBackWaits(s);
  return 1;
}

/**
 * Ends the holding (i, g) of a holder that no signal watches (neither
 * LEASE_LOCKED nor LEASE_HOSTED) and that has shown no sign of life for
 * `timeoutMs` at `now`, as endLease does, but leaves the area quarantined for
 * another timeoutMs (see the header). Returns 1 if this call ended it.
 */
export function revokeLease(i: u32, g: u32, now: u32, timeoutMs: u32): i32 {
  if (i >= load<u32>(OFF_SCRATCH_COUNT)) return 0;
  const at = record(i);
  let s = atomic.load<u64>(at, LEASE_STATE);
  for (;;) {
    if (gen(s) != g || (<u32>s & (LEASE_HELD | LEASE_LOCKED | LEASE_HOSTED)) != LEASE_HELD) return 0;
    // Read after the state: a sign of life the holder gave before its last
    // change of the state word (a registration) is seen here, or the CAS fails.
    const seen = atomic.load<u32>(at, LEASE_SEEN);
    if (<i32>(now - seen) < <i32>timeoutMs) return 0;
    // → (g + 1, free, quarantined since now): the holding is over; its holder's CASes fail from here on.
    const next = (<u64>(g + 1) << 32) | <u64>(LEASE_QUARANTINED | timeUnits(now));
    const was = atomic.cmpxchg<u64>(at, s, next, LEASE_STATE);
    if (was == s) break;
    s = was;
  }
  giveBackWaits(s);
  return 1;
}

/**
 * Registers a wait of `kind` (WAIT_*) in the global count, and in holding
 * (i, g) if it is still held (i < 0: no lease). Returns 1 if the record
 * counts it (leaveWait must then pass leased = 1), 0 if only the global count does.
 */
export function enterWait(i: i32, g: u32, kind: u32): i32 {
  const word = countWord(kind & 3);
  // Global first: the record never counts more than the global word holds for it.
  atomic.add<i32>(word, 1);
  if (i < 0 || <u32>i >= load<u32>(OFF_SCRATCH_COUNT)) return 0;
  const at = record(<u32>i);
  const shift = (kind & 3) * LEASE_WAIT_BITS;
  let s = atomic.load<u64>(at, LEASE_STATE);
  for (;;) {
    if (gen(s) != g || !(<u32>s & LEASE_HELD)) return 0; // not ours any more: count it globally only
    if (((<u32>s >> shift) & LEASE_WAIT_MAX) == LEASE_WAIT_MAX) return 0; // saturated: globally only
    // still (i, g): the record now holds one more of the global count's registrations.
    const seen = atomic.cmpxchg<u64>(at, s, s + (<u64>1 << shift), LEASE_STATE);
    if (seen == s) return 1;
    s = seen;
  }
  return 0; // not reached: the loop returns
}

/** Takes back a registration enterWait made (with the `leased` it returned). */
export function leaveWait(i: i32, g: u32, kind: u32, leased: i32): void {
  const word = countWord(kind & 3);
  if (leased != 0) {
    const at = record(<u32>i);
    const shift = (kind & 3) * LEASE_WAIT_BITS;
    let s = atomic.load<u64>(at, LEASE_STATE);
    for (;;) {
      // Another generation: endLease ended our holding and subtracted this
      // registration with it; subtracting it again would under-count.
      if (gen(s) != g) return;
      // (i, g), so the record holds this registration: off the record first.
      const seen = atomic.cmpxchg<u64>(at, s, s - (<u64>1 << shift), LEASE_STATE);
      if (seen == s) break;
      s = seen;
    }
  }
  atomic.sub<i32>(word, 1);
}

/**
 * Marks holding (i, g) as watched: `how` is LEASE_LOCKED (its holder holds a
 * Web Lock for life) or LEASE_HOSTED (its host reports its death). Scanners
 * then leave it to that signal instead of LEASE_SEEN. Returns 1, or 0 if the
 * holding has ended.
 */
export function markLease(i: u32, g: u32, how: u32): i32 {
  if (i >= load<u32>(OFF_SCRATCH_COUNT)) return 0;
  const at = record(i);
  let s = atomic.load<u64>(at, LEASE_STATE);
  for (;;) {
    if (gen(s) != g || !(<u32>s & LEASE_HELD)) return 0;
    const seen = atomic.cmpxchg<u64>(at, s, s | <u64>(how & (LEASE_LOCKED | LEASE_HOSTED)), LEASE_STATE);
    if (seen == s) return 1;
    s = seen;
  }
  return 0; // not reached: the loop returns
}

/** The holder of (i, g) is alive at `now`. A holder whose holding ended stamps nothing (a race there only makes the next holder look alive a little longer). */
export function touchLease(i: u32, g: u32, now: u32): void {
  if (i >= load<u32>(OFF_SCRATCH_COUNT)) return;
  const at = record(i);
  if (gen(atomic.load<u64>(at, LEASE_STATE)) == g) atomic.store<u32>(at, now, LEASE_SEEN);
}
