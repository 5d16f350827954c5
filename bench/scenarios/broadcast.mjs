// Fan-out: one producer thread sends 64-byte messages that each of 4
// subscriber threads must receive, over the web's BroadcastChannel (the
// baseline), over a MessagePort per subscriber (the producer posts each
// message to all 4), and over a wasmq broadcast ('wait', nothing lost; and
// 'overwrite', where a lapped subscriber skips ahead, and only what it
// received counts), each also in its batched form (64 records per
// postMessage; pushBatch of 64 and an in-place drain). Figure: deliveries
// per second (messages received, summed over the subscribers), from the
// producer's start to the last subscriber's end. Each impl runs with its own
// threads, one after another. The wasmq ring holds 8192 messages (512 KiB of
// 64-byte slots): the platform channels buffer without bound.
import { runWorkers } from '../lib/harness.mjs';
import { FANOUT, FANOUT_IMPL, FANOUT_SUBSCRIBERS } from '../lib/names.mjs';

export const title = 'Broadcast: 1 producer → 4 subscribers (BroadcastChannel vs ports vs wasmq)';
export const nodeOnly = 'Node only: not yet ported to the other runtimes';

const peer = new URL('../peers/fanout.mjs', import.meta.url);
const IMPLS = [
  { impl: FANOUT_IMPL.broadcastChannel, ctx: { impl: 'broadcastChannel' }, baseline: true, slow: true },
  { impl: FANOUT_IMPL.ports, ctx: { impl: 'ports' }, slow: true },
  { impl: FANOUT_IMPL.wasmqWait, ctx: { impl: 'wasmq' }, config: { whenFull: 'wait' } },
  { impl: FANOUT_IMPL.wasmqOverwrite, ctx: { impl: 'wasmq' }, config: { whenFull: 'overwrite' } },
  // The batched idioms, each measured its own best way.
  { impl: FANOUT_IMPL.broadcastChannelBatch, ctx: { impl: 'broadcastChannel', batch: true }, slow: true },
  { impl: FANOUT_IMPL.wasmqWaitBatch, ctx: { impl: 'wasmq', batch: true }, config: { whenFull: 'wait' } },
];

export function rows() {
  return IMPLS.map(({ impl }) => ({ scenario: FANOUT, impl }));
}

export async function run({ quick, log }) {
  const rounds = quick ? 3 : 5;
  const entries = [];
  for (const t of IMPLS) {
    // The platform channels deliver a few hundred thousand a second here; wasmq, millions.
    const count = (t.slow ? 20_000 : 200_000) / (quick ? 4 : 1);
    const results = await runWorkers({
      peer,
      kind: 'broadcast',
      config: { impl: t.ctx.impl, subscribers: FANOUT_SUBSCRIBERS, capacity: 8192, ...t.config },
      roles: [{ role: 'producer', ctx: t.ctx }, ...Array.from({ length: FANOUT_SUBSCRIBERS }, () => ({ role: 'subscriber', ctx: t.ctx }))],
      rounds: Array.from({ length: rounds + 1 }, () => ({ count })), // the first is the warm-up
      timeoutMs: 120_000,
    });
    const samples = results.slice(1).map(([producer, ...subs]) => {
      const received = subs.reduce((n, s) => n + s.received, 0);
      if (t.ctx.impl !== 'wasmq' || t.config?.whenFull === 'wait') {
        if (received !== count * FANOUT_SUBSCRIBERS) throw new Error(`${t.impl}: ${received} deliveries, ${count * FANOUT_SUBSCRIBERS} due`);
      } else if (subs.some((s) => s.received + s.missed !== count)) {
        throw new Error(`${t.impl}: a subscriber's received + missed is not the ${count} published`);
      }
      const ms = Math.max(...subs.map((s) => s.end)) - producer.start;
      return (received / ms) * 1000;
    });
    const missed = results.slice(1).flatMap(([, ...subs]) => subs.map((s) => s.missed));
    log(`${FANOUT}: ${t.impl} ${(samples.sort((a, b) => a - b)[samples.length >> 1] / 1e6).toFixed(3)} M deliveries/s${missed.some((m) => m > 0) ? ` (missed per subscriber and round: ${missed.join(' ')})` : ''}`);
    entries.push({ scenario: FANOUT, impl: t.impl, unit: 'deliveries/s', higherIsBetter: true, ...(t.baseline ? { baseline: true } : {}), samples });
  }
  return entries;
}
