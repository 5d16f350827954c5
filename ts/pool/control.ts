// The pool's control block: a few words of shared memory, next to the two
// kernel queues, that the main thread and the workers coordinate through.
//
//   [TAKEN]            tasks taken off the task queue so far (wrapping i32);
//                      with the main thread's own push count it gives the
//                      exact number of tasks in the queue, for maxQueue.
//   [TAKEN_WAITERS]    > 0 while the main thread waits for room (so workers
//                      only pay for a notify when someone listens).
//   per worker slot:   [CURRENT] id of the task the worker is running, 0 idle,
//                      POPPING while it takes a task off the queue;
//                      [STARTED] 1 once the worker attached and serves;
//                      [LEASES] for each pool queue (tasks, results): the
//                      worker's scratch lease there, index + 1 (0: none) and
//                      generation, which the pool ends when the worker is
//                      gone (its area and its parked waits come back at once).
//   [CANCEL + id % N]  = id when that queued task was aborted. A worker that
//                      pops it skips it. Task ids enter the queue in order and
//                      at most maxQueue (<= N) are in it at once, so two queued
//                      tasks never share an entry.

import type { WakeWord } from '../wait.js';

export const TAKEN = 0;
/**
 * CURRENT while a worker is taking a task off the queue, before it knows the
 * id. A worker that dies in that state may have taken a task with it; the
 * pool then looks for it (see lost-tasks.ts).
 */
export const POPPING = -1;
export const TAKEN_WAITERS = 1;

/** TAKEN as a wake word: every take bumps it (it doubles as the sequence word), and run() parks on it for room. */
export const takenWord = (ctl: Int32Array): WakeWord => ({ i32: ctl, seq: TAKEN, waiters: TAKEN_WAITERS });
const SLOTS = 8;
/** CURRENT, STARTED, then (index + 1, generation) of the worker's lease in each of the two queues. */
const SLOT_WORDS = 6;
const LEASE_WORDS = 2;

/** Task ids cycle through 1..ID_LIMIT (a multiple of every table size), 0 means "none". */
export const ID_LIMIT = 2 ** 30;

export interface ControlLayout {
  readonly slots: number;
  readonly cancelEntries: number;
}

export function controlBytes(layout: ControlLayout): number {
  return (SLOTS + layout.slots * SLOT_WORDS + layout.cancelEntries) * 4;
}

export const currentIndex = (slot: number) => SLOTS + slot * SLOT_WORDS;
export const startedIndex = (slot: number) => SLOTS + slot * SLOT_WORDS + 1;
export const cancelIndex = (layout: ControlLayout, id: number) =>
  SLOTS + layout.slots * SLOT_WORDS + (id & (layout.cancelEntries - 1));

/** Where the worker in `slot` records its lease in pool queue `queue` (0: tasks, 1: results). */
export const leaseIndex = (slot: number, queue: number) => SLOTS + slot * SLOT_WORDS + 2 + queue * LEASE_WORDS;

/** A queue face that can hand its lease to a host that watches the thread (Queue's @internal hostWatchedLease). */
interface HostWatchable {
  hostWatchedLease(): { index: number; generation: number } | undefined;
}

/** Worker side: records this worker's leases in the pool's queues, for the pool to end when the worker is gone. */
export function recordLeases(ctl: Int32Array, slot: number, queues: readonly HostWatchable[]): void {
  queues.forEach((queue, q) => {
    const lease = queue.hostWatchedLease();
    if (lease === undefined) return;
    Atomics.store(ctl, leaseIndex(slot, q) + 1, lease.generation | 0);
    Atomics.store(ctl, leaseIndex(slot, q), lease.index + 1);
  });
}

/** Pool side: the leases the worker in `slot` recorded ([queue, index, generation]), cleared. */
export function takeRecordedLeases(ctl: Int32Array, slot: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let q = 0; q < 2; q++) {
    const at = leaseIndex(slot, q);
    const index = Atomics.exchange(ctl, at, 0) - 1;
    if (index >= 0) out.push([q, index, Atomics.load(ctl, at + 1) >>> 0]);
  }
  return out;
}
