// How workers start: workerData reaches every worker (workerData from
// 'wasmq/pool'), env sets their environment, name is accepted, and options
// an engine cannot honour are refused (tested where they are: Bun's
// resourceLimits in pool.test.ts, Web Workers in test/browser/pool).
import { describe, expect, it } from 'vitest';
import { pool, workerFile } from './helpers.js';

const named = workerFile('named.mjs');

describe('worker options', () => {
  it('clones workerData into every worker, shared memory shared', async () => {
    const shared = new Int32Array(new SharedArrayBuffer(4));
    const p = pool({ worker: named, threads: 2, workerData: { scale: 3, list: [1, 2], shared } });
    const seen = await p.broadcast(undefined, { name: 'data' });
    expect(seen).toHaveLength(2);
    for (const data of seen as { scale: number; list: number[]; shared: Int32Array }[]) {
      expect(data.scale).toBe(3);
      expect(data.list).toEqual([1, 2]);
    }
  });

  it('gives the workers the env it was given', async () => {
    const p = pool({ worker: named, threads: 1, env: { WASMQ_POOL_TEST_ENV: 'from env' } });
    await expect(p.run('WASMQ_POOL_TEST_ENV', { name: 'env' })).resolves.toBe('from env');
  });

  it('starts named workers', async () => {
    const p = pool({ worker: named, threads: 1, name: 'resizer' });
    await expect(p.run(1)).resolves.toBe(2);
  });
});
