// The channel's lane rule: which messages the serializer (ts/serialize.ts)
// would not reproduce exactly as structured clone does, so SharedChannel
// sends them through the platform's postMessage (its transfer lane) instead.
import { isArguments } from './serialize.js';

const hasOwn = Object.prototype.hasOwnProperty;
const objectTag = Object.prototype.toString;

const TypedArray = Object.getPrototypeOf(Uint8Array) as abstract new () => ArrayBufferView;

/** Views msgpackr rebuilds as the same type (its typedArrays list, and DataView). */
const PACKED_VIEWS = new Set<unknown>(
  [
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
  ].map((c) => c.prototype),
);

/** BigInts within msgpackr's documented range (its README: about 1000 bits). */
const MAX_PACKED_BIGINT_BITS = 960;

const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/.test(s);

/** Object visits the first pass may make before it gives up and walks again keeping a seen set. */
const FAST_WALK_VISITS = 1000;

// State of the walk in progress (saved and restored around each call: a getter may post a message).
/** Visits left in the first pass; -1 once exhausted. */
let budget = 0;
/** The objects visited, in the second pass only: it stops at cycles and visits shared objects once. */
let seen: Set<object> | undefined;
/** Which view (or the ArrayBuffer itself) each ArrayBuffer in the message came with; made on the first. */
let buffers: Map<ArrayBuffer, object> | undefined;

/**
 * True when `value` holds something serialize would not reproduce exactly as
 * structured clone does (the header's table), or would reject: such a
 * message must travel through the platform's postMessage (the channel's
 * transfer lane), which is exact and throws the platform's DataCloneError.
 *
 * The first pass keeps no seen set (messages are small and acyclic, and the
 * set would cost more than the walk); a cycle or a large value exhausts its
 * budget, and the second pass walks again with one.
 */
export function needsPlatformClone(value: unknown): boolean {
  const outer = [budget, seen, buffers] as const;
  try {
    budget = FAST_WALK_VISITS;
    seen = undefined;
    buffers = undefined;
    let ok = exact(value);
    if (!ok && budget < 0) {
      seen = new Set();
      buffers = undefined;
      ok = exact(value);
    }
    return !ok;
  } finally {
    [budget, seen, buffers] = outer;
  }
}

function exact(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return isWellFormed(value);
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return !Object.is(value, -0);
    case 'bigint':
      return (value < 0n ? -value : value).toString(2).length <= MAX_PACKED_BIGINT_BITS;
    case 'object':
      break;
    default:
      return false; // function, symbol: the platform throws DataCloneError
  }
  if (value === null) return true;
  const object = value as object;
  if (seen === undefined) {
    if (--budget < 0) return false; // not a verdict: needsPlatformClone walks again
  } else if (seen.has(object)) {
    return true; // a cycle or shared reference: msgpackr keeps identity
  } else {
    seen.add(object);
  }
  const proto = Object.getPrototypeOf(object);
  if (proto === Object.prototype) return !isArguments(object) && exactProperties(object);
  if (proto === Array.prototype) {
    const array = object as unknown[];
    for (let i = 0; i < array.length; i++) {
      if (!(i in array) || !exact(array[i])) return false; // holes become undefined
    }
    // Extra named properties on an array are dropped by msgpackr, kept by structured clone.
    return Object.keys(array).length === array.length;
  }
  if (proto === Map.prototype) {
    for (const [k, v] of object as Map<unknown, unknown>) if (!exact(k) || !exact(v)) return false;
    return true;
  }
  if (proto === Set.prototype) {
    for (const v of object as Set<unknown>) if (!exact(v)) return false;
    return true;
  }
  if (proto === Date.prototype || proto === RegExp.prototype) return true;
  if (proto === ArrayBuffer.prototype) {
    return (object as { resizable?: boolean }).resizable !== true && claim(object as ArrayBuffer, object);
  }
  if (object instanceof TypedArray || object instanceof DataView) {
    // msgpackr copies each view into a buffer of its own: a view of shared
    // memory, a partial view, or views sharing a buffer (with each other or
    // with an ArrayBuffer in the message) would lose what structured clone
    // keeps; subclasses, Buffer and types msgpackr does not know come back as
    // something else.
    const view = object as ArrayBufferView;
    const buffer = view.buffer;
    return (
      PACKED_VIEWS.has(proto) && buffer instanceof ArrayBuffer && (buffer as { resizable?: boolean }).resizable !== true &&
      view.byteOffset === 0 && view.byteLength === buffer.byteLength && claim(buffer, view)
    );
  }
  // Errors: msgpackr keeps name, message and cause but not the stack, and adds
  // an own `cause`. Any other platform object (SharedArrayBuffer, WeakMap,
  // Blob, MessagePort, WebAssembly.Memory, wrapper objects …) has its own tag.
  // A class instance or null-prototype object clones as a plain object of its
  // own properties, in both.
  if (object instanceof Error || objectTag.call(object) !== '[object Object]') return false;
  return exactProperties(object);
}

/** False when `buffer` already came with another view (or as itself): structured clone would keep them one buffer. */
function claim(buffer: ArrayBuffer, owner: object): boolean {
  buffers ??= new Map();
  const previous = buffers.get(buffer);
  if (previous !== undefined) return previous === owner;
  buffers.set(buffer, owner);
  return true;
}

function exactProperties(object: object): boolean {
  const record = object as Record<string, unknown>;
  for (const key in record) {
    if (!hasOwn.call(record, key)) continue;
    // msgpackr renames an own "__proto__" key on decode; serialize repairs it,
    // but the lane was its route before and stays so (found by the property test).
    if (key === '__proto__' || !isWellFormed(key) || !exact(record[key])) return false;
  }
  return true;
}
