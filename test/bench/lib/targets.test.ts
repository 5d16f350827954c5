import { describe, expect, it } from 'vitest';
import { MAX_THROUGHPUT_RIQR, evaluateTargets } from '../../../bench/lib/targets.mjs';
import { COMLINK_CALL, FANOUT, FANOUT_IMPL, IMPL, NATS_STREAM, NATS_STREAM_IMPL, POOL, POOL_CRASHED, POOL_IMPL, SELECT, SELECT_IMPL, bandwidthScenario, browserScenario, coldScenario, latencyScenario, throughputScenario } from '../../../bench/lib/names.mjs';

const key = (s: string, i: string) => `${s}|${i}`;

function lookup(figures: Record<string, number>) {
  return (scenario: string, impl: string) => figures[key(scenario, impl)];
}

describe('bench targets', () => {
  const t64 = throughputScenario(1, 1, 64);
  const p50 = latencyScenario('p50');
  const bw = bandwidthScenario(65536);
  const cold = coldScenario(64);
  const passing: Record<string, number> = {
    [key(t64, IMPL.postMessage)]: 1e5,
    [key(t64, IMPL.postMessageBatch)]: 1e7,
    [key(t64, IMPL.wasmq)]: 3e6,
    [key(cold, IMPL.postMessage)]: 1e5,
    [key(cold, IMPL.wasmq)]: 2.5e6,
    [key(cold, IMPL.wasmqInPlace)]: 5e7,
    [key(t64, IMPL.ringbuf)]: 1e6,
    [key(t64, IMPL.wasmqBatch)]: 5e6,
    [key(t64, IMPL.wasmqInPlace)]: 6e7,
    [key(t64, IMPL.jsRing)]: 1.5e8,
    [key(t64, IMPL.jsQueue)]: 2e6,
    [key(t64, IMPL.jsQueueBatch)]: 4e6,
    [key(throughputScenario(4, 4, 64), IMPL.wasmq)]: 1e6,
    [key(p50, IMPL.postMessage)]: 100,
    [key(p50, IMPL.wasmq)]: 1,
    [key(p50, IMPL.wasmqInPlaceSpin)]: 0.9,
    [key(p50, IMPL.spin)]: 0.5,
    [key(bw, IMPL.wasmq)]: 6,
    [key(bw, IMPL.copy)]: 10,
    [key(bw, IMPL.wasmqRaw)]: 8,
    [key(p50, IMPL.wasmqRaw)]: 1.2,
    [key(COMLINK_CALL, IMPL.comlinkMessage)]: 1e4,
    [key(COMLINK_CALL, IMPL.comlinkShared)]: 6e4,
    [key(POOL_CRASHED.scenario, POOL_CRASHED.fresh)]: 3e5,
    [key(POOL_CRASHED.scenario, POOL_CRASHED.crashed)]: 2.9e5,
    ...Object.fromEntries(['Chromium', 'Firefox'].flatMap((b) => [
      [key(browserScenario(b), IMPL.browserDrainAsync), 1.2e7],
      [key(browserScenario(b), IMPL.postMessageBatchTransfer), 4e6],
      [key(browserScenario(b), IMPL.postMessageBatchClone), 3e6],
    ])),
    // The pool module: Piscina, then wasmq/pool just meeting each target.
    [key(POOL.tiny, POOL_IMPL.piscina)]: 2.5e4,
    [key(POOL.tiny, POOL_IMPL.wasmq)]: 2.5e5,
    [key(POOL.json, POOL_IMPL.piscina)]: 1.5e4,
    [key(POOL.json, POOL_IMPL.wasmq)]: 4.5e4,
    [key(POOL.f64, POOL_IMPL.piscina)]: 1500,
    [key(POOL.f64, POOL_IMPL.wasmq)]: 1500,
    [key(POOL.async, POOL_IMPL.piscina)]: 1e4,
    [key(POOL.async, POOL_IMPL.wasmq)]: 1e4,
    [key(POOL.cpu, POOL_IMPL.piscina)]: 1600,
    [key(POOL.cpu, POOL_IMPL.wasmq)]: 1520,
    [key(POOL.latency, POOL_IMPL.piscina)]: 80,
    [key(POOL.latency, POOL_IMPL.wasmq)]: 8,
    // Broadcast and select (issue 13), each just meeting its target.
    [key(FANOUT, FANOUT_IMPL.broadcastChannel)]: 5e5,
    [key(FANOUT, FANOUT_IMPL.wasmqWait)]: 1e7,
    [key(FANOUT, FANOUT_IMPL.wasmqOverwrite)]: 1.2e7,
    [key(SELECT, SELECT_IMPL.pop)]: 3e6,
    [key(SELECT, SELECT_IMPL.select)]: 2e6,
    // Across machines over NATS (issue 14): wasmq's stream just within 10% of the bare client.
    [key(NATS_STREAM, NATS_STREAM_IMPL.bare)]: 2e4,
    [key(NATS_STREAM, NATS_STREAM_IMPL.wasmq)]: 1.8e4,
  };
  const tight = [
    { scenario: t64, impl: IMPL.wasmq, rIQR: 0.05 },
    { scenario: t64, impl: IMPL.wasmqInPlace, rIQR: 0.12 },
  ];
  const find = (verdicts: ReturnType<typeof evaluateTargets>, text: string) => {
    const found = verdicts.filter((v) => v.target.includes(text));
    expect(found, `exactly one target mentions "${text}"`).toHaveLength(1);
    return found[0];
  };

  it('says every target holds when the figures meet them', () => {
    const verdicts = evaluateTargets(lookup(passing), tight);
    expect(verdicts).toHaveLength(32);
    expect(verdicts.filter((v) => v.verdict !== 'holds')).toEqual([]);
    expect(verdicts[0].ratio).toBe(30);
    expect(verdicts[0].shown).toBe('30.0×');
  });

  it("holds each broadcast policy to 20× BroadcastChannel's deliveries, and select to 1.5× pop's cost", () => {
    const slower = { ...passing, [key(FANOUT, FANOUT_IMPL.wasmqOverwrite)]: 9e6, [key(SELECT, SELECT_IMPL.select)]: 1.9e6 };
    const verdicts = evaluateTargets(lookup(slower), tight);
    expect(find(verdicts, "whenFull 'wait'").verdict).toBe('holds');
    expect(find(verdicts, "whenFull 'overwrite'")).toMatchObject({ ratio: 18, verdict: 'does not hold' });
    expect(find(verdicts, 'select over 4 queues').verdict).toBe('does not hold');
  });

  it('holds the wasmq/nats stream to at most 10% below the bare NATS client doing the same JetStream work', () => {
    const slower = { ...passing, [key(NATS_STREAM, NATS_STREAM_IMPL.wasmq)]: 1.7e4 };
    expect(find(evaluateTargets(lookup(slower), tight), 'NATS stream')).toMatchObject({ ratio: 0.85, verdict: 'does not hold' });
    expect(find(evaluateTargets(lookup(passing), tight), 'NATS stream').verdict).toBe('holds');
  });

  it('holds a pool that replaced 100 crashed workers to 0.95 of a fresh pool\'s tiny-task rate', () => {
    const slower = { ...passing, [key(POOL_CRASHED.scenario, POOL_CRASHED.crashed)]: 2.7e5 };
    const verdict = find(evaluateTargets(lookup(slower), tight), '100 crashed workers');
    expect(verdict.ratio).toBeCloseTo(0.9);
    expect(verdict.verdict).toBe('does not hold');
    expect(find(evaluateTargets(lookup(passing), tight), '100 crashed workers').verdict).toBe('holds');
  });

  it('compares the first 2^20 messages on fresh threads with the warm rate of the same calls', () => {
    const slowStart = { ...passing, [key(cold, IMPL.wasmqInPlace)]: 3e7 };
    const verdict = find(evaluateTargets(lookup(slowStart), tight), 'publish/drain: the first 2^20 messages');
    expect(verdict.ratio).toBeCloseTo(0.5);
    expect(verdict.verdict).toBe('does not hold');
    expect(find(evaluateTargets(lookup(slowStart), tight), 'push/pop: the first 2^20 messages').verdict).toBe('holds');
  });

  it('keeps one definition per target', () => {
    const names = evaluateTargets(lookup(passing), tight).map((v) => v.target);
    expect(new Set(names).size).toBe(names.length);
    find(evaluateTargets(lookup(passing), tight), '≥ 20× (unbatched) postMessage');
    find(evaluateTargets(lookup(passing), tight), '≥ 1.5× ringbuf.js');
  });

  it('says a target does not hold when its ratio misses, with the measured ratio', () => {
    const verdicts = evaluateTargets(lookup({ ...passing, [key(p50, IMPL.wasmq)]: 2 }), tight);
    const failed = verdicts.filter((v) => v.verdict === 'does not hold');
    // postMessage / wasmq = 50 still meets ">= 30"; wasmq / floor = 4 misses "<= 3".
    expect(failed.map((v) => v.ratio)).toEqual([4]);
    expect(failed[0].target).toMatch(/within 3× of the Atomics spin hand-off/);
  });

  it('checks the in-place rows against batched postMessage (≥ 5×) and the JS ceiling (≥ 1/3)', () => {
    const base = evaluateTargets(lookup(passing), tight);
    expect(find(base, '≥ 5× postMessage batched').ratio).toBe(6);
    expect(find(base, '≥ 1/3 of the JS in-place SPSC ring').ratio).toBeCloseTo(0.4);
    const slow = evaluateTargets(lookup({ ...passing, [key(t64, IMPL.wasmqInPlace)]: 4.9e7 }), tight);
    expect(find(slow, '≥ 5× postMessage batched')).toEqual(expect.objectContaining({ ratio: 4.9, verdict: 'does not hold' }));
    expect(find(slow, '≥ 1/3 of the JS in-place SPSC ring').verdict).toBe('does not hold'); // 49 M / 150 M = 0.327
    const fastCeiling = evaluateTargets(lookup({ ...passing, [key(t64, IMPL.jsRing)]: 2e8 }), tight);
    expect(find(fastCeiling, '≥ 1/3 of the JS in-place SPSC ring')).toEqual(expect.objectContaining({ ratio: 0.3, verdict: 'does not hold' }));
    expect(find(fastCeiling, '≥ 5× postMessage batched').verdict).toBe('holds');
  });

  it('holds the in-place round trip to 2× the spin floor, and SharedChannel Comlink to 5× MessageChannel', () => {
    const inPlace = (p: number) => find(evaluateTargets(lookup({ ...passing, [key(p50, IMPL.wasmqInPlaceSpin)]: p }), tight), 'within 2× of the Atomics');
    expect(inPlace(1)).toEqual(expect.objectContaining({ ratio: 2, verdict: 'holds' }));
    expect(inPlace(1.1).verdict).toBe('does not hold');
    const comlink = (calls: number) => find(evaluateTargets(lookup({ ...passing, [key(COMLINK_CALL, IMPL.comlinkShared)]: calls }), tight), 'Comlink');
    expect(comlink(5e4)).toEqual(expect.objectContaining({ ratio: 5, verdict: 'holds' }));
    expect(comlink(4.4e4).verdict).toBe('does not hold');
  });

  it('holds drainAsync on a browser main thread to 3× the faster batched postMessage idiom, per browser', () => {
    const chromium = browserScenario('Chromium');
    const firefox = browserScenario('Firefox');
    const target = (figures: Record<string, number>, browser: string) =>
      find(evaluateTargets(lookup({ ...passing, ...figures }), tight), `${browser} main thread: wasmq drainAsync`);
    expect(target({}, 'Chromium')).toEqual(expect.objectContaining({ ratio: 3, verdict: 'holds' }));
    // The denominator is whichever idiom is faster in that browser, transferred or cloned.
    expect(target({ [key(firefox, IMPL.postMessageBatchClone)]: 5e6 }, 'Firefox')).toEqual(expect.objectContaining({ ratio: 2.4, verdict: 'does not hold' }));
    expect(target({ [key(firefox, IMPL.postMessageBatchClone)]: 5e6 }, 'Chromium').verdict).toBe('holds');
    expect(target({ [key(chromium, IMPL.browserDrainAsync)]: 1.1e7 }, 'Chromium').verdict).toBe('does not hold');
    // A browser that was not there (no binary) leaves its target not measured.
    const { [key(firefox, IMPL.browserDrainAsync)]: _gone, ...noFirefox } = passing;
    expect(find(evaluateTargets(lookup(noFirefox), tight), 'Firefox main thread').verdict).toBe('not measured');
    expect(find(evaluateTargets(lookup(noFirefox), tight), 'Chromium main thread').verdict).toBe('holds');
  });

  it('holds wasmq/pool to each row of the pool table against Piscina, in the issue\'s words', () => {
    const pool = (figures: Record<string, number>, text: string) => find(evaluateTargets(lookup({ ...passing, ...figures }), tight), text);
    expect(pool({}, 'tiny tasks, 2 threads: >= 10x Piscina')).toEqual(expect.objectContaining({ ratio: 10, verdict: 'holds' }));
    expect(pool({ [key(POOL.tiny, POOL_IMPL.wasmq)]: 2.4e5 }, 'tiny tasks, 2 threads').verdict).toBe('does not hold');
    expect(pool({}, '1 KiB JSON in -> transform -> 1 KiB out: >= 3x Piscina')).toEqual(expect.objectContaining({ ratio: 3, verdict: 'holds' }));
    expect(pool({ [key(POOL.json, POOL_IMPL.wasmq)]: 4.4e4 }, '1 KiB JSON').verdict).toBe('does not hold');
    expect(pool({}, '1 MiB Float64Array in and out: >= 1x Piscina with transferList')).toEqual(expect.objectContaining({ ratio: 1, verdict: 'holds' }));
    expect(pool({ [key(POOL.f64, POOL_IMPL.wasmq)]: 700 }, '1 MiB Float64Array').verdict).toBe('does not hold');
    const asyncRow = 'async handlers awaiting I/O, concurrentTasksPerWorker 8: >= 1x Piscina at the same concurrency';
    expect(pool({}, asyncRow)).toEqual(expect.objectContaining({ ratio: 1, verdict: 'holds' }));
    // A build without the option skips the wasmq/pool row: the target is not measured, never a verdict.
    const { [key(POOL.async, POOL_IMPL.wasmq)]: _skipped, ...noAsync } = passing;
    expect(find(evaluateTargets(lookup(noAsync), tight), asyncRow).verdict).toBe('not measured');
    expect(pool({}, 'CPU-bound 1 ms tasks: parity (>= 0.95x)')).toEqual(expect.objectContaining({ ratio: 0.95, verdict: 'holds' }));
    expect(pool({ [key(POOL.cpu, POOL_IMPL.wasmq)]: 1500 }, 'CPU-bound').verdict).toBe('does not hold');
    // Latency is lower-is-better: wasmq/pool's p50 over Piscina's, at most 1/10.
    expect(pool({}, "task latency p50 at one task at a time: <= 1/10 of Piscina's")).toEqual(expect.objectContaining({ ratio: 0.1, verdict: 'holds' }));
    expect(pool({ [key(POOL.latency, POOL_IMPL.wasmq)]: 8.1 }, 'task latency p50').verdict).toBe('does not hold');
  });

  it('holds every throughput cell to the rIQR bound, naming the widest cell and how many are over', () => {
    expect(MAX_THROUGHPUT_RIQR).toBe(0.15);
    const spread = (cells: typeof tight) => find(evaluateTargets(lookup(passing), cells), 'spread');
    expect(spread(tight)).toEqual(expect.objectContaining({ ratio: 0.12, verdict: 'holds' }));
    const wide = spread([...tight, { scenario: throughputScenario(2, 2, 64), impl: IMPL.postMessage, rIQR: 0.231 }, { scenario: t64, impl: IMPL.ringbuf, rIQR: 0.16 }]);
    expect(wide).toEqual(expect.objectContaining({ ratio: 0.231, verdict: 'does not hold' }));
    expect(wide.shown).toBe('23.1% (2P2C 64 B, postMessage; 2 of 4 cells over 15.0%)');
    expect(spread([])).toEqual(expect.objectContaining({ ratio: null, shown: '–', verdict: 'not measured' }));
  });

  it('reports a target whose figures are missing as not measured, never as holding', () => {
    const { [key(bw, IMPL.copy)]: _dropped, ...partial } = passing;
    const verdict = evaluateTargets(lookup(partial), tight).find((v) => v.target.includes('64 KiB'));
    expect(verdict).toEqual(expect.objectContaining({ ratio: null, verdict: 'not measured' }));
    const { [key(t64, IMPL.jsRing)]: _ring, ...noCeiling } = passing;
    expect(find(evaluateTargets(lookup(noCeiling), tight), 'JS in-place SPSC ring').verdict).toBe('not measured');
  });
});
