// The pool's options and calls beyond run() in each browser engine's module
// Web Workers: named task functions, broadcast, concurrentTasksPerWorker,
// growing and retiring (a retired Web Worker closes itself; its life lock
// tells the pool), drained, close({ force }), workerData and name; and the
// options a Web Worker cannot honour, refused.
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, PoolClosedError, WorkerDiedError, type Pool, type PoolOptions } from '../../../ts/pool/index.js';

const named = new URL('./workers/named.worker.ts', import.meta.url);
const pools: Pool[] = [];
function pool(options: Partial<PoolOptions> = {}): Pool {
  const p = createPool({ worker: named, ...options });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close({ force: true })));
});
/** [0]: gather's count, [1]: marks left by tasks that ran. */
const counter = () => new Int32Array(new SharedArrayBuffer(8));

async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('named task functions, broadcast and workerData in Web Workers', () => {
  it('run(input, { name }) picks the function; an unknown name names the known ones', async () => {
    const p = pool({ threads: 2 });
    await expect(Promise.all([p.run(4), p.run(4, { name: 'double' })])).resolves.toEqual([5, 8]);
    await expect(p.run(1, { name: 'nope' })).rejects.toThrow(/no task function named 'nope'; it serves 'default', 'double'/);
  });

  it('broadcast runs once on every worker; workerData (shared memory included) reaches each', async () => {
    const shared = counter();
    const twice = { same: true };
    const p = pool({ threads: 2, workerData: { counter: shared, tag: 'x', twice: [twice, twice] } });
    const ids = await p.broadcast(undefined, { name: 'whoami' });
    expect(new Set(ids).size).toBe(2);
    const data = (await p.broadcast(undefined, { name: 'data' })) as { tag: string; twice: object[] }[];
    expect(data.map((d) => d.tag)).toEqual(['x', 'x']);
    // One object twice in workerData is one object in the worker (the pool's init
    // sends workerData ahead of its queues' memories: queue/handle.ts, handleOf).
    for (const d of data) expect(d.twice[0]).toBe(d.twice[1]);
    await p.broadcast(undefined, { name: 'mark' });
    expect(Atomics.load(shared, 1)).toBe(2); // the same memory, marked once by each worker
  });

  it('names its workers (self.name)', async () => {
    const p = pool({ threads: 1, name: 'resizer' });
    await expect(p.run(undefined, { name: 'selfName' })).resolves.toBe('resizer');
  });

  it('a worker that closes itself during a broadcast rejects it with WorkerDiedError', async () => {
    const p = pool({ threads: 1 });
    await expect(p.broadcast(undefined, { name: 'closeSelf' })).rejects.toBeInstanceOf(WorkerDiedError);
    await expect(p.run(1)).resolves.toBe(2);
  });
});

describe('the transfer lane in Web Workers', () => {
  it('moves the input to a worker (detached here) and the move()d result back', async () => {
    const p = pool({ threads: 2 });
    const samples = Float64Array.from({ length: 131072 }, (_, i) => i);
    const out = (await p.run(samples, { name: 'scale', transferList: [samples.buffer] })) as Float64Array;
    expect(samples.byteLength).toBe(0);
    expect([out.length, out[1], out[131071]]).toEqual([131072, 2, 262142]);
  });
});

describe('concurrency, growing and retiring in Web Workers', () => {
  it('runs concurrentTasksPerWorker async tasks at once on one worker', async () => {
    const p = pool({ threads: 1, concurrentTasksPerWorker: 3, workerData: { counter: counter() } });
    const ids = await Promise.all(Array.from({ length: 3 }, () => p.run(3, { name: 'gather' })));
    expect(new Set(ids).size).toBe(1);
  });

  it('grows to maxThreads while tasks wait, and retires idle workers down to minThreads', async () => {
    const p = pool({ minThreads: 1, maxThreads: 3, idleTimeout: 50, workerData: { counter: counter() } });
    const ids = await Promise.all(Array.from({ length: 3 }, () => p.run(3, { name: 'gather' })));
    expect(new Set(ids).size).toBe(3);
    await until(() => p.stats.threads === 1, 'idle workers retire');
    expect(p.stats.failed).toBe(0);
    await expect(p.run(1)).resolves.toBe(2);
  });
});

describe('drained and close({ force }) in Web Workers', () => {
  it('drained waits for running tasks; force rejects the queued ones, which never run', async () => {
    const shared = counter();
    const p = pool({ threads: 1, workerData: { counter: shared } });
    const held = p.run(2, { name: 'gather' });
    const queued = Array.from({ length: 3 }, () => p.run(undefined, { name: 'mark' }));
    await until(() => p.stats.running === 1, 'the held task runs');
    const closing = p.close({ force: true });
    for (const task of queued) await expect(task).rejects.toBeInstanceOf(PoolClosedError);
    const drained = p.drained();
    Atomics.add(shared, 0, 1);
    await held;
    await drained;
    await closing;
    expect(Atomics.load(shared, 1)).toBe(0);
  });
});

describe('options a Web Worker cannot honour', () => {
  it('refuses resourceLimits and env with a TypeError that says why', () => {
    expect(() => createPool({ worker: named, resourceLimits: { maxOldGenerationSizeMb: 64 } })).toThrow(
      /'resourceLimits' cannot be honoured here: this engine starts pool workers as Web Workers, which take no heap limits/,
    );
    expect(() => createPool({ worker: named, env: { A: '1' } })).toThrow(
      /'env' cannot be honoured here: this engine starts pool workers as Web Workers, which have no environment/,
    );
  });
});
