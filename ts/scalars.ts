// Scalars (numbers, booleans, null, undefined) in exactly the msgpack bytes
// msgpackr writes for them under serialize.ts's options, written and read
// here without a call into msgpackr. A pool's tiny task is a scalar in and a
// scalar out; msgpackr's per-call setup (its reference map, its buffer
// checks, its try/finally) cost more than the value itself, about a fifth
// of the pool's main-thread time per tiny task (docs/DESIGN.md,
// "Serializer"). The bytes are msgpackr's own, so either side reads the
// other's: test/scalars.property.test.ts compares both ways.
//
// msgpackr's number rules (pack.js), with records on:
//   0 ≤ x < 0x40 integer   one byte (0x40..0x7f are record ids)
//   uint8 / 16 / 32        0xcc / 0xcd / 0xce, big-endian
//   -32 ≤ x < 0            one byte, 0xe0..0xff
//   int8 / 16 / 32         0xd0 / 0xd1 / 0xd2, big-endian
//   anything else          0xcb, float64 big-endian (-0 is the integer 0 above)
// and null 0xc0, false 0xc2, true 0xc3, undefined 0xd4 0x00 0x00.

const conversion = new DataView(new ArrayBuffer(8));

/**
 * Writes `value` at `target[at]` if it is a scalar and returns how many
 * bytes it took (1 to 9), or 0 if it is not a scalar (nothing written).
 * `target` needs 9 bytes of room from `at`.
 */
export function writeScalar(target: Uint8Array, at: number, value: unknown): number {
  switch (typeof value) {
    case 'number':
      return writeNumber(target, at, value);
    case 'boolean':
      target[at] = value ? 0xc3 : 0xc2;
      return 1;
    case 'undefined':
      target[at] = 0xd4;
      target[at + 1] = 0;
      target[at + 2] = 0;
      return 3;
    case 'object':
      if (value !== null) return 0;
      target[at] = 0xc0;
      return 1;
    default:
      return 0;
  }
}

function writeNumber(target: Uint8Array, at: number, x: number): number {
  if (x >>> 0 === x) {
    if (x < 0x40) {
      target[at] = x;
      return 1;
    }
    if (x < 0x100) {
      target[at] = 0xcc;
      target[at + 1] = x;
      return 2;
    }
    if (x < 0x10000) {
      target[at] = 0xcd;
      target[at + 1] = x >>> 8;
      target[at + 2] = x;
      return 3;
    }
    target[at] = 0xce;
    writeBigEndian(target, at + 1, x);
    return 5;
  }
  if (x >> 0 === x) {
    if (x >= -0x20) {
      target[at] = 0x100 + x;
      return 1;
    }
    if (x >= -0x80) {
      target[at] = 0xd0;
      target[at + 1] = x + 0x100;
      return 2;
    }
    if (x >= -0x8000) {
      target[at] = 0xd1;
      target[at + 1] = x >> 8;
      target[at + 2] = x;
      return 3;
    }
    target[at] = 0xd2;
    writeBigEndian(target, at + 1, x);
    return 5;
  }
  target[at] = 0xcb;
  conversion.setFloat64(0, x);
  for (let i = 0; i < 8; i++) target[at + 1 + i] = conversion.getUint8(i);
  return 9;
}

function writeBigEndian(target: Uint8Array, at: number, word: number): void {
  target[at] = word >>> 24;
  target[at + 1] = word >>> 16;
  target[at + 2] = word >>> 8;
  target[at + 3] = word;
}

/**
 * The length of the scalar that starts at `bytes[at]` (1 to 9), or 0 if what
 * starts there is not one of the scalars writeScalar writes, or is cut off
 * before `end`.
 */
export function scalarLength(bytes: Uint8Array, at: number, end: number): number {
  if (at >= end) return 0;
  const b = bytes[at];
  let n: number;
  if (b < 0x40 || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) n = 1;
  else if (b === 0xcc || b === 0xd0) n = 2;
  else if (b === 0xcd || b === 0xd1) n = 3;
  else if (b === 0xd4) n = bytes[at + 1] === 0 && bytes[at + 2] === 0 ? 3 : 0; // only undefined of the fixext1 codes
  else if (b === 0xce || b === 0xd2) n = 5;
  else if (b === 0xcb) n = 9;
  else return 0;
  return at + n <= end ? n : 0;
}

/** The scalar at `bytes[at]`; call only where scalarLength found one. */
export function readScalar(bytes: Uint8Array, at: number): unknown {
  const b = bytes[at];
  if (b < 0x40) return b;
  if (b >= 0xe0) return b - 0x100;
  switch (b) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xd4:
      return undefined;
    case 0xcc:
      return bytes[at + 1];
    case 0xcd:
      return (bytes[at + 1] << 8) | bytes[at + 2];
    case 0xce:
      return readBigEndian(bytes, at + 1) >>> 0;
    case 0xd0:
      return (bytes[at + 1] << 24) >> 24;
    case 0xd1:
      return (((bytes[at + 1] << 8) | bytes[at + 2]) << 16) >> 16;
    case 0xd2:
      return readBigEndian(bytes, at + 1);
    default: // 0xcb
      for (let i = 0; i < 8; i++) conversion.setUint8(i, bytes[at + 1 + i]);
      return conversion.getFloat64(0);
  }
}

function readBigEndian(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
}
