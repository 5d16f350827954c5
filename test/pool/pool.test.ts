// createPool / run / close in Node worker_threads: results, errors, worker
// death, abort, backpressure and close, through the built dist/ files.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPool, PoolClosedError, WorkerDiedError, WorkerStartError, type Pool,
} from '../../dist/pool/index.js';
import { nodeWorkerThreads, resourceLimitsApply } from '../../ts/pool/thread-host.js';

const workerFile = (name: string) => new URL(`./workers/${name}`, import.meta.url);
const behaviours = workerFile('behaviours.mjs');
/** Whether this engine's worker_threads apply heap limits (the library's own probe). */
const limitsApply = resourceLimitsApply(nodeWorkerThreads()!);

/**
 * Whether a worker that runs out of heap inside a message handler is reported
 * with an 'error' event (ERR_WORKER_OUT_OF_MEMORY) before 'exit'. Node: yes.
 * Deno 2.9: no, it exits with code 0 and no error (at the top level of the
 * worker it does report), so the pool can only say the worker exited.
 */
async function oomIsReported(): Promise<boolean> {
  if (!limitsApply) return false;
  const { Worker } = nodeWorkerThreads()!;
  const w = new Worker(
    `require('node:worker_threads').parentPort.on('message', () => { const hog = []; for (;;) hog.push(new Array(1e5).fill(0)); });`,
    { eval: true, resourceLimits: { maxOldGenerationSizeMb: 16 } },
  );
  let reported = false;
  w.on('error', (e: { code?: string }) => (reported = e?.code === 'ERR_WORKER_OUT_OF_MEMORY'));
  w.postMessage('go');
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([new Promise((r) => w.once('exit', r)), new Promise((r) => (timer = setTimeout(r, 5000)))]);
  clearTimeout(timer);
  return reported;
}

const pools: Pool<any, any>[] = [];
function pool(options: Parameters<typeof createPool>[0]): Pool<any, any> {
  const p = createPool(options);
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wasmq-pool-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('run', () => {
  it('returns each task output, structured values intact', async () => {
    const p = pool({ worker: behaviours, threads: 2 });
    const value = {
      n: 1, s: 'é', big: 12345678901234567890n, date: new Date(0), map: new Map([[1, { a: [1, 2] }]]),
      set: new Set(['x']), bytes: new Uint8Array([1, 2, 3]), nested: { undef: undefined, nil: null },
    };
    await expect(p.run({ op: 'echo', value })).resolves.toEqual(value);
  });

  it('completes every one of many concurrent tasks exactly once, with its own result', async () => {
    const p = pool({ worker: workerFile('add-one.mjs'), threads: 2, maxQueue: 16 });
    const inputs = Array.from({ length: 5000 }, (_, i) => i);
    const outputs = await Promise.all(inputs.map((x) => p.run(x)));
    expect(outputs).toEqual(inputs.map((x) => x + 1));
    expect(p.stats).toMatchObject({ queued: 0, running: 0, completed: 5000, failed: 0 });
  });

  it('idle workers take queued tasks themselves: tasks run while the main thread never yields to its event loop', async () => {
    const p = pool({ worker: behaviours, threads: 2 });
    await p.run({ op: 'echo', value: 'up' }); // both workers are serving
    const dir = tempDir();
    const paths = Array.from({ length: 8 }, (_, i) => join(dir, `task-${i}`));
    const results = paths.map((path) => p.run({ op: 'touch', path }));
    // Block this thread: nothing of the pool's can run here (no timer, message
    // or microtask), so only workers taking tasks off the shared queue
    // themselves can make the files appear. The bound is generous: it only
    // turns a missing hand-off into a failure instead of a hang.
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const deadline = Date.now() + 60_000;
    while (!paths.every((path) => existsSync(path))) {
      if (Date.now() > deadline) throw new Error(`with the main thread blocked, ${paths.filter((f) => !existsSync(f)).length} of 8 tasks never ran`);
      Atomics.wait(nap, 0, 0, 2);
    }
    expect(await Promise.all(results)).toEqual(paths.map(() => 'touched'));
  });

  it('keeps the worker event loop running: async tasks that need timers complete', async () => {
    const p = pool({ worker: behaviours, threads: 1 });
    const results = await Promise.all([1, 2, 3].map((value) => p.run({ op: 'sleep', ms: 5, value })));
    expect(results).toEqual([1, 2, 3]);
  });

  it('reports latency percentiles over settled tasks', async () => {
    const p = pool({ worker: workerFile('add-one.mjs'), threads: 1 });
    expect(p.stats.latency.samples).toBe(0);
    for (let i = 0; i < 10; i++) await p.run(i);
    const { latency } = p.stats;
    expect(latency.samples).toBe(10);
    expect(latency.p50).toBeGreaterThan(0);
    expect(latency.p99).toBeGreaterThanOrEqual(latency.p50);
    expect(latency.max).toBeGreaterThanOrEqual(latency.p99);
  });

  it('rejects an input larger than maxTaskBytes with a RangeError that names the limit', async () => {
    const p = pool({ worker: behaviours, threads: 1, maxTaskBytes: 100 });
    await expect(p.run({ op: 'echo', value: 'x'.repeat(200) })).rejects.toThrow(/at most 100 .*maxTaskBytes/);
    await expect(p.run({ op: 'echo', value: 'small' })).resolves.toBe('small');
  });

  it('validates options with errors that say what is allowed', () => {
    expect(() => createPool({ worker: behaviours, threads: 0 })).toThrow(/'threads' must be an integer from 1 to 256; got 0/);
    expect(() => createPool({ worker: behaviours, maxQueue: 1.5 })).toThrow(/'maxQueue' must be an integer/);
    expect(() => createPool({ worker: 42 as unknown as string })).toThrow(/'worker' must be a URL or string/);
  });

  it('defaults threads to the available parallelism', async () => {
    const { availableParallelism } = await import('node:os');
    const p = pool({ worker: workerFile('add-one.mjs') });
    expect(p.threads).toBe(availableParallelism());
  });
});

describe('task errors', () => {
  it('reject run with the thrown error name, message, code and worker stack', async () => {
    const p = pool({ worker: behaviours, threads: 1 });
    const error = await p.run({ op: 'throw', message: 'bad input 42' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'RangeError', message: 'bad input 42', code: 'E_TASK' });
    expect((error as Error).stack).toContain('behaviours.mjs');
    // The worker survives a task error.
    await expect(p.run({ op: 'echo', value: 1 })).resolves.toBe(1);
    expect(p.stats).toMatchObject({ failed: 1, completed: 1 });
  });

  it('reject with a thrown non-Error value as it is', async () => {
    const p = pool({ worker: behaviours, threads: 1 });
    await expect(p.run({ op: 'throwString', message: 'plain text' })).rejects.toBe('plain text');
  });
});

describe('worker death', () => {
  it('process.exit rejects only the running task with WorkerDiedError; queued tasks still complete on a replacement', async () => {
    const p = pool({ worker: behaviours, threads: 1 });
    const dying = p.run({ op: 'exit', code: 3 });
    const after = [1, 2, 3].map((value) => p.run({ op: 'echo', value }));
    const error = await dying.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerDiedError);
    expect((error as Error).message).toMatch(/exited with code 3/);
    await expect(Promise.all(after)).resolves.toEqual([1, 2, 3]);
    expect(p.stats.threads).toBe(1);
  });

  it('an uncaught error outside the task rejects the running task with it as the cause', async () => {
    const p = pool({ worker: behaviours, threads: 1 });
    const error = await p.run({ op: 'uncaught', message: 'timer blew up' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerDiedError);
    expect((error as Error).message).toMatch(/uncaught error: timer blew up/);
    expect(((error as Error).cause as Error).message).toBe('timer blew up');
    await expect(p.run({ op: 'echo', value: 'alive' })).resolves.toBe('alive');
  });

  it('resourceLimits: a task that runs out of memory rejects and the pool goes on; where the engine would ignore the limits, createPool refuses them', async () => {
    if (!limitsApply) {
      // Bun: its worker_threads accept resourceLimits and ignore them (the library's probe says so).
      expect(() => createPool({ worker: behaviours, threads: 1, resourceLimits: { maxOldGenerationSizeMb: 16 } })).toThrow(
        /'resourceLimits' cannot be honoured here/,
      );
      return;
    }
    const p = pool({ worker: behaviours, threads: 1, resourceLimits: { maxOldGenerationSizeMb: 16 } });
    const queued = p.run({ op: 'echo', value: 'after oom' });
    const error = await p.run({ op: 'oom' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerDiedError);
    // The cause is the engine's report; where it makes none (Deno), the pool has none to give.
    if (await oomIsReported()) expect(String((error as Error).cause)).toMatch(/out of memory/i);
    else expect((error as Error).message).toMatch(/the worker running this task (exited|threw)/);
    await expect(queued).resolves.toBe('after oom');
  });

  it('where worker_threads would ignore resourceLimits, createPool refuses them instead of pretending (forced here)', () => {
    const forced = process.env.WASMQ_FORCE_NO_RESOURCE_LIMITS;
    process.env.WASMQ_FORCE_NO_RESOURCE_LIMITS = '1';
    try {
      expect(() => createPool({ worker: behaviours, threads: 1, resourceLimits: { maxOldGenerationSizeMb: 16 } })).toThrow(
        /'resourceLimits' cannot be honoured here: this engine's worker_threads accept the option but a Worker started with it does not report the limits back/,
      );
    } finally {
      if (forced === undefined) delete process.env.WASMQ_FORCE_NO_RESOURCE_LIMITS;
      else process.env.WASMQ_FORCE_NO_RESOURCE_LIMITS = forced;
    }
    // Without the option the same pool starts and runs, on every engine.
    return expect(pool({ worker: behaviours, threads: 1 }).run({ op: 'echo', value: 'no limits' })).resolves.toBe('no limits');
  });

  it('a worker that dies mid-push of a result does not wedge the result queue', async () => {
    const marker = join(tempDir(), 'first');
    process.env.WASMQ_POOL_SABOTAGE_MARKER = marker;
    const p = pool({ worker: workerFile('sabotage-result-push.mjs'), threads: 1, stallTimeoutMs: 50 });
    const first = p.run(1);
    await expect(first).rejects.toBeInstanceOf(WorkerDiedError);
    await expect(Promise.all([p.run(2), p.run(3)])).resolves.toEqual([4, 6]);
    expect(existsSync(marker)).toBe(true); // the sabotage really ran
  });

  it('a worker that dies mid-pop of a task does not wedge the task queue, and that task rejects with WorkerDiedError', async () => {
    const marker = join(tempDir(), 'first');
    process.env.WASMQ_POOL_SABOTAGE_MARKER = marker;
    const p = pool({ worker: workerFile('sabotage-task-pop.mjs'), threads: 1, stallTimeoutMs: 50 });
    const lost = p.run(1);
    lost.catch(() => {});
    await expect(Promise.all([p.run(2), p.run(3)])).resolves.toEqual([4, 6]);
    expect(existsSync(marker)).toBe(true);
    await expect(lost).rejects.toBeInstanceOf(WorkerDiedError);
    await expect(lost).rejects.toThrow(/took this task off the queue died before it could start it/);
    await expect(p.run(4)).resolves.toBe(8);
  });

  it('gives up with WorkerStartError when workers keep failing to start', async () => {
    for (const file of ['no-serve.mjs', 'throws-on-import.mjs', 'does-not-exist.mjs']) {
      const p = pool({ worker: workerFile(file), threads: 1 });
      const error = await p.run(1).catch((e: unknown) => e);
      expect(error, file).toBeInstanceOf(WorkerStartError);
      expect((error as Error).message).toMatch(/calls serve\(\)/);
      await expect(p.run(2)).rejects.toBeInstanceOf(WorkerStartError);
    }
  });
});

describe('abort', () => {
  it('a queued task that is aborted rejects with the reason and never runs', async () => {
    const dir = tempDir();
    const gate = join(dir, 'gate');
    const ran = join(dir, 'ran');
    const p = pool({ worker: behaviours, threads: 1 });
    const blocker = p.run({ op: 'waitForFile', path: gate, value: 'blocker' });
    const abort = new AbortController();
    const victim = p.run({ op: 'touch', path: ran }, { signal: abort.signal });
    const reason = new Error('not needed any more');
    abort.abort(reason);
    await expect(victim).rejects.toBe(reason);
    writeFileSync(gate, '');
    await expect(blocker).resolves.toBe('blocker');
    // FIFO: this one is taken after the victim would have been.
    await expect(p.run({ op: 'echo', value: 'later' })).resolves.toBe('later');
    expect(existsSync(ran)).toBe(false);
    expect(p.stats).toMatchObject({ completed: 2, failed: 1 });
  });

  it('a running task that is aborted rejects with the reason; its worker is replaced', async () => {
    const p = pool({ worker: behaviours, threads: 1 });
    const abort = new AbortController();
    const spinning = p.run({ op: 'spinForever' }, { signal: abort.signal });
    // Wait until the worker has really started it.
    while (p.stats.running === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort(new Error('stop spinning'));
    await expect(spinning).rejects.toThrow('stop spinning');
    await expect(p.run({ op: 'echo', value: 'replacement works' })).resolves.toBe('replacement works');
    expect(p.stats.threads).toBe(1);
  });

  it('an already-aborted signal rejects at once', async () => {
    const p = pool({ worker: behaviours, threads: 1 });
    await expect(p.run({ op: 'echo', value: 1 }, { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early');
  });
});

describe('maxQueue backpressure', () => {
  it('run waits (does not reject) while maxQueue tasks wait, and they all run in order once room appears', async () => {
    const dir = tempDir();
    const gate = join(dir, 'gate');
    const p = pool({ worker: behaviours, threads: 1, maxQueue: 2 });
    const blocker = p.run({ op: 'waitForFile', path: gate, value: 0 });
    while (p.stats.running === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const queued = [1, 2].map((value) => p.run({ op: 'echo', value }));
    const waiting = [3, 4].map((value) => p.run({ op: 'echo', value }));
    // Waiting, not rejected: the pool counts them queued, and (below) they
    // resolve, in order, only once the gate lets the blocker finish.
    expect(p.stats).toMatchObject({ running: 1, queued: 4 });
    const settled: number[] = [];
    for (const [i, t] of [blocker, ...queued, ...waiting].entries()) void t.then(() => settled.push(i), () => settled.push(-i));
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toEqual([]); // nothing settled before the gate (checked after a turn of the event loop)
    writeFileSync(gate, '');
    await expect(Promise.all([blocker, ...queued, ...waiting])).resolves.toEqual([0, 1, 2, 3, 4]);
    expect(settled).toEqual([0, 1, 2, 3, 4]);
  });

  it('a task waiting for room can be aborted, and the rest still run', async () => {
    const dir = tempDir();
    const gate = join(dir, 'gate');
    const p = pool({ worker: behaviours, threads: 1, maxQueue: 1 });
    const blocker = p.run({ op: 'waitForFile', path: gate, value: 0 });
    while (p.stats.running === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const queued = p.run({ op: 'echo', value: 1 });
    const abort = new AbortController();
    const waiting = p.run({ op: 'echo', value: 2 }, { signal: abort.signal });
    const last = p.run({ op: 'echo', value: 3 });
    abort.abort(new Error('no room, no wait'));
    await expect(waiting).rejects.toThrow('no room, no wait');
    writeFileSync(gate, '');
    await expect(Promise.all([blocker, queued, last])).resolves.toEqual([0, 1, 3]);
  });
});

describe('close', () => {
  it('finishes queued tasks, then stops the workers; run after close rejects with PoolClosedError', async () => {
    const p = pool({ worker: behaviours, threads: 2 });
    const tasks = Array.from({ length: 20 }, (_, value) => p.run({ op: 'sleep', ms: 2, value }));
    const closing = p.close();
    await expect(p.run({ op: 'echo', value: 'late' })).rejects.toBeInstanceOf(PoolClosedError);
    await expect(Promise.all(tasks)).resolves.toEqual(Array.from({ length: 20 }, (_, i) => i));
    await closing;
    expect(p.stats.threads).toBe(0);
    expect(p.close()).toBe(closing);
    await expect(p.run({ op: 'echo', value: 'late' })).rejects.toThrow(/run\(\) is not accepted after close\(\)/);
  });
});
