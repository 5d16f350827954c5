// The performance targets of the benchmark issues, evaluated on one run's
// figures. A target with a missing figure is "not measured", never "holds".
import { COMLINK_CALL, FANOUT, FANOUT_IMPL, IMPL, NATS_STREAM, NATS_STREAM_IMPL, POOL, POOL_CRASHED, POOL_IMPL, SELECT, SELECT_IMPL, bandwidthScenario, browserScenario, coldScenario, latencyScenario, throughputScenario } from './names.mjs';

const T64 = throughputScenario(1, 1, 64);
const COLD64 = coldScenario(64);
const P50 = latencyScenario('p50');
const BW = bandwidthScenario(65536);
/** The bound on every throughput cell's spread (relative IQR across its rounds and thread sets). */
export const MAX_THROUGHPUT_RIQR = 0.15;

/**
 * A browser main thread draining 2 Web Workers' records (scenarios/browser.mjs)
 * against the faster of the two batched postMessage idioms in that browser.
 */
const browserTarget = (browser) => ({
  target: `${browser} main thread: wasmq drainAsync from 2 Web Workers ≥ 3× postMessage batched (64 records per message) records/s (the faster of transferred and cloned)`,
  ratio: (m) => {
    const s = browserScenario(browser);
    return m(s, IMPL.browserDrainAsync) / Math.max(m(s, IMPL.postMessageBatchTransfer), m(s, IMPL.postMessageBatchClone));
  },
  holds: (r) => r >= 3,
});

const percent = (x) => `${(x * 100).toFixed(1)}%`;

// ---- pool targets (scenarios/pool.mjs): wasmq/pool against Piscina, the table word for word ----
/** wasmq/pool's figure over Piscina's in one pool scenario. */
const poolRatio = (scenario) => (m) => m(scenario, POOL_IMPL.wasmq) / m(scenario, POOL_IMPL.piscina);
const POOL_TARGETS = [
  { target: 'wasmq/pool, tiny tasks, 2 threads: >= 10x Piscina', ratio: poolRatio(POOL.tiny), holds: (r) => r >= 10 },
  { target: 'wasmq/pool, 1 KiB JSON in -> transform -> 1 KiB out: >= 3x Piscina', ratio: poolRatio(POOL.json), holds: (r) => r >= 3 },
  { target: 'wasmq/pool, 1 MiB Float64Array in and out: >= 1x Piscina with transferList', ratio: poolRatio(POOL.f64), holds: (r) => r >= 1 },
  {
    target: 'wasmq/pool, async handlers awaiting I/O, concurrentTasksPerWorker 8: >= 1x Piscina at the same concurrency',
    ratio: poolRatio(POOL.async),
    holds: (r) => r >= 1,
  },
  { target: 'wasmq/pool, CPU-bound 1 ms tasks: parity (>= 0.95x)', ratio: poolRatio(POOL.cpu), holds: (r) => r >= 0.95 },
  {
    // Lower is better: the measured figure is wasmq/pool's p50 over Piscina's.
    target: "wasmq/pool, task latency p50 at one task at a time: <= 1/10 of Piscina's (ratio = wasmq/pool p50 / Piscina p50 <= 0.1)",
    ratio: poolRatio(POOL.latency),
    holds: (r) => r <= 0.1,
  },
];
// ---- end pool targets ----

/**
 * Per target: its description; `ratio(median, spreads)`, the measured figure
 * (undefined or NaN when a figure is missing); `holds(ratio)`; and optionally
 * `shown(ratio, spreads)`, how the figure is printed (default: "1.23×").
 */
const TARGETS = [
  {
    target: '1P1C 64 B blocking push/pop ≥ 20× (unbatched) postMessage msg/s',
    ratio: (m) => m(T64, IMPL.wasmq) / m(T64, IMPL.postMessage),
    holds: (r) => r >= 20,
  },
  {
    target: '1P1C 64 B push/pop cold (first 2^20 messages on fresh threads) ≥ 20× postMessage cold msg/s',
    ratio: (m) => m(COLD64, IMPL.wasmq) / m(COLD64, IMPL.postMessage),
    holds: (r) => r >= 20,
  },
  {
    target: '1P1C 64 B push/pop: the first 2^20 messages on fresh threads ≥ 70% of the warm rate (ratio ≥ 0.7)',
    ratio: (m) => m(COLD64, IMPL.wasmq) / m(T64, IMPL.wasmq),
    holds: (r) => r >= 0.7,
  },
  {
    target: '1P1C 64 B publish/drain: the first 2^20 messages on fresh threads ≥ 70% of the warm rate (ratio ≥ 0.7)',
    ratio: (m) => m(COLD64, IMPL.wasmqInPlace) / m(T64, IMPL.wasmqInPlace),
    holds: (r) => r >= 0.7,
  },
  {
    target: '1P1C 64 B blocking push/pop ≥ 1.5× ringbuf.js msg/s',
    ratio: (m) => m(T64, IMPL.wasmq) / m(T64, IMPL.ringbuf),
    holds: (r) => r >= 1.5,
  },
  {
    target: '1P1C 64 B batches of 64 ≥ 40× postMessage msg/s',
    ratio: (m) => m(T64, IMPL.wasmqBatch) / m(T64, IMPL.postMessage),
    holds: (r) => r >= 40,
  },
  {
    target: '1P1C 64 B in place (publish/drain, 64 per publish) ≥ 5× postMessage batched (64 records per message) records/s',
    ratio: (m) => m(T64, IMPL.wasmqInPlace) / m(T64, IMPL.postMessageBatch),
    holds: (r) => r >= 5,
  },
  {
    target: '1P1C 64 B in place (publish/drain) ≥ 1/3 of the JS in-place SPSC ring, batch 64 (ratio ≥ 0.333)',
    ratio: (m) => m(T64, IMPL.wasmqInPlace) / m(T64, IMPL.jsRing),
    holds: (r) => r >= 1 / 3,
  },
  {
    target: 'round-trip p50 ≤ 1/30 of postMessage (ratio = postMessage p50 / wasmq p50 ≥ 30)',
    ratio: (m) => m(P50, IMPL.postMessage) / m(P50, IMPL.wasmq),
    holds: (r) => r >= 30,
  },
  {
    target: 'round-trip p50 within 3× of the Atomics spin hand-off (ratio = wasmq / floor ≤ 3)',
    ratio: (m) => m(P50, IMPL.wasmq) / m(P50, IMPL.spin),
    holds: (r) => r <= 3,
  },
  {
    target: 'round-trip p50 in place (spinning tryPublish/tryDrain, count 1 / max 1) within 2× of the Atomics spin hand-off (ratio ≤ 2)',
    ratio: (m) => m(P50, IMPL.wasmqInPlaceSpin) / m(P50, IMPL.spin),
    holds: (r) => r <= 2,
  },
  {
    target: '64 KiB messages ≥ 50% of single-thread Uint8Array.set bandwidth',
    ratio: (m) => m(BW, IMPL.wasmq) / m(BW, IMPL.copy),
    holds: (r) => r >= 0.5,
  },
  {
    // Not an issue target: the same two targets through the allocation-free calls, for comparison.
    target: '(same, allocation-free pushFrom/popInto) 64 KiB ≥ 50% of Uint8Array.set bandwidth',
    ratio: (m) => m(BW, IMPL.wasmqRaw) / m(BW, IMPL.copy),
    holds: (r) => r >= 0.5,
  },
  {
    target: '(same, allocation-free pushFrom/popInto) round-trip p50 within 3× of the spin hand-off',
    ratio: (m) => m(P50, IMPL.wasmqRaw) / m(P50, IMPL.spin),
    holds: (r) => r <= 3,
  },
  {
    target: 'Wasm kernel at least matches the pure-JS ablation unbatched (1P1C 64 B, ratio ≥ 1)',
    ratio: (m) => m(T64, IMPL.wasmq) / m(T64, IMPL.jsQueue),
    holds: (r) => r >= 1,
  },
  {
    target: 'Wasm kernel beats the pure-JS ablation batched (1P1C 64 B, ratio > 1)',
    ratio: (m) => m(T64, IMPL.wasmqBatch) / m(T64, IMPL.jsQueueBatch),
    holds: (r) => r > 1,
  },
  {
    // The issue asks for graceful degradation without a number; this is our reading of it.
    target: '4P4C (oversubscribed) does not collapse: wasmq 4P4C 64 B ≥ 1/4 of its 1P1C rate',
    ratio: (m) => m(throughputScenario(4, 4, 64), IMPL.wasmq) / m(T64, IMPL.wasmq),
    holds: (r) => r >= 0.25,
  },
  {
    target: 'Comlink over SharedChannel ≥ 5× Comlink over MessageChannel (add(i, 1) calls/s)',
    ratio: (m) => m(COMLINK_CALL, IMPL.comlinkShared) / m(COMLINK_CALL, IMPL.comlinkMessage),
    holds: (r) => r >= 5,
  },
  browserTarget('Chromium'),
  browserTarget('Firefox'),
  ...POOL_TARGETS,
  {
    // Issue 15: the pool ends a dead worker's leases and waits, so crashes leave nothing that slows it down.
    target: 'a pool that has replaced 100 crashed workers runs tiny tasks at ≥ 0.95 of a fresh pool\'s rate, in the same run',
    ratio: (m) => m(POOL_CRASHED.scenario, POOL_CRASHED.crashed) / m(POOL_CRASHED.scenario, POOL_CRASHED.fresh),
    holds: (r) => r >= 0.95,
  },
  // ---- issue 13: broadcast and select ----
  ...[['wait', FANOUT_IMPL.wasmqWait], ['overwrite', FANOUT_IMPL.wasmqOverwrite]].map(([policy, impl]) => ({
    target: `broadcast 1 producer → 4 subscribers, 64 B, whenFull '${policy}': ≥ 20× BroadcastChannel deliveries/s`,
    ratio: (m) => m(FANOUT, impl) / m(FANOUT, FANOUT_IMPL.broadcastChannel),
    holds: (r) => r >= 20,
  })),
  // ---- issue 14: across machines over NATS ----
  {
    target: 'NATS stream, 64 B: queue → forward → receive (durable) → queue adds ≤ 10% over the NATS client alone doing the same JetStream work (ratio = wasmq / bare ≥ 0.9)',
    ratio: (m) => m(NATS_STREAM, NATS_STREAM_IMPL.wasmq) / m(NATS_STREAM, NATS_STREAM_IMPL.bare),
    holds: (r) => r >= 0.9,
  },
  {
    // Lower is better: select's time per message over pop's, same producers.
    target: 'select over 4 queues costs ≤ 1.5× a plain pop on one queue fed by the same producers (ratio = pop msg/s / select msg/s ≤ 1.5)',
    ratio: (m) => m(SELECT, SELECT_IMPL.pop) / m(SELECT, SELECT_IMPL.select),
    holds: (r) => r <= 1.5,
  },
  {
    target: `every throughput cell's spread (rIQR across its rounds and thread sets) ≤ ${percent(MAX_THROUGHPUT_RIQR)} (measured = the widest)`,
    ratio: (_m, spreads) => (spreads.length ? Math.max(...spreads.map((c) => c.rIQR)) : undefined),
    holds: (r) => r <= MAX_THROUGHPUT_RIQR,
    shown: (r, spreads) => {
      const worst = spreads.find((c) => c.rIQR === r);
      const over = spreads.filter((c) => c.rIQR > MAX_THROUGHPUT_RIQR).length;
      return `${percent(r)} (${worst.scenario}, ${worst.impl}; ${over} of ${spreads.length} cells over ${percent(MAX_THROUGHPUT_RIQR)})`;
    },
  },
];

const times = (r) => `${r.toPrecision(3)}×`;

/**
 * Evaluates every target with `median(scenario, impl)` and `spreads` (the
 * throughput cells' relative IQRs: [{scenario, impl, rIQR}], see
 * summary.mjs throughputSpreads); returns [{target, ratio, shown, verdict}].
 */
export function evaluateTargets(median, spreads = []) {
  return TARGETS.map(({ target, ratio, holds, shown = times }) => {
    const r = ratio(median, spreads);
    if (r === undefined || !Number.isFinite(r)) return { target, ratio: null, shown: '–', verdict: 'not measured' };
    return { target, ratio: r, shown: shown(r, spreads), verdict: holds(r) ? 'holds' : 'does not hold' };
  });
}
