// Named task functions: serve({ name: fn }) in the worker, run(input, { name })
// on the main thread; the single-function form; and the errors that say
// which names a worker serves.
import { describe, expect, it } from 'vitest';
import { Handlers } from '../../ts/pool/handlers.js';
import { TASK_HEADER_BYTES, decodeResult, encodeTaskInput, writeTaskId } from '../../ts/pool/task-codec.js';
import { resultMessage } from '../../ts/pool/handlers.js';
import { Serializer } from '../../ts/serialize.js';
import { SharedStructures } from '../../ts/structures.js';

import { pool, workerFile } from './helpers.js';

/** The two ends of a pool: the main thread's serializer and a worker's, over one table of shapes. */
const table = new SharedStructures();
const mainSide = new Serializer(table);
const workerSide = new Serializer(new SharedStructures(table.buffer));

/** A task message as the pool builds it. */
function message(input: unknown, name?: string): Uint8Array {
  const payload = encodeTaskInput(mainSide, input, name);
  const m = new Uint8Array(TASK_HEADER_BYTES + payload.length);
  m.set(payload, TASK_HEADER_BYTES);
  writeTaskId(m, 5, name !== undefined);
  return m;
}

describe('Handlers (the worker side, on its own)', () => {
  it('picks the named function, and the default one for a task without a name', async () => {
    const h = new Handlers({ default: (n: number) => n + 1, double: (n: number) => n * 2 });
    expect(h.run(workerSide, message(3))).toMatchObject({ status: 1, value: 4 });
    expect(h.run(workerSide, message(3, 'double'))).toMatchObject({ status: 1, value: 6 });
  });

  it('rejects an unknown name, naming it and every name the worker serves', () => {
    const h = new Handlers({ resize: () => 1, hash: () => 2 });
    const outcome = h.run(workerSide, message(0, 'crop'));
    expect(outcome).toMatchObject({ status: 0 });
    expect((outcome as { value: Error }).value).toBeInstanceOf(RangeError);
    expect(String((outcome as { value: Error }).value)).toMatch(/no task function named 'crop'; it serves 'resize', 'hash'/);
    const unnamed = h.run(workerSide, message(0));
    expect(String((unnamed as { value: Error }).value)).toMatch(/serves named task functions \('resize', 'hash'\) and none is 'default': pass run\(input, \{ name \}\)/);
  });

  it('rejects a name sent to a worker that serves a single function', () => {
    const outcome = new Handlers((n: number) => n).run(workerSide, message(1, 'double'));
    expect(String((outcome as { value: Error }).value)).toMatch(/serves a single task function \(serve\(handler\)\), so it has none named 'double'/);
  });

  it('refuses what is neither a function nor an object of functions, saying what is allowed', () => {
    expect(() => new Handlers(42 as never)).toThrow(/serve\(\) takes the task function, \(input\) => output, or an object of named ones/);
    expect(() => new Handlers({} as never)).toThrow(/no task functions: give at least one/);
    expect(() => new Handlers({ a: () => 1, b: 'x' } as never)).toThrow(/was given 'b', which is not a function \(string\)/);
  });

  it('measures the run time of an async function until it settles', async () => {
    const h = new Handlers(() => new Promise((resolve) => setTimeout(() => resolve('late'), 30)));
    const outcome = await h.run(workerSide, message(0));
    expect(outcome.value).toBe('late');
    expect(outcome.runMs).toBeGreaterThanOrEqual(25);
    const [, , value, runMs] = decodeResult(mainSide, resultMessage(workerSide, 5, outcome, 1 << 20));
    expect([value, runMs]).toEqual(['late', outcome.runMs]);
  });
});

describe('named task functions through a pool', () => {
  it('run(input, { name }) picks the function; without a name the default runs', async () => {
    const p = pool({ worker: workerFile('named.mjs'), threads: 2 });
    await expect(Promise.all([p.run(10), p.run(10, { name: 'double' }), p.run(10, { name: 'default' })])).resolves.toEqual([
      11, 20, 11,
    ]);
  });

  it('an unknown name rejects that task only, naming the known ones; the pool keeps serving', async () => {
    const p = pool({ worker: workerFile('named.mjs'), threads: 1 });
    const error = await p.run(1, { name: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('RangeError');
    expect((error as Error).message).toMatch(/no task function named 'nope'; it serves 'default', 'double', 'whoami'/);
    await expect(p.run(1, { name: 'double' })).resolves.toBe(2);
  });

  it('a name that is not a string rejects run(), saying so', async () => {
    const p = pool({ worker: workerFile('named.mjs'), threads: 1 });
    await expect(p.run(1, { name: 5 as never })).rejects.toThrow(/run\(\) option name must be a string, the task function's name; got number/);
  });
});
