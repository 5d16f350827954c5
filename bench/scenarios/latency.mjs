// Round-trip latency: a pinger thread sends a 64-byte message and waits for
// its echo (ping-pong over two queues, or two rings, or one port), one round
// trip at a time. Each round reports p50 / p99 / p99.9 of its round trips;
// the bare Atomics spin hand-off of one word is the floor. wasmq runs three
// ways: blocking push/pop, blocking publish/drain in place, and spinning
// tryPublish/tryDrain in place (peers/wasmq-inplace.mjs).
import { runWorkers, BenchError, measureOrSkip } from '../lib/harness.mjs';
import { percentiles, summarize } from '../lib/stats.mjs';
import { IMPL, latencyScenario } from '../lib/names.mjs';

export const title = 'Round-trip latency (ping-pong, 64 B)';
/** Runs in each of these (`npm run bench -- --runtime=deno`); a transport a runtime lacks is skipped there, saying why. */
export const runtimes = ['node', 'deno', 'bun'];

const peer = (file) => new URL(`../peers/${file}`, import.meta.url);

/** The transports measured, in table order; `ctx` is passed to both roles. */
export const transports = [
  { impl: IMPL.postMessage, peer: peer('postmessage.mjs'), baseline: true },
  { impl: IMPL.ringbuf, peer: peer('ringbuf.mjs') },
  { impl: IMPL.jsQueue, peer: peer('js-ablation.mjs') },
  { impl: IMPL.wasmq, peer: peer('wasmq.mjs') },
  { impl: IMPL.wasmqRaw, peer: peer('wasmq-raw.mjs') },
  { impl: IMPL.wasmqInPlaceLatency, peer: peer('wasmq-inplace.mjs') },
  { impl: IMPL.wasmqInPlaceSpin, peer: peer('wasmq-inplace.mjs'), ctx: { spin: true } },
  { impl: IMPL.spin, peer: peer('spin-handoff.mjs') },
];

const PAYLOAD = 64;
const PCTS = [['p50', 'p50'], ['p99', 'p99'], ['p999', 'p99.9']];

/** The (scenario, impl) rows a run of this module produces. */
export function rows() {
  return transports.flatMap((t) => PCTS.map(([, label]) => ({ scenario: latencyScenario(label), impl: t.impl })));
}

/**
 * One set of pinger + echoer threads: a warm-up round, then `rounds`
 * measured rounds of `roundTrips` round trips. Returns each measured round's
 * p50 / p99 / p99.9 in ms, after checking every round trip was timed.
 */
export async function measureLatency({ transport, roundTrips, rounds }) {
  const ctx = { payloadBytes: PAYLOAD, ...transport.ctx };
  const results = await runWorkers({
    peer: transport.peer,
    kind: 'latency',
    config: { producers: 1, consumers: 1, payloadBytes: PAYLOAD, ringMessages: 1024 },
    roles: [{ role: 'pinger', ctx }, { role: 'echoer', ctx }],
    rounds: Array.from({ length: rounds + 1 }, () => ({ roundTrips })),
    timeoutMs: 120_000,
  });
  return results.slice(1).map(([pinger]) => {
    if (!pinger.rtt || pinger.rtt.length !== roundTrips) throw new BenchError(`${transport.impl} returned no round-trip times`);
    return percentiles(pinger.rtt);
  });
}

export async function run({ quick, log, skip }) {
  const roundTrips = quick ? 2000 : 20000;
  const rounds = quick ? 3 : 5;
  const entries = [];
  for (const transport of transports) {
    const rows = PCTS.map(([, label]) => ({ scenario: latencyScenario(label), impl: transport.impl }));
    const perRound = await measureOrSkip({ transport, kind: 'latency', rows, skip, log }, () => measureLatency({ transport, roundTrips, rounds }));
    if (!perRound) continue;
    for (const [key, label] of PCTS) {
      // performance.now() is in ms; report µs.
      const samples = perRound.map((p) => p[key] * 1000);
      entries.push({
        scenario: latencyScenario(label), impl: transport.impl, unit: 'µs', higherIsBetter: false,
        ...(transport.baseline ? { baseline: true } : {}), samples,
      });
    }
    const p50 = summarize(perRound.map((p) => p.p50 * 1000)).median;
    const p99 = summarize(perRound.map((p) => p.p99 * 1000)).median;
    log(`round trip  ${transport.impl}: p50 ${p50.toFixed(2)} µs, p99 ${p99.toFixed(2)} µs (${rounds} rounds of ${roundTrips})`);
  }
  return entries;
}
