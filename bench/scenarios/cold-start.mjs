// Cold start: what a short job sees. Each sample is the first 2^20 messages
// that a fresh set of threads moves (1P1C, 64 B), with no warm-up round, so
// everything a new thread pays once (JIT and Wasm tier-up, the scheduler
// placing the two threads) is inside it. The throughput module's 1P1C 64 B
// cell is the warm figure these are compared with (lib/targets.mjs).
import { measureOrSkip } from '../lib/harness.mjs';
import { summarize } from '../lib/stats.mjs';
import { IMPL, coldScenario } from '../lib/names.mjs';
import { measureWithOneSet, ringMessagesFor, transports } from './throughput.mjs';

export const title = 'Cold start: the first 2^20 messages on fresh threads';
/** Runs in each of these (`npm run bench -- --runtime=deno`); a transport a runtime lacks is skipped there, saying why. */
export const runtimes = ['node', 'deno', 'bun'];

const PAYLOAD = 64;
const IMPLS = [IMPL.postMessage, IMPL.wasmq, IMPL.wasmqInPlace];
const scenario = coldScenario(PAYLOAD);

export function rows() {
  return IMPLS.map((impl) => ({ scenario, impl }));
}

export async function run({ quick, log, skip }) {
  // One sample per fresh set of threads; sets of the three transports take turns.
  const sets = quick ? 3 : 7;
  const samples = new Map(IMPLS.map((impl) => [impl, []]));
  const skipped = new Set();
  for (let set = 0; set < sets; set++) {
    for (const impl of IMPLS) {
      if (skipped.has(impl)) continue;
      const transport = transports.find((t) => t.impl === impl);
      const measured = await measureOrSkip({ transport, kind: 'throughput', rows: [{ scenario, impl }], skip, log }, () => measureWithOneSet({
        transport, producers: 1, consumers: 1, payloadBytes: PAYLOAD, total: 1 << 20, rounds: 0,
        ringMessages: ringMessagesFor(PAYLOAD), cold: true,
      }));
      if (!measured) {
        skipped.add(impl);
        continue;
      }
      samples.get(impl).push(measured[0]);
    }
  }
  return IMPLS.filter((impl) => !skipped.has(impl)).map((impl) => {
    const transport = transports.find((t) => t.impl === impl);
    const s = summarize(samples.get(impl));
    const unit = transport.unit ?? 'msg/s';
    log(`${scenario}  ${impl}: ${(s.median / 1e6).toFixed(2)} M ${unit} (median of ${sets} fresh sets, rIQR ${(s.rIQR * 100).toFixed(1)}%)`);
    return {
      scenario, impl, unit, higherIsBetter: true, samples: samples.get(impl), sets,
      ...(transport.baseline ? { baseline: true } : {}),
    };
  });
}
