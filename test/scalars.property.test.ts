// scalars.ts writes and reads scalars without msgpackr, so its bytes must be
// msgpackr's own, both ways: the oracle is the serializer's msgpackr path,
// reached by wrapping the scalar in a one-element array (0x91, then the
// element exactly as msgpackr writes it at the top level).
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { readScalar, scalarLength, writeScalar } from '../ts/scalars.js';
import { Serializer, deserialize, serialize } from '../ts/serialize.js';
import { RESULT_ERROR, RESULT_OK, decodeResult, encodeResult } from '../ts/pool/task-codec.js';
import { SharedStructures } from '../ts/structures.js';
import { fuzzParameters } from './fuzz.js';

const fuzz: fc.Parameters<unknown> = fuzzParameters(2000);

/** msgpackr's bytes for `value` as an array element (what it writes for the value itself). */
const msgpackrBytes = (s: Serializer, value: unknown) => [...s.serialize([value]).subarray(1)];

/** Numbers at every boundary of msgpack's integer forms, and floats of every kind. */
const numbers = fc.oneof(
  fc.integer({ min: -0x80000001, max: 0x100000001 }),
  fc.constantFrom(0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 2 ** 32, -0x20, -0x21, -0x80, -0x81, -0x8000, -0x8001, -(2 ** 31), -(2 ** 31) - 1),
  fc.double(),
  fc.constantFrom(-0, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 2 ** 53 + 2),
);
const scalars = fc.oneof(numbers, fc.boolean(), fc.constantFrom(null, undefined));

const serializers = [new Serializer(), new Serializer(new SharedStructures())];

describe('scalars: msgpackr\'s own bytes without msgpackr', () => {
  test('writeScalar writes exactly the bytes msgpackr writes, for every scalar, with and without shared shapes', () => {
    fc.assert(
      fc.property(scalars, (value) => {
        const out = new Uint8Array(9);
        const n = writeScalar(out, 0, value);
        for (const s of serializers) expect([...out.subarray(0, n)]).toEqual(msgpackrBytes(s, value));
      }),
      fuzz,
    );
  });

  test('readScalar reads back what msgpackr reads from any bytes scalarLength accepts', () => {
    const candidates = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 9 }),
      fc.tuple(fc.constantFrom(0xcc, 0xcd, 0xce, 0xcb, 0xd0, 0xd1, 0xd2, 0xd4), fc.uint8Array({ minLength: 0, maxLength: 8 })).map(
        ([b, rest]) => Uint8Array.of(b, ...rest),
      ),
    );
    let accepted = 0;
    fc.assert(
      fc.property(candidates, (bytes) => {
        const n = scalarLength(bytes, 0, bytes.length);
        if (n === 0) return;
        accepted++;
        const viaMsgpackr = deserialize(Uint8Array.of(0x91, ...bytes.subarray(0, n))) as unknown[];
        expect(Object.is(readScalar(bytes, 0), viaMsgpackr[0])).toBe(true);
      }),
      fuzz,
    );
    expect(accepted).toBeGreaterThan(100);
  });

  test('scalarLength refuses what is not a scalar or is cut short: record ids, strings, fixext1 other than undefined, truncated numbers', () => {
    for (const b of [0x40, 0x7f, 0x80, 0x90, 0xa1, 0xc1, 0xd9]) expect(scalarLength(Uint8Array.of(b, 0, 0), 0, 3)).toBe(0);
    expect(scalarLength(Uint8Array.of(0xd4, 0x42, 0), 0, 3)).toBe(0);
    expect(scalarLength(Uint8Array.of(0xcb, 1, 2, 3), 0, 4)).toBe(0);
    expect(scalarLength(Uint8Array.of(0xce, 1, 2, 3, 4), 0, 4)).toBe(0);
    expect(scalarLength(new Uint8Array(0), 0, 0)).toBe(0);
  });
});

describe('the serializer carries scalars through scalars.ts exactly as msgpackr would', () => {
  test('serialize gives msgpackr\'s bytes, in a buffer the caller may keep, and deserialize reads them back', () => {
    fc.assert(
      fc.property(scalars, (value) => {
        const bytes = serialize(value);
        expect([...bytes]).toEqual(msgpackrBytes(new Serializer(), value));
        const kept = [...bytes];
        serialize(typeof value === 'number' ? value + 1 : 7);
        expect([...bytes]).toEqual(kept);
        // -0 travels as the integer 0, as msgpackr writes it.
        expect(Object.is(deserialize(bytes), Object.is(value, -0) ? 0 : value)).toBe(true);
      }),
      fuzz,
    );
  });

  test('deserialize of empty bytes still throws (msgpackr\'s error), not a made-up value', () => {
    expect(() => deserialize(new Uint8Array(0))).toThrow();
  });
});

describe('pool result messages of scalars', () => {
  test('encodeResult writes the bytes msgpackr writes for [id, status, value, runMs], and decodeResult reads them', () => {
    const [s] = serializers;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), scalars, fc.double({ min: 0, max: 1e6, noNaN: true }), (id, value, runMs) => {
        const bytes = [...encodeResult(s, id, RESULT_OK, value, runMs)];
        expect(bytes).toEqual([...s.serialize([id, RESULT_OK, value, runMs])]);
        const [gotId, status, got, gotMs] = decodeResult(s, Uint8Array.from(bytes));
        expect([gotId, status, gotMs]).toEqual([id, RESULT_OK, runMs]);
        expect(Object.is(got, Object.is(value, -0) ? 0 : value)).toBe(true);
      }),
      fuzz,
    );
  });

  test('a thrown scalar is still a failure: status error, the value as thrown', () => {
    const [s] = serializers;
    const [id, status, value] = decodeResult(s, encodeResult(s, 9, RESULT_ERROR, 42, 1.5).slice());
    expect([id, status, value]).toEqual([9, RESULT_ERROR, 42]);
  });
});
