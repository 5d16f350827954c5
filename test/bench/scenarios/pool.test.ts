import { describe, expect, it } from 'vitest';
import { POOL, POOL_ASYNC_CONCURRENCY, POOL_ASYNC_IN_FLIGHT, POOL_IMPL, POOL_THREADS } from '../../../bench/lib/names.mjs';
import { order, rows } from '../../../bench/scenarios/pool.mjs';
import task, { scaleF64, transformOrder } from '../../../bench/workers/pool-tasks.mjs';

// The pool module's inputs and task functions, without starting a pool or
// timing anything: what each row claims to send is what it sends.
describe('pool bench rows', () => {
  it('measures every scenario of the table for wasmq/pool, Piscina and tinypool, on 2 threads', () => {
    expect(POOL_THREADS).toBe(2);
    const scenarios = [POOL.tiny, POOL.json, POOL.f64, POOL.async, POOL.cpu, POOL.latency];
    for (const s of scenarios) expect(s).toContain('2 threads');
    const impls = [POOL_IMPL.piscina, POOL_IMPL.tinypool, POOL_IMPL.wasmq];
    expect(rows()).toEqual(scenarios.flatMap((scenario) => impls.map((impl) => ({ scenario, impl }))));
    expect(POOL_ASYNC_IN_FLIGHT).toBeGreaterThanOrEqual(POOL_THREADS * POOL_ASYNC_CONCURRENCY * 2);
  });

  it('sends about 1 KiB of JSON in and gets about 1 KiB back in the JSON row', () => {
    for (let id = 0; id < 64; id++) {
      const input = order(id);
      const before = JSON.stringify(input);
      const output = transformOrder(input);
      expect(JSON.stringify(input)).toBe(before); // a new object; the input is untouched
      expect(before.length).toBeGreaterThanOrEqual(1000);
      expect(before.length).toBeLessThanOrEqual(1100);
      expect(JSON.stringify(output).length).toBeGreaterThanOrEqual(1000);
      expect(JSON.stringify(output).length).toBeLessThanOrEqual(1100);
      expect(output.id).toBe(id);
      expect(output.total).toBeCloseTo(output.lines.reduce((sum, l) => sum + l.amount, 0), 6);
    }
  });

  it('dispatches each row to its task: x + 1, the order transform, doubling a Float64Array, an awaited timer', async () => {
    expect(task(41)).toBe(42);
    expect(task(order(3))).toEqual(transformOrder(order(3)));
    const a = new Float64Array([1, 2.5, -3]);
    expect(scaleF64(a)).toBe(a);
    expect([...a]).toEqual([2, 5, -6]);
    expect(task(new Float64Array([4]))).toEqual(new Float64Array([8]));
    await expect(task({ ioMs: 1, id: 9 })).resolves.toBe(10);
    expect(typeof task({ cpuMs: 0.01 })).toBe('number');
  });
});
