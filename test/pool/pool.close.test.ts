// drained() and close(): graceful by default (every accepted task runs),
// force (tasks not started reject with PoolClosedError, running ones finish).
import { describe, expect, it } from 'vitest';
import { PoolClosedError } from '../../dist/pool/index.js';
import { pool, until, workerFile } from './helpers.js';

const named = workerFile('named.mjs');
/** [0]: gather's count, [1]: marks left by tasks that ran. */
const counter = () => new Int32Array(new SharedArrayBuffer(8));

describe('drained', () => {
  it('resolves at once when nothing is queued or running', async () => {
    const p = pool({ worker: named, threads: 1 });
    await p.drained();
    await p.run(1);
    await p.drained();
  });

  it('resolves only once every queued and running task has settled', async () => {
    const shared = counter();
    const p = pool({ worker: named, threads: 1, workerData: { counter: shared } });
    const held = p.run(2, { name: 'gather' });
    const queued = Array.from({ length: 5 }, (_, i) => p.run(i));
    let drained = false;
    const done = p.drained().then(() => (drained = true));
    await until(() => p.stats.running === 1, 'the held task runs');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drained).toBe(false);
    Atomics.add(shared, 0, 1);
    await done;
    expect(p.stats).toMatchObject({ queued: 0, running: 0, completed: 6 });
    await expect(Promise.all([held, ...queued])).resolves.toEqual([expect.any(Number), 1, 2, 3, 4, 5]);
  });
});

describe('close', () => {
  it('by default runs every accepted task, queued ones included, then stops', async () => {
    const p = pool({ worker: named, threads: 1, maxQueue: 4 });
    const runs = Array.from({ length: 20 }, (_, i) => p.run(i)); // most wait for room
    await p.close();
    await expect(Promise.all(runs)).resolves.toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(p.stats.threads).toBe(0);
    await expect(p.run(1)).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('with force, rejects every task not started with PoolClosedError, lets running ones finish, and runs none of the rejected', async () => {
    const shared = counter();
    const p = pool({ worker: named, threads: 1, maxQueue: 4, workerData: { counter: shared } });
    const held = p.run(2, { name: 'gather' });
    // Queued in the task queue (4) and waiting for room (4): none may run.
    const notStarted = Array.from({ length: 8 }, () => p.run(undefined, { name: 'mark' }));
    await until(() => p.stats.running === 1, 'the held task runs');
    const closing = p.close({ force: true });
    for (const task of notStarted) await expect(task).rejects.toBeInstanceOf(PoolClosedError);
    Atomics.add(shared, 0, 1);
    await expect(held).resolves.toBeTypeOf('number');
    await closing;
    expect(p.stats).toMatchObject({ completed: 1, failed: 8, queued: 0, running: 0 });
    expect(Atomics.load(shared, 1)).toBe(0); // none of them ran
  });
});
