// Where msgpackr is not exact (ts/serialize.ts's table): needsPlatformClone
// sends such values to SharedChannel's platform lane, and the pool, which
// has no lane, gets exactly the documented approximation or a DataCloneError.
import { describe, expect, test, vi } from 'vitest';
import { needsPlatformClone } from '../ts/clone-rule.js';
import { deserialize, serialize } from '../ts/serialize.js';
import { expectSameClone, poolApproximation } from './clone-oracle.js';
import { thrownBy } from './helpers.js';

const roundTrip = (value: unknown) => deserialize(serialize(value));


/** A value, and what the serializer (so the pool) delivers for it. */
type Approximation = readonly [what: string, make: () => unknown, expected: (value: any) => unknown];

const shared = new Uint8Array([7, 8]).buffer;
const approximations: Approximation[] = [
  ['-0 arrives as 0', () => ({ n: -0, list: [-0] }), () => ({ n: 0, list: [0] })],
  ['array holes arrive as undefined', () => [1, , 3], () => [1, undefined, 3]], // eslint-disable-line no-sparse-arrays
  ['named array properties are dropped', () => Object.assign([1, 2], { extra: true }), () => [1, 2]],
  ['a lone surrogate becomes U+FFFD, in values and keys', () => ({ ['k\udc00']: 'v\ud800' }), () => ({ 'k\ufffd': 'v\ufffd' })],
  ['a partial view arrives compact, in a buffer of its own', () => new Uint8Array([0, 1, 2, 3]).subarray(1, 3), () => new Uint8Array([1, 2])],
  ['a view of shared memory arrives copied', () => new Int16Array(new SharedArrayBuffer(4)).fill(3), () => new Int16Array([3, 3])],
  ['views sharing a buffer arrive with a buffer each', () => [new Uint8Array(shared), new DataView(shared)],
    () => [new Uint8Array([7, 8]), new DataView(new Uint8Array([7, 8]).buffer)]],
  ['a Node Buffer stays a Buffer, compact (structured clone makes a Uint8Array)', () => Buffer.from([1, 2]),
    () => Buffer.from(new Uint8Array([1, 2]).buffer)],
  ['an Error keeps its type, message and cause and gets an own cause', () => new TypeError('t'),
    () => Object.assign(new TypeError('t', { cause: undefined }))],
  ['an Error with a custom name keeps the name (structured clone resets it to Error)',
    () => Object.assign(new Error('n'), { name: 'TaskError' }), () => Object.assign(new Error('n', { cause: undefined }), { name: 'TaskError' })],
  ['an AggregateError keeps its errors (structured clone drops them)', () => new AggregateError([new Error('a')], 'all'),
    () => new AggregateError([new Error('a', { cause: undefined })], 'all', { cause: undefined })],
];

describe('what the pool gets where msgpackr is not exact (and the channel sends it to the lane)', () => {
  test.each(approximations)('%s', (_, make, expected) => {
    const value = make();
    expect(needsPlatformClone(value)).toBe(true);
    const back = roundTrip(value);
    expectSameClone(back, expected(value), { ignoreErrorStack: true });
  });

  test.each(approximations.filter(([what]) => !/Buffer stays|custom name|AggregateError/.test(what)))(
    'the oracle model of the same: %s',
    (_, make) => {
      const value = make();
      expectSameClone(roundTrip(value), poolApproximation(structuredClone(value)), { ignoreErrorStack: true });
    },
  );
});

describe('an Error that is part of a cycle (Node\'s V8 structuredClone cannot read it back)', () => {
  test('the pool gets an empty plain object in its place, as documented', () => {
    const error = new Error('loops');
    error.cause = { error };
    // What the platform does is the engine's business (Node 20's V8 throws
    // "Unable to deserialize cloned data"; Deno's newer V8 and Bun's JSC read
    // it back); the pool's answer is msgpackr's and the same everywhere.
    const back = roundTrip({ error }) as { error: unknown };
    expect(back.error).toStrictEqual({});
  });
});

describe('what the pool rejects although structured clone copies it (the channel sends it to the lane)', () => {
  class Registry extends Map<unknown, unknown> {}
  class Bytes extends Uint8Array {}
  test.each([
    ['a SharedArrayBuffer', () => ({ memory: new SharedArrayBuffer(8) }), /a SharedArrayBuffer could not be cloned: bytes in a message cannot share memory/],
    ['a String wrapper', () => new String('s'), /a String wrapper object could not be cloned: send the primitive string/],
    ['a Number wrapper', () => [new Number(1)], /a Number wrapper object could not be cloned/],
    ['a Boolean wrapper', () => new Boolean(false), /a Boolean wrapper object could not be cloned/],
    ['a Map subclass', () => new Registry([[1, 2]]), /a Map subclass instance could not be cloned: send a plain Map/],
    ['a Blob', () => new Blob(['x']), /a Blob object could not be cloned/],
  ])('%s: DataCloneError when encoding', (_, make, what) => {
    const value = make();
    expect(() => structuredClone(value)).not.toThrow();
    expect(needsPlatformClone(value)).toBe(true);
    const error = thrownBy(() => serialize(value));
    expect(error.name).toBe('DataCloneError');
    expect(error.message).toMatch(what);
  });

  test('a typed-array subclass: DataCloneError when decoding (msgpackr writes a type code it cannot read)', () => {
    const value = { bytes: new Bytes([1]) };
    expect(needsPlatformClone(value)).toBe(true);
    const bytes = serialize(value);
    const error = thrownBy(() => deserialize(bytes));
    expect(error.name).toBe('DataCloneError');
    expect(error.message).toMatch(/a typed array of a type the serializer does not know \(a typed-array subclass, or Float16Array\)/);
  });
});

describe('needsPlatformClone: the rest of the lane rule', () => {
  const view = new Uint8Array(4);
  test.each([
    ['a lone surrogate in a string', ['ok', 'x\ud800']],
    ['a lone surrogate in a key', { 'a\udfff': 1 }],
    ['any Error (the bytes would lose its stack and add an own cause)', { e: new Error('x') }],
    ['a DOMException', new DOMException('d', 'AbortError')],
    ['a typed array and its own buffer', { view, buffer: view.buffer }],
    ['two views of one buffer', [view, new Uint16Array(view.buffer)]],
    ['a typed-array subclass', new (class extends Float32Array {})(1)],
    ['a resizable ArrayBuffer', new (ArrayBuffer as any)(8, { maxByteLength: 16 })],
    ['an arguments object', (function () { return arguments; })()], // eslint-disable-line prefer-rest-params
    ['a module-namespace-like null-prototype object with a tag', Object.create(null, { [Symbol.toStringTag]: { value: 'Module' } })],
    ['-0 deep in a value too large for the first pass', [...Array.from({ length: 1500 }, (_, i) => ({ i })), { n: -0 }]],
    ['-0 inside a cycle', (() => { const o: Record<string, unknown> = { n: -0 }; o.self = o; return o; })()],
  ])('%s', (_, value) => {
    expect(needsPlatformClone(value)).toBe(true);
  });

  test.each([
    ['the same view twice', [view, view]],
    ['the same ArrayBuffer twice', [view.buffer, view.buffer]],
    ['a well-formed surrogate pair', ['\ud83d\ude00']],
    ['a null-prototype object', Object.assign(Object.create(null), { a: 1 })],
    ['a plain object with "callee" and "constructor" keys', { callee: 1, constructor: 'x' }],
    ['a large acyclic value (more objects than the first pass visits)', Array.from({ length: 1500 }, (_, i) => ({ i }))],
    ['a DAG sharing one object many times', (() => { const s = { s: 1 }; return Array.from({ length: 2000 }, () => s); })()],
    ['a BigInt of 960 bits', 2n ** 959n],
  ])('%s stays on the bytes path, and is exact there', (_, value) => {
    expect(needsPlatformClone(value)).toBe(false);
    expectSameClone(roundTrip(value), structuredClone(value));
  });
});

describe('without String.prototype.isWellFormed (older browsers)', () => {
  test('the fallback finds lone surrogates as isWellFormed does', async () => {
    const original = Object.getOwnPropertyDescriptor(String.prototype, 'isWellFormed')!;
    delete (String.prototype as { isWellFormed?: unknown }).isWellFormed;
    try {
      vi.resetModules();
      const fallback = await import('../ts/clone-rule.js');
      for (const s of ['\ud800', 'a\udc00', '\udbffx', 'x\udfff\ud800', '\ud800\ud800\udc00']) {
        expect(fallback.needsPlatformClone(s), JSON.stringify(s)).toBe(true);
      }
      for (const s of ['', 'plain', '\ud83d\ude00', 'a\udbff\udfffb', 'é€']) {
        expect(fallback.needsPlatformClone(s), JSON.stringify(s)).toBe(false);
      }
    } finally {
      Object.defineProperty(String.prototype, 'isWellFormed', original);
    }
  });
});
