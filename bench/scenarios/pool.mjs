// Worker pools: wasmq/pool (tasks and results in kernel queues; idle workers
// take tasks themselves) vs Piscina 5 and tinypool 2 (main-thread queue,
// MessagePort hand-off), same thread count, same run, rounds interleaved.
//
//   tiny tasks (x => x + 1): throughput with many tasks in flight, and the
//     latency of one awaited task at a time;
//   1 ms CPU tasks: throughput with many in flight.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import { createPool } from '../../dist/pool/index.js';
import { POOL_CRASHED } from '../lib/names.mjs';

export const title = 'Worker pools (wasmq/pool vs Piscina vs tinypool)';
/** Why this module runs in Node only under `--runtime` (bench/lib/runtime.mjs). */
export const nodeOnly =
  "Node only: its Piscina and tinypool rows are Node worker_threads libraries (and its resourceLimits check is Node's), so its comparison is Node's";

const taskFile = new URL('../workers/pool-tasks.mjs', import.meta.url);
const THREADS = Math.max(2, Math.min(4, availableParallelism()));

function pools() {
  const wasmq = createPool({ worker: taskFile, threads: THREADS, maxQueue: 4096 });
  const piscina = new Piscina({ filename: fileURLToPath(taskFile), minThreads: THREADS, maxThreads: THREADS });
  const tinypool = new Tinypool({ filename: fileURLToPath(taskFile), minThreads: THREADS, maxThreads: THREADS });
  return [
    { impl: 'Piscina', baseline: true, run: (x) => piscina.run(x), close: () => piscina.destroy() },
    { impl: 'tinypool', run: (x) => tinypool.run(x), close: () => tinypool.destroy() },
    { impl: 'wasmq/pool', run: (x) => wasmq.run(x), close: () => wasmq.close() },
  ];
}

/** Tasks/s over `ms`, keeping `inFlight` tasks submitted (batches awaited with Promise.all). */
async function throughput(pool, input, inFlight, ms) {
  let done = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    const batch = new Array(inFlight);
    for (let i = 0; i < inFlight; i++) batch[i] = pool.run(input(i));
    await Promise.all(batch);
    done += inFlight;
    now = performance.now();
  }
  return (done / (now - start)) * 1000;
}

/** Median latency (µs) of one awaited task at a time, over `ms`. */
async function latency(pool, ms) {
  const samples = [];
  const start = performance.now();
  while (performance.now() - start < ms) {
    const t = performance.now();
    await pool.run(samples.length);
    samples.push((performance.now() - t) * 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export async function run({ quick, log }) {
  const rounds = quick ? 3 : 5;
  const roundMs = quick ? 250 : 700;
  const scenarios = [
    {
      scenario: `pool tiny tasks x => x + 1, ${THREADS} threads, 1000 in flight`, unit: 'tasks/s', higherIsBetter: true,
      measure: (p) => throughput(p, (i) => i, 1000, roundMs),
    },
    {
      scenario: `pool 1 ms CPU tasks, ${THREADS} threads, ${THREADS * 8} in flight`, unit: 'tasks/s', higherIsBetter: true,
      measure: (p) => throughput(p, () => ({ cpuMs: 1 }), THREADS * 8, roundMs),
    },
    {
      scenario: `pool tiny task latency (one awaited at a time), ${THREADS} threads`, unit: 'µs p50', higherIsBetter: false,
      measure: (p) => latency(p, roundMs),
    },
  ];
  const list = pools();
  try {
    // Warm-up, and a correctness check of each pool.
    for (const p of list) {
      const got = await p.run(41);
      if (got !== 42) throw new Error(`${p.impl}: x => x + 1 of 41 returned ${got}`);
      await throughput(p, (i) => i, 1000, quick ? 100 : 300);
    }
    const entries = [];
    for (const s of scenarios) {
      const samples = new Map(list.map((p) => [p.impl, []]));
      for (let r = 0; r < rounds; r++) {
        // Rotate the order so no pool always runs on the warmest machine.
        const order = list.map((_, i) => list[(i + r) % list.length]);
        for (const p of order) samples.get(p.impl).push(await s.measure(p));
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      log(`${s.scenario}: ${list.map((p) => `${p.impl} ${Math.round(median(samples.get(p.impl)))}`).join(', ')} ${s.unit}`);
      for (const p of list) {
        entries.push({
          scenario: s.scenario, impl: p.impl, unit: s.unit, higherIsBetter: s.higherIsBetter,
          ...(p.baseline ? { baseline: true } : {}), samples: samples.get(p.impl),
        });
      }
    }
    entries.push(...(await crashedWorkersRow({ quick, log }))); // the crashed-workers row, below
    return entries;
  } finally {
    await Promise.all(list.map((p) => p.close()));
  }
}

// ---- BEGIN crashed-workers row (issue 15, "A dead worker leaves nothing behind") ----
/** The (scenario, impl) rows this block produces (test/bench/lib/names.test.ts checks the targets read only such rows). */
export const crashedRows = () => [POOL_CRASHED.fresh, POOL_CRASHED.crashed].map((impl) => ({ scenario: POOL_CRASHED.scenario, impl }));

// A pool whose tasks crashed 100 workers (process.exit(1) and uncaught throws,
// while running the task or 10 ms after it returned, when the worker is parked
// waiting for the next one; each replaced by the pool) against a fresh pool of
// the same options, tiny tasks, rounds interleaved (order alternating), in the
// same run. Before the pool ended its dead workers' leases, their scratch
// areas stayed leased (after 16 crashes every replacement took the slower
// path) and the waits of those that died parked stayed counted (every task
// pushed then paid a notify of every waiter).
async function crashedWorkersRow({ quick, log }) {
  const rounds = quick ? 5 : 9;
  const roundMs = quick ? 250 : 700;
  const options = { worker: taskFile, threads: THREADS, maxQueue: 4096 };
  const crashed = createPool(options);
  const fresh = createPool(options);
  try {
    // Deaths are counted by the replacements the pool starts (process 'worker' events).
    let started = 0;
    const onWorker = () => started++;
    process.on('worker', onWorker);
    try {
      for (let i = 0; i < 100; i++) {
        const before = started;
        const crash = ['exit', 'throw', 'exit-idle', 'throw-idle'][i % 4];
        await crashed.run({ crash }).catch((e) => {
          if (e?.name !== 'WorkerDiedError') throw e;
        });
        const deadline = performance.now() + 10_000;
        while (started === before && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
        if (started === before) throw new Error(`crashed-workers row: crash ${i} (${crash}) did not kill its worker`);
      }
    } finally {
      process.off('worker', onWorker);
    }
    const list = [
      { impl: POOL_CRASHED.fresh, baseline: true, pool: fresh },
      { impl: POOL_CRASHED.crashed, pool: crashed },
    ];
    for (const p of list) {
      if ((await p.pool.run(41)) !== 42) throw new Error(`${p.impl}: x => x + 1 of 41 did not return 42`);
      await throughput(p.pool, (i) => i, 1000, quick ? 100 : 300);
    }
    const samples = new Map(list.map((p) => [p.impl, []]));
    for (let r = 0; r < rounds; r++) {
      for (const p of r % 2 === 0 ? list : [...list].reverse()) samples.get(p.impl).push(await throughput(p.pool, (i) => i, 1000, roundMs));
    }
    const scenario = POOL_CRASHED.scenario;
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    log(`${scenario}: ${list.map((p) => `${p.impl} ${Math.round(median(samples.get(p.impl)))}`).join(', ')} tasks/s`);
    return list.map((p) => ({
      scenario, impl: p.impl, unit: 'tasks/s', higherIsBetter: true, ...(p.baseline ? { baseline: true } : {}), samples: samples.get(p.impl),
    }));
  } finally {
    await Promise.all([crashed.close(), fresh.close()]);
  }
}
// ---- END crashed-workers row ----
