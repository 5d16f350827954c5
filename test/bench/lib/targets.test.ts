import { describe, expect, it } from 'vitest';
import { evaluateTargets } from '../../../bench/lib/targets.mjs';
import { IMPL, bandwidthScenario, latencyScenario, throughputScenario } from '../../../bench/lib/names.mjs';

const key = (s: string, i: string) => `${s}|${i}`;

function lookup(figures: Record<string, number>) {
  return (scenario: string, impl: string) => figures[key(scenario, impl)];
}

describe('bench targets', () => {
  const t64 = throughputScenario(1, 1, 64);
  const p50 = latencyScenario('p50');
  const bw = bandwidthScenario(65536);
  const passing: Record<string, number> = {
    [key(t64, IMPL.postMessage)]: 1e5,
    [key(t64, IMPL.wasmq)]: 3e6,
    [key(t64, IMPL.ringbuf)]: 1e6,
    [key(t64, IMPL.wasmqBatch)]: 5e6,
    [key(t64, IMPL.jsQueue)]: 2e6,
    [key(t64, IMPL.jsQueueBatch)]: 4e6,
    [key(throughputScenario(4, 4, 64), IMPL.wasmq)]: 1e6,
    [key(p50, IMPL.postMessage)]: 100,
    [key(p50, IMPL.wasmq)]: 1,
    [key(p50, IMPL.spin)]: 0.5,
    [key(bw, IMPL.wasmq)]: 6,
    [key(bw, IMPL.copy)]: 10,
    [key(bw, IMPL.wasmqRaw)]: 8,
    [key(p50, IMPL.wasmqRaw)]: 1.2,
  };

  it('says every target holds when the figures meet them', () => {
    const verdicts = evaluateTargets(lookup(passing));
    expect(verdicts).toHaveLength(11);
    expect(verdicts.filter((v) => v.verdict !== 'holds')).toEqual([]);
    expect(verdicts[0].ratio).toBe(30);
  });

  it('says a target does not hold when its ratio misses, with the measured ratio', () => {
    const verdicts = evaluateTargets(lookup({ ...passing, [key(p50, IMPL.wasmq)]: 2 }));
    const failed = verdicts.filter((v) => v.verdict === 'does not hold');
    // postMessage / wasmq = 50 still meets ">= 30"; wasmq / floor = 4 misses "<= 3".
    expect(failed.map((v) => v.ratio)).toEqual([4]);
    expect(failed[0].target).toMatch(/within 3× of the Atomics spin hand-off/);
  });

  it('reports a target whose figures are missing as not measured, never as holding', () => {
    const { [key(bw, IMPL.copy)]: _dropped, ...partial } = passing;
    const verdict = evaluateTargets(lookup(partial)).find((v) => v.target.includes('64 KiB'));
    expect(verdict).toEqual(expect.objectContaining({ ratio: null, verdict: 'not measured' }));
  });
});
