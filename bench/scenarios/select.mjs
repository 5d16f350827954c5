// select's cost: 2 producer threads feed one consumer thread, 64-byte
// messages, either through one queue (the consumer pops) or round-robin
// through 4 queues, each in its own memory (the consumer selects over them).
// Same producers, same messages, rounds interleaved. Figure: messages/s the
// consumer takes; the target compares select's cost per message with pop's.
// A second scenario isolates the call itself: one thread, queues filled
// beforehand, pop until one queue is empty against select until four are.
import { createQueue, select } from '../../dist/index.js';
import { runWorkers } from '../lib/harness.mjs';
import { SELECT, SELECT_ONE_THREAD, SELECT_IMPL } from '../lib/names.mjs';

export const title = 'select over 4 queues vs pop on one';
export const nodeOnly = 'Node only: not yet ported to the other runtimes';

const peer = new URL('../peers/select-peer.mjs', import.meta.url);
const PRODUCERS = 2;
const IMPLS = [
  { impl: SELECT_IMPL.pop, mode: 'pop', baseline: true },
  { impl: SELECT_IMPL.select, mode: 'select' },
];

export function rows() {
  return [SELECT, SELECT_ONE_THREAD].flatMap((scenario) => IMPLS.map(({ impl }) => ({ scenario, impl })));
}

/** Messages/s of taking 4096 messages that are already there: pop from one queue, or select over 4 of 1024. */
function oneThread(mode) {
  const queues = Array.from({ length: mode === 'select' ? 4 : 1 }, () => createQueue({ capacity: 4096, slotBytes: 64 }));
  const m = new Uint8Array(64);
  const per = 4096 / queues.length;
  let taken = 0;
  const start = performance.now();
  for (let rep = 0; rep < 50; rep++) {
    for (const q of queues) for (let i = 0; i < per; i++) q.push(m);
    for (let i = 0; i < 4096; i++) {
      if (mode === 'select') select(queues, 0);
      else queues[0].pop(0);
      taken++;
    }
  }
  return (taken / (performance.now() - start)) * 1000;
}

export async function run({ quick, log }) {
  const rounds = quick ? 3 : 7;
  const count = quick ? 50_000 : 200_000;
  const samples = new Map(IMPLS.map((t) => [t.impl, []]));
  // Interleaved: each pass measures both, with threads of their own, the order alternating.
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 === 0 ? IMPLS : [...IMPLS].reverse()) {
      const results = await runWorkers({
        peer,
        kind: 'select',
        config: { mode: t.mode },
        roles: [
          ...Array.from({ length: PRODUCERS }, () => ({ role: 'producer', ctx: { mode: t.mode } })),
          { role: 'consumer', ctx: { mode: t.mode, producers: PRODUCERS } },
        ],
        rounds: [{ count: count / 4 }, { count }], // a short warm-up, then the measured round
        timeoutMs: 120_000,
      });
      const measured = results[1];
      const start = Math.min(...measured.slice(0, PRODUCERS).map((p) => p.start));
      samples.get(t.impl).push(((PRODUCERS * count) / (measured[PRODUCERS].end - start)) * 1000);
    }
  }
  const single = new Map(IMPLS.map((t) => [t.impl, []]));
  for (const t of IMPLS) oneThread(t.mode); // warm-up
  for (let r = 0; r < rounds; r++) for (const t of r % 2 === 0 ? IMPLS : [...IMPLS].reverse()) single.get(t.impl).push(oneThread(t.mode));
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const [scenario, map] of [[SELECT, samples], [SELECT_ONE_THREAD, single]]) {
    log(`${scenario}: ${IMPLS.map((t) => `${t.impl} ${(median(map.get(t.impl)) / 1e6).toFixed(2)} M msg/s`).join(', ')}`);
  }
  return [[SELECT, samples], [SELECT_ONE_THREAD, single]].flatMap(([scenario, map]) => IMPLS.map((t) => ({
    scenario, impl: t.impl, unit: 'msg/s', higherIsBetter: true, ...(t.baseline ? { baseline: true } : {}), samples: map.get(t.impl),
  })));
}
