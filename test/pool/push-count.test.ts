// The pool's one push counter and what is derived from it: task ids and the
// wrapping i32 compared with the workers' TAKEN word. Checked against the
// recurrences of the separate counters they replace, across every wrap.
import { describe, expect, it } from 'vitest';
import { ID_LIMIT } from '../../ts/pool/control.js';
import { pushedWord, taskIdOf, tasksInQueue } from '../../ts/pool/push-count.js';

/** Windows of seqs around each boundary where a derived value wraps. */
const windows = [1, ID_LIMIT, 2 * ID_LIMIT, 2 ** 31, 2 ** 32, 3 * 2 ** 32 + ID_LIMIT, 2 ** 50].map((at) =>
  Array.from({ length: 64 }, (_, i) => Math.max(1, at - 32 + i)),
);

describe('task ids from the push count', () => {
  it('start at 1 and cycle through 1..ID_LIMIT, never 0', () => {
    expect(taskIdOf(1)).toBe(1);
    expect(taskIdOf(2)).toBe(2);
    expect(taskIdOf(ID_LIMIT)).toBe(ID_LIMIT);
    expect(taskIdOf(ID_LIMIT + 1)).toBe(1);
    expect(taskIdOf(5 * ID_LIMIT + 7)).toBe(7);
    for (const seqs of windows) {
      for (const seq of seqs) {
        const id = taskIdOf(seq);
        expect(id).toBeGreaterThanOrEqual(1);
        expect(id).toBeLessThanOrEqual(ID_LIMIT);
      }
    }
  });

  it('follow the old id counter: next = last === ID_LIMIT ? 1 : last + 1', () => {
    for (const seqs of windows) {
      for (const seq of seqs.slice(1)) {
        const last = taskIdOf(seq - 1);
        expect(taskIdOf(seq)).toBe(last === ID_LIMIT ? 1 : last + 1);
      }
    }
  });
});

describe('the pushed word', () => {
  it('follows the old wrapping i32 counter: next = (last + 1) | 0', () => {
    expect(pushedWord(0)).toBe(0);
    for (const seqs of windows) {
      for (const seq of seqs.slice(1)) expect(pushedWord(seq)).toBe((pushedWord(seq - 1) + 1) | 0);
    }
    expect(pushedWord(2 ** 31)).toBe(-(2 ** 31));
    expect(pushedWord(2 ** 32)).toBe(0);
  });

  it('gives the exact number of tasks in the queue against TAKEN as workers wrap it', () => {
    const taken = new Int32Array(1);
    for (const seqs of windows) {
      for (const pushed of seqs) {
        for (const inQueue of [0, 1, 2, 1024, 2 ** 20]) {
          if (pushed - inQueue < 0) continue;
          // TAKEN as the workers leave it: an Int32Array word bumped once per task taken.
          taken[0] = pushedWord(pushed - inQueue - 1);
          Atomics.add(taken, 0, 1);
          expect(tasksInQueue(pushed, Atomics.load(taken, 0))).toBe(inQueue);
        }
      }
    }
  });
});
