// Waking parked threads (the waiting side is ts/wait.ts).
//
// A waiter increments *_WAITING, then re-checks the queue, then parks on the
// sequence word. We publish (seq-cst) and only then read *_WAITING. Either the
// waiter's re-check sees our publish, or we see its registration and bump the
// sequence word, which makes its park return at once. So no wake-up is lost,
// and when nobody waits the cost is one load of a line that stays shared.
import {
  OFF_CONSUMERS_WAITING, OFF_CONSUMERS_ASYNC, OFF_NOT_EMPTY_SEQ, OFF_PRODUCERS_WAITING, OFF_NOT_FULL_SEQ,
} from './layout';

/** After publishing n messages. */
@inline export function wakeConsumers(n: i32): void {
  if (atomic.load<i32>(OFF_CONSUMERS_WAITING) > 0) {
    atomic.add<i32>(OFF_NOT_EMPTY_SEQ, 1);
    // n messages can satisfy at most n consumers, so wake n. But an
    // Atomics.waitAsync whose caller stopped waiting (its timer won, it was
    // aborted, a post cancelled a channel's park) stays registered with the
    // engine until its timeout, and a notify of n may be spent on such stale
    // waiters while a live one sleeps on. So while any async wait is
    // outstanding (CONSUMERS_ASYNC > 0), wake all.
    atomic.notify(OFF_NOT_EMPTY_SEQ, atomic.load<i32>(OFF_CONSUMERS_ASYNC) > 0 ? -1 : n);
  }
}

/** After freeing cells. */
@inline export function wakeProducers(): void {
  if (atomic.load<i32>(OFF_PRODUCERS_WAITING) > 0) {
    atomic.add<i32>(OFF_NOT_FULL_SEQ, 1);
    // All of them: a freed run of cells may suit a small message and not a
    // large one, so waking just one could leave a fitting producer asleep.
    atomic.notify(OFF_NOT_FULL_SEQ, -1);
  }
}

/** After close(): everyone re-checks and sees the closed bit. */
export function wakeEveryone(): void {
  atomic.add<i32>(OFF_NOT_EMPTY_SEQ, 1);
  atomic.add<i32>(OFF_NOT_FULL_SEQ, 1);
  atomic.notify(OFF_NOT_EMPTY_SEQ, -1);
  atomic.notify(OFF_NOT_FULL_SEQ, -1);
}
