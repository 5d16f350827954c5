// Comlink round trips: sequential `await remote.add(i, 1)` calls from the
// main thread to a worker, over a MessageChannel (the baseline) and over a
// SharedChannel, against the same worker in the same run, rounds interleaved
// so both see the same machine conditions. A second scenario sends a small
// record ({ id, name, tags, scores }) and gets it echoed back.
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import * as Comlink from 'comlink';
import { SharedChannel } from '../../dist/index.js';
import { COMLINK_CALL, COMLINK_ECHO, IMPL } from '../lib/names.mjs';

export const title = 'Comlink round trips (SharedChannel vs MessageChannel)';
/** Why this module runs in Node only under `--runtime` (bench/lib/runtime.mjs). */
export const nodeOnly =
  "Node only: not yet ported to the other runtimes (its service worker is started directly, outside the harness that checks the runtime of every thread)";

const RECORD = { id: 42, name: 'sensor-7', tags: ['a', 'b', 'c'], scores: [0.5, 1.25, 2.75, 3.5] };

const scenarios = [
  { scenario: COMLINK_CALL, call: (remote, i) => remote.add(i, 1) },
  { scenario: COMLINK_ECHO, call: (remote) => remote.echo(RECORD) },
];

/** The (scenario, impl) rows a run of this module produces. */
export function rows() {
  return scenarios.flatMap(({ scenario }) => [IMPL.comlinkMessage, IMPL.comlinkShared].map((impl) => ({ scenario, impl })));
}

/** Calls per second over `ms` of back-to-back awaited calls. */
async function measure(remote, call, ms) {
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 16; i++) await call(remote, calls++);
    now = performance.now();
  }
  return (calls / (now - start)) * 1000;
}

async function request(worker, message, transfer) {
  const ready = once(worker, 'message');
  worker.postMessage(message, transfer);
  await ready;
}

export async function run({ quick, log }) {
  const rounds = quick ? 3 : 7;
  const roundMs = quick ? 250 : 600;
  const worker = new Worker(new URL('../workers/comlink-service.mjs', import.meta.url));
  const endpoints = [];
  try {
    const message = new MessageChannel();
    await request(worker, { kind: 'message-port', port: message.port2 }, [message.port2]);
    const shared = new SharedChannel();
    await request(worker, { kind: 'shared-port', handle: shared.port2.handle }, shared.port2.transfer);
    endpoints.push(message.port1, shared.port1);
    const transports = [
      { impl: IMPL.comlinkMessage, remote: Comlink.wrap(message.port1), baseline: true },
      { impl: IMPL.comlinkShared, remote: Comlink.wrap(shared.port1) },
    ];
    const entries = [];
    for (const { scenario, call } of scenarios) {
      // Warm-up: JIT both paths and check they answer correctly.
      for (const t of transports) {
        await measure(t.remote, call, quick ? 100 : 300);
        const got = await t.remote.add(2, 3);
        if (got !== 5) throw new Error(`${t.impl}: add(2, 3) returned ${got}`);
      }
      const samples = new Map(transports.map((t) => [t.impl, []]));
      for (let r = 0; r < rounds; r++) {
        // Alternate which transport goes first, so neither always gets the warmer machine.
        const order = r % 2 === 0 ? transports : [...transports].reverse();
        for (const t of order) samples.get(t.impl).push(await measure(t.remote, call, roundMs));
      }
      for (const t of transports) {
        entries.push({
          scenario, impl: t.impl, unit: 'calls/s', higherIsBetter: true,
          ...(t.baseline ? { baseline: true } : {}), samples: samples.get(t.impl),
        });
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const mc = median(samples.get(IMPL.comlinkMessage));
      const sc = median(samples.get(IMPL.comlinkShared));
      log(`${scenario}: MessageChannel ${Math.round(mc)} calls/s, SharedChannel ${Math.round(sc)} calls/s (${(sc / mc).toFixed(1)}x)`);
    }
    return entries;
  } finally {
    for (const port of endpoints) port.close();
    worker.postMessage({ kind: 'close' });
    const exited = once(worker, 'exit');
    // A worker that does not exit on its own is a bug (a port kept alive); do not hang the bench on it.
    const timer = setTimeout(() => worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }
}

// Run on its own: node bench/scenarios/comlink.mjs [--quick]
if (import.meta.url === `file://${process.argv[1]}`) {
  const entries = await run({ quick: process.argv.includes('--quick'), log: (m) => console.log(m) });
  for (const e of entries) console.log(e.scenario, e.impl, e.samples.map(Math.round).join(' '));
}
