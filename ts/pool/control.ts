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
  return (HEADER_WORDS + layout.slots + layout.slots * layout.lanes + layout.cancelEntries) * 4;
}

/** Every lane of every slot: slots × lanes. */
export const laneCount = (layout: ControlLayout) => layout.slots * layout.lanes;
export const stateIndex = (slot: number) => HEADER_WORDS + slot;
/** The CURRENT word of lane number `lane` (0 .. laneCount - 1). */
export const currentIndex = (layout: ControlLayout, lane: number) => HEADER_WORDS + layout.slots + lane;
export const cancelIndex = (layout: ControlLayout, id: number) =>
  HEADER_WORDS + layout.slots + layout.slots * layout.lanes + (id & (layout.cancelEntries - 1));

/** The ids on every lane's CURRENT word now (tasks running; 0 and POPPING left out). */
export function runningIds(ctl: Int32Array, layout: ControlLayout): Set<number> {
  const ids = new Set<number>();
  for (let lane = 0; lane < laneCount(layout); lane++) {
    const id = Atomics.load(ctl, currentIndex(layout, lane));
    if (id > 0) ids.add(id);
  }
  return ids;
}
