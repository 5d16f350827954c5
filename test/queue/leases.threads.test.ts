// Dead threads' scratch leases and waiter registrations come back (assembly/lease.ts,
// ts/kernel/liveness.ts). Real threads attach two queues, some park in
// pop / popAsync (an empty queue) or push / pushAsync (a full one), and are
// killed (terminate, process.exit, an uncaught throw); the lease records and
// waiter counts are read through Kernel.leaseCensus.
import { describe, expect, it } from 'vitest';
import { Worker as NodeWorker } from 'node:worker_threads';
import { createQueue, type Queue } from '../../dist/index.js';
import { Kernel } from '../../dist/kernel/kernel.js';
import { lockHolder, lockScanner } from '../../dist/kernel/liveness.js';
import { startThread, type TestThread } from '../thread.js';
import { terminateStopsBusyThreads, until, workerUrl } from '../helpers.js';
import { checkMessage } from './workers/messages.mjs';

/**
 * Whether a Web Lock another thread holds shows in this thread's
 * navigator.locks.query(): the capability the lock path needs (a scanner
 * must see a live holder's lock). Deno's and browsers' do; Node 24's and
 * 26's navigator.locks are per thread (a worker's held lock is absent from
 * the main thread's query), so there the path cannot work, and the library
 * never takes life locks in such Node-style threads unless forced.
 */
async function locksReachAcrossThreads(): Promise<boolean> {
  const name = `wasmq-test-probe-${Math.random()}`;
  const w = new NodeWorker(
    `const { parentPort } = require('node:worker_threads');
     navigator.locks.request(${JSON.stringify(name)}, () => { parentPort.postMessage('held'); return new Promise(() => {}); });`,
    { eval: true },
  );
  try {
    await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    const snapshot = await (globalThis as unknown as { navigator: { locks: LockManager } }).navigator.locks.query();
    return (snapshot.held ?? []).some((lock) => lock.name === name);
  } finally {
    await w.terminate();
  }
}

const MODES = ['idle', 'pop', 'popAsync', 'push', 'pushAsync'] as const;
type Mode = (typeof MODES)[number];
/** Blocking parks cannot run a timer: only terminate() stops them. */
const HOW: Record<Mode, readonly ('terminate' | 'exit' | 'throw')[]> = {
  idle: ['terminate', 'exit', 'throw'], pop: ['terminate'], popAsync: ['terminate', 'exit', 'throw'],
  push: ['terminate'], pushAsync: ['terminate', 'exit', 'throw'],
};
const VICTIMS = 64;
const STALL_MS = 300;

const kernelOf = (q: Queue) => Kernel.open(q.handle.module, q.handle.memory) as Kernel;

interface Holder { worker: TestThread; mode: Mode; gone: Promise<void>; slot: number }

function startHolders(empty: Queue, full: Queue, modes: readonly Mode[], control: SharedArrayBuffer, locks = false): Promise<Holder[]> {
  return Promise.all(modes.map((mode, slot) => {
    const worker = startThread(workerUrl('lease-holder.mjs'), { empty: empty.handle, full: full.handle, mode, control, slot, locks });
    const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.on('error', () => {}); // the uncaught throws are asked for
    return new Promise<Holder>((resolve, reject) => {
      worker.once('message', () => resolve({ worker, mode, gone, slot }));
      worker.once('exit', (code) => reject(new Error(`lease-holder ${mode} exited (${code}) before attaching`)));
    });
  }));
}

/** Kills each victim the way its index picks among those its mode allows. */
async function kill(victims: Holder[], ctl: Int32Array): Promise<void> {
  await Promise.all(victims.map((v, i) => {
    const how = HOW[v.mode][i % HOW[v.mode].length];
    if (how === 'terminate') void v.worker.terminate();
    else Atomics.store(ctl, v.slot, how === 'exit' ? 2 : 3);
    return v.gone;
  }));
}

/** The waits every parked holder of `modes` holds: [consumers, consumers async, producers, producers async]. */
function parkedWaits(modes: readonly Mode[], side: 'empty' | 'full'): number[] {
  const n = (m: Mode) => modes.filter((x) => x === m).length;
  return side === 'empty' ? [n('pop') + n('popAsync'), n('popAsync'), 0, 0] : [0, 0, n('push') + n('pushAsync'), n('pushAsync')];
}

function queues(areas: number, stallTimeoutMs: number): { empty: Queue; full: Queue } {
  const empty = createQueue({ capacity: 8, slotBytes: 8, scratchBytes: 64, scratchAreas: areas, stallTimeoutMs });
  const full = createQueue({ capacity: 8, slotBytes: 8, scratchBytes: 64, scratchAreas: areas, stallTimeoutMs });
  while (full.tryPush(new Uint8Array(8)));
  return { empty, full };
}

describe('a dead thread leaves nothing behind', () => {
  const survivorModes: Mode[] = ['pop', 'popAsync', 'push', 'pushAsync'];

  it(`${VICTIMS} killed threads (terminate, process.exit, uncaught throw; idle or parked in pop, popAsync, push, pushAsync): once silent for stallTimeoutMs, a new thread's attach takes back every lease and exactly their waits`, async () => {
    // Node 20 has no Web Locks; where an engine has them, force the fallback this test is about.
    (globalThis as { __wasmqForceNoWebLocks?: boolean }).__wasmqForceNoWebLocks = true;
    try {
      // Where terminate() leaves a busy thread running (Deno 2.9), one in a blocking park wakes at
      // its next tick and goes on, alive, so it is no victim there: victims park asynchronously instead.
      const blocking = await terminateStopsBusyThreads();
      const victimModes = Array.from({ length: VICTIMS }, (_, i) => {
        const mode = MODES[i % MODES.length];
        return blocking ? mode : mode === 'pop' ? 'popAsync' : mode === 'push' ? 'pushAsync' : mode;
      });
      const all = [...victimModes, ...survivorModes];
      // Every area is leased: the creator's, and one per thread.
      const { empty, full } = queues(all.length + 1, STALL_MS);
      const control = new SharedArrayBuffer(4 * all.length);
      const ctl = new Int32Array(control);
      const holders = await startHolders(empty, full, all, control);
      const ke = kernelOf(empty);
      const kf = kernelOf(full);
      await until(() => ke.leaseCensus().waits[0] === parkedWaits(all, 'empty')[0] && kf.leaseCensus().waits[2] === parkedWaits(all, 'full')[2], 'every holder parked');
      // (A holder idle for stallTimeoutMs may already have been taken for dead by a later attach: by design.)
      expect(ke.leaseCensus().held).toBeGreaterThan(survivorModes.length);
      await kill(holders.slice(0, VICTIMS), ctl);
      // The dead threads' waits are still counted: that is what costs every later push a notify.
      expect(ke.leaseCensus().waits[0]).toBeGreaterThan(parkedWaits(survivorModes, 'empty')[0]);
      expect(kf.leaseCensus().waits[2]).toBeGreaterThan(parkedWaits(survivorModes, 'full')[2]);
      await new Promise((r) => setTimeout(r, STALL_MS * 2));
      // A new thread attaches (here: this one, a second face of each queue).
      const lateEmpty = (await import('../../dist/index.js')).attachQueue(empty.handle);
      const lateFull = (await import('../../dist/index.js')).attachQueue(full.handle);
      // The creator was silent too, so it lost its area as well; its next use notices and leases again.
      empty.tryPop();
      full.tryPush(new Uint8Array(8));
      for (const [k, side] of [[ke, 'empty'], [kf, 'full']] as const) {
        // Survivors park in ticks of stallTimeoutMs / 2, each a registration and a sign of life; read between them.
        await until(() => {
          const c = k.leaseCensus();
          return c.waits.every((w, i) => w === c.leasedWaits[i] && w === parkedWaits(survivorModes, side)[i]);
        }, `the ${side} queue's waits to be exactly the survivors' (${JSON.stringify(k.leaseCensus())})`, 10_000);
        // The creator, the late attach, and the survivors parked on this queue (the others are silent
        // on it, so lost their area here too, by design): every dead thread's area is free again.
        const parkedHere = survivorModes.filter((m) => (side === 'empty' ? m.startsWith('pop') : m.startsWith('push'))).length;
        expect(k.leaseCensus().held, JSON.stringify(k.leaseCensus())).toBe(2 + parkedHere);
      }
      void lateEmpty;
      void lateFull;
      for (const s of holders.slice(VICTIMS)) void s.worker.terminate();
      await Promise.all(holders.slice(VICTIMS).map((s) => s.gone));
    } finally {
      delete (globalThis as { __wasmqForceNoWebLocks?: boolean }).__wasmqForceNoWebLocks;
    }
  }, 120_000);

  it('where the engine has Web Locks, threads holding life locks are found dead the moment they die, with no stall timeout', async () => {
    if (!lockScanner()) {
      // Node 20: no navigator.locks, so nothing may use them (the fallback above is the path here).
      expect((globalThis as { navigator?: { locks?: unknown } }).navigator?.locks).toBeUndefined();
      return;
    }
    if (!(await locksReachAcrossThreads())) {
      // Per-thread locks (Node 24, 26): holders must not take them, or a scanner would end live holdings.
      expect(lockHolder()).toBeUndefined();
      return;
    }
    const modes: Mode[] = Array.from({ length: 20 }, (_, i) => MODES[i % MODES.length]);
    // The longest stall timeout: nothing but the locks may reclaim here.
    const { empty, full } = queues(modes.length + 2, 2 ** 31 - 1);
    const control = new SharedArrayBuffer(4 * modes.length);
    const holders = await startHolders(empty, full, modes, control, true);
    const ke = kernelOf(empty);
    const kf = kernelOf(full);
    await until(() => ke.leaseCensus().locked === modes.length && kf.leaseCensus().locked === modes.length, 'every holder to hold its life locks');
    await until(() => ke.leaseCensus().waits[0] === parkedWaits(modes, 'empty')[0], 'every holder parked');
    await kill(holders, new Int32Array(control));
    // The engine lets go of a dead thread's locks as it tears the thread down: ask until it has.
    let ended = [0, 0];
    const end = Date.now() + 30_000;
    while ((ended[0] < modes.length || ended[1] < modes.length) && Date.now() < end) {
      ended = [ended[0] + (await ke.reclaimUnlockedLeases())!, ended[1] + (await kf.reclaimUnlockedLeases())!];
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(ended).toEqual([modes.length, modes.length]);
    for (const k of [ke, kf]) {
      const c = k.leaseCensus();
      expect(c.held).toBe(1); // the creator's
      expect(c.waits).toEqual([0, 0, 0, 0]);
    }
  }, 120_000);

  it('a live producer whose lease was taken after a long pause notices, never writes into the area it lost, and every message of both producers arrives once, intact, in order', async () => {
    (globalThis as { __wasmqForceNoWebLocks?: boolean }).__wasmqForceNoWebLocks = true;
    try {
      // Two areas: this thread's and the paused producer's, which the second producer can only get by taking it.
      const q = createQueue({ capacity: 256, slotBytes: 64, scratchBytes: 4096, scratchAreas: 2, stallTimeoutMs: STALL_MS });
      const k = kernelOf(q);
      const COUNT = 20_000;
      const control = new SharedArrayBuffer(4);
      const start = (id: number, pauseAt: number) => {
        const worker = startThread(workerUrl('paused-producer.mjs'), { handle: q.handle, id, count: COUNT, pauseAt, control });
        const done = new Promise<void>((resolve, reject) => {
          worker.on('message', (m) => m === 'done' && resolve());
          worker.once('error', reject);
        });
        const paused = new Promise<void>((resolve) => worker.on('message', (m) => m === 'paused' && resolve()));
        return { worker, done, paused };
      };
      const next = new Map<number, number>([[1, 0], [2, 0]]);
      const problems: string[] = [];
      const take = () => {
        for (let m = q.tryPop(); m !== undefined; m = q.tryPop()) {
          const r = checkMessage(m);
          if (typeof r === 'string') problems.push(r);
          else if (r.seq !== next.get(r.producer)) problems.push(`producer ${r.producer}: seq ${r.seq}, expected ${next.get(r.producer)}`);
          else next.set(r.producer, r.seq + 1);
        }
      };
      const p1 = start(1, COUNT / 4);
      const paused = p1.paused;
      let stop = false;
      const consumer = (async () => {
        while (!stop) {
          take();
          await new Promise((r) => setTimeout(r, 0));
        }
        take();
      })();
      await paused;
      await new Promise((r) => setTimeout(r, STALL_MS * 2));
      const before = k.leaseCensus().held;
      // The second producer attaches: no area is free, so it takes the silent one.
      const p2 = start(2, -1);
      await until(() => next.get(2)! > 1000, 'the second producer to push with the area it took');
      expect(before).toBe(2);
      Atomics.store(new Int32Array(control), 0, 1); // the first producer wakes up and goes on
      await Promise.all([p1.done, p2.done]);
      await until(() => next.get(1) === COUNT && next.get(2) === COUNT || problems.length > 0, 'every message');
      stop = true;
      await consumer;
      expect(problems).toEqual([]);
      expect([next.get(1), next.get(2)]).toEqual([COUNT, COUNT]);
      expect(q.tryPop()).toBeUndefined();
      await Promise.all([p1.worker.terminate(), p2.worker.terminate()]);
    } finally {
      delete (globalThis as { __wasmqForceNoWebLocks?: boolean }).__wasmqForceNoWebLocks;
    }
  }, 120_000);
});
