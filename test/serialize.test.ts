// The serializer (ts/serialize.ts) against structuredClone as the oracle:
// what it packs comes back equal; what structured clone rejects it rejects
// with a DataCloneError; toJSON, BigInts of any size and own "__proto__"
// keys behave as structured clone does. The lane rule and the pool's
// approximations: clone-rule.test.ts; random values: serialize.property.test.ts.
import { describe, expect, test, vi } from 'vitest';
import fc from 'fast-check';
import { needsPlatformClone } from '../ts/clone-rule.js';
import { dataCloneError, deserialize, serialize } from '../ts/serialize.js';
import { expectSameClone } from './clone-oracle.js';
import { thrownBy } from './helpers.js';

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
    const fresh = await import('../ts/serialize.js');
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


describe('what structured clone rejects, serialize rejects with a DataCloneError and says what', () => {
  function args(..._: unknown[]) {
    return arguments; // eslint-disable-line prefer-rest-params
  }
  test.each([
    ['a nested arrow function, by its inferred name', { deep: [{ f: () => 1 }] }, /a function \(f\) could not be cloned/],
    ['a named function, by name', [function loadUser() {}], /a function \(loadUser\) could not be cloned/],
    ['a method', { run() {} }, /a function \(run\) could not be cloned/],
    ['a class', { Point: class Point {} }, /a function \(Point\) could not be cloned/],
    ['an own toJSON function (structured clone does not call it, it copies it)', { toJSON: () => 1 }, /function \(toJSON\)/],
    ['an own hasOwnProperty function (msgpackr would call it to filter the keys)', { a: 1, hasOwnProperty: () => false }, /function \(hasOwnProperty\)/],
    ['a symbol', Symbol('s'), /a symbol could not be cloned/],
    ['a nested symbol', { a: [1, { s: Symbol.iterator }] }, /a symbol could not be cloned/],
    ['a symbol as a Map key', new Map([[Symbol('k'), 1]]), /a symbol could not be cloned/],
    ['a function as a Map key', new Map([[() => 1, 1]]), /a function could not be cloned/],
    ['a function in a Set', new Set([() => 1]), /a function could not be cloned/],
    ['a function as an error cause', new Error('x', { cause: () => 1 }), /a function \(cause\) could not be cloned/],
    ['a WeakMap', { w: new WeakMap() }, /a WeakMap object could not be cloned/],
    ['a WeakSet', new WeakSet(), /a WeakSet object could not be cloned/],
    ['a Promise', [Promise.resolve(1)], /a Promise object could not be cloned/],
    ['an arguments object', args(1, 2), /an Arguments object could not be cloned/],
  ])('%s', (_, value, what) => {
    expect(thrownBy(() => structuredClone(value)).name).toBe('DataCloneError'); // the oracle agrees
    const error = thrownBy(() => serialize(value));
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe('DataCloneError');
    expect(error.message).toMatch(what);
    expect(error.message).toMatch(/Structured clone carries data only: .*Nothing was sent\.$/);
  });

  test('an own hasOwnProperty that is not a function is carried like any other property', () => {
    const value = { hasOwnProperty: 1, a: [2] };
    expect(deserialize(serialize(value))).toEqual(structuredClone(value));
  });

  test('symbol-keyed and non-enumerable properties are skipped, as structured clone skips them', () => {
    const value = Object.defineProperty({ [Symbol('k')]: () => 1, a: 1 }, 'hidden', { value: () => 2 });
    expectSameClone(roundTrip(value), structuredClone(value));
  });

  test('an error thrown by a getter passes through as itself', () => {
    const mine = new RangeError('from the getter');
    const value = {
      get x() {
        throw mine;
      },
    };
    expect(thrownBy(() => structuredClone(value))).toBe(mine);
    expect(thrownBy(() => serialize(value))).toBe(mine);
  });

  test('after a rejection mid-value the serializer is intact: the next value encodes as in a fresh one', () => {
    const good = { id: 'a', list: [1, { b: 2 }], map: new Map([['k', new Set([1])]]) };
    const before = serialize(good).slice();
    expect(() => serialize({ id: 'a', list: [1, { b: 2, f: () => 1 }] })).toThrow(/function/);
    expect(() => serialize([{ deep: { s: Symbol('x') } }])).toThrow(/symbol/);
    expect(serialize(good).slice()).toEqual(before);
    expectSameClone(roundTrip(good), structuredClone(good));
  });
});

describe('toJSON is never called (structured clone ignores it)', () => {
  test('a class instance with a toJSON method arrives as its own properties', () => {
    class Money {
      constructor(readonly cents: number, readonly currency: string) {}
      toJSON(): never {
        throw new Error('toJSON was called');
      }
    }
    const value = { price: new Money(250, 'EUR'), at: new Date(5) };
    expectSameClone(roundTrip(value), structuredClone(value));
    expect(roundTrip(value)).toEqual({ price: { cents: 250, currency: 'EUR' }, at: new Date(5) });
  });

  test('a toJSON on the prototype of a plain-looking object is not called either', () => {
    const proto = { toJSON: () => 'replaced' };
    const value = Object.assign(Object.create(proto), { kept: true });
    expect(roundTrip(value)).toEqual({ kept: true });
  });
});

describe('BigInts are exact at any size', () => {
  const sizes = [63, 64, 65, 128, 960, 1000, 1001, 1024, 4096, 65_535, 65_536, 65_537, 100_000];
  test.each(sizes)('2^%i, its neighbours and their negatives', (bits) => {
    const p = 2n ** BigInt(bits);
    for (const n of [p, p - 1n, p + 1n, -p, -p + 1n, -p - 1n, p / 3n]) {
      const back = roundTrip({ n, in: [n], map: new Map([[n, n]]) }) as { n: bigint; in: bigint[]; map: Map<bigint, bigint> };
      expect(back.n === n && back.in[0] === n && back.map.get(n) === n).toBe(true);
    }
  });

  test('random BigInts from 1 to 20000 bits (beyond msgpackr\'s documented ~1000)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), (bits, low) => {
        const n = 2n ** BigInt(bits) + low;
        expect(roundTrip(n)).toBe(n);
      }),
      { numRuns: 200 },
    );
  });
});

describe('own "__proto__" keys stay own data properties, as structured clone keeps them', () => {
  const parsed = () => JSON.parse('{"a": 1, "__proto__": {"polluted": true}, "__proto_": 2, "z": [{"__proto__": null}]}');

  test('keys, order, values and prototypes match structuredClone; no prototype is set', () => {
    const value = parsed();
    const back = roundTrip(value) as Record<string, unknown>;
    expectSameClone(back, structuredClone(value));
    expect(Object.keys(back)).toEqual(['a', '__proto__', '__proto_', 'z']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test('inside Maps, Sets, errors, cycles and shared references', () => {
    const inner = parsed();
    const value: Record<string, unknown> = {
      map: new Map([['k', inner]]), set: new Set([inner]), error: new Error('e', { cause: inner }), again: inner,
    };
    inner.self = inner;
    value.root = value;
    const back = roundTrip(value) as typeof value;
    expectSameClone(back, structuredClone(value), { ignoreErrorStack: true });
    expect(back.again).toBe((back.map as Map<string, unknown>).get('k'));
  });

  test('only values holding one pay for the repair: other messages are plain msgpack', () => {
    expect(serialize({ a: 1, __proto_: 2 })[0]).not.toBe(0xc1);
    expect(serialize(new Map([['__proto__', 1]]))[0]).not.toBe(0xc1); // a Map key is not renamed
    expect(serialize(parsed())[0]).toBe(0xc1);
  });

  test('the repaired bytes decode in a fresh decoder (another thread)', async () => {
    const bytes = serialize(parsed()).slice();
    vi.resetModules();
    const fresh = await import('../ts/serialize.js');
    expectSameClone(fresh.deserialize(bytes), structuredClone(parsed()));
  });
});

describe('dataCloneError where there is no DOMException', () => {
  test('is an Error named DataCloneError with the same message', () => {
    vi.stubGlobal('DOMException', undefined);
    try {
      const error = dataCloneError('a symbol could not be cloned');
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('DataCloneError');
      expect(error.message).toMatch(/^a symbol could not be cloned\. Structured clone carries data only/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('deserialize from shared memory', () => {
  test('decodes a view of shared memory as it decodes a private copy, small and large, and the result keeps nothing of the memory', () => {
    const memory = new Uint8Array(new SharedArrayBuffer(1 << 20));
    const values = [
      { s: 'text ✓', n: [1, 2.5, -3], nested: { bytes: new Uint8Array([1, 2, 3]) } },
      { ['__proto__']: 'own key', list: ['a', 'b'] },
      { big: 'x'.repeat(100_000), bytes: new Uint8Array(70_000).fill(7) }, // over the copy-out size
    ];
    for (const value of values) {
      const bytes = serialize(value).slice();
      memory.set(bytes, 1000);
      const view = memory.subarray(1000, 1000 + bytes.length);
      const decoded = deserialize(view) as Record<string, unknown>;
      expect(decoded).toEqual(deserialize(bytes));
      memory.fill(0, 1000, 1000 + bytes.length); // the memory is reused for the next message
      expect(decoded).toEqual(deserialize(bytes));
    }
  });
});
