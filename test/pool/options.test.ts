// createPool's options on their own: defaults, checks, and the sizes of the
// queues and control block they lead to.
import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import {
  controlLayoutOf, nextPowerOfTwo, parsePoolOptions, resultQueueOptions, taskQueueOptions, type PoolOptions,
} from '../../ts/pool/options.js';
import { nodeWorkerThreads, resourceLimitsApply } from '../../ts/pool/thread-host.js';

describe('parsePoolOptions', () => {
  it('fills in the defaults', () => {
    expect(parsePoolOptions({ worker: 'w.js' })).toEqual({
      worker: 'w.js', resourceLimits: undefined, minThreads: availableParallelism(), maxThreads: availableParallelism(),
      idleTimeout: 1000, concurrentTasksPerWorker: 1, maxQueue: 1024, maxTaskBytes: 2 ** 20, maxResultBytes: 2 ** 20,
      stallTimeoutMs: 1000, workerData: undefined, env: undefined, name: undefined,
    });
  });

  it('defaults the other end of the thread range from the one given, and reads threads as both', () => {
    const n = availableParallelism();
    const range = (o: Partial<PoolOptions>) => {
      const { minThreads, maxThreads } = parsePoolOptions({ worker: 'w', ...o });
      return [minThreads, maxThreads];
    };
    expect(range({ threads: 3 })).toEqual([3, 3]);
    expect(range({ maxThreads: 1 })).toEqual([1, 1]);
    expect(range({ maxThreads: n + 5 })).toEqual([n, n + 5]);
    expect(range({ minThreads: 0 })).toEqual([0, n]);
    expect(range({ minThreads: n + 2 })).toEqual([n + 2, n + 2]);
    expect(range({ minThreads: 1, maxThreads: 4 })).toEqual([1, 4]);
  });

  it('keeps what was given', () => {
    const worker = new URL('file:///w.js');
    // Where worker_threads ignore heap limits (Bun), createPool refuses them (pool.test.ts).
    const resourceLimits = resourceLimitsApply(nodeWorkerThreads()!) ? { maxOldGenerationSizeMb: 16 } : undefined;
    const given = {
      worker, resourceLimits, maxQueue: 5, maxTaskBytes: 10, maxResultBytes: 20, stallTimeoutMs: 30,
      idleTimeout: 0, concurrentTasksPerWorker: 8, workerData: { a: 1 }, env: { X: '1' }, name: 'resizer',
    };
    expect(parsePoolOptions({ ...given, minThreads: 2, maxThreads: 3 })).toEqual({ ...given, minThreads: 2, maxThreads: 3 });
  });

  it.each([
    [null, /createPool takes an options object/],
    [{}, /'worker' must be a URL or string/],
    [{ worker: 'w', threads: 257 }, /'threads' must be an integer from 1 to 256; got 257/],
    [{ worker: 'w', maxQueue: 2 ** 20 + 1 }, /'maxQueue' must be an integer from 1 to 1048576/],
    [{ worker: 'w', maxTaskBytes: 0 }, /'maxTaskBytes' must be an integer from 1 to 268435456/],
    [{ worker: 'w', maxResultBytes: '1' }, /'maxResultBytes' must be an integer/],
    [{ worker: 'w', stallTimeoutMs: 2 ** 31 }, /'stallTimeoutMs' must be an integer from 1 to 2147483647/],
    [{ worker: 'w', minThreads: 3, maxThreads: 2 }, /'minThreads' \(3\) must not exceed 'maxThreads' \(2\)/],
    [{ worker: 'w', minThreads: -1 }, /'minThreads' must be an integer from 0 to 256; got -1/],
    [{ worker: 'w', maxThreads: 0 }, /'maxThreads' must be an integer from 1 to 256; got 0/],
    [{ worker: 'w', threads: 2, maxThreads: 4 }, /either 'threads' \(a fixed count\) or 'minThreads'\/'maxThreads'/],
    [{ worker: 'w', idleTimeout: -5 }, /'idleTimeout' must be an integer from 0 to 2147483647; got -5/],
    [{ worker: 'w', concurrentTasksPerWorker: 0 }, /'concurrentTasksPerWorker' must be an integer from 1 to 256; got 0/],
    [{ worker: 'w', name: 7 }, /'name' must be a string; got number/],
    [{ worker: 'w', env: 'X=1' }, /'env' must be an object of strings or worker_threads.SHARE_ENV; got X=1/],
    [{ filename: 'w.js' }, /createPool has no option 'filename' \(wasmq\/pool calls it 'worker'\); its options are worker, threads/],
    [{ worker: 'w', taskQueue: [] }, /createPool has no option 'taskQueue'; its options are/],
  ])('rejects %j', (options, message) => {
    expect(() => parsePoolOptions(options as unknown as PoolOptions)).toThrow(message);
  });
});

describe('queue sizing', () => {
  it('gives each queue 2 × maxQueue slots, room for its largest message, and at least 64', () => {
    const config = parsePoolOptions({ worker: 'w', threads: 2, maxQueue: 1024, maxTaskBytes: 100, maxResultBytes: 2 ** 20 });
    expect(taskQueueOptions(config)).toEqual({
      capacity: 2048, slotBytes: 64, maxMessageBytes: 104, stallTimeoutMs: 1000, scratchAreas: 19, codec: 'bytes',
    });
    expect(resultQueueOptions(config)).toMatchObject({ capacity: 32768, maxMessageBytes: 2 ** 20 + 16 });
    const small = parsePoolOptions({ worker: 'w', threads: 256, maxQueue: 1, maxTaskBytes: 1 });
    expect(taskQueueOptions(small)).toMatchObject({ capacity: 64, scratchAreas: 256 });
  });

  it('gives the control block a slot per thread up to maxThreads, a lane per concurrent task, and a cancel table of at least maxQueue entries', () => {
    expect(controlLayoutOf(parsePoolOptions({ worker: 'w', threads: 3, maxQueue: 1000 }))).toEqual({
      slots: 3, lanes: 1, cancelEntries: 1024,
    });
    expect(controlLayoutOf(parsePoolOptions({ worker: 'w', minThreads: 1, maxThreads: 5, concurrentTasksPerWorker: 4, maxQueue: 8 }))).toEqual({
      slots: 5, lanes: 4, cancelEntries: 8,
    });
    expect([0, 1, 2, 3, 1024, 1025].map(nextPowerOfTwo)).toEqual([1, 1, 2, 4, 1024, 2048]);
  });
});
