// The thread range: minThreads start with the pool, more start while tasks
// wait (up to maxThreads), idle ones retire after idleTimeout (down to
// minThreads), and dead ones are replaced up to minThreads. Every check waits
// for a state with a generous bound; none asserts a speed.
import { describe, expect, it } from 'vitest';
import { pool, until, workerFile } from './helpers.js';

const named = workerFile('named.mjs');
const counter = () => new Int32Array(new SharedArrayBuffer(4));

describe('minThreads, maxThreads and idleTimeout', () => {
  it('starts minThreads workers, and grows to maxThreads while tasks wait for a worker', async () => {
    const shared = counter();
    const p = pool({ worker: named, minThreads: 1, maxThreads: 3, idleTimeout: 60_000, workerData: { counter: shared } });
    expect([p.minThreads, p.maxThreads]).toEqual([1, 3]);
    await until(() => p.stats.threads === 1, 'the first worker runs');
    // Three tasks that finish only once all three run at once: only three workers can do that.
    const threads = await Promise.all(Array.from({ length: 3 }, () => p.run(3, { name: 'gather' })));
    expect(new Set(threads).size).toBe(3);
    expect(p.stats.threads).toBe(3);
    // Never more than maxThreads, however many wait.
    await Promise.all(Array.from({ length: 50 }, (_, i) => p.run(i)));
    expect(p.stats.threads).toBeLessThanOrEqual(3);
  });

  it('retires workers idle for idleTimeout down to minThreads, without counting them as failures', async () => {
    const shared = counter();
    const p = pool({ worker: named, minThreads: 1, maxThreads: 3, idleTimeout: 50, workerData: { counter: shared } });
    await Promise.all(Array.from({ length: 3 }, () => p.run(3, { name: 'gather' })));
    expect(p.stats.threads).toBe(3);
    await until(() => p.stats.threads === 1, 'idle workers retire');
    expect(p.stats.failed).toBe(0);
    // It still serves, and grows again under load.
    Atomics.store(shared, 0, 0);
    await expect(Promise.all(Array.from({ length: 2 }, () => p.run(2, { name: 'gather' })))).resolves.toHaveLength(2);
    expect(p.stats.failed).toBe(0);
  });

  it('with minThreads 0 starts no worker until a task comes, and ends with none', async () => {
    const p = pool({ worker: named, minThreads: 0, maxThreads: 2, idleTimeout: 20 });
    expect(p.stats.threads).toBe(0);
    await expect(p.run(1)).resolves.toBe(2);
    await until(() => p.stats.threads === 0, 'the worker retires');
    await expect(p.run(2, { name: 'double' })).resolves.toBe(4);
  });

  it('replaces a worker that dies, up to minThreads', async () => {
    const p = pool({ worker: named, minThreads: 2, maxThreads: 4, idleTimeout: 60_000 });
    await until(() => p.stats.threads === 2, 'two workers run');
    await expect(p.run(1, { name: 'exit' })).rejects.toThrow(/exited with code 1/);
    await until(() => p.stats.threads === 2, 'the dead worker is replaced');
    await expect(p.run(1)).resolves.toBe(2);
  });

  it('keeps minThreads = maxThreads workers with `threads`, whatever idleTimeout says', async () => {
    const p = pool({ worker: named, threads: 2 });
    await until(() => p.stats.threads === 2, 'two workers run');
    await expect(p.run(1)).resolves.toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // past the default idleTimeout
    expect(p.stats.threads).toBe(2);
  });
});
