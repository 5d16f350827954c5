// Bandwidth of large (64 KiB) messages from one producer thread to one
// consumer thread, against the physical ceiling: one thread copying the same
// bytes with Uint8Array.set into shared memory (a queue copies each message
// twice, in and out, so 50% of that is the realistic goal).
import { measureThroughput, ringMessagesFor, runsIn, transports } from './throughput.mjs';
import { measureOrSkip } from '../lib/harness.mjs';
import { summarize } from '../lib/stats.mjs';
import { IMPL, bandwidthScenario } from '../lib/names.mjs';

export const title = 'Bandwidth: 64 KiB messages, 1P1C';
/** Runs in each of these (`npm run bench -- --runtime=deno`); a transport a runtime lacks is skipped there, saying why. */
export const runtimes = ['node', 'deno', 'bun'];

const PAYLOAD = 65536;

/** 64 KiB messages do not batch (each fills many slots); in-place and record rows are for small records. */
const measured = () => transports.filter((t) => !t.batch && runsIn(t, 1, 1, PAYLOAD));

/** The (scenario, impl) rows a run of this module produces. */
export function rows() {
  const scenario = bandwidthScenario(PAYLOAD);
  return [...measured().map((t) => ({ scenario, impl: t.impl })), { scenario, impl: IMPL.copy }];
}

/** GB/s of one thread copying `bytes`-sized blocks into a shared ring of `ringBytes`. */
export function copyBandwidth(bytes, ringBytes, totalBytes) {
  const src = new Uint8Array(bytes).fill(7);
  const ring = new Uint8Array(new SharedArrayBuffer(ringBytes));
  const blocks = ringBytes / bytes;
  const n = Math.ceil(totalBytes / bytes);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ring.set(src, (i % blocks) * bytes);
  const seconds = (performance.now() - t0) / 1000;
  if (ring[(n - 1) % blocks * bytes] !== 7) throw new Error('copy did not happen');
  return (n * bytes) / seconds / 1e9;
}

export async function run({ quick, log, skip }) {
  const total = quick ? 2048 : 16384; // messages per round: 128 MiB / 1 GiB
  const rounds = quick ? 3 : 5;
  const ringMessages = ringMessagesFor(PAYLOAD);
  const scenario = bandwidthScenario(PAYLOAD);
  const entries = [];
  for (const transport of measured()) {
    const rates = await measureOrSkip({ transport, kind: 'throughput', rows: [{ scenario, impl: transport.impl }], skip, log }, () => measureThroughput({
      transport, producers: 1, consumers: 1, payloadBytes: PAYLOAD, total, rounds, ringMessages,
    }));
    if (!rates) continue;
    const samples = rates.map((r) => (r * PAYLOAD) / 1e9);
    log(`${scenario}  ${transport.impl}: ${summarize(samples).median.toFixed(2)} GB/s`);
    entries.push({
      scenario, impl: transport.impl, unit: 'GB/s', higherIsBetter: true,
      ...(transport.baseline ? { baseline: true } : {}), samples,
    });
  }
  // The ceiling: same bytes, same ring size, one thread, no hand-off.
  copyBandwidth(PAYLOAD, ringMessages * PAYLOAD, total * PAYLOAD); // warm-up
  const samples = Array.from({ length: rounds }, () => copyBandwidth(PAYLOAD, ringMessages * PAYLOAD, total * PAYLOAD));
  log(`${scenario}  ${IMPL.copy}: ${summarize(samples).median.toFixed(2)} GB/s`);
  entries.push({ scenario, impl: IMPL.copy, unit: 'GB/s', higherIsBetter: true, samples });
  return entries;
}
