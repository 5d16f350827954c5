// Threads that die at random moments must not stop the others: every message
// whose push returned arrives exactly once, except at most one per consumer
// that died inside a pop (the one it was taking), and the queue keeps working
// afterwards. Some kills land inside an operation on purpose (the victim stops
// itself at the kernel call between claim and finish, then is terminated), so
// every run reclaims dead claims, and the test checks that it did.
// No check depends on the machine's speed: a live consumer paused past
// stallTimeoutMs inside a pop is taken for dead (the documented limit), and
// its pop reports that (its releaseRead fails and it discards the copy), so
// the test counts those losses exactly instead of hoping no pause is that long.
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { createQueue } from '../../dist/index.js';
import { terminateStopsBusyThreads, until, workerUrl } from '../helpers.js';
import { FROM_END, consumerLog, fromEnd } from './workers/fault-log.mjs';

const KILLS = Number(process.env.WASMQ_FAULT_KILLS ?? 300);
const PRODUCER_KILLS = Number(process.env.WASMQ_FAULT_PRODUCER_KILLS ?? 100);
const LOG_ENTRIES = 200_000;
/** A word of a consumer's log (workers/fault-log.mjs), `k` from its end. */
const logWord = (log: SharedArrayBuffer, k: number) => {
  const words = new Int32Array(log);
  return Atomics.load(words, fromEnd(words, k));
};
/**
 * The kill schedule (which thread, how, after how many ms) comes from this
 * seed; every failure message prints it, and WASMQ_FAULT_SEED=<seed> replays
 * the same schedule (the threads' own timing still varies from run to run).
 */
const SEED = process.env.WASMQ_FAULT_SEED === undefined ? (Math.random() * 2 ** 32) >>> 0 : Number(process.env.WASMQ_FAULT_SEED) >>> 0;

/** mulberry32: a small seeded generator of floats in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Live {
  worker: Worker;
  role: 'producer' | 'consumer';
  id: number;
  slot: number;
  log?: SharedArrayBuffer;
  gone: Promise<void>;
}

/**
 * Kills `kills` random busy threads (of the given roles) while 2 producers and
 * 2 consumers move large messages, replacing each; then checks delivery.
 */
async function killAtRandom(kills: number, victims: 'producer' | 'both', seed: number) {
    const replay = `(kill schedule seed ${seed}: WASMQ_FAULT_SEED=${seed} replays it)`;
    // Where terminate() leaves the thread running, a "killed" thread would go on
    // pushing and popping: victims die by process.exit or throw instead.
    const canTerminate = await terminateStopsBusyThreads();
    const MAX_WORKERS = kills + 8; // every kill starts one replacement
    // Large messages (8–64 KiB over 64-byte slots) through the two-call path
    // (small scratch areas) keep threads inside claim → publish windows much of the time.
    // 30 ms: dead threads' claims are reclaimed quickly. Where victims die
    // only between operations (no terminate()) nothing needs reclaiming, and
    // 30 ms would only measure the engine's pauses: in Deno 2.9, on 2 loaded
    // cores, live consumers stall 30-300 ms inside a pop, are reclaimed as
    // dead and lose that message (the documented limit of the guarantee).
    // 150 ms is six times the longest pauses seen on 2 loaded cores (10-25
    // ms), so live threads are rarely taken for dead (each time is counted,
    // and allowed for exactly); only the dead threads' claims (some tens per
    // run) wait it out.
    const q = createQueue({ capacity: 8192, slotBytes: 64, stallTimeoutMs: 150, scratchBytes: 256 });
    const control = new SharedArrayBuffer(4 * MAX_WORKERS);
    const ctl = new Int32Array(control);
    const progress = new SharedArrayBuffer(4 * MAX_WORKERS);
    let nextId = 0;
    const live: Live[] = [];
    const all: Live[] = [];
    let killedConsumers = 0;
    let midOperationProducerKills = 0;
    const errors: unknown[] = [];

    const start = (role: 'producer' | 'consumer') => {
      const id = nextId++;
      const log = role === 'consumer' ? consumerLog(LOG_ENTRIES) : undefined;
      const worker = new Worker(workerUrl('fault-worker.mjs'), {
        workerData: { handle: q.handle, role, id, slot: id, control, progress, log, maxLen: 65536 },
      });
      worker.on('error', (e) => {
        if (!/throws on request/.test(String(e))) errors.push(e);
      });
      const gone = new Promise<void>((r) => worker.once('exit', () => r()));
      const w: Live = { worker, role, id, slot: id, log, gone };
      live.push(w);
      all.push(w);
    };
    for (let i = 0; i < 2; i++) start('producer'), start('consumer');

    const random = seeded(seed);
    const rnd = (n: number) => Math.floor(random() * n);
    const done = new Int32Array(progress);
    // A thread's operations so far: a producer's returned pushes, a consumer's log length.
    const ops = (w: Live) => (w.role === 'producer' ? Atomics.load(done, w.id) : Atomics.load(new Int32Array(w.log!), 0));
    for (let k = 0; k < kills; k++) {
      // Kill only threads that are up and moving messages, at a random moment.
      const eligible = () => live.filter((w) => ops(w) >= 3 && (victims === 'both' || w.role === 'producer'));
      let busy = eligible();
      while (busy.length === 0) {
        await sleep(1);
        busy = eligible();
      }
      await sleep(rnd(4));
      const victim = busy[rnd(busy.length)];
      live.splice(live.indexOf(victim), 1);
      // 0, 1: terminate() now; 2: process.exit; 3: uncaught throw (both between
      // operations); 4: terminate() inside the next operation, where the victim
      // stops itself (a parked thread: terminate() stops it in every engine).
      const how = canTerminate ? rnd(5) : [2, 3, 4][rnd(3)];
      if (how <= 1) await victim.worker.terminate();
      else if (how === 4) {
        Atomics.store(ctl, victim.slot, 4);
        await until(() => Atomics.load(ctl, victim.slot) === 5, `the ${victim.role} ${victim.id} to reach its next operation ${replay}`, 20_000);
        await victim.worker.terminate();
        if (victim.role === 'producer') midOperationProducerKills++;
      } else Atomics.store(ctl, victim.slot, how); // 2: process.exit, 3: uncaught throw
      if (victim.role === 'consumer') killedConsumers++;
      start(victim.role);
    }

    // Stop the producers cleanly, then close: consumers drain and exit. Every
    // producer must be gone first, victims too: one asked to exit or throw
    // obeys only between pushes, and a close while it still waits in a push
    // would end that push with QueueClosedError, an error of the test's making.
    for (const w of live) if (w.role === 'producer') Atomics.store(ctl, w.slot, 1);
    await Promise.all(all.filter((w) => w.role === 'producer').map((w) => w.gone));
    q.close();
    await Promise.all(all.map((w) => w.gone));
    expect(errors, replay).toEqual([]);

    // What arrived, from every consumer's log.
    const seen = new Map<number, Uint8Array>();
    let corrupt = 0;
    const orderErrors: string[] = [];
    for (const w of all.filter((x) => x.role === 'consumer')) {
      const e = new Int32Array(w.log!);
      corrupt += e[fromEnd(e, FROM_END.CORRUPT)];
      const last = new Map<number, number>();
      for (let i = 0; i < e[0]; i++) {
        const p = e[1 + 2 * i];
        const s = e[2 + 2 * i];
        if (!seen.has(p)) seen.set(p, new Uint8Array(Math.max(done[p] + 1, s + 1)));
        const marks = seen.get(p)!;
        if (s >= marks.length) orderErrors.push(`${p}/${s} beyond what its producer got to (${done[p]})`);
        else marks[s]++;
        if ((last.get(p) ?? -1) >= s) orderErrors.push(`consumer ${w.id}: ${p}/${s} after ${last.get(p)}`);
        last.set(p, s);
      }
    }
    expect(corrupt, replay).toBe(0);
    expect(orderErrors.slice(0, 5), replay).toEqual([]);

    const dead = new Set(all.filter((w) => !live.includes(w)));
    const consumers = all.filter((w) => w.role === 'consumer');
    const heldByDead = consumers.filter((w) => dead.has(w)).reduce((n, w) => n + logWord(w.log!, FROM_END.HOLDING), 0);
    // Pops of live consumers whose take was reclaimed under them: each lost its message.
    const liveReclaimed = consumers.reduce((n, w) => n + logWord(w.log!, FROM_END.LIVE_RECLAIMS), 0);
    let returned = 0;
    let lost = 0;
    let duplicated = 0;
    for (const w of all.filter((x) => x.role === 'producer')) {
      const marks = seen.get(w.id) ?? new Uint8Array(done[w.id] + 1);
      returned += done[w.id];
      for (let s = 0; s < done[w.id]; s++) if (marks[s] === 0) lost++;
      for (let s = 0; s < marks.length; s++) if (marks[s] > 1) duplicated++;
    }
    console.info(
      `fault test: ${kills} kills (${killedConsumers} consumers${canTerminate ? '' : '; no terminate(): this engine\'s leaves the thread running'}), ` +
        `${returned} pushes returned, ` +
        `${lost} lost (allowed ${heldByDead + liveReclaimed}: ${heldByDead} dead consumers that died holding one, ` +
        `${liveReclaimed} live consumers' pops reclaimed under them), ${duplicated} duplicated, ` +
        `${midOperationProducerKills} producers killed inside a push, stats ${JSON.stringify(q.stats)} ${replay}`,
    );
    expect(returned, replay).toBeGreaterThan(1000); // the test really moved messages
    expect(duplicated, replay).toBe(0);
    // Per consumer: each dead consumer accounts for at most one message, and
    // only if it died inside a pop (its holding flag set); one killed between
    // operations (process.exit, a throw) accounts for none. A live consumer
    // accounts for exactly the pops it reported reclaimed (usually none).
    expect(lost, `${lost} lost, but only ${heldByDead} dead consumers died holding a message and ${liveReclaimed} live pops were reclaimed ${replay}`)
      .toBeLessThanOrEqual(heldByDead + liveReclaimed);
    expect(lost, `${liveReclaimed} live consumers' pops were reclaimed under them, so as many messages must be lost ${replay}`)
      .toBeGreaterThanOrEqual(liveReclaimed);
    // Reclaim happened: every producer killed inside its push left a claim that the consumers reclaimed.
    expect(q.stats.reclaimedWrites, `${midOperationProducerKills} producers were killed inside a push ${replay}`)
      .toBeGreaterThanOrEqual(midOperationProducerKills);
    if (kills >= 50) expect(midOperationProducerKills, `the schedule killed no producer inside a push ${replay}`).toBeGreaterThan(0);
}

describe('threads killed at random moments', () => {
  it(`${KILLS} kills of producers and consumers (terminate, process.exit, uncaught throw): nothing pushed is lost but what a dying consumer held`, async () => {
    await killAtRandom(KILLS, 'both', SEED);
  }, 300_000);

  it(`${PRODUCER_KILLS} kills of producers only: every message whose push returned arrives exactly once, but for pops that report a reclaim`, async () => {
    await killAtRandom(PRODUCER_KILLS, 'producer', SEED + 1);
  }, 300_000);

  it('after dead threads were reclaimed, fresh threads move 20k messages exactly once, but for pops that report a reclaim', async () => {
    // 1000 ms (the default): the two dead claims below are made on purpose and
    // wait it out once each. A live thread that pauses a whole second inside
    // an operation is taken for dead: a producer pushes again (retriedWrites),
    // a consumer reports it and loses that message; the counts allow exactly that.
    const q = createQueue({ capacity: 64, slotBytes: 64, stallTimeoutMs: 1000, scratchBytes: 256 });
    // Leave two dead claims behind: a producer and a consumer that die mid-operation.
    const { instantiateKernel } = await import('../../dist/kernel/module.js');
    q.tryPush(new Uint8Array(64)); // not a test message: the dead consumer takes it
    const deadConsumer = instantiateKernel(q.handle.module, q.handle.memory);
    deadConsumer.attach();
    expect(deadConsumer.claimRead()).toBe(0); // takes position 0
    const deadProducer = instantiateKernel(q.handle.module, q.handle.memory);
    deadProducer.attach();
    expect(deadProducer.claimWrite(500)).toBe(1); // claims from position 1

    const control = new SharedArrayBuffer(64);
    const progress = new SharedArrayBuffer(64);
    const logs = [0, 1].map(() => consumerLog(30_000));
    const mk = (role: string, id: number, log?: SharedArrayBuffer) =>
      new Worker(workerUrl('fault-worker.mjs'), {
        workerData: { handle: q.handle, role, id, slot: id, control, progress, log, maxLen: 1024 },
      });
    const consumers = [mk('consumer', 2, logs[0]), mk('consumer', 3, logs[1])];
    const producers = [mk('producer', 0), mk('producer', 1)];
    const ctl = new Int32Array(control);
    const done = new Int32Array(progress);
    while (Atomics.load(done, 0) + Atomics.load(done, 1) < 20_000) await sleep(5);
    Atomics.store(ctl, 0, 1);
    Atomics.store(ctl, 1, 1);
    await Promise.all(producers.map((w) => new Promise((r) => w.once('exit', r))));
    q.close();
    await Promise.all(consumers.map((w) => new Promise((r) => w.once('exit', r))));
    const counts = [new Map<number, number>(), new Map<number, number>()];
    for (const log of logs) {
      const e = new Int32Array(log);
      expect(e[fromEnd(e, FROM_END.CORRUPT)]).toBe(0);
      for (let i = 0; i < e[0]; i++) {
        const m = counts[e[1 + 2 * i]];
        m.set(e[2 + 2 * i], (m.get(e[2 + 2 * i]) ?? 0) + 1);
      }
    }
    const liveReclaimed = logs.reduce((n, log) => n + logWord(log, FROM_END.LIVE_RECLAIMS), 0);
    let lost = 0;
    for (const p of [0, 1]) {
      for (let s = 0; s < done[p]; s++) {
        const n = counts[p].get(s) ?? 0;
        if (n === 0) lost++;
        else expect(n, `${p}/${s}`).toBe(1);
      }
    }
    expect(lost, `lost, with ${liveReclaimed} live pops reclaimed`).toBe(liveReclaimed); // usually 0 and 0
    const { retriedWrites } = q.stats;
    // The two dead claims, plus one per live thread taken for dead.
    expect(q.stats).toEqual({ reclaimedWrites: 1 + retriedWrites, reclaimedReads: 1 + liveReclaimed, retriedWrites });
  }, 120_000);
});
