// The pool with module Web Workers in each browser engine: the main thread never blocks,
// and a Web Worker's death (which browsers do not report) is noticed through
// the Web Lock each worker holds for life.
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, PoolClosedError, WorkerDiedError, WorkerStartError, type Pool } from '../../../ts/pool/index.js';
import type { PoolTask } from './workers/behaviours.worker.js';

const behaviours = new URL('./workers/behaviours.worker.ts', import.meta.url);

const pools: Pool<PoolTask, any>[] = [];
function pool(options: { threads?: number; maxQueue?: number; worker?: URL | string } = {}): Pool<PoolTask, any> {
  const p = createPool<PoolTask, any>({ worker: behaviours, ...options });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

let gates = 0;
/**
 * A gate a waitForGate task waits behind. A BroadcastChannel subscription in
 * a worker registers asynchronously in Chromium, so a single message can be
 * missed: open() keeps posting until the gated task has settled.
 */
function gate(): { channel: string; open(until: Promise<unknown>): void } {
  const channel = `wasmq-pool-gate-${gates++}-${Math.random()}`;
  return {
    channel,
    open(until) {
      const sender = new BroadcastChannel(channel);
      const timer = setInterval(() => sender.postMessage('open'), 10);
      sender.postMessage('open');
      const stop = () => {
        clearInterval(timer);
        sender.close();
      };
      until.then(stop, stop);
    },
  };
}

async function untilRunning(p: Pool<PoolTask, any>): Promise<void> {
  while (p.stats.running === 0) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('run in module Web Workers', () => {
  it('returns outputs with structured values intact, from many concurrent tasks', async () => {
    const p = pool({ threads: 2, maxQueue: 8 });
    const inputs = Array.from({ length: 500 }, (_, i) => ({ i, when: new Date(i), bytes: new Uint8Array([i & 255]) }));
    await expect(Promise.all(inputs.map((value) => p.run({ op: 'echo', value })))).resolves.toEqual(inputs);
  });

  it('keeps the worker event loop running: async tasks that need timers complete', async () => {
    const p = pool({ threads: 1 });
    await expect(Promise.all([1, 2, 3].map((value) => p.run({ op: 'sleep', ms: 5, value })))).resolves.toEqual([1, 2, 3]);
  });

  it('rejects with the task error name, message, code and stack', async () => {
    const p = pool({ threads: 1 });
    const error = await p.run({ op: 'throw', message: 'bad input 7' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RangeError', message: 'bad input 7', code: 'E_TASK' });
    expect((error as Error).stack).toContain('behaviours.worker');
    await expect(p.run({ op: 'echo', value: 'still serving' })).resolves.toBe('still serving');
  });
});

describe('worker death in the browser', () => {
  it('a worker that closes itself rejects only its task with WorkerDiedError; queued tasks run on a replacement', async () => {
    const p = pool({ threads: 1 });
    const dying = p.run({ op: 'closeSelf' });
    const after = [1, 2].map((value) => p.run({ op: 'echo', value }));
    await expect(dying).rejects.toBeInstanceOf(WorkerDiedError);
    await expect(Promise.all(after)).resolves.toEqual([1, 2]);
    expect(p.stats.threads).toBe(1);
  });

  it('an uncaught error in a worker rejects its task with that error as the cause', async () => {
    const p = pool({ threads: 1 });
    const error = await p.run({ op: 'uncaught', message: 'timer blew up' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerDiedError);
    expect((error as Error).message).toMatch(/timer blew up/);
    await expect(p.run({ op: 'echo', value: 'alive' })).resolves.toBe('alive');
  });

  it('a worker URL that does not load gives WorkerStartError', async () => {
    const p = pool({ threads: 1, worker: new URL('./workers/does-not-exist.worker.js', import.meta.url) });
    await expect(p.run({ op: 'echo', value: 1 })).rejects.toBeInstanceOf(WorkerStartError);
  });
});

describe('abort in the browser', () => {
  it('a queued task that is aborted rejects with the reason and never runs', async () => {
    const p = pool({ threads: 1 });
    const g = gate();
    const blocker = p.run({ op: 'waitForGate', channel: g.channel, value: 'blocker' });
    await untilRunning(p);
    const abort = new AbortController();
    const victim = p.run({ op: 'mark', name: 'victim' }, { signal: abort.signal });
    const after = p.run({ op: 'mark', name: 'after' });
    const reason = new Error('not needed');
    abort.abort(reason);
    await expect(victim).rejects.toBe(reason);
    g.open(blocker);
    await expect(Promise.all([blocker, after])).resolves.toEqual(['blocker', 'after']);
    await expect(p.run({ op: 'history' })).resolves.toEqual(['after']);
  });

  it('a running task that is aborted rejects with the reason; its worker is replaced', async () => {
    const p = pool({ threads: 1 });
    const abort = new AbortController();
    const spinning = p.run({ op: 'spinForever' }, { signal: abort.signal });
    await untilRunning(p);
    abort.abort(new Error('stop spinning'));
    await expect(spinning).rejects.toThrow('stop spinning');
    await expect(p.run({ op: 'echo', value: 'replacement' })).resolves.toBe('replacement');
  });
});

describe('backpressure and close in the browser', () => {
  it('run waits while maxQueue tasks wait, then all run in order', async () => {
    const p = pool({ threads: 1, maxQueue: 2 });
    const g = gate();
    const blocker = p.run({ op: 'waitForGate', channel: g.channel, value: 0 });
    await untilRunning(p);
    const rest = [1, 2, 3, 4].map((value) => p.run({ op: 'echo', value }));
    let settled = false;
    void Promise.race(rest).then(() => (settled = true), () => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    expect(p.stats).toMatchObject({ running: 1, queued: 4 });
    g.open(blocker);
    await expect(Promise.all([blocker, ...rest])).resolves.toEqual([0, 1, 2, 3, 4]);
  });

  it('close finishes queued tasks, then stops the workers; run after close rejects', async () => {
    const p = pool({ threads: 2 });
    const tasks = Array.from({ length: 10 }, (_, value) => p.run({ op: 'sleep', ms: 2, value }));
    const closing = p.close();
    await expect(p.run({ op: 'echo', value: 'late' })).rejects.toBeInstanceOf(PoolClosedError);
    await expect(Promise.all(tasks)).resolves.toEqual(Array.from({ length: 10 }, (_, i) => i));
    await closing;
    expect(p.stats.threads).toBe(0);
  });
});
