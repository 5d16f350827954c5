// pool.broadcast(): one input run once on every live worker, results in
// worker order, errors and deaths reported, and nothing taken from the task queue.
import { describe, expect, it } from 'vitest';
import { PoolClosedError, WorkerDiedError } from '../../dist/pool/index.js';
import { pool, workerFile } from './helpers.js';

const named = workerFile('named.mjs');

describe('broadcast', () => {
  it('runs once on every live worker, each answering once, and resolves to their results', async () => {
    const p = pool({ worker: named, threads: 3 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => p.run(i))); // all three are up
    const ids = await p.broadcast('entry', { name: 'remember' });
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3); // three different threads
    // Every worker holds the entry exactly once.
    const caches = await p.broadcast(undefined, { name: 'cached' });
    expect(caches).toEqual([['entry'], ['entry'], ['entry']]);
  });

  it('uses the default function without a name, and runs beside queued tasks', async () => {
    const p = pool({ worker: named, threads: 2, concurrentTasksPerWorker: 4 });
    const slow = Array.from({ length: 4 }, () => p.run({ ms: 200, value: 'slow' }, { name: 'sleep' }));
    await expect(p.broadcast(41)).resolves.toEqual([42, 42]);
    await expect(Promise.all(slow)).resolves.toEqual(['slow', 'slow', 'slow', 'slow']);
  });

  it('rejects with what a worker threw', async () => {
    const p = pool({ worker: named, threads: 2 });
    const error = await p.broadcast('bad input', { name: 'fail' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TypeError', message: 'bad input' });
    await expect(p.run(1)).resolves.toBe(2);
  });

  it('rejects with WorkerDiedError when a worker dies before it answers; the worker is replaced', async () => {
    const p = pool({ worker: named, threads: 2 });
    await expect(p.broadcast(3, { name: 'exit' })).rejects.toBeInstanceOf(WorkerDiedError);
    await expect(p.run(1, { name: 'double' })).resolves.toBe(2);
  });

  it('rejects with PoolClosedError after close(), and a bad name type with a TypeError', async () => {
    const p = pool({ worker: named, threads: 1 });
    await expect(p.broadcast(1, { name: 3 as never })).rejects.toThrow(/broadcast\(\) option name must be a string; got number/);
    await p.close();
    await expect(p.broadcast(1)).rejects.toBeInstanceOf(PoolClosedError);
  });
});
