// Worker pools: wasmq/pool (tasks and results in kernel queues; idle workers
// take tasks themselves) vs Piscina 5 (the baseline) and tinypool 2
// (main-thread queue, MessagePort hand-off), 2 threads each, same run, rounds
// interleaved (the order rotated every round). Each scenario is one function
// below that starts its own three pools, checks their answers, measures
// them and closes them; each pool gets its own best idiom where one exists
// (transferList + move for the 1 MiB row, concurrentTasksPerWorker for the
// async row). The targets are in lib/targets.mjs.
//
//   tiny tasks (x => x + 1): throughput with 1000 in flight;
//   1 KiB JSON in -> transform -> 1 KiB out: throughput with 256 in flight;
//   1 MiB Float64Array in and out: throughput with 4 in flight;
//   async handlers awaiting I/O, concurrentTasksPerWorker 8: throughput with 64 in flight;
//   1 ms CPU tasks: throughput with 16 in flight;
//   the latency of one awaited tiny task at a time.
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import { createPool } from '../../dist/pool/index.js';
import { POOL, POOL_ASYNC_CONCURRENCY, POOL_ASYNC_IN_FLIGHT, POOL_CRASHED, POOL_IMPL, POOL_THREADS } from '../lib/names.mjs';

export const title = 'Worker pools (wasmq/pool vs Piscina vs tinypool)';
/** Why this module runs in Node only under `--runtime` (bench/lib/runtime.mjs). */
export const nodeOnly =
  "Node only: its Piscina and tinypool rows are Node worker_threads libraries (and its resourceLimits check is Node's), so its comparison is Node's";

const taskFile = new URL('../workers/pool-tasks.mjs', import.meta.url);
const taskPath = fileURLToPath(taskFile);
const THREADS = POOL_THREADS;
const IMPLS = [POOL_IMPL.piscina, POOL_IMPL.tinypool, POOL_IMPL.wasmq];

/** The (scenario, impl) rows a run of this module produces (a row may be skipped, saying why: see asyncTasks). */
export function rows() {
  return [POOL.tiny, POOL.json, POOL.f64, POOL.async, POOL.cpu, POOL.latency].flatMap((scenario) => IMPLS.map((impl) => ({ scenario, impl })));
}

// ------------------------------------------------------------ the three pools

/**
 * The three pools with the same thread count. `wasmq`, `piscina`, `tinypool`:
 * extra options for each (`wasmq: null` leaves wasmq/pool out); `run`: how
 * each submits input `x` (task number `i`); default: plain run(x). wasmq/pool
 * is created first, so an option it refuses throws before any worker starts.
 */
function pools({ wasmq = {}, piscina = {}, tinypool = {}, run = {} } = {}) {
  const w = wasmq === null ? null : createPool({ worker: taskFile, threads: THREADS, maxQueue: 4096, ...wasmq });
  const p = new Piscina({ filename: taskPath, minThreads: THREADS, maxThreads: THREADS, ...piscina });
  const t = new Tinypool({ filename: taskPath, minThreads: THREADS, maxThreads: THREADS, ...tinypool });
  return [
    { impl: POOL_IMPL.piscina, baseline: true, pool: p, run: run.piscina?.(p) ?? ((x) => p.run(x)), close: () => p.destroy() },
    { impl: POOL_IMPL.tinypool, pool: t, run: run.tinypool?.(t) ?? ((x) => t.run(x)), close: () => t.destroy() },
    ...(w ? [{ impl: POOL_IMPL.wasmq, pool: w, run: run.wasmq?.(w) ?? ((x) => w.run(x)), close: () => w.close() }] : []),
  ];
}

/** Rounds and their length: quick, about a second per row and pool; full, 5 rounds of 700 ms. */
const settings = (quick) => ({ rounds: quick ? 3 : 5, roundMs: quick ? 250 : 700, warmMs: quick ? 100 : 300 });

// ------------------------------------------------------------ measuring

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

/**
 * Tasks/s over `ms` with exactly `inFlight` tasks outstanding the whole
 * time (each one that settles submits the next), then the last ones
 * drained; `check(result, i)` throws on a wrong answer. For rows whose
 * tasks take long enough that a batch's tail (waiting for its slowest task
 * with the others done) would idle the pool.
 */
function windowed(pool, input, inFlight, ms, check) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const stopAt = start + ms;
    let submitted = 0;
    let settled = 0;
    let failed = false;
    const launch = () => {
      const i = submitted++;
      pool.run(input(i), i).then((result) => {
        if (failed) return;
        try {
          check(result, i);
        } catch (error) {
          failed = true;
          reject(error);
          return;
        }
        settled++;
        if (performance.now() < stopAt) launch();
        else if (settled === submitted) resolve((settled / (performance.now() - start)) * 1000);
      }, (error) => {
        failed = true;
        reject(error);
      });
    };
    for (let k = 0; k < inFlight; k++) launch();
  });
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Measures `list` (the pools of one scenario): a warm-up call of `measure`
 * per pool (`warm`, discarded), then `rounds` rounds, every pool once per
 * round, the order rotated each round so no pool always runs on the warmest
 * machine. Returns the scenario's entries.
 */
async function interleaved({ scenario, unit, higherIsBetter, list, rounds, measure, warm, log }) {
  for (const p of list) await warm(p);
  const samples = new Map(list.map((p) => [p.impl, []]));
  for (let r = 0; r < rounds; r++) {
    const order = list.map((_, i) => list[(i + r) % list.length]);
    for (const p of order) samples.get(p.impl).push(await measure(p));
  }
  log(`${scenario}: ${list.map((p) => `${p.impl} ${median(samples.get(p.impl)).toPrecision(4)}`).join(', ')} ${unit}`);
  return list.map((p) => ({
    scenario, impl: p.impl, unit, higherIsBetter, ...(p.baseline ? { baseline: true } : {}), samples: samples.get(p.impl),
  }));
}

/** Starts the pools, runs `body(list)`, and always closes them. */
async function withPools(options, body) {
  const list = pools(options);
  try {
    return await body(list);
  } finally {
    await Promise.all(list.map((p) => p.close()));
  }
}

/** Throws unless every pool answers `input` with `expected` (a first correctness check per scenario). */
async function checkAnswers(list, input, ok, what) {
  for (const p of list) {
    const got = await p.run(input(0), 0);
    if (!ok(got, 0)) throw new Error(`${p.impl}: ${what} returned ${JSON.stringify(got)?.slice(0, 200)}`);
  }
}

// ------------------------------------------------------------ tiny tasks, 2 threads (target: >= 10x Piscina)

async function tinyTasks({ quick, log }) {
  const { rounds, roundMs, warmMs } = settings(quick);
  return withPools({}, async (list) => {
    await checkAnswers(list, () => 41, (got) => got === 42, 'x => x + 1 of 41');
    return interleaved({
      scenario: POOL.tiny, unit: 'tasks/s', higherIsBetter: true, list, rounds, log,
      warm: (p) => throughput(p, (i) => i, 1000, warmMs),
      measure: (p) => throughput(p, (i) => i, 1000, roundMs),
    });
  });
}

// ------------------------------------------------------------ 1 KiB JSON in -> transform -> 1 KiB out (target: >= 3x Piscina)
// A JSON-shaped order record (strings, numbers, nested objects and arrays;
// about 1 KiB as JSON) in, a new priced record (about 1 KiB as JSON) out:
// each pool carries it with its own serializer (structured clone for
// Piscina and tinypool, msgpack for wasmq/pool).

const JSON_IN_FLIGHT = 256;
const SKUS = ['KB-1042-BLK', 'MS-2210-GRY', 'HD-0081-WHT', 'CB-7700-USB', 'MN-2405-27Q', 'LP-1313-SLV'];
/** Order record number `id` (64 distinct shapes of contents, cycled). */
export function order(id) {
  const k = id % 64;
  return {
    id,
    customer: { name: `customer ${k} of the bench`, email: `customer.${k}@example.com`, country: ['DE', 'FR', 'US', 'JP'][k % 4] },
    lines: Array.from({ length: 18 }, (_, j) => ({ sku: SKUS[(k + j) % SKUS.length], qty: 1 + ((k + j) % 5), price: Math.round((9.99 + j * 3.5 + k) * 100) / 100 })),
    tags: ['priority', 'gift', `batch-${k}`],
    note: 'leave the parcel at the front desk if nobody answers the door, and ring twice',
  };
}
const ORDERS = Array.from({ length: 64 }, (_, k) => order(k));
const orderInput = (i) => ORDERS[i % 64];
const orderOk = (got, i) => got?.id === i % 64 && got.lines?.length === 18 && typeof got.total === 'number';

async function jsonTasks({ quick, log }) {
  const { rounds, roundMs, warmMs } = settings(quick);
  const { transformOrder } = await import(taskFile.href);
  log(`1 KiB JSON row: input ${JSON.stringify(ORDERS[0]).length} B, output ${JSON.stringify(transformOrder(ORDERS[0])).length} B as JSON`);
  const check = (got, i) => {
    if (!orderOk(got, i)) throw new Error(`a pool transformed order ${i % 64} into ${JSON.stringify(got)?.slice(0, 200)}`);
  };
  return withPools({}, async (list) => {
    await checkAnswers(list, orderInput, orderOk, 'the order transform');
    return interleaved({
      scenario: POOL.json, unit: 'tasks/s', higherIsBetter: true, list, rounds, log,
      warm: (p) => windowed(p, orderInput, JSON_IN_FLIGHT, warmMs, check),
      measure: (p) => windowed(p, orderInput, JSON_IN_FLIGHT, roundMs, check),
    });
  });
}
// ------------------------------------------------------------ end 1 KiB JSON row

// ------------------------------------------------------------ 1 MiB Float64Array in and out (target: >= 1x Piscina with transferList)
// Every task gets a fresh 1 MiB Float64Array (131072 elements; made the same
// way for every pool), the worker doubles every element in place and returns
// the array. Every pool uses its best idiom, the same one: the input's buffer
// in run()'s transferList, the result returned with move() (Piscina.move,
// Tinypool.move, and wasmq/pool's move: scaleF64Piscina / scaleF64Tinypool /
// scaleF64Wasmq in workers/pool-tasks.mjs), so nothing is cloned either way.
// For wasmq/pool that is its transfer lane (postMessage to one worker), not
// its shared queues, which would copy the array twice each way.

const F64_LENGTH = (1024 * 1024) / 8;
const F64_IN_FLIGHT = 4;
function f64Input(i) {
  const a = new Float64Array(F64_LENGTH);
  a[0] = i;
  a[F64_LENGTH - 1] = i + 0.5;
  return a;
}
const f64Ok = (got, i) => got instanceof Float64Array && got.length === F64_LENGTH && got[0] === 2 * i && got[F64_LENGTH - 1] === 2 * i + 1 && got[1] === 0;

async function f64Tasks({ quick, log }) {
  const { rounds, roundMs, warmMs } = settings(quick);
  const check = (got, i) => {
    if (!f64Ok(got, i)) throw new Error(`a pool returned ${got?.constructor?.name} of length ${got?.length} for Float64Array task ${i}`);
  };
  const options = {
    run: {
      wasmq: (w) => (a) => w.run(a, { name: 'scaleF64Wasmq', transferList: [a.buffer] }),
      piscina: (p) => (a) => p.run(a, { name: 'scaleF64Piscina', transferList: [a.buffer] }),
      tinypool: (t) => (a) => t.run(a, { name: 'scaleF64Tinypool', transferList: [a.buffer] }),
    },
  };
  return withPools(options, async (list) => {
    await checkAnswers(list, f64Input, f64Ok, 'doubling a 1 MiB Float64Array');
    // The transfer idiom must really transfer: the input is detached after run().
    for (const p of list) {
      const a = f64Input(0);
      await p.run(a, 0);
      if (a.buffer.byteLength !== 0) throw new Error(`${p.impl}: the input buffer was not transferred`);
    }
    return interleaved({
      scenario: POOL.f64, unit: 'tasks/s', higherIsBetter: true, list, rounds, log,
      warm: (p) => windowed(p, f64Input, F64_IN_FLIGHT, warmMs, check),
      measure: (p) => windowed(p, f64Input, F64_IN_FLIGHT, roundMs, check),
    });
  });
}
// ------------------------------------------------------------ end 1 MiB Float64Array row

// ------------------------------------------------------------ async handlers awaiting I/O, concurrentTasksPerWorker 8 (target: >= 1x Piscina at the same concurrency)
// The handler awaits a 1 ms timer (I/O that uses no CPU: a network or disk
// round trip) and answers. Every pool is asked for 8 tasks at once per
// worker: Piscina's and tinypool's concurrentTasksPerWorker (tinypool's
// option is in its types and its scheduler, not in its README), wasmq/pool's
// concurrentTasksPerWorker (new on main). Tasks in flight: threads x 8 x 4.
// An option a pool ignores would make its figure that of one task at a time,
// so each pool is first probed: 16 tasks of a 30 ms timer on 2 threads take
// about 30 ms if they overlap and about 240 ms one at a time per worker. A
// pool that does not overlap them is not measured: its row is skipped, saying
// so ("not available in this build" for wasmq/pool).

const IO_MS = 1;
const PROBE_MS = 30;
const ioInput = (i) => ({ ioMs: IO_MS, id: i });
const ioCheck = (got, i) => {
  if (got !== i + 1) throw new Error(`an async task ${i} answered ${got}`);
};

/** Whether `p` runs up to 8 async tasks at once per worker, by timing 16 tasks of a 30 ms timer. */
async function overlapsAsyncTasks(p) {
  const n = THREADS * POOL_ASYNC_CONCURRENCY;
  const start = performance.now();
  const got = await Promise.all(Array.from({ length: n }, (_, i) => p.run({ ioMs: PROBE_MS, id: i }, i)));
  const elapsedMs = performance.now() - start;
  got.forEach(ioCheck);
  // One at a time per worker: n / THREADS timers back to back (240 ms); overlapped: about one (30 ms).
  const serialMs = (n / THREADS) * PROBE_MS;
  return { elapsedMs, serialMs, overlaps: elapsedMs < serialMs / 2 };
}

async function asyncTasks({ quick, log, skip }) {
  const { rounds, roundMs, warmMs } = settings(quick);
  const concurrency = POOL_ASYNC_CONCURRENCY;
  const options = {
    wasmq: { concurrentTasksPerWorker: concurrency },
    piscina: { concurrentTasksPerWorker: concurrency },
    tinypool: { concurrentTasksPerWorker: concurrency },
  };
  // A build whose createPool rejects the option (a TypeError or RangeError
  // naming it) is measured without wasmq/pool, saying why.
  try {
    await createPool({ worker: taskFile, threads: 1, concurrentTasksPerWorker: concurrency }).close();
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
    const reason = `not available in this build: createPool refused concurrentTasksPerWorker: ${concurrency}: ${error.message}`;
    log(`${POOL.async}, ${POOL_IMPL.wasmq}: skipped: ${reason}`);
    skip({ scenario: POOL.async, impl: POOL_IMPL.wasmq, reason });
    options.wasmq = null;
  }
  return withPools(options, async (list) => {
    await checkAnswers(list, ioInput, (got) => got === 1, 'an async task');
    const measured = [];
    for (const p of list) {
      const probe = await overlapsAsyncTasks(p);
      const said = p.impl === POOL_IMPL.wasmq ? `pool.concurrentTasksPerWorker is ${p.pool.concurrentTasksPerWorker}; ` : '';
      const timing = `${THREADS * concurrency} tasks of a ${PROBE_MS} ms timer took ${probe.elapsedMs.toFixed(0)} ms (one at a time per worker: ${probe.serialMs} ms)`;
      log(`async row probe, ${p.impl}: ${said}${timing}`);
      if (probe.overlaps) measured.push(p);
      else {
        const reason =
          p.impl === POOL_IMPL.wasmq
            ? `not available in this build: createPool does not run async tasks concurrently per worker (option concurrentTasksPerWorker: ${said}${timing})`
            : `${p.impl} ignored concurrentTasksPerWorker: ${timing}`;
        log(`${POOL.async}, ${p.impl}: skipped: ${reason}`);
        skip({ scenario: POOL.async, impl: p.impl, reason });
      }
    }
    if (!measured.length) return [];
    return interleaved({
      scenario: POOL.async, unit: 'tasks/s', higherIsBetter: true, list: measured, rounds, log,
      warm: (p) => windowed(p, ioInput, POOL_ASYNC_IN_FLIGHT, warmMs, ioCheck),
      measure: (p) => windowed(p, ioInput, POOL_ASYNC_IN_FLIGHT, roundMs, ioCheck),
    });
  });
}
// ------------------------------------------------------------ end async row

// ------------------------------------------------------------ CPU-bound 1 ms tasks (target: parity, >= 0.95x)

async function cpuTasks({ quick, log }) {
  const { rounds, roundMs, warmMs } = settings(quick);
  return withPools({}, async (list) => {
    await checkAnswers(list, () => ({ cpuMs: 0.01 }), (got) => typeof got === 'number', 'a CPU task');
    return interleaved({
      scenario: POOL.cpu, unit: 'tasks/s', higherIsBetter: true, list, rounds, log,
      warm: (p) => throughput(p, () => ({ cpuMs: 1 }), THREADS * 8, warmMs),
      measure: (p) => throughput(p, () => ({ cpuMs: 1 }), THREADS * 8, roundMs),
    });
  });
}

// ------------------------------------------------------------ task latency p50, one task at a time (target: <= 1/10 of Piscina's)

async function taskLatency({ quick, log }) {
  const { rounds, roundMs, warmMs } = settings(quick);
  return withPools({}, async (list) => {
    await checkAnswers(list, () => 41, (got) => got === 42, 'x => x + 1 of 41');
    return interleaved({
      scenario: POOL.latency, unit: 'µs p50', higherIsBetter: false, list, rounds, log,
      warm: (p) => latency(p, warmMs),
      measure: (p) => latency(p, roundMs),
    });
  });
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

// ------------------------------------------------------------ the module

/** Every scenario, in run order; each starts and closes its own pools. */
const SCENARIOS = [tinyTasks, jsonTasks, f64Tasks, asyncTasks, cpuTasks, taskLatency, crashedWorkersRow];

export async function run(ctx) {
  const entries = [];
  for (const scenario of SCENARIOS) entries.push(...(await scenario(ctx)));
  return entries;
}
