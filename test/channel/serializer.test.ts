// The serializer against structuredClone as the oracle: what it packs comes
// back equal, and whatever it would get wrong is routed to the platform.
import { describe, expect, test, vi } from 'vitest';
import fc from 'fast-check';
import { dataCloneError, deserialize, needsPlatformClone, serialize } from '../../ts/channel/serializer.js';

const roundTrip = (value: unknown) => deserialize(serialize(value));

/** Structured-clone-family values msgpackr should carry exactly. */
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double().filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
  fc.date({ noInvalidDate: true }),
  fc.uint8Array().map((a) => new Uint8Array(a)), // its own, whole buffer
  fc.float64Array({ noDefaultInfinity: true }).map((a) => new Float64Array(a)),
  fc.int32Array().map((a) => new Int32Array(a).buffer),
  fc.constantFrom(/x+y/g, /^a.b$/mi),
  fc.string().map((m) => new TypeError(m)),
);
const cloneable = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object'), tie('map'), tie('set')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  map: fc.array(fc.tuple(fc.oneof(fc.string(), fc.integer()), tie('value')), { maxLength: 4 }).map((e) => new Map(e)),
  set: fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 4 }).map((e) => new Set(e)),
})).value;

describe('serialize / deserialize', () => {
  test('random structured-clone values round-trip equal to structuredClone', () => {
    fc.assert(
      fc.property(cloneable, (value) => {
        // What the walk sends to the platform is carried by postMessage itself;
        // everything else must survive msgpackr exactly.
        fc.pre(!needsPlatformClone(value));
        expect(roundTrip(value)).toEqual(structuredClone(value));
      }),
      { numRuns: Number(process.env.WASMQ_FUZZ_RUNS ?? 300) },
    );
  });

  test('cycles and shared references keep their identity', () => {
    const shared = { n: 1 };
    const node: Record<string, unknown> = { a: shared, b: shared, map: new Map([['s', shared]]) };
    node.self = node;
    expect(needsPlatformClone(node)).toBe(false);
    const back = roundTrip(node) as typeof node;
    expect(back.self).toBe(back);
    expect(back.a).toBe(back.b);
    expect((back.map as Map<string, unknown>).get('s')).toBe(back.a);
  });

  test('errors keep their type, message and cause', () => {
    const error = new RangeError('too far', { cause: { at: 3 } });
    const back = roundTrip(error) as RangeError;
    expect(back).toBeInstanceOf(RangeError);
    expect(back.message).toBe('too far');
    expect(back.cause).toEqual({ at: 3 });
  });

  test('bytes from one thread decode in a fresh decoder (nothing is shared between messages)', async () => {
    const first = serialize({ id: 'a', type: 'APPLY', path: ['x'] }).slice();
    const third = serialize({ id: 'c', type: 'APPLY', path: ['z'] }).slice();
    // A separate module instance stands for another thread's decoder.
    vi.resetModules();
    const fresh = await import('../../ts/channel/serializer.js');
    expect(fresh.deserialize).not.toBe(deserialize);
    expect(fresh.deserialize(third)).toEqual({ id: 'c', type: 'APPLY', path: ['z'] });
    expect(fresh.deserialize(first)).toEqual({ id: 'a', type: 'APPLY', path: ['x'] });
  });
});

describe('needsPlatformClone: what msgpackr would get wrong goes to the platform', () => {
  const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const named = Object.assign([1, 2], { extra: true });
  class CustomError extends Error {}
  const bytes = new Uint8Array(16);
  test.each([
    ['-0', -0],
    ['an array with holes', sparse],
    ['an array with named properties', named],
    ['a SharedArrayBuffer', new SharedArrayBuffer(8)],
    ['a view of shared memory', new Int32Array(new SharedArrayBuffer(8))],
    ['a view of part of a buffer', bytes.subarray(4, 8)],
    ['a WeakMap', new WeakMap()],
    ['a Promise', Promise.resolve(1)],
    ['a String wrapper', new String('s')],
    ['an Error subclass', new CustomError('x')],
    ['a BigInt over 960 bits', 2n ** 1000n],
    ['a function (nested)', { deep: [{ f: () => 1 }] }],
    ['a symbol', Symbol('s')],
    ['a MessagePort', new MessageChannel().port1],
    ['an own "__proto__" key (msgpackr renames it; found by the property test)', JSON.parse('{"a": {"__proto__": null}}')],
  ])('%s', (_, value) => {
    expect(needsPlatformClone(value)).toBe(true);
  });

  test('plain data, class instances and Comlink messages do not', () => {
    class Point {
      constructor(public x: number, public y: number) {}
    }
    for (const value of [
      { id: 'x', type: 'APPLY', path: ['add'], argumentList: [{ type: 'RAW', value: 1 }] },
      new Point(1, 2),
      Object.create(null),
      [new Date(0), new Map([[1, new Set([2])]])],
    ]) {
      expect(needsPlatformClone(value)).toBe(false);
    }
    expect(roundTrip(new Point(1, 2))).toEqual(structuredClone(new Point(1, 2)));
  });
});

describe('dataCloneError', () => {
  test('is a DOMException named DataCloneError that says what can be sent', () => {
    const error = dataCloneError('a function could not be cloned');
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe('DataCloneError');
    expect(error.message).toMatch(/function could not be cloned.*Map, Set, Date.*Nothing was sent/);
  });

  test('serialize throws it for a function that slipped past the walk', () => {
    expect(() => serialize({ f() {} })).toThrow(expect.objectContaining({ name: 'DataCloneError' }));
  });
});
