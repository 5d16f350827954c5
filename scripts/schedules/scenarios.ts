// The scenarios the checker explores: 2 to 4 threads over a ring of 2 to 4
// cells, small enough to search exhaustively within a preemption bound.
// Message lengths are in bytes over 8-byte slots: 6 takes one cell, 12 two,
// 20 three.
import type { QueueSpec } from './machine.js';
import { closer, consumer, producer, type Factory } from './programs.js';

export interface Scenario {
  name: string;
  what: string;
  spec: QueueSpec;
  threads: Factory[];
  /** A thread the scheduler may kill, at any one step. */
  victim?: number;
  /** How often the stall timeout may elapse while the thread holding the cell is alive (a slow thread). */
  slowTicks?: number;
  /** Whether the history must be linearizable (scenarios where nothing is reclaimed). */
  linearizable: boolean;
  /** Preemption bound of the quick run (null: the quick run tries PCT schedules only) and of the long one. */
  quick: number | null;
  long: number;
  /** Random PCT schedules (depth 3) in the long run, and a tenth of them in the quick run. */
  pct?: number;
}

const q = (capacity: number, startPos = 0): QueueSpec => ({ capacity, slotBytes: 8, startPos });
const WRAP = 2 ** 32 - 3;

export const SCENARIOS: Scenario[] = [
  {
    name: 'spsc',
    what: 'one producer, one consumer, 2 messages through a 2-cell ring: every schedule, no bound (sleep sets)',
    spec: q(2),
    threads: [producer({ lengths: [6, 6], via: 'push' }), consumer('pop')],
    linearizable: true, quick: Infinity, long: Infinity,
  },
  {
    name: 'push-pop',
    what: '2 producers, 1 consumer, tryPush/tryPop through a 2-cell ring (wraps twice)',
    spec: q(2),
    threads: [producer({ lengths: [6, 6, 6], via: 'push' }), producer({ lengths: [6, 6], via: 'push' }), consumer('pop')],
    linearizable: true, quick: 1, long: 2,
  },
  {
    name: 'mpmc',
    what: '2 producers, 2 consumers, tryPush/tryPop, 2 cells',
    spec: q(2),
    threads: [producer({ lengths: [6, 6], via: 'push' }), producer({ lengths: [6, 6], via: 'push' }), consumer('pop'), consumer('pop')],
    linearizable: true, quick: null, long: 1, pct: 20000,
  },
  {
    name: 'multi-slot',
    what: 'messages of 1, 2 and 3 cells through a 4-cell ring, two-phase claimWrite/claimRead mixed with tryPush/tryPop',
    spec: q(4),
    threads: [producer({ lengths: [12, 6, 20], via: 'push' }), producer({ lengths: [20, 12], via: 'claimWrite' }), consumer('claimRead')],
    linearizable: true, quick: 1, long: 2,
  },
  {
    name: 'batches',
    what: 'pushBatch and tryPush against takeMany, 4 cells',
    spec: q(4),
    threads: [producer({ lengths: [6, 12, 6, 6], via: 'pushBatch' }), producer({ lengths: [6, 6], via: 'push' }), consumer('takeMany')],
    linearizable: true, quick: 1, long: 2,
  },
  {
    name: 'in-place',
    what: 'claimMany/publishMany (one claim withdrawn, as a throwing fill) against takeMany, 4 cells',
    spec: q(4),
    threads: [
      producer({ lengths: [6, 6, 6], via: 'claimMany', withdrawFirst: true }),
      producer({ lengths: [12, 12], via: 'claimMany' }),
      consumer('takeMany'),
    ],
    linearizable: true, quick: 1, long: 2,
  },
  {
    name: 'in-place-mpmc',
    what: 'the in-place scenario with a second consumer, on tryPop: 4 threads',
    spec: q(4),
    threads: [
      producer({ lengths: [6, 6, 6], via: 'claimMany', withdrawFirst: true }),
      producer({ lengths: [12, 12], via: 'claimMany' }),
      consumer('takeMany'), consumer('pop'),
    ],
    linearizable: true, quick: null, long: 1, pct: 20000,
  },
  {
    name: 'close',
    what: 'close() racing two producers; the consumer drains, then sees closed',
    spec: q(2),
    threads: [producer({ lengths: [6, 6], via: 'push' }), producer({ lengths: [12], via: 'pushBatch' }), closer, consumer('pop')],
    linearizable: true, quick: 1, long: 2,
  },
  {
    name: 'wrap-2^32',
    what: 'positions start 3 below 2^32: every claim, take and reclaim crosses the u32 wrap',
    spec: q(4, WRAP),
    threads: [producer({ lengths: [6, 12, 6], via: 'push' }), producer({ lengths: [6, 6], via: 'claimMany' }), consumer('takeMany')],
    linearizable: true, quick: 1, long: 2,
  },
  {
    name: 'dead-producer',
    what: 'a producer killed at any step: consumers get past its claim after the stall timeout',
    spec: q(2),
    threads: [producer({ lengths: [6, 12], via: 'push' }), producer({ lengths: [6, 6], via: 'push' }), consumer('pop')],
    victim: 0, linearizable: false, quick: 1, long: 1, pct: 20000,
  },
  {
    name: 'dead-consumer',
    what: 'a consumer killed at any step: producers reclaim what it held after the stall timeout; at most that message is lost',
    spec: q(2),
    threads: [producer({ lengths: [6, 6, 6], via: 'push' }), consumer('pop'), consumer('claimRead')],
    victim: 1, linearizable: false, quick: 1, long: 1, pct: 20000,
  },
  {
    name: 'dead-in-place',
    what: 'an in-place producer or consumer killed at any step of claimMany/publishMany or takeMany/releaseMany',
    spec: q(2, WRAP),
    threads: [producer({ lengths: [6, 6, 6], via: 'claimMany' }), consumer('takeMany'), consumer('pop')],
    victim: 1, linearizable: false, quick: 1, long: 1, pct: 20000,
  },
  {
    name: 'dead-batch-producer',
    what: 'an in-place producer killed at any step; a second producer and a consumer carry on',
    spec: q(4),
    threads: [producer({ lengths: [6, 6, 6], via: 'claimMany' }), producer({ lengths: [6, 6], via: 'pushBatch' }), consumer('takeMany')],
    victim: 0, linearizable: false, quick: 1, long: 1, pct: 20000,
  },
  {
    name: 'slow-producer',
    what: 'the stall timeout elapses while a live producer is between claim and publish: it finds out and pushes again',
    spec: q(2),
    threads: [producer({ lengths: [6, 6], via: 'push' }), producer({ lengths: [6], via: 'claimMany' }), consumer('claimRead')],
    slowTicks: 1, linearizable: false, quick: 1, long: 2,
  },
  {
    name: 'slow-consumer',
    what: 'the stall timeout elapses while a live consumer is between take and release: only its message is lost',
    spec: q(2),
    threads: [producer({ lengths: [6, 6, 6], via: 'push' }), consumer('takeMany'), consumer('claimRead')],
    slowTicks: 1, linearizable: false, quick: 1, long: 2,
  },
];

// Where live threads may be taken for dead (slowTicks), consumers use the
// two-phase pop or takeMany: a failed releaseRead tells the program that its
// copy was dropped, which tryPop does not, so the check can allow exactly
// those losses.

/**
 * Known hazards: scenarios in which the checker is expected to find a
 * violation the design documents (docs/DESIGN.md). They are run and
 * reported on their own; a test asserts that the checker still finds them.
 */
export const HAZARDS: Scenario[] = [
  {
    name: 'slow-release',
    what: 'a consumer declared dead between release()\'s check and its plain stores to continuation cells resumes and sets back a cell the next lap uses (DESIGN.md, "Release")',
    spec: q(4),
    threads: [producer({ lengths: [12, 6, 6, 6, 6], via: 'push' }), consumer('claimRead')],
    slowTicks: 1, linearizable: false, quick: 1, long: 2,
  },
];
