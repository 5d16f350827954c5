// Scanning a queue's lease records from one thread: ending the holdings of
// threads found dead (silent for stallTimeoutMs, or whose Web Lock nobody
// holds any more), and a census of what the records hold (for tests). Part of
// the kernel boundary: it reads the record layout (assembly/lease.ts).
import * as L from './layout.js';
import type { Kernel } from './kernel.js';
import { lifeLockName, lockScanner } from './liveness.js';

/** What the lease records hold, for tests and diagnostics (Kernel.leaseCensus). */
export interface LeaseCensus {
  /** Areas leased now, and how many of those a Web Lock or a host watches. */
  readonly held: number;
  readonly locked: number;
  readonly hosted: number;
  /** Free areas not leasable yet: revoked for silence less than stallTimeoutMs ago. */
  readonly quarantined: number;
  /** The global waiter counts: [consumers, consumers' async waits, producers, producers' async waits]. */
  readonly waits: readonly number[];
  /** The part of each that held leases account for. */
  readonly leasedWaits: readonly number[];
}

const WAIT_COUNTS = [L.OFF_CONSUMERS_WAITING, L.OFF_CONSUMERS_ASYNC, L.OFF_PRODUCERS_WAITING, L.OFF_PRODUCERS_ASYNC];
const LOW = 0xffffffffn;

/** The u32 index of lease record i's state word (8-byte aligned). */
export function recordIndex(i: number): number {
  return (L.OFF_LEASE_RECORDS + i * L.LEASE_RECORD_BYTES + L.LEASE_STATE) >> 2;
}

/** The name of the life lock of holding (index, generation) of this queue. */
export function lockName(kernel: Kernel, index: number, generation: number): string {
  const q = L.OFF_QUEUE_ID >> 2;
  return lifeLockName(kernel.u32[q], kernel.u32[q + 1], index, generation);
}

const areas = (kernel: Kernel) => kernel.u32[L.OFF_SCRATCH_COUNT >> 2];
/** A u64 view of the memory, for the records' state words. */
const big = (kernel: Kernel) => new BigUint64Array(kernel.memory.buffer, 0, Math.floor(kernel.memory.buffer.byteLength / 8));
const stateOf = (words: BigUint64Array, i: number) => Atomics.load(words, recordIndex(i) >> 1);

/**
 * Ends every holding that only LEASE_SEEN speaks for and that has shown no
 * sign of life for stallTimeoutMs (never with a stallTimeoutMs of 2^30 ms or
 * more): its waits come back at once, its area after another stallTimeoutMs
 * of quarantine (assembly/lease.ts). Returns how many it ended.
 */
export function reclaimSilent(kernel: Kernel): number {
  const words = big(kernel);
  const timeout = kernel.stallTimeoutMs;
  if (timeout >= 2 ** 30) return 0;
  const now = Date.now() >>> 0;
  let ended = 0;
  for (let i = 0, n = areas(kernel); i < n; i++) {
    const s = stateOf(words, i);
    const low = Number(s & LOW);
    if (!(low & L.LEASE_HELD) || low & (L.LEASE_LOCKED | L.LEASE_HOSTED)) continue;
    const seen = Atomics.load(kernel.u32, recordIndex(i) + (L.LEASE_SEEN >> 2));
    if (((now - seen) | 0) < timeout) continue;
    ended += kernel.ops.revokeLease(i, Number(s >> 32n), now, timeout);
  }
  return ended;
}

/**
 * Where this thread can query Web Locks: ends every LEASE_LOCKED holding
 * whose life lock nobody holds (its holder is dead). Resolves with how many
 * it ended; undefined without Web Locks.
 */
export function reclaimUnlocked(kernel: Kernel): Promise<number> | undefined {
  const locks = lockScanner();
  if (!locks) return undefined;
  // Read before the query: a holding marked LOCKED had its lock held then,
  // and its holder keeps it until it ends the holding or dies.
  const words = big(kernel);
  const candidates: [number, number][] = [];
  for (let i = 0, n = areas(kernel); i < n; i++) {
    const s = stateOf(words, i);
    const low = Number(s & LOW);
    if (low & L.LEASE_HELD && low & L.LEASE_LOCKED) candidates.push([i, Number(s >> 32n)]);
  }
  if (candidates.length === 0) return Promise.resolve(0);
  return locks.query().then((snapshot) => {
    const held = new Set((snapshot.held ?? []).map((lock) => lock.name));
    let ended = 0;
    for (const [i, generation] of candidates) {
      if (!held.has(lockName(kernel, i, generation))) ended += kernel.ops.endLease(i, generation);
    }
    return ended;
  });
}

/** What the lease records and waiter counts hold now, for tests and diagnostics (not a snapshot: each word is read once). */
export function census(kernel: Kernel): LeaseCensus {
  const words = big(kernel);
  let held = 0, locked = 0, hosted = 0, quarantined = 0;
  const leasedWaits = [0, 0, 0, 0];
  for (let i = 0, n = areas(kernel); i < n; i++) {
    const low = Number(stateOf(words, i) & LOW);
    if (!(low & L.LEASE_HELD)) {
      if (low & L.LEASE_QUARANTINED) quarantined++;
      continue;
    }
    held++;
    if (low & L.LEASE_LOCKED) locked++;
    if (low & L.LEASE_HOSTED) hosted++;
    for (let k = 0; k < 4; k++) leasedWaits[k] += (low >>> (k * L.LEASE_WAIT_BITS)) & L.LEASE_WAIT_MAX;
  }
  const waits = WAIT_COUNTS.map((off) => Atomics.load(new Int32Array(kernel.u32.buffer), off >> 2));
  return { held, locked, hosted, quarantined, waits, leasedWaits };
}
