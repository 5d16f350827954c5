// Messages per second from P producer threads to C consumer threads, for
// every transport, payload size and thread count, with the same message
// count for every transport. Each round is checked: every id 1..N must
// arrive exactly once by count and sum, or the bench fails.
import { runWorkers, BenchError, measureOrSkip } from '../lib/harness.mjs';
import { expectedSum } from '../lib/messages.mjs';
import { summarize } from '../lib/stats.mjs';
import { BATCH, IMPL, jsRingImpl, throughputScenario } from '../lib/names.mjs';

export const title = 'Throughput: P producers → C consumers';
/** Runs in each of these (`npm run bench -- --runtime=deno`); a transport a runtime lacks is skipped there, saying why. */
export const runtimes = ['node', 'deno', 'bun'];

const peer = (file) => new URL(`../peers/${file}`, import.meta.url);
const only1P1C64 = (p, c, bytes) => p === 1 && c === 1 && bytes === 64;

/**
 * The transports measured, in table order. `spsc` ones run only for 1P1C;
 * `cells(p, c, bytes)` limits a transport to the cells it is meant for; `ctx`
 * is passed to every role; `unit` defaults to msg/s (one record = one message
 * of the cell's size, so records/s and msg/s compare directly).
 */
export const transports = [
  { impl: IMPL.postMessage, peer: peer('postmessage.mjs'), baseline: true },
  // Copied, not transferred: the faster idiom here (bench/README.md).
  { impl: IMPL.postMessageBatch, peer: peer('postmessage-batch.mjs'), batch: BATCH, cells: only1P1C64, unit: 'records/s' },
  { impl: IMPL.ringbuf, peer: peer('ringbuf.mjs'), spsc: true },
  { impl: IMPL.jsQueue, peer: peer('js-ablation.mjs') },
  { impl: IMPL.jsQueueBatch, peer: peer('js-ablation.mjs'), batch: BATCH },
  ...[16, BATCH, 256].map((batch) => ({
    impl: jsRingImpl(batch), peer: peer('js-ring.mjs'), batch, spsc: true, cells: only1P1C64, unit: 'records/s',
  })),
  { impl: IMPL.wasmq, peer: peer('wasmq.mjs') },
  { impl: IMPL.wasmqBatch, peer: peer('wasmq.mjs'), batch: BATCH },
  { impl: IMPL.wasmqRaw, peer: peer('wasmq-raw.mjs') },
  {
    impl: IMPL.wasmqInPlace, peer: peer('wasmq-inplace.mjs'), batch: BATCH,
    cells: (p, c, bytes) => bytes === 64 || (bytes === 8 && p === 1 && c === 1),
  },
];

/** Whether `transport` is measured in cell (producers, consumers, payloadBytes). */
export function runsIn(transport, producers, consumers, payloadBytes) {
  if (transport.spsc && (producers !== 1 || consumers !== 1)) return false;
  return transport.cells ? transport.cells(producers, consumers, payloadBytes) : true;
}

/**
 * The cells to run, optionally narrowed by WASMQ_BENCH_CELLS (scenario names,
 * comma-separated, e.g. "1P1C 64 B,2P2C 64 B"): an environment variable, so
 * that --runtime's child processes on Deno and Bun get the same narrowing.
 */
export function plan(quick) {
  const full = fullPlan(quick);
  const only = globalThis.process?.env?.WASMQ_BENCH_CELLS;
  if (!only) return full;
  const wanted = only.split(',').map((name) => name.trim());
  const cells = full.cells.filter(([p, c, bytes]) => wanted.includes(throughputScenario(p, c, bytes)));
  if (cells.length !== wanted.length) {
    const known = full.cells.map(([p, c, bytes]) => throughputScenario(p, c, bytes));
    throw new Error(`WASMQ_BENCH_CELLS names ${JSON.stringify(only)}; the cells of this run are: ${known.join(', ')}`);
  }
  return { ...full, cells };
}

function fullPlan(quick) {
  if (quick) {
    return {
      cells: [[1, 1, 8], [1, 1, 64], [1, 1, 1024], [2, 2, 64], [4, 4, 64]],
      total: 1 << 15,
      rounds: 3,
      workerSets: 1,
    };
  }
  const cells = [];
  for (const [p, c] of [[1, 1], [2, 2], [4, 4]]) for (const bytes of [8, 64, 1024]) cells.push([p, c, bytes]);
  // Six measured rounds from three separate sets of worker threads: on a
  // 2-vCPU machine, where the scheduler places a set of threads decides
  // whether hand-offs spin or park for that set's whole life (measured: one
  // set ran 2P2C at 1.5 M msg/s for every round, the next at 8.5 M). Several
  // sets sample that lottery for every transport alike.
  // 2^20 messages a round: with 2^18 a round lasts ~25 ms at 10 M msg/s and
  // start-up transients dominate it (measured: 1P1C 64 B rounds of 2^18 spread
  // 5.7-15 M msg/s, rounds of 2^20 11.4-14.9 M).
  return { cells, total: 1 << 20, rounds: 6, workerSets: 3 };
}

/**
 * Runs one transport over one cell: for each of `workerSets` fresh sets of
 * threads, a warm-up round, then its share of `rounds` measured rounds of
 * `total` messages. Returns msg/s per measured round.
 */
export async function measureThroughput({ transport, producers, consumers, payloadBytes, total, rounds, ringMessages, workerSets = 1 }) {
  const perSet = Math.ceil(rounds / workerSets);
  const rates = [];
  for (let set = 0; set < workerSets; set++) {
    rates.push(...(await measureWithOneSet({ transport, producers, consumers, payloadBytes, total, rounds: perSet, ringMessages })));
  }
  return rates;
}

/**
 * One fresh set of threads: a warm-up round, then `rounds` measured rounds;
 * msg/s per measured round. With `cold`, the warm-up round is the one
 * returned: the first `total` messages those threads ever move.
 */
export async function measureWithOneSet({ transport, producers, consumers, payloadBytes, total, rounds, ringMessages, cold = false }) {
  const count = Math.ceil(total / producers);
  const sent = count * producers;
  const batch = transport.batch ?? 1;
  const shared = { producers, consumers, count, payloadBytes, batch, ...transport.ctx };
  const roles = [
    ...Array.from({ length: producers }, () => ({ role: 'producer', ctx: shared })),
    ...Array.from({ length: consumers }, () => ({ role: 'consumer', ctx: shared })),
  ];
  const results = await runWorkers({
    peer: transport.peer,
    kind: 'throughput',
    config: { producers, consumers, payloadBytes, ringMessages },
    roles,
    rounds: Array.from({ length: cold ? 1 : rounds + 1 }, () => ({})),
    timeoutMs: 120_000,
  });
  return results.slice(cold ? 0 : 1).map((round) => {
    const prod = round.slice(0, producers);
    const cons = round.slice(producers);
    const count = cons.reduce((s, r) => s + r.count, 0);
    const sum = cons.reduce((s, r) => s + r.sum, 0);
    if (count !== sent || sum !== expectedSum(sent)) {
      throw new BenchError(
        `${transport.impl} ${producers}P${consumers}C ${payloadBytes} B delivered ${count} messages (id sum ${sum}); ` +
          `expected ${sent} (id sum ${expectedSum(sent)})`,
      );
    }
    const start = Math.min(...prod.map((r) => r.t0));
    const end = Math.max(...cons.map((r) => r.t1));
    return sent / ((end - start) / 1000);
  });
}

export const ringMessagesFor = (payloadBytes) => (payloadBytes >= 65536 ? 64 : 1024);

/** The (scenario, impl) rows a run of this module produces, in table order. */
export function rows(quick) {
  const out = [];
  for (const [producers, consumers, payloadBytes] of plan(quick).cells) {
    for (const transport of transports) {
      if (runsIn(transport, producers, consumers, payloadBytes)) out.push({ scenario: throughputScenario(producers, consumers, payloadBytes), impl: transport.impl });
    }
  }
  return out;
}

export async function run({ quick, log, skip }) {
  const { cells, total, rounds, workerSets } = plan(quick);
  const entries = [];
  for (const [producers, consumers, payloadBytes] of cells) {
    const scenario = throughputScenario(producers, consumers, payloadBytes);
    for (const transport of transports) {
      if (!runsIn(transport, producers, consumers, payloadBytes)) continue;
      const rows = [{ scenario, impl: transport.impl }];
      const samples = await measureOrSkip({ transport, kind: 'throughput', rows, skip, log }, () => measureThroughput({
        transport, producers, consumers, payloadBytes, total, rounds, ringMessages: ringMessagesFor(payloadBytes),
        workerSets,
      }));
      if (!samples) continue;
      const s = summarize(samples);
      const unit = transport.unit ?? 'msg/s';
      const sets = workerSets > 1 ? ` from ${workerSets} sets of threads` : '';
      log(
        `${scenario}  ${transport.impl}: ${(s.median / 1e6).toFixed(2)} M ${unit} ` +
          `(median of ${rounds} rounds of ${total} msgs${sets}, rIQR ${(s.rIQR * 100).toFixed(1)}%)`,
      );
      entries.push({
        scenario, impl: transport.impl, unit, higherIsBetter: true,
        ...(transport.baseline ? { baseline: true } : {}), samples, sets: workerSets,
      });
    }
  }
  return entries;
}
