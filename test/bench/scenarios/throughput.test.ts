import { describe, expect, it } from 'vitest';
import { measureThroughput, measureWithOneSet, plan, runsIn, transports } from '../../../bench/scenarios/throughput.mjs';
import { IMPL } from '../../../bench/lib/names.mjs';

// Every transport the bench measures must deliver each message exactly once
// (the harness checks count and id sum every round), or its figure is void.
describe('throughput harness', () => {
  for (const transport of transports) {
    const [p, c] = transport.spsc ? [1, 1] : [2, 2];
    it(`${transport.impl} delivers every message exactly once ${p}P${c}C, for 8 B and 200 B messages`, async () => {
      for (const payloadBytes of [8, 200]) {
        const rates = await measureThroughput({ transport, producers: p, consumers: c, payloadBytes, total: 3000, rounds: 2, ringMessages: 16 });
        expect(rates).toHaveLength(2);
        for (const r of rates) expect(r).toBeGreaterThan(0);
      }
    });
  }

  it('batched postMessage also delivers every record when it transfers its buffers instead of copying them', async () => {
    const batched = transports.find((t) => t.impl === IMPL.postMessageBatch)!;
    const transport = { ...batched, ctx: { transfer: true } };
    const rates = await measureThroughput({ transport, producers: 2, consumers: 2, payloadBytes: 64, total: 3001, rounds: 2, ringMessages: 16 });
    expect(rates).toHaveLength(2);
  });

  it('measures a cold round as the first round of fresh threads, checked like every other round', async () => {
    const transport = transports.find((t) => t.impl === IMPL.wasmqInPlace)!;
    const rates = await measureWithOneSet({ transport, producers: 1, consumers: 1, payloadBytes: 64, total: 5000, rounds: 0, ringMessages: 16, cold: true });
    expect(rates).toHaveLength(1);
    expect(rates[0]).toBeGreaterThan(0);
    const lossy = { impl: 'lossy', peer: new URL('./lossy-peer.mjs', import.meta.url) };
    await expect(
      measureWithOneSet({ transport: lossy, producers: 1, consumers: 1, payloadBytes: 8, total: 100, rounds: 0, ringMessages: 16, cold: true }),
    ).rejects.toThrow(/lossy 1P1C 8 B delivered 99 messages/);
  });

  it('narrows its cells to WASMQ_BENCH_CELLS, and names the cells there are when one is unknown', () => {
    const before = process.env.WASMQ_BENCH_CELLS;
    try {
      process.env.WASMQ_BENCH_CELLS = '1P1C 64 B, 2P2C 64 B';
      expect(plan(false).cells).toEqual([[1, 1, 64], [2, 2, 64]]);
      process.env.WASMQ_BENCH_CELLS = '1P1C 65 B';
      expect(() => plan(true)).toThrow(/WASMQ_BENCH_CELLS names "1P1C 65 B"; the cells of this run are: 1P1C 8 B, 1P1C 64 B/);
    } finally {
      if (before === undefined) delete process.env.WASMQ_BENCH_CELLS;
      else process.env.WASMQ_BENCH_CELLS = before;
    }
    expect(plan(false).cells).toHaveLength(9);
  });

  it('runs each in-place row only in the cells it is meant for', () => {
    const cells = (impl: string) => transports.filter((t) => t.impl === impl).flatMap((t) =>
      [[1, 1, 8], [1, 1, 64], [1, 1, 1024], [2, 2, 64], [4, 4, 8], [4, 4, 64]].filter(([p, c, b]) => runsIn(t, p, c, b)).map((cell) => cell.join('/')));
    expect(cells(IMPL.postMessageBatch)).toEqual(['1/1/64']);
    expect(cells(IMPL.jsRing)).toEqual(['1/1/64']);
    expect(cells(IMPL.wasmqInPlace)).toEqual(['1/1/8', '1/1/64', '2/2/64', '4/4/64']);
    expect(cells(IMPL.wasmq)).toHaveLength(6);
  });

  it('fails the round, naming the transport, when a transport loses a message', async () => {
    const lossy = { impl: 'lossy', peer: new URL('./lossy-peer.mjs', import.meta.url) };
    await expect(
      measureThroughput({ transport: lossy, producers: 1, consumers: 1, payloadBytes: 8, total: 100, rounds: 1, ringMessages: 16 }),
    ).rejects.toThrow(/lossy 1P1C 8 B delivered 99 messages .*expected 100/);
  });
});
