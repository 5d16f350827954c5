import { describe, expect, it } from 'vitest';
import {
  RESULT_ERROR, RESULT_OK, decodeResult, decodeTaskInput, encodeResult, encodeTaskInput, readTaskId,
  TASK_HEADER_BYTES, writeTaskId,
} from '../../ts/pool/task-codec.js';

describe('task messages', () => {
  it('carry a task id header and the input, ids up to 2^32 - 1', () => {
    const input = encodeTaskInput({ a: [1, 'two'], m: new Map([[1, 2]]) });
    const message = new Uint8Array(TASK_HEADER_BYTES + input.length);
    message.set(input, TASK_HEADER_BYTES);
    for (const id of [1, 255, 65536, 2 ** 30, 2 ** 32 - 1]) {
      writeTaskId(message, id);
      expect(readTaskId(message)).toBe(id);
    }
    expect(decodeTaskInput(message)).toEqual({ a: [1, 'two'], m: new Map([[1, 2]]) });
  });
});

describe('result messages', () => {
  it('carry values as they are', () => {
    expect(decodeResult(encodeResult(7, RESULT_OK, { x: 1n }))).toEqual([7, RESULT_OK, { x: 1n }]);
  });

  it('rebuild thrown errors with name, message, stack, code and cause', () => {
    const cause = new TypeError('inner');
    const error = Object.assign(new RangeError('outer', { cause }), { code: 'E_X' });
    const [id, status, value] = decodeResult(encodeResult(9, RESULT_ERROR, error));
    expect([id, status]).toEqual([9, RESULT_ERROR]);
    expect(value).toBeInstanceOf(Error);
    expect(value).toMatchObject({ name: 'RangeError', message: 'outer', stack: error.stack, code: 'E_X' });
    expect((value as Error).cause).toMatchObject({ name: 'TypeError', message: 'inner', stack: cause.stack });
  });

  it('carry thrown non-errors as the value', () => {
    expect(decodeResult(encodeResult(1, RESULT_ERROR, 'text'))[2]).toBe('text');
  });
});

describe('decoded binary values', () => {
  it('do not alias the buffer they were decoded from (the pool reuses it for the next message)', () => {
    const bytes = encodeResult(1, RESULT_OK, { u8: new Uint8Array([1, 2, 3]), f64: new Float64Array([1.5]) });
    const reused = new Uint8Array(bytes.length);
    reused.set(bytes);
    const [, , value] = decodeResult(reused);
    reused.fill(0);
    expect(value).toEqual({ u8: new Uint8Array([1, 2, 3]), f64: new Float64Array([1.5]) });
  });
});
