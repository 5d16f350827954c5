import { describe, expect, it } from 'vitest';
import { medianLookup, mergeRuntimeSections, summarizeEntries, throughputSpreads } from '../../../bench/lib/summary.mjs';
import type { Entry } from '../../../bench/lib/summary.mjs';
import { evaluateTargets } from '../../../bench/lib/targets.mjs';
import { commandLine, renderMarkdown } from '../../../bench/lib/format.mjs';
import { IMPL, latencyScenario, throughputScenario } from '../../../bench/lib/names.mjs';

const T64 = throughputScenario(1, 1, 64);
const P50 = latencyScenario('p50');
const rate = (impl: string, median: number, extra: Partial<Entry> = {}): Entry => ({
  scenario: T64, impl, unit: 'msg/s', higherIsBetter: true, samples: [median, median, median], ...extra,
});

/** One runtime's throughput and latency sections, as a run of that runtime returns them. */
function runOf(runtime: string, { post, wasmq, spread = 0, p50 }: { post: number; wasmq: number; spread?: number; p50: number }) {
  return {
    runtime,
    sections: [
      {
        module: 'throughput', title: 'Throughput',
        entries: [
          rate(IMPL.postMessage, post, { baseline: true }),
          rate(IMPL.wasmq, wasmq, { samples: [wasmq * (1 - spread), wasmq, wasmq * (1 + spread)] }),
        ],
        skipped: runtime === 'bun' ? [{ scenario: T64, impl: IMPL.ringbuf, runtime, reason: 'no ringbuf here' }] : [],
      },
      {
        module: 'latency', title: 'Latency',
        entries: [
          { scenario: P50, impl: IMPL.postMessage, unit: 'µs', higherIsBetter: false, baseline: true, samples: [100, 100, 100] },
          { scenario: P50, impl: IMPL.wasmq, unit: 'µs', higherIsBetter: false, samples: [p50, p50, p50] },
          { scenario: P50, impl: IMPL.wasmqInPlaceLatency, unit: 'µs', higherIsBetter: false, samples: [125, 125, 125] },
        ],
      },
    ],
  };
}

const node = runOf('node', { post: 1e5, wasmq: 3e6, p50: 2 });
// Deno and Bun figures that would fail every target they touch, spread included.
const deno = runOf('deno', { post: 2e5, wasmq: 4e5, spread: 0.9, p50: 50 });
const bun = runOf('bun', { post: 5e4, wasmq: 1e5, spread: 0.9, p50: 90 });

describe('runs of several runtimes, merged', () => {
  const merged = mergeRuntimeSections([node, deno, bun], ['throughput', 'latency', 'pool'], [
    { module: 'pool', runtime: 'deno', reason: 'Node only: Piscina', title: 'Pools' },
    { module: 'pool', runtime: 'bun', reason: 'Node only: Piscina', title: 'Pools' },
  ]);
  const throughput = merged.find((s) => s.module === 'throughput')!;

  it("keeps each runtime's own postMessage as the baseline of its rows", () => {
    const ratio = (runtime: string) => throughput.entries.find((e) => e.runtime === runtime && e.impl === IMPL.wasmq)!.ratio;
    expect(ratio('node')).toBe(30);
    expect(ratio('deno')).toBe(2);
    expect(ratio('bun')).toBe(2);
    const latency = merged.find((s) => s.module === 'latency')!;
    expect(latency.entries.find((e) => e.runtime === 'deno' && e.impl === IMPL.wasmq)!.better).toBe(2);
    // summarizeEntries alone does the same with a mixed list.
    const mixed = summarizeEntries([
      rate(IMPL.postMessage, 10, { baseline: true, runtime: 'deno' }),
      rate(IMPL.postMessage, 1, { baseline: true }),
      rate(IMPL.wasmq, 20, { runtime: 'deno' }),
      rate(IMPL.wasmq, 20),
    ]);
    expect(mixed.map((e) => e.ratio)).toEqual([1, 1, 2, 20]);
  });

  it('puts each runtime\'s rows of a scenario together, runtimes in the order asked for, and keeps skips and Node-only modules', () => {
    expect(throughput.entries.map((e) => `${e.runtime} ${e.impl}`)).toEqual([
      `node ${IMPL.postMessage}`, `node ${IMPL.wasmq}`, `deno ${IMPL.postMessage}`, `deno ${IMPL.wasmq}`, `bun ${IMPL.postMessage}`, `bun ${IMPL.wasmq}`,
    ]);
    expect(throughput.skipped).toEqual([{ scenario: T64, impl: IMPL.ringbuf, runtime: 'bun', reason: 'no ringbuf here' }]);
    const pool = merged.find((s) => s.module === 'pool')!;
    expect(pool.title).toBe('Pools');
    expect(pool.notRun.map((n) => n.runtime)).toEqual(['deno', 'bun']);
  });

  it("labels a runtime's failure with the runtime", () => {
    const failed = mergeRuntimeSections([node, { runtime: 'bun', sections: [{ module: 'latency', title: 'Latency', error: 'hung', entries: [] }] }], ['latency']);
    expect(failed[0].error).toBe('bun: hung');
    expect(failed[0].errors).toEqual([{ runtime: 'bun', error: 'hung' }]);
  });

  it("evaluates the targets on Node's rows only: Deno's and Bun's change no verdict", () => {
    const nodeOnly = mergeRuntimeSections([node], ['throughput', 'latency']);
    const expected = evaluateTargets(medianLookup(nodeOnly), throughputSpreads(nodeOnly));
    const actual = evaluateTargets(medianLookup(merged), throughputSpreads(merged));
    expect(actual).toEqual(expected);
    const push = actual.find((t) => t.target.startsWith('1P1C 64 B blocking push/pop ≥ 20×'))!;
    expect(push).toMatchObject({ ratio: 30, verdict: 'holds' });
    expect(throughputSpreads(merged).every((c) => c.rIQR === 0)).toBe(true);
    // Asked for explicitly, another runtime's figures are there (and would fail).
    expect(medianLookup(merged, 'deno')(T64, IMPL.wasmq)).toBe(4e5);
    expect(throughputSpreads(merged, 'throughput', 'bun')[1].rIQR).toBeGreaterThan(0.15);
  });

  it('leaves every target not measured when Node was not run', () => {
    const without = mergeRuntimeSections([deno, bun], ['throughput', 'latency']);
    const verdicts = evaluateTargets(medianLookup(without), throughputSpreads(without));
    expect(verdicts.every((t) => t.verdict === 'not measured')).toBe(true);
  });

  it('prints the runtimes side by side and every row with its runtime, ratios within the runtime', () => {
    const machine = {
      cpuModel: 'cpu', cores: 2, memoryGiB: 1, platform: 'linux', node: 'v20', v8: '11', loadAverageAtStart: [0, 0, 0], commit: 'abc', date: 'now',
      runtimes: [{ name: 'node', version: '20' }, { name: 'deno', version: '2.9.6' }, { name: 'bun', version: '1.4.5' }],
    };
    const targets = evaluateTargets(medianLookup(merged), throughputSpreads(merged));
    const md = renderMarkdown({ machine, quick: true, runtimes: ['node', 'deno', 'bun'], only: ['throughput', 'latency'], durationS: 1, sections: merged, targets });
    expect(md).toContain('`npm run bench -- --quick --runtime=node,deno,bun --only=throughput,latency`');
    expect(md).toContain('Node v20 (V8 11), Deno 2.9.6, Bun 1.4.5');
    expect(md).toContain('| scenario | implementation | unit | Node (vs its postMessage) | Deno (vs its postMessage) | Bun (vs its postMessage) |');
    expect(md).toContain(`| ${T64} | ${IMPL.postMessage} | msg/s | 100 k (baseline) | 200 k (baseline) | 50.0 k (baseline) |`);
    expect(md).toContain(`| ${T64} | ${IMPL.wasmq} | msg/s | 3.00 M (30.0×) | 400 k (2.00×) | 100 k (2.00×) |`);
    expect(md).toContain(`| ${T64} | ${IMPL.ringbuf} |  | – | – | skipped |`);
    expect(md).toContain(`| ${P50} | ${IMPL.wasmq} | µs | 2.00 (50.0× better) | 50.0 (2.00× better) | 90.0 (1.11× better) |`);
    expect(md).toContain(`| ${P50} | ${IMPL.wasmqInPlaceLatency} | µs | 125 (1.25× worse) | 125 (1.25× worse) | 125 (1.25× worse) |`);
    expect(md).toContain(`| ${T64} | Deno | ${IMPL.wasmq} | 400 k | msg/s | 2.00× |`);
    expect(md).toContain(`- Skipped in Bun: ${T64}, ${IMPL.ringbuf}: no ringbuf here`);
    expect(md).toContain('- Not run in Deno, Bun: Node only: Piscina');
    expect(md).toContain("evaluated on Node's rows only");
  });

  it('prints a Node-only run as before: no runtime column', () => {
    expect(commandLine({ quick: false, runtimes: ['node'], only: null })).toBe('npm run bench');
    const sections = mergeRuntimeSections([node], ['throughput']);
    const machine = { cpuModel: 'cpu', cores: 2, memoryGiB: 1, platform: 'linux', node: 'v20', v8: '11', loadAverageAtStart: [0, 0, 0], commit: 'abc', date: 'now' };
    const md = renderMarkdown({ machine, quick: false, runtimes: ['node'], durationS: 1, sections, targets: [] });
    expect(md).toContain(`| ${T64} | ${IMPL.postMessage} | 100 k | msg/s | baseline |`);
    expect(md).not.toContain('Side by side');
    expect(md).not.toContain('runtime |');
  });
});
