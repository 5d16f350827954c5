import { describe, expect, it } from 'vitest';
import { percentiles, quantile, summarize } from '../../../bench/lib/stats.mjs';

describe('bench stats', () => {
  it('interpolates quantiles linearly between ranks', () => {
    expect(quantile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(quantile([10, 20, 30, 40], 0)).toBe(10);
    expect(quantile([10, 20, 30, 40], 1)).toBe(40);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('summarizes unsorted samples into median, min, max and relative IQR', () => {
    const s = summarize([5, 1, 3, 2, 4]);
    expect(s).toEqual({ median: 3, min: 1, max: 5, rIQR: (4 - 2) / 3, n: 5 });
  });

  it('reports p50, p99 and p99.9 of round-trip times', () => {
    const values = Array.from({ length: 1001 }, (_, i) => 1000 - i); // 0..1000, reversed
    expect(percentiles(values)).toEqual({ p50: 500, p99: 990, p999: 999 });
  });
});
