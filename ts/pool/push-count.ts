// The main thread's one count of tasks pushed into the task queue, and what
// is derived from it.
//
// `pushed` is a plain JS number, bumped by one for each task that enters the
// task queue (only the main thread pushes). It is exact up to 2^53, so it
// never wraps in practice. A task's seq is the count right after its push:
// 1, 2, 3, ... its position in push order, which is also the order tasks
// leave the queue (one producer, FIFO).
//
//   task id      ((seq - 1) mod ID_LIMIT) + 1: cycles 1..ID_LIMIT and is
//                never 0 (0 means "no task" in the control block). Ids are
//                handed out in push order, so the queue holds consecutive
//                ids, which the cancel table relies on (see control.ts).
//   pushed word  seq mod 2^32 as a signed i32 (`| 0`): the push count
//                wrapped exactly as the workers' TAKEN word wraps (Atomics.add
//                on an Int32Array). (word - TAKEN) | 0 is then the exact
//                number of tasks in the queue, since it is far below 2^31
//                (at most maxQueue, plus tasks lost with dead workers).
import { ID_LIMIT } from './control.js';

/** The id of the task pushed as number `seq` (1-based): 1..ID_LIMIT, cycling, never 0. @internal */
export function taskIdOf(seq: number): number {
  return ((seq - 1) % ID_LIMIT) + 1;
}

/** The push count as a wrapping i32, comparable with the TAKEN word. @internal */
export function pushedWord(pushed: number): number {
  return pushed | 0;
}

/** Tasks pushed and not yet taken by a worker, from the push count and the TAKEN word. @internal */
export function tasksInQueue(pushed: number, taken: number): number {
  return (pushedWord(pushed) - taken) | 0;
}
