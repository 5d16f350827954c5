// The transfer lane: run(input, { transferList }) moves buffers to one worker
// and move() moves the result back; errors, deaths, abort, drained and
// stats treat it like any task.
import { describe, expect, it } from 'vitest';
import { WorkerDiedError } from '../../dist/pool/index.js';
import { pool, until, workerFile } from './helpers.js';

const named = workerFile('named.mjs');
const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('transferList and move()', () => {
  it('moves the input to the worker (detached here) and the move()d result back, values intact', async () => {
    const p = pool({ worker: named, threads: 2 });
    const samples = ramp(131072); // 1 MiB
    const out = (await p.run(samples, { name: 'scale', transferList: [samples.buffer] })) as Float64Array;
    expect(samples.byteLength).toBe(0); // transferred, not copied
    expect(out).toBeInstanceOf(Float64Array);
    expect(out.length).toBe(131072);
    expect([out[0], out[1], out[131071]]).toEqual([0, 2, 262142]);
  });

  it('copies a result that was not move()d, and many transfer-lane tasks settle exactly once each', async () => {
    const p = pool({ worker: named, threads: 2 });
    const runs = Array.from({ length: 200 }, (_, k) => {
      const samples = Float64Array.of(k, k + 1);
      return p.run({ samples, copy: k % 2 === 0 }, { name: 'scale', transferList: [samples.buffer] });
    });
    const outs = (await Promise.all(runs)) as Float64Array[];
    outs.forEach((out, k) => expect([...out]).toEqual([2 * k, 2 * k + 2]));
    expect(p.stats).toMatchObject({ completed: 200, failed: 0, running: 0 });
  });

  it('rejects with what the task threw, name and message kept; and says what move() takes', async () => {
    const p = pool({ worker: named, threads: 1 });
    const buffer = new ArrayBuffer(8);
    await expect(p.run('bad', { name: 'fail', transferList: [buffer] })).rejects.toMatchObject({ name: 'TypeError', message: 'bad' });
    const other = new ArrayBuffer(8);
    await expect(p.run(other, { name: 'badMove', transferList: [other] })).rejects.toThrow(
      /move\(\) without a transfer list takes an ArrayBuffer, a typed array, a DataView or a MessagePort; got object/,
    );
  });

  it('refuses a transferList that is not an array, and an input postMessage cannot clone', async () => {
    const p = pool({ worker: named, threads: 1 });
    await expect(p.run(1, { transferList: 'x' as never })).rejects.toThrow(/transferList must be an array of transferables/);
    const buffer = new ArrayBuffer(8);
    await expect(p.run({ f: () => 1 }, { transferList: [buffer] })).rejects.toMatchObject({ name: 'DataCloneError' });
    await expect(p.run(1)).resolves.toBe(2);
  });

  it('a worker that dies with a transfer-lane task rejects it with WorkerDiedError; abort stops its worker; drained waits for it', async () => {
    const p = pool({ worker: named, threads: 1 });
    const buffer = new ArrayBuffer(8);
    await expect(p.run(1, { name: 'exit', transferList: [buffer] })).rejects.toBeInstanceOf(WorkerDiedError);
    const controller = new AbortController();
    const b2 = new ArrayBuffer(8);
    const held = p.run({ ms: 60_000, value: 0 }, { name: 'sleep', transferList: [b2], signal: controller.signal });
    await until(() => p.stats.running === 1, 'it runs');
    let drained = false;
    const done = p.drained().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drained).toBe(false);
    controller.abort(new Error('no longer needed'));
    await expect(held).rejects.toThrow('no longer needed');
    await done;
    await expect(p.run(2, { name: 'double' })).resolves.toBe(4); // replaced
  });
});
