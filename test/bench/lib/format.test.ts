import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../bench/lib/format.mjs';
import { summarizeEntries } from '../../../bench/lib/summary.mjs';

describe('bench report', () => {
  it('says how many thread sets a throughput row took its rounds from, and prints each target as evaluated', () => {
    const entries = summarizeEntries([
      { scenario: '1P1C 64 B', impl: 'postMessage', unit: 'msg/s', higherIsBetter: true, baseline: true, samples: [1, 1, 1, 1, 1, 1], sets: 3 },
      { scenario: '1P1C 64 B', impl: 'x', unit: 'records/s', higherIsBetter: true, samples: [4, 4, 4] },
    ]);
    const machine = { cpuModel: 'cpu', cores: 2, memoryGiB: 1, platform: 'linux', node: 'v20', v8: '11', loadAverageAtStart: [0, 0, 0], commit: 'abc', date: 'now' };
    const md = renderMarkdown({
      machine, quick: true, durationS: 1,
      sections: [{ module: 'throughput', title: 'Throughput', entries }],
      targets: [
        { target: 'spread', ratio: 0.2, shown: '20.0% (1P1C 64 B, x; 1 of 2 cells over 15.0%)', verdict: 'does not hold' },
        { target: 'ratio', ratio: 4, shown: '4.00×', verdict: 'holds' },
        { target: 'missing', ratio: null, shown: '–', verdict: 'not measured' },
      ],
    });
    expect(md).toContain('| 1P1C 64 B | postMessage | 1.00 | msg/s | baseline | 1.00 – 1.00 | 0.0% | 6 (3 thread sets) |');
    expect(md).toContain('| 1P1C 64 B | x | 4.00 | records/s | 4.00× | 4.00 – 4.00 | 0.0% | 3 |');
    expect(md).toContain('| spread | 20.0% (1P1C 64 B, x; 1 of 2 cells over 15.0%) | does not hold |');
    expect(md).toContain('| ratio | 4.00× | holds |');
    expect(md).toContain('| missing | – | not measured |');
  });
});
