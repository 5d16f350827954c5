// The pool's wire format: task and result messages over the one serializer
// (ts/serialize.ts), with its semantics: DataCloneError for what it cannot
// carry, exact BigInts and "__proto__" keys, toJSON never called, and the
// documented approximations where the pool has no platform lane.
import { describe, expect, it } from 'vitest';
import {
  RESULT_ERROR, RESULT_OK, decodeResult, decodeTaskInput, encodeResult, encodeTaskInput, encodingFailure, readTaskId,
  TASK_HEADER_BYTES, readTaskName, writeTaskId,
} from '../../ts/pool/task-codec.js';
import { ID_LIMIT } from '../../ts/pool/control.js';
import { Serializer, serialize } from '../../ts/serialize.js';
import { SharedStructures } from '../../ts/structures.js';
import { expectSameClone } from '../clone-oracle.js';
import { thrownBy } from '../helpers.js';

/** The two ends of a pool: the main thread's serializer and a worker's, over one table of shapes. */
const table = new SharedStructures();
const mainSide = new Serializer(table);
const workerSide = new Serializer(new SharedStructures(table.buffer));

/** encodeTaskInput, then decodeTaskInput behind a header, as the pool and a worker do. */
function throughTask(input: unknown, id = 1): unknown {
  const bytes = encodeTaskInput(mainSide, input);
  const message = new Uint8Array(TASK_HEADER_BYTES + bytes.length);
  message.set(bytes, TASK_HEADER_BYTES);
  writeTaskId(message, id, false);
  return decodeTaskInput(workerSide, message);
}


describe('task messages', () => {
  it('carry a task id header and the input, ids up to 2^31 - 1 (task ids stop at ID_LIMIT, 2^30)', () => {
    const input = encodeTaskInput(mainSide, { a: [1, 'two'], m: new Map([[1, 2]]) });
    const message = new Uint8Array(TASK_HEADER_BYTES + input.length);
    message.set(input, TASK_HEADER_BYTES);
    for (const id of [1, 255, 65536, ID_LIMIT, 2 ** 31 - 1]) {
      writeTaskId(message, id, false);
      expect(readTaskId(message)).toBe(id);
      expect(readTaskName(message)).toBeUndefined();
    }
    expect(decodeTaskInput(workerSide, message)).toEqual({ a: [1, 'two'], m: new Map([[1, 2]]) });
  });

  it('carry the task function name run() was given ahead of the input, the id unchanged', () => {
    for (const name of ['resize', '', 'naïve ✓ name']) {
      const input = encodeTaskInput(mainSide, [1, 2, 3], name);
      const message = new Uint8Array(TASK_HEADER_BYTES + input.length);
      message.set(input, TASK_HEADER_BYTES);
      writeTaskId(message, ID_LIMIT, true);
      expect(readTaskId(message)).toBe(ID_LIMIT);
      expect(readTaskName(message)).toBe(name);
      expect(decodeTaskInput(workerSide, message)).toEqual([1, 2, 3]);
    }
  });

  it('refuse a name longer than 65535 bytes of UTF-8, saying so', () => {
    expect(() => encodeTaskInput(mainSide, 1, 'x'.repeat(65536))).toThrow(/a task function name is at most 65535 bytes of UTF-8; got 65536/);
  });
});

describe('result messages', () => {
  it('carry values as they are, and the run time the worker measured', () => {
    expect(decodeResult(mainSide, encodeResult(workerSide, 7, RESULT_OK, { x: 1n }, 2.5))).toEqual([7, RESULT_OK, { x: 1n }, 2.5]);
  });

  it('rebuild thrown errors with name, message, stack, code and cause', () => {
    const cause = new TypeError('inner');
    const error = Object.assign(new RangeError('outer', { cause }), { code: 'E_X' });
    const [id, status, value] = decodeResult(mainSide, encodeResult(workerSide, 9, RESULT_ERROR, error));
    expect([id, status]).toEqual([9, RESULT_ERROR]);
    expect(value).toBeInstanceOf(Error);
    expect(value).toMatchObject({ name: 'RangeError', message: 'outer', stack: error.stack, code: 'E_X' });
    expect((value as Error).cause).toMatchObject({ name: 'TypeError', message: 'inner', stack: cause.stack });
  });

  it('carry thrown non-errors as the value', () => {
    expect(decodeResult(mainSide, encodeResult(workerSide, 1, RESULT_ERROR, 'text'))[2]).toBe('text');
  });
});

describe('decoded binary values', () => {
  it('do not alias the buffer they were decoded from (the pool reuses it for the next message)', () => {
    const bytes = encodeResult(workerSide, 1, RESULT_OK, { u8: new Uint8Array([1, 2, 3]), f64: new Float64Array([1.5]) });
    const reused = new Uint8Array(bytes.length);
    reused.set(bytes);
    const [, , value] = decodeResult(mainSide, reused);
    reused.fill(0);
    expect(value).toEqual({ u8: new Uint8Array([1, 2, 3]), f64: new Float64Array([1.5]) });
  });
});

describe('task inputs and results: the serializer\'s semantics', () => {
  it.each([
    ['a function', { handler: () => 1 }, /a function \(handler\) could not be cloned/],
    ['a symbol', { tag: Symbol('t') }, /a symbol could not be cloned/],
    ['a WeakMap', [new WeakMap()], /a WeakMap object could not be cloned/],
    ['a SharedArrayBuffer (the pool has no lane to share it)', new SharedArrayBuffer(8), /SharedArrayBuffer could not be cloned/],
  ])('%s: encodeTaskInput and encodeResult throw a DataCloneError saying so', (_, value, what) => {
    for (const encode of [() => encodeTaskInput(mainSide, value), () => encodeResult(workerSide, 3, RESULT_OK, value)]) {
      const error = thrownBy(encode);
      expect(error.name).toBe('DataCloneError');
      expect(error.message).toMatch(what);
    }
  });

  it('carry own "__proto__" keys, BigInts of any size, and never call toJSON, as structured clone', () => {
    class Timed {
      constructor(readonly at: number) {}
      toJSON(): never {
        throw new Error('toJSON was called');
      }
    }
    const value = { ...JSON.parse('{"__proto__": {"x": 1}}'), big: -(2n ** 5000n) + 7n, timed: new Timed(5) };
    expectSameClone(throughTask(value), structuredClone(value));
    const [, , back] = decodeResult(mainSide, encodeResult(workerSide, 9, RESULT_OK, value));
    expectSameClone(back, structuredClone(value));
  });

  it('approximate what they cannot carry exactly, as documented: -0 → 0, holes → undefined', () => {
    const back = throughTask({ n: -0, list: [1, , 3] }) as { n: number; list: unknown[] }; // eslint-disable-line no-sparse-arrays
    expect(Object.is(back.n, 0)).toBe(true);
    expect(1 in back.list).toBe(true);
    expect(back.list).toStrictEqual([1, undefined, 3]);
  });
});

describe('encodingFailure: the error run() rejects with / a task fails with when encoding fails', () => {
  it('stays a DataCloneError (testable by name) and says where and why', () => {
    const error = encodingFailure('run() could not serialize the task input', thrownBy(() => encodeTaskInput(mainSide, { f() {} })));
    expect(error.name).toBe('DataCloneError');
    expect(error.message).toMatch(/^run\(\) could not serialize the task input: a function \(f\) could not be cloned\. /);
  });

  it('is a TypeError with the cause for any other failure', () => {
    const cause = new RangeError('from a getter');
    const error = encodingFailure("the task's result could not be serialized", cause);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("the task's result could not be serialized: from a getter");
    expect(error.cause).toBe(cause);
  });
});

describe('decodeResult never throws for what encodeResult made', () => {
  class Bytes extends Uint8Array {}
  it.each([1, 63, 64, 255, 256, 65535, 65536, 2 ** 32 - 1])(
    'a result the serializer cannot read back (a typed-array subclass) fails task %i with a DataCloneError',
    (id) => {
      const [gotId, status, value] = decodeResult(mainSide, encodeResult(workerSide, id, RESULT_OK, { bytes: new Bytes([1]) }));
      expect([gotId, status]).toEqual([id, RESULT_ERROR]);
      expect((value as Error).name).toBe('DataCloneError');
      expect((value as Error).message).toMatch(/^the task's result could not be decoded: .*typed-array subclass/);
    },
  );

  it('also behind the "__proto__" framing', () => {
    const bytes = encodeResult(workerSide, 300, RESULT_OK, { ...JSON.parse('{"__proto__": 1}'), bytes: new Bytes([1]) });
    expect(bytes[0]).toBe(0xc1);
    const [id, status, value] = decodeResult(mainSide, bytes);
    expect([id, status, (value as Error).name]).toEqual([300, RESULT_ERROR, 'DataCloneError']);
  });

  it('rethrows for bytes that are not a result message (no id to blame)', () => {
    expect(() => decodeResult(mainSide, serialize({ not: 'a result', bytes: new Bytes([1]) }))).toThrow(/typed array/);
  });
});

describe('thrown errors', () => {
  it('with a cause chain that loops back: the loop is cut, the rest kept', () => {
    const outer = new Error('outer');
    const inner = new TypeError('inner', { cause: outer });
    outer.cause = inner;
    const [, , value] = decodeResult(mainSide, encodeResult(workerSide, 2, RESULT_ERROR, outer));
    expect(value).toMatchObject({ name: 'Error', message: 'outer' });
    expect((value as Error).cause).toMatchObject({ name: 'TypeError', message: 'inner' });
    expect(((value as Error).cause as Error).cause).toBeUndefined();
  });

  it('a DataCloneError thrown by a task keeps its name', () => {
    const thrown = thrownBy(() => structuredClone(() => 1));
    const [, , value] = decodeResult(mainSide, encodeResult(workerSide, 2, RESULT_ERROR, thrown));
    expect(value).toMatchObject({ name: 'DataCloneError', message: thrown.message });
  });
});
