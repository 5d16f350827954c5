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
      worker: 'w.js', resourceLimits: undefined, threads: availableParallelism(), maxQueue: 1024,
      maxTaskBytes: 2 ** 20, maxResultBytes: 2 ** 20, stallTimeoutMs: 1000,
    });
  });

  it('keeps what was given', () => {
    const worker = new URL('file:///w.js');
    // Where worker_threads ignore heap limits (Bun), createPool refuses them (pool.test.ts).
    const resourceLimits = resourceLimitsApply(nodeWorkerThreads()!) ? { maxOldGenerationSizeMb: 16 } : undefined;
    expect(parsePoolOptions({
      worker, resourceLimits, threads: 3, maxQueue: 5, maxTaskBytes: 10, maxResultBytes: 20, stallTimeoutMs: 30,
    })).toEqual({ worker, resourceLimits, threads: 3, maxQueue: 5, maxTaskBytes: 10, maxResultBytes: 20, stallTimeoutMs: 30 });
  });

  it.each([
    [null, /createPool takes an options object/],
    [{}, /'worker' must be a URL or string/],
    [{ worker: 'w', threads: 257 }, /'threads' must be an integer from 1 to 256; got 257/],
    [{ worker: 'w', maxQueue: 2 ** 20 + 1 }, /'maxQueue' must be an integer from 1 to 1048576/],
    [{ worker: 'w', maxTaskBytes: 0 }, /'maxTaskBytes' must be an integer from 1 to 268435456/],
    [{ worker: 'w', maxResultBytes: '1' }, /'maxResultBytes' must be an integer/],
    [{ worker: 'w', stallTimeoutMs: 2 ** 31 }, /'stallTimeoutMs' must be an integer from 1 to 2147483647/],
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

  it('gives the control block a slot per thread and a cancel table of at least maxQueue entries', () => {
    expect(controlLayoutOf(parsePoolOptions({ worker: 'w', threads: 3, maxQueue: 1000 }))).toEqual({
      slots: 3, cancelEntries: 1024,
    });
    expect([0, 1, 2, 3, 1024, 1025].map(nextPowerOfTwo)).toEqual([1, 1, 2, 4, 1024, 2048]);
  });
});
