// Shared by the pool tests: pools closed after each test, worker files, and
// waiting for a state with a generous bound (never asserting a speed).
import { afterEach } from 'vitest';
import { createPool, type Pool, type PoolOptions } from '../../dist/pool/index.js';

export const workerFile = (name: string) => new URL(`./workers/${name}`, import.meta.url);

const pools: Pool<any, any>[] = [];
/** createPool, closed (gracefully) after the test. */
export function pool(options: PoolOptions): Pool<any, any> {
  const p = createPool(options);
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close({ force: true })));
});

/** Polls `condition` until it holds; fails after `ms` (a bound for slow machines, not a speed). */
export async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
