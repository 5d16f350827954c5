// LostTasks on its own, over a fake control block: a task a dead worker may
// have taken off the queue is rejected only once it has surely left the
// queue, runs nowhere, and was seen so on two checks in a row.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkerDiedError } from '../../ts/errors.js';
import { controlBytes, currentIndex } from '../../ts/pool/control.js';
import { LostTasks } from '../../ts/pool/lost-tasks.js';
import { taskIdOf } from '../../ts/pool/push-count.js';
import type { Task } from '../../ts/pool/task.js';

const STALL_MS = 40;
const CHECK_MS = 10; // max(10, STALL_MS / 4)

function setup(threads: number, pushed: number) {
  const layout = { slots: threads, lanes: 1, cancelEntries: 8 };
  const ctl = new Int32Array(new SharedArrayBuffer(controlBytes(layout)));
  const pending = new Map<number, Task>();
  const tasks: Task[] = [];
  for (let seq = 1; seq <= pushed; seq++) {
    const task: Task = {
      id: taskIdOf(seq), seq, message: undefined, resolve: () => {}, reject: () => {}, started: 0,
      signal: undefined, onAbort: undefined, settled: false, named: false,
    };
    tasks.push(task);
    pending.set(task.id, task);
  }
  const taskQueue = { size: 0 };
  const failed: [Task, WorkerDiedError][] = [];
  const lost = new LostTasks({
    ctl, layout, pending, taskQueue, stallTimeoutMs: STALL_MS,
    fail: (task, error) => {
      pending.delete(task.id);
      failed.push([task, error]);
    },
  });
  return { ctl, layout, pending, tasks, taskQueue, failed, lost };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LostTasks', () => {
  it('rejects a task that runs nowhere once the queue is empty, on the second check', () => {
    const { failed, lost, tasks } = setup(1, 1);
    lost.suspect(1);
    vi.advanceTimersByTime(CHECK_MS);
    expect(failed).toEqual([]); // first sighting only marks it
    vi.advanceTimersByTime(CHECK_MS);
    expect(failed.map(([task]) => task)).toEqual([tasks[0]]);
    expect(failed[0][1]).toBeInstanceOf(WorkerDiedError);
    expect(failed[0][1].message).toMatch(/took this task off the queue died before it could start it/);
    vi.advanceTimersByTime(10 * CHECK_MS);
    expect(failed).toHaveLength(1);
  });

  it('leaves a task that is still queued, and one a worker has recorded meanwhile', () => {
    const { ctl, layout, failed, lost, taskQueue, tasks } = setup(1, 1);
    taskQueue.size = 1; // still in the queue, and no later task has left it
    lost.suspect(1);
    vi.advanceTimersByTime(5 * CHECK_MS);
    expect(failed).toEqual([]);
    // A live worker takes it and records it: it runs, so it is not lost.
    taskQueue.size = 0;
    Atomics.store(ctl, currentIndex(layout, 0), tasks[0].id);
    vi.advanceTimersByTime(5 * CHECK_MS);
    expect(failed).toEqual([]);
  });

  it('rejects a task passed by a later one that has already left the queue, even with the queue non-empty', () => {
    const { failed, lost, taskQueue, tasks } = setup(2, 3);
    taskQueue.size = 1; // task 3 still queued
    lost.taken(2); // task 2's result came: task 1 left the queue before it
    lost.suspect(3);
    vi.advanceTimersByTime(2 * CHECK_MS);
    expect(failed.map(([task]) => task)).toEqual([tasks[0]]);
  });

  it('counts a task running on a live worker as left the queue', () => {
    const { ctl, layout, failed, lost, taskQueue, tasks } = setup(2, 3);
    taskQueue.size = 1;
    Atomics.store(ctl, currentIndex(layout, 1), tasks[1].id); // task 2 runs on slot 1 (its only lane)
    lost.suspect(3);
    vi.advanceTimersByTime(2 * CHECK_MS);
    expect(failed.map(([task]) => task)).toEqual([tasks[0]]);
  });

  it('never suspects tasks pushed after the worker died', () => {
    const { failed, lost } = setup(1, 3);
    lost.suspect(1); // only task 1 was pushed when the worker died
    vi.advanceTimersByTime(5 * CHECK_MS);
    expect(failed.map(([task]) => task.seq)).toEqual([1]);
  });
});
