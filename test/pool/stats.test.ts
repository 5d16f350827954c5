import { describe, expect, it } from 'vitest';
import { LATENCY_WINDOW, LatencyWindow } from '../../ts/pool/stats.js';
import { pool, workerFile } from './helpers.js';

describe('LatencyWindow', () => {
  it('reports nearest-rank p50, p90, p99 and max of the samples', () => {
    const w = new LatencyWindow();
    for (let ms = 100; ms >= 1; ms--) w.record(ms);
    expect(w.summary()).toEqual({ p50: 50, p90: 90, p99: 99, max: 100, samples: 100 });
  });

  it('keeps only the latest LATENCY_WINDOW samples', () => {
    const w = new LatencyWindow();
    for (let i = 0; i < LATENCY_WINDOW; i++) w.record(1000);
    for (let i = 0; i < LATENCY_WINDOW; i++) w.record(1);
    expect(w.summary()).toEqual({ p50: 1, p90: 1, p99: 1, max: 1, samples: LATENCY_WINDOW });
  });

  it('is NaN before any sample', () => {
    expect(new LatencyWindow().summary().samples).toBe(0);
    expect(new LatencyWindow().summary().p50).toBeNaN();
  });
});

describe('pool.stats times', () => {
  it('reports run time measured in the worker, wait time in the queue, and utilization between 0 and 1', async () => {
    const p = pool({ worker: workerFile('named.mjs'), threads: 1 });
    const before = p.stats;
    expect(before.runTime.samples).toBe(0);
    expect(before.utilization).toBe(0);
    // Two 40 ms tasks on one worker: the second waits for the first.
    await Promise.all([0, 1].map((i) => p.run({ ms: 40, value: i }, { name: 'sleep' })));
    const { runTime, waitTime, latency, utilization } = p.stats;
    expect(runTime.samples).toBe(2);
    expect(runTime.p50).toBeGreaterThanOrEqual(35); // a timer never fires early
    expect(runTime.max).toBeGreaterThanOrEqual(runTime.p90);
    expect(waitTime.max).toBeGreaterThanOrEqual(35); // the second waited for the first
    expect(latency.max).toBeGreaterThanOrEqual(runTime.max);
    expect(utilization).toBeGreaterThan(0);
    expect(utilization).toBeLessThanOrEqual(1);
  });

  it('counts a task that threw in runTime, and an aborted one only in latency', async () => {
    const p = pool({ worker: workerFile('named.mjs'), threads: 1 });
    await expect(p.run('no', { name: 'fail' })).rejects.toThrow('no');
    const controller = new AbortController();
    const aborted = p.run({ ms: 10_000, value: 0 }, { name: 'sleep', signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toBeDefined();
    const stats = p.stats;
    expect(stats).toMatchObject({ completed: 0, failed: 2 });
    expect(stats.runTime.samples).toBe(1);
    expect(stats.latency.samples).toBe(2);
  });
});
