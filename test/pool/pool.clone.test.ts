// run() and serve() with the serializer's semantics, end to end through
// worker threads and the built dist/ files: what cannot be carried rejects
// that task with a DataCloneError (in run()'s promise, whichever side found
// it) and the pool carries on; what can arrives as structured clone has it,
// with the documented approximations.
import { afterAll, describe, expect, it } from 'vitest';
import { createPool } from '../../dist/pool/index.js';

const pool = createPool<{ op: string; value?: unknown }, unknown>({
  worker: new URL('./workers/behaviours.mjs', import.meta.url),
  threads: 1,
});
afterAll(() => pool.close());

const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('resolved'); }, (e: Error) => e);

describe('run() rejects with a DataCloneError for what cannot be carried, and the pool carries on', () => {
  it.each([
    ['a function in the input', { handler() {} }, /^run\(\) could not serialize the task input: a function \(handler\) could not be cloned\./],
    ['a symbol in the input', [Symbol('s')], /^run\(\) could not serialize the task input: a symbol could not be cloned\./],
    ['a SharedArrayBuffer in the input', new SharedArrayBuffer(4), /SharedArrayBuffer could not be cloned/],
  ])('%s: rejected before it is queued', async (_, value, what) => {
    const error = await rejection(pool.run({ op: 'echo', value }));
    expect(error.name).toBe('DataCloneError');
    expect(error.message).toMatch(what);
    expect(pool.stats.queued).toBe(0);
    await expect(pool.run({ op: 'echo', value: 'after' })).resolves.toBe('after');
  });

  it('a result the worker cannot serialize (a symbol): the task rejects, named DataCloneError', async () => {
    const error = await rejection(pool.run({ op: 'unserializable' }));
    expect(error.name).toBe('DataCloneError');
    expect(error.message).toMatch(/^the task's result could not be serialized: a symbol could not be cloned\./);
    await expect(pool.run({ op: 'echo', value: 2 })).resolves.toBe(2);
  });

  it('an input the worker cannot decode (a typed-array subclass): the task rejects, named DataCloneError', async () => {
    class Bytes extends Uint8Array {}
    const error = await rejection(pool.run({ op: 'echo', value: new Bytes([1]) }));
    expect(error.name).toBe('DataCloneError');
    expect(error.message).toMatch(/typed-array subclass/);
    await expect(pool.run({ op: 'echo', value: 3 })).resolves.toBe(3);
  });
});

describe('run() carries values as structured clone does, both ways', () => {
  it('own "__proto__" keys, BigInts beyond 1000 bits, class instances without calling toJSON', async () => {
    class Money {
      constructor(readonly cents: number) {}
      toJSON(): never {
        throw new Error('toJSON was called');
      }
    }
    const value = { ...JSON.parse('{"__proto__": {"x": 1}}'), big: 2n ** 4000n + 1n, price: new Money(5) };
    const back = (await pool.run({ op: 'echo', value })) as Record<string, unknown>;
    expect(back).toEqual(structuredClone(value));
    expect(Object.keys(back)).toEqual(['__proto__', 'big', 'price']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back.big).toBe(2n ** 4000n + 1n);
  });

  it('the documented approximations: -0 arrives as 0, holes as undefined', async () => {
    const back = (await pool.run({ op: 'echo', value: [-0, , 2] })) as unknown[]; // eslint-disable-line no-sparse-arrays
    expect(Object.is(back[0], 0)).toBe(true);
    expect(1 in back).toBe(true);
  });
});
