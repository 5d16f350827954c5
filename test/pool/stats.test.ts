import { describe, expect, it } from 'vitest';
import { LATENCY_WINDOW, LatencyWindow } from '../../ts/pool/stats.js';

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
