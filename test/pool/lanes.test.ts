// concurrentTasksPerWorker: a worker's lanes run that many async tasks at
// once, and a worker that dies or is stopped settles every task it ran.
import { describe, expect, it } from 'vitest';
import { WorkerDiedError } from '../../dist/pool/index.js';
import { pool, until, workerFile } from './helpers.js';

const named = workerFile('named.mjs');
const counter = () => new Int32Array(new SharedArrayBuffer(4));

describe('concurrentTasksPerWorker', () => {
  it('runs that many async tasks at once on one worker (each waits until all have started)', async () => {
    const shared = counter();
    const p = pool({ worker: named, threads: 1, concurrentTasksPerWorker: 4, workerData: { counter: shared } });
    const runs = Array.from({ length: 4 }, () => p.run(4, { name: 'gather' }));
    const threads = await Promise.all(runs);
    expect(new Set(threads).size).toBe(1); // all on the one worker
    expect(Atomics.load(shared, 0)).toBe(4);
    expect(p.stats).toMatchObject({ completed: 4, failed: 0, running: 0, queued: 0 });
  });

  it('with the default of 1, a worker runs one task at a time: the next waits in the queue', async () => {
    const shared = counter();
    const one = pool({ worker: named, threads: 1, workerData: { counter: shared } });
    expect(one.concurrentTasksPerWorker).toBe(1);
    const held = one.run(2, { name: 'gather' }); // counts 1, then waits for a second count
    const next = one.run(1);
    await until(() => one.stats.running === 1, 'the held task runs');
    expect(one.stats.queued).toBe(1); // not taken while the only lane is busy
    Atomics.add(shared, 0, 1); // release it
    await expect(Promise.all([held, next])).resolves.toEqual([expect.any(Number), 2]);
  });

  it('a worker that dies rejects each task it was running with WorkerDiedError, and only those', async () => {
    const shared = counter();
    const p = pool({ worker: named, threads: 1, concurrentTasksPerWorker: 3, workerData: { counter: shared } });
    const stuck = Array.from({ length: 2 }, () => p.run(99, { name: 'gather' }));
    stuck.forEach((s) => s.catch(() => {}));
    await until(() => p.stats.running === 2, 'two tasks run');
    const exit = p.run(3, { name: 'exit' });
    for (const task of [...stuck, exit]) await expect(task).rejects.toBeInstanceOf(WorkerDiedError);
    expect(p.stats.failed).toBe(3);
    await expect(p.run(1, { name: 'double' })).resolves.toBe(2); // replaced
  });

  it('aborting one running task stops its worker: the worker\'s other running tasks reject with WorkerDiedError', async () => {
    const shared = counter();
    const p = pool({ worker: named, threads: 1, concurrentTasksPerWorker: 2, workerData: { counter: shared } });
    const controller = new AbortController();
    const aborted = p.run(99, { name: 'gather', signal: controller.signal });
    const other = p.run(99, { name: 'gather' });
    other.catch(() => {});
    await until(() => p.stats.running === 2, 'both tasks run');
    controller.abort(new Error('stop it'));
    await expect(aborted).rejects.toThrow('stop it');
    await expect(other).rejects.toBeInstanceOf(WorkerDiedError);
    await expect(p.run(1)).resolves.toBe(2);
  });
});
