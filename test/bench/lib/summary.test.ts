import { describe, expect, it } from 'vitest';
import { contractProblems, medianLookup, summarizeEntries, throughputSpreads } from '../../../bench/lib/summary.mjs';

describe('bench summary', () => {
  it('gives each entry its ratio to the baseline of the same scenario, and how many times better it is', () => {
    const rows = summarizeEntries([
      { scenario: 'tput', impl: 'base', unit: 'msg/s', higherIsBetter: true, baseline: true, samples: [10, 10, 10] },
      { scenario: 'tput', impl: 'fast', unit: 'msg/s', higherIsBetter: true, samples: [40, 50, 60] },
      { scenario: 'lat', impl: 'base', unit: 'µs', higherIsBetter: false, baseline: true, samples: [100, 100, 100] },
      { scenario: 'lat', impl: 'fast', unit: 'µs', higherIsBetter: false, samples: [4, 5, 6] },
      { scenario: 'alone', impl: 'x', unit: 'GB/s', higherIsBetter: true, samples: [1, 2, 3] },
    ]);
    expect(rows.map((r) => [r.ratio, r.better])).toEqual([[1, 1], [5, 5], [1, 1], [0.05, 20], [null, null]]);
    expect(medianLookup([{ entries: rows }])('tput', 'fast')).toBe(50);
    expect(medianLookup([{ entries: rows }])('tput', 'missing')).toBeUndefined();
  });

  it('rejects results that break the plug-in contract, saying what is wrong', () => {
    expect(contractProblems({}, 3)).toEqual(['run() must resolve to an array of entries']);
    const problems = contractProblems(
      [{ scenario: 's', impl: 'i', unit: 'u', higherIsBetter: true, samples: [1, 2] }, { scenario: 's', impl: 'j', unit: 'u', samples: [NaN, 1, 2] }],
      3,
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/2 samples; at least 3 rounds/);
    expect(problems.join()).toMatch(/higherIsBetter must be a boolean/);
    expect(problems.join()).toMatch(/finite numbers/);
    expect(contractProblems([{ scenario: 's', impl: 'i', unit: 'u', higherIsBetter: false, samples: [1, 2, 3] }], 3)).toEqual([]);
  });
});

describe('throughput spreads', () => {
  it('lists every throughput cell with its rIQR and thread sets, and nothing from other modules', () => {
    const tput = summarizeEntries([
      { scenario: '1P1C 64 B', impl: 'a', unit: 'msg/s', higherIsBetter: true, samples: [8, 10, 10, 12], sets: 2 },
      { scenario: '1P1C 64 B', impl: 'b', unit: 'msg/s', higherIsBetter: true, samples: [10, 10, 10] },
    ]);
    const other = summarizeEntries([{ scenario: 'lat', impl: 'a', unit: 'µs', higherIsBetter: false, samples: [1, 5, 9] }]);
    const spreads = throughputSpreads([{ module: 'latency', entries: other }, { module: 'throughput', entries: tput }, { module: 'throughput' }]);
    expect(spreads).toEqual([
      { scenario: '1P1C 64 B', impl: 'a', rIQR: 0.1, sets: 2 },
      { scenario: '1P1C 64 B', impl: 'b', rIQR: 0, sets: 1 },
    ]);
  });
});
