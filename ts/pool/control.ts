// The pool's control block: a few words of shared memory, next to the two
// kernel queues, that the main thread and the workers coordinate through.
//
//   [TAKEN]            tasks taken off the task queue so far (wrapping i32);
//                      with the main thread's own push count it gives the
//                      exact number of tasks in the queue, for maxQueue.
//   [TAKEN_WAITERS]    > 0 while the main thread waits for room (so workers
//                      only pay for a notify when someone listens).
//   per worker slot:   [STATE] EMPTY (no worker), STARTING (the pool started
//                      one), SERVING (it attached and takes tasks), RETIRED
//                      (it chose to exit after idleTimeout). Only the pool
//                      writes EMPTY and STARTING; only the worker SERVING and
//                      RETIRED.
//   per lane:          [CURRENT] id of the task the lane is running, 0 idle,
//                      POPPING while it takes a task off the queue. A worker
//                      has concurrentTasksPerWorker lanes; lane `l` of slot
//                      `s` is lane number s * lanes + l.
//   per worker slot:   [LEASES] for each pool queue (tasks, results): the
//                      worker's scratch lease there, index + 1 (0: none) and
//                      generation, which the pool ends when the worker is
//                      gone (its area and its parked waits come back at once).
//   [CANCEL + id % N]  = id when that queued task was aborted. A worker that
//                      pops it skips it. Task ids enter the queue in order and
//                      at most maxQueue (<= N) are in it at once, so two queued
//                      tasks never share an entry.

import type { WakeWord } from '../wait.js';

export const TAKEN = 0;
export const TAKEN_WAITERS = 1;
/**
 * CURRENT while a worker is taking a task off the queue, before it knows the
 * id. A worker that dies in that state may have taken a task with it; the
 * pool then looks for it (see lost-tasks.ts).
 */
export const POPPING = -1;

/** STATE: no worker in this slot. */
export const EMPTY = 0;
/** STATE: started by the pool, not serving yet. */
export const STARTING = 1;
/** STATE: attached to the queues and taking tasks. */
export const SERVING = 2;
/** STATE: left on its own after idleTimeout (not a death: nothing to blame, nothing to replace). */
export const RETIRED = 3;

/** TAKEN as a wake word: every take bumps it (it doubles as the sequence word), and run() parks on it for room. */
export const takenWord = (ctl: Int32Array): WakeWord => ({ i32: ctl, seq: TAKEN, waiters: TAKEN_WAITERS });
const HEADER_WORDS = 8;
/** (index + 1, generation) of a worker's lease in each of the two queues. */
const LEASE_WORDS = 2;
const LEASE_SLOT_WORDS = 2 * LEASE_WORDS;

/** Task ids cycle through 1..ID_LIMIT (a multiple of every table size), 0 means "none". */
export const ID_LIMIT = 2 ** 30;

export interface ControlLayout {
  /** Worker slots: maxThreads. */
  readonly slots: number;
  /** Lanes per worker: concurrentTasksPerWorker. */
  readonly lanes: number;
  readonly cancelEntries: number;
}

export function controlBytes(layout: ControlLayout): number {
  return (leasesStart(layout) + layout.slots * LEASE_SLOT_WORDS + layout.cancelEntries) * 4;
}

const leasesStart = (layout: ControlLayout) => HEADER_WORDS + layout.slots + layout.slots * layout.lanes;

/** Every lane of every slot: slots × lanes. */
export const laneCount = (layout: ControlLayout) => layout.slots * layout.lanes;
export const stateIndex = (slot: number) => HEADER_WORDS + slot;
/** The CURRENT word of lane number `lane` (0 .. laneCount - 1). */
export const currentIndex = (layout: ControlLayout, lane: number) => HEADER_WORDS + layout.slots + lane;
export const cancelIndex = (layout: ControlLayout, id: number) =>
  leasesStart(layout) + layout.slots * LEASE_SLOT_WORDS + (id & (layout.cancelEntries - 1));

/** Where the worker in `slot` records its lease in pool queue `queue` (0: tasks, 1: results). */
export const leaseIndex = (layout: ControlLayout, slot: number, queue: number) =>
  leasesStart(layout) + slot * LEASE_SLOT_WORDS + queue * LEASE_WORDS;

/** A queue face that can hand its lease to a host that watches the thread (Queue's @internal hostWatchedLease). */
interface HostWatchable {
  hostWatchedLease(): { index: number; generation: number } | undefined;
}

/** Worker side: records this worker's leases in the pool's queues, for the pool to end when the worker is gone. */
export function recordLeases(ctl: Int32Array, layout: ControlLayout, slot: number, queues: readonly HostWatchable[]): void {
  queues.forEach((queue, q) => {
    const lease = queue.hostWatchedLease();
    if (lease === undefined) return;
    Atomics.store(ctl, leaseIndex(layout, slot, q) + 1, lease.generation | 0);
    Atomics.store(ctl, leaseIndex(layout, slot, q), lease.index + 1);
  });
}

/** Pool side: the leases the worker in `slot` recorded ([queue, index, generation]), cleared. */
export function takeRecordedLeases(ctl: Int32Array, layout: ControlLayout, slot: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let q = 0; q < 2; q++) {
    const at = leaseIndex(layout, slot, q);
    const index = Atomics.exchange(ctl, at, 0) - 1;
    if (index >= 0) out.push([q, index, Atomics.load(ctl, at + 1) >>> 0]);
  }
  return out;
}

/** The ids on every lane's CURRENT word now (tasks running; 0 and POPPING left out). */
export function runningIds(ctl: Int32Array, layout: ControlLayout): Set<number> {
  const ids = new Set<number>();
  for (let lane = 0; lane < laneCount(layout); lane++) {
    const id = Atomics.load(ctl, currentIndex(layout, lane));
    if (id > 0) ids.add(id);
  }
  return ids;
}
