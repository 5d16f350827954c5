// The one structured-value serializer: structured-clone-family values ⇄ bytes,
// shared by SharedChannel (ts/channel) and the worker pool (ts/pool). One
// msgpackr configuration, defined here only: both ends of every queue must
// agree on it, or the bytes do not decode.
//
// Target semantics: structuredClone. Invariants of serialize/deserialize:
// - A function or symbol anywhere (also a Map key or Set member) throws a
//   DataCloneError and nothing is produced, as structured clone does. So do
//   the objects structured clone rejects (WeakMap, WeakSet, WeakRef, Promise,
//   arguments, ...) and the platform objects bytes cannot carry although
//   structured clone copies them (SharedArrayBuffer, String/Number/Boolean
//   wrappers, Map subclasses, Blob, ...): any object with its own toString
//   tag that no msgpackr extension handles.
// - toJSON is never called; symbol-keyed and non-enumerable properties are
//   skipped; class instances arrive as plain objects of their own enumerable
//   properties; cycles and shared references keep their identity.
// - BigInts are exact at any size (msgpackr's extension 0x42: 64-bit chunks,
//   hex bytes beyond 2^65536; its README promises about 1000 bits, the pinned
//   2.1.4 does any size, and test/serialize.test.ts pins that).
// - An own "__proto__" key stays an own data property, in order (msgpackr's
//   decoder renames it; see serializeProtoKeyed).
// - The default serializer's bytes are self-contained (any thread's decoder
//   reads them); a Serializer over a table of shared shapes (the pool's,
//   ts/structures.ts) writes bytes only serializers over that table read.
//   Decoded typed arrays and ArrayBuffers own their memory.
//
// Where msgpackr is not exact, serialize does not pretend; its users decide:
//
//   value                            SharedChannel                  wasmq/pool (has no lane)
//   -0                               exact: needsPlatformClone      arrives as 0
//   array hole / named array prop    sends these through the        undefined / dropped
//   lone surrogate in a string       platform lane                  becomes U+FFFD
//   partial view, view of shared                                    each view arrives compact in a buffer
//     memory, views sharing a                                       of its own (copied, not shared); a
//     buffer, Node Buffer                                           Buffer stays a Buffer
//   typed-array subclass,                                           DataCloneError when decoded (msgpackr
//     Float16Array                                                  writes type code 255)
//   Error                                                           same standard type (by name), message
//                                                                   and cause; the receiver's stack; an
//                                                                   own `cause` always; a custom name kept;
//                                                                   AggregateError keeps `errors`
//   Error that is part of a cycle    the platform cannot read it    arrives as {} (V8's structuredClone
//                                    back: a messageerror event     cannot read it back either)
//   SharedArrayBuffer, wrapper,      exact, through the lane        DataCloneError
//     Map subclass, Blob, ...
//   BigInt beyond 960 bits, own      through the lane (msgpackr's   exact
//     "__proto__" key                documented range; kept)
//   Proxy                            read through its traps, in both (undetectable; structured clone throws)
//
// The checks here live in msgpackr's hooks (writeFunction, and useRecords,
// which msgpackr calls once per object it writes as a record), so plain data
// pays three property checks per object and no walk. needsPlatformClone is the
// channel's walk. Measurements: docs/DESIGN.md, "Serializer".
import { Packr } from 'msgpackr';
import { readScalar, scalarLength, writeScalar } from './scalars.js';
import type { SharedStructures, Structure } from './structures.js';

const hasOwn = Object.prototype.hasOwnProperty;
const objectTag = Object.prototype.toString;

/** What this serializer carries, for the error messages. */
const CARRIED =
  'Structured clone carries data only: primitives, plain objects (class instances as plain objects), arrays, ' +
  'Map, Set, Date, RegExp, BigInt, typed arrays, ArrayBuffer, DataView and Error objects.';

/** Makes the error postMessage throws for an uncloneable value: a DOMException where there is one. */
export function dataCloneError(detail: string): Error {
  return namedCloneError(`${detail}. ${CARRIED} Nothing was sent.`);
}

/** A DataCloneError with exactly this message. */
export function namedCloneError(message: string): Error {
  if (typeof DOMException === 'function') return new DOMException(message, 'DataCloneError');
  const error = new Error(message);
  error.name = 'DataCloneError';
  return error;
}

/** True for a DataCloneError from here, from the platform, or rebuilt from a worker's error record. */
export function isDataCloneError(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Error).name === 'DataCloneError';
}

/** Why some platform objects cannot be carried although structured clone would copy them. */
const NOT_CARRIED: Readonly<Record<string, string>> = {
  SharedArrayBuffer: 'a SharedArrayBuffer could not be cloned: bytes in a message cannot share memory',
  String: 'a String wrapper object could not be cloned: send the primitive string',
  Number: 'a Number wrapper object could not be cloned: send the primitive number',
  Boolean: 'a Boolean wrapper object could not be cloned: send the primitive boolean',
  BigInt: 'a BigInt wrapper object could not be cloned: send the primitive bigint',
  Map: 'a Map subclass instance could not be cloned: send a plain Map',
};

// State of the pack in progress (packing is synchronous; one per thread).
/** Set by checkObject when the value holds an object with an own "__proto__" key. */
let sawProtoKey = false;
/** While serializeProtoKeyed packs: one [object, key, value, key, value, ...] entry per such object. */
let protoFixups: unknown[][] | undefined;

/**
 * msgpackr's useRecords hook: called once for every object msgpackr writes as
 * a record, i.e. every object no built-in extension (Date, Set, Error, RegExp,
 * ArrayBuffer, typed arrays, DataView) and no Array or Map path claims. Plain
 * objects pass with three property checks.
 */
function checkObject(object: object): boolean {
  // An arguments object has Object as its constructor, and an own `callee`.
  if ((object as { constructor?: unknown }).constructor !== Object || 'callee' in object) {
    rejectUnlessOrdinary(object);
  }
  // msgpackr filters keys through object.hasOwnProperty(key) when it is a function:
  // an own one would be called and never reach writeFunction. Reject it here.
  if (hasOwn.call(object, 'hasOwnProperty') && typeof (object as { hasOwnProperty: unknown }).hasOwnProperty === 'function') {
    rejectFunction((object as { hasOwnProperty: unknown }).hasOwnProperty);
  }
  if (hasOwn.call(object, '__proto__')) {
    sawProtoKey = true;
    protoFixups?.push(entriesOf(object));
  }
  return true;
}

/** Lets class instances and null-prototype objects through; throws for platform objects. */
function rejectUnlessOrdinary(object: object): void {
  const tag = objectTag.call(object);
  if (tag === '[object Object]') return; // its own enumerable properties, as structured clone does
  const name = tag.slice(8, -1);
  throw dataCloneError(NOT_CARRIED[name] ?? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} object could not be cloned`);
}

/** An arguments object (sloppy or strict: both have an own `callee`): structured clone rejects it. */
export function isArguments(object: object): boolean {
  return 'callee' in object && objectTag.call(object) === '[object Arguments]';
}

function rejectFunction(fn: unknown): never {
  const name = typeof fn === 'function' && typeof fn.name === 'string' && fn.name !== '' ? ` (${fn.name})` : '';
  throw dataCloneError(`a function${name} could not be cloned`);
}

/** The configuration every serializer uses (both ends of a queue must agree on it). */
const OPTIONS = {
  // Cycles, shared references, Map, Set, Date, RegExp, typed arrays, ArrayBuffer, Error.
  structuredClone: true,
  // Structured clone never calls toJSON; msgpackr does unless told not to.
  useToJSON: false,
  // Receivers decode from reused buffers: typed arrays and ArrayBuffers must be copies, never views of them.
  copyBuffers: true,
  // BigInts beyond 64 bits (structuredClone implies it; stated because the pool relies on it).
  useBigIntExtension: true,
  writeFunction: rejectFunction as () => never,
  useRecords: checkObject,
} as const;

/** The first byte of a message that needs its own "__proto__" keys restored (msgpack never uses 0xc1). */
const PROTO_KEYED = 0xc1;

/** Values ⇄ bytes, with one msgpackr instance. @internal */
export class Serializer {
  readonly #packr: Packr;

  /**
   * Without `structures`, bytes are self-contained: each message defines the
   * object shapes it uses, and any thread's decoder reads it. With them
   * (a pool's), shapes are shared through the table and written as one-byte
   * ids: only serializers over the same table read the bytes.
   */
  constructor(structures?: SharedStructures) {
    this.#packr = new Packr(
      structures === undefined
        ? OPTIONS
        : {
            ...OPTIONS,
            getStructures: () => structures.load(),
            // msgpackr calls it with (list, isCompatible); its typings name only the list.
            saveStructures: (list: object[], isCompatible?: (existing: Structure[]) => boolean) =>
              structures.save(list as Structure[], isCompatible!),
            // A full table takes no more shapes: they are written inline, per message.
            shouldShareStructure: () => !structures.full,
          },
    );
  }

  /**
   * Encodes a structured-clone-family value. Throws a DataCloneError (and
   * produces nothing) for what structured clone rejects and for the platform
   * objects listed in the header. Errors thrown by the value itself (a getter)
   * pass through. The result may live in msgpackr's reused buffer: valid until
   * the next serialize on this thread.
   */
  serialize(value: unknown): Uint8Array {
    // A scalar is written here, in msgpackr's own bytes (scalars.ts), into a
    // buffer of its own: callers may keep it, as they may keep msgpackr's.
    const n = writeScalar(scalarOut, 0, value);
    if (n > 0) return scalarOut.slice(0, n);
    sawProtoKey = false;
    let bytes: Uint8Array;
    try {
      bytes = this.#packr.pack(value);
    } catch (cause) {
      throw asCloneError(cause);
    }
    return sawProtoKey ? this.#serializeProtoKeyed(value) : bytes;
  }

  /** Decodes bytes made by serialize (of a serializer over the same table, if any), in any thread. */
  deserialize(bytes: Uint8Array): unknown {
    if (bytes.length <= MAX_SCALAR_BYTES && bytes.length > 0 && scalarLength(bytes, 0, bytes.length) === bytes.length) {
      return readScalar(bytes, 0);
    }
    if (bytes[0] === PROTO_KEYED && bytes.length > 1) return this.#deserializeProtoKeyed(bytes);
    const own = bytes.length <= COPY_OUT_BYTES && isShared(bytes) && !decodingCopy;
    if (own) {
      // msgpackr's native string extraction takes about 4x as long on a view of
      // shared memory as on a private buffer (14 µs against 3.8 µs for a 1 KiB
      // record here), far more than this copy. copyBuffers: the result keeps
      // nothing of the buffer, so it can be reused.
      if (copyBuffer.length < bytes.length) copyBuffer = new Uint8Array(Math.max(bytes.length, 2 * copyBuffer.length));
      copyBuffer.set(bytes);
      bytes = copyBuffer.subarray(0, bytes.length);
      decodingCopy = true;
    }
    try {
      return this.#packr.unpack(bytes);
    } catch (cause) {
      throw asDecodeError(cause);
    } finally {
      if (own) decodingCopy = false;
    }
  }

  /**
   * msgpackr decodes an own "__proto__" key as "__proto_" (its guard against
   * prototype pollution), so such a value is packed as [value, fixups] behind
   * the PROTO_KEYED byte: each fixup holds one such object (a reference, so it
   * decodes to the same object) and its own keys and values in order, and the
   * decoder rewrites that object's properties from it. Only values that hold
   * such a key pay for the second pack.
   */
  #serializeProtoKeyed(value: unknown): Uint8Array {
    protoFixups = [];
    let body: Uint8Array;
    try {
      body = this.#packr.pack([value, protoFixups]);
    } catch (cause) {
      throw asCloneError(cause);
    } finally {
      protoFixups = undefined;
    }
    const bytes = new Uint8Array(body.length + 1);
    bytes[0] = PROTO_KEYED;
    bytes.set(body, 1);
    return bytes;
  }

  #deserializeProtoKeyed(bytes: Uint8Array): unknown {
    let decoded: unknown;
    try {
      decoded = this.#packr.unpack(bytes.subarray(1));
    } catch (cause) {
      throw asDecodeError(cause);
    }
    if (!Array.isArray(decoded) || decoded.length !== 2 || !Array.isArray(decoded[1])) {
      throw new TypeError('a message marked as holding "__proto__" keys (first byte 0xc1) is not [value, fixups]: corrupt bytes');
    }
    const [value, fixups] = decoded as [unknown, unknown[][]];
    for (const entry of fixups) {
      const object = entry[0] as Record<string, unknown>;
      for (const key of Object.keys(object)) delete object[key];
      for (let i = 1; i < entry.length; i += 2) {
        // defineProperty: assigning to "__proto__" would set the prototype instead.
        Object.defineProperty(object, entry[i] as string, {
          value: entry[i + 1], writable: true, enumerable: true, configurable: true,
        });
      }
    }
    return value;
  }
}

/** Self-contained bytes (SharedChannel's): any thread's decoder reads them. */
const selfContained = new Serializer();

/** Encodes into self-contained bytes: see {@link Serializer.serialize}. */
export function serialize(value: unknown): Uint8Array {
  return selfContained.serialize(value);
}

/** Decodes bytes made by serialize, in any thread. */
export function deserialize(bytes: Uint8Array): unknown {
  return selfContained.deserialize(bytes);
}

/** The longest scalar (a float64), and where serialize writes one. */
const MAX_SCALAR_BYTES = 9;
const scalarOut = new Uint8Array(MAX_SCALAR_BYTES);

/** Views of shared memory up to this size are decoded from a private copy (see deserialize). */
const COPY_OUT_BYTES = 64 * 1024;
let copyBuffer = new Uint8Array(1024);
/** copyBuffer is being decoded from (a nested deserialize copies into nothing). */
let decodingCopy = false;
const isShared = (bytes: Uint8Array) => typeof SharedArrayBuffer === 'function' && bytes.buffer instanceof SharedArrayBuffer;

function entriesOf(object: object): unknown[] {
  const entry: unknown[] = [object];
  for (const key of Object.keys(object)) entry.push(key, (object as Record<string, unknown>)[key]);
  return entry;
}

/** msgpackr's own error for a symbol is a plain Error; structured clone's is a DataCloneError. */
function asCloneError(cause: unknown): unknown {
  if (cause instanceof Error && cause.message === 'Unknown type: symbol') {
    return dataCloneError('a symbol could not be cloned');
  }
  return cause;
}

function asDecodeError(cause: unknown): unknown {
  // msgpackr's encoder writes type code 255 (indexOf → -1) for a typed array
  // whose constructor name is not in its list; its decoder then refuses it.
  if (cause instanceof Error && cause.message === 'Could not find typed array for code 255') {
    return namedCloneError(
      'the message holds a typed array of a type the serializer does not know (a typed-array subclass, or ' +
        'Float16Array); it carries Int8Array … Float64Array, BigInt64Array, BigUint64Array and DataView',
    );
  }
  return cause;
}
