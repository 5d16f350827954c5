// The wasmq kernel: a bounded multi-producer multi-consumer queue of byte
// messages in shared linear memory. This file is the module's export list;
// each concept has its own file:
//
//   layout.ts    the shared-memory layout: offsets, states, result codes
//   cell.ts      the cell word (seq | state | value) and its bit diagram
//   instance.ts  the per-instance (per-thread) state: cached geometry, busyPos
//   ring.ts      copying bytes into and out of the data ring
//   setup.ts     init, attach, close, size
//   lease.ts     scratch leases and the waits each holds; ending a dead holding
//   push.ts      the producer side: claim, copy, publish; batches
//   pop.ts       the consumer side: take, copy, release
//   inplace.ts   in-place batches: claim/publish and take/release many at once
//   reclaim.ts   recovering cells held by dead threads
//   wake.ts      waking parked threads
//
// Algorithm: Dmitry Vyukov's bounded MPMC queue (per-cell sequence numbers),
// extended in three ways:
//   1. A message may span several consecutive cells, claimed by one CAS on the
//      tail (and one CAS on the head to take it), so FIFO order holds for
//      messages of any size up to the ring.
//   2. Each cell word also carries a small state (WRITING / READY / ABANDONED),
//      so a thread that dies between claiming and finishing can be detected
//      and its cells reclaimed (reclaim.ts).
//   3. Batches: pushBatch claims the cells of many messages with one CAS;
//      claimMany / takeMany (inplace.ts) claim or take a whole batch with one
//      CAS and let the caller write or read it in place.
//
// Positions (head, tail, seq) are u32 and wrap modulo 2^32. Capacity is a
// power of two that divides 2^32, so `pos & mask` stays continuous across the
// wrap, and every comparison is a signed difference `<i32>(a - b)`, which is
// correct while the two values are less than 2^31 apart (capacity <= 2^28).
//
// Two-phase operations pass a token: claimWrite returns the claimed position,
// which publishWrite takes back; claimRead returns the taken position, which
// readLength and releaseRead take back.
//
// All Wasm atomics are sequentially consistent, so no explicit fences appear.
// The kernel allocates nothing and keeps no state outside the layout except
// the per-instance block in instance.ts.

// Re-export the layout so its values are visible as Wasm globals; the layout
// test compares them with the generated TypeScript copy.
export * from './layout';

export { init, attach, close, isClosed, usedCells } from './setup';
export { leaseScratch, leaseGeneration, endLease, revokeLease, enterWait, leaveWait, markLease, touchLease } from './lease';
export { tryPush, claimWrite, publishWrite, pushBatch } from './push';
export { tryPop, headLength, claimRead, readLength, releaseRead } from './pop';
export { reclaimWrite, reclaimRead } from './reclaim';
export { claimMany, publishMany, withdrawMany, takeMany, releaseMany } from './inplace';

import { busyPos } from './instance';

/** The position the last R_BUSY result of this instance was about (an f64, like the claim tokens, so a position >= 2^31 reads as the same number). */
export function stallPosition(): f64 {
  return <f64>busyPos;
}
