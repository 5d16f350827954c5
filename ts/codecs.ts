// Codecs turn values into the bytes a queue carries, and back.
//
// Each built-in codec writes straight into the thread's scratch area in
// shared memory where the engine allows it, so a push costs one copy. Engines
// differ: Node's TextEncoder.encodeInto and TextDecoder.decode accept views of
// shared memory; Chromium's and Firefox's throw. Both are feature-detected
// once, and the fallback copies through private memory.
import { describeValue, messageOf, CodecError } from './errors.js';

/**
 * A user codec: any value ⇄ bytes, passed as the `codec` option of
 * {@link createQueue} (and again to {@link attachQueue} on every other thread).
 * Whatever either method throws reaches the caller wrapped in a
 * {@link CodecError} (the original is its `cause`).
 *
 * @typeParam T - The queue's value type.
 *
 * @example
 * ```ts
 * import { createQueue, type Codec } from 'wasmq';
 *
 * const float64s: Codec<Float64Array> = {
 *   encode: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
 *   decode: (bytes) => new Float64Array(bytes.slice().buffer),
 * };
 * const queue = createQueue({ codec: float64s });
 * queue.push(new Float64Array([1.5, 2.5]));
 * ```
 */
export interface Codec<T> {
  /**
   * Encodes `value` into bytes. Must return a Uint8Array (else CodecError).
   * A waiting push (push, pushAsync) holds on to them until the message is in
   * the queue, so do not return a view of a buffer that is reused.
   */
  encode(value: T): Uint8Array;
  /**
   * Decodes one message. `bytes` is a private copy (not shared memory) that
   * the result may keep.
   */
  decode(bytes: Uint8Array): T;
}

/**
 * The built-in codec names: 'bytes' carries Uint8Array values as they are,
 * 'string' strings as UTF-8, 'json' anything `JSON.stringify` can encode
 * (a value it cannot throws a TypeError; a message that is not JSON pops as
 * a {@link CodecError}).
 *
 * @example
 * ```ts
 * import { createQueue, type CodecName } from 'wasmq';
 *
 * const codec: CodecName = 'json';
 * const queue = createQueue({ codec });
 * console.log(queue.handle.codec); // 'json'
 * ```
 */
export type CodecName = 'bytes' | 'string' | 'json';

/** @internal How a queue moves values of type T in and out of shared memory. */
export interface WireCodec<T> {
  readonly name: CodecName | 'custom';
  /**
   * Encodes `value` into `view` (a fixed region of shared memory) and returns
   * the byte count, or, when it might not fit, returns the encoded bytes in
   * private memory instead. Throws TypeError / CodecError on a bad value.
   */
  encodeInto(value: T, view: Uint8Array): number | Uint8Array;
  /** Encodes `value` into private memory. */
  encode(value: T): Uint8Array;
  /** Decodes `len` bytes at `offset` of shared `memory`, keeping no reference to it. */
  decodeAt(memory: Uint8Array, offset: number, len: number): T;
  /** Decodes bytes in private memory (which it may keep). */
  decode(bytes: Uint8Array): T;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function probe(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}
const sharedProbe = () => new Uint8Array(new SharedArrayBuffer(8));
/**
 * @internal Whether this engine's TextEncoder.encodeInto and TextDecoder.decode
 * accept views of shared memory, probed once (Node, WebKit: yes; Chromium,
 * Firefox: no, "must not be shared"). Where they do not, the codecs copy
 * through private memory. Tests set these to false to force that copying
 * path in an engine that has the feature.
 */
export const sharedViews = {
  encodeInto: typeof SharedArrayBuffer !== 'undefined' && probe(() => encoder.encodeInto('a', sharedProbe())),
  decode: typeof SharedArrayBuffer !== 'undefined' && probe(() => decoder.decode(sharedProbe())),
};

/** @internal */
export const bytesCodec: WireCodec<Uint8Array> = {
  name: 'bytes',
  encodeInto(value, view) {
    const bytes = this.encode(value);
    if (bytes.length > view.length) return bytes;
    view.set(bytes);
    return bytes.length;
  },
  encode(value) {
    if (!(value instanceof Uint8Array)) {
      throw new TypeError(
        `a 'bytes' queue carries Uint8Array values; got ${describeValue(value)}. ` +
          `Wrap other data in a Uint8Array, or create the queue with codec 'string', 'json' or a custom codec.`,
      );
    }
    return value;
  },
  decodeAt(memory, offset, len) {
    return memory.slice(offset, offset + len);
  },
  decode(bytes) {
    return bytes;
  },
};

function checkString(value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`a 'string' queue carries strings; got ${describeValue(value)}`);
  }
  return value;
}

/** @internal */
export const stringCodec: WireCodec<string> = {
  name: 'string',
  encodeInto(value, view) {
    checkString(value);
    // UTF-8 needs at most 3 bytes per UTF-16 unit, so this always fits.
    if (sharedViews.encodeInto && value.length * 3 <= view.length) {
      return encoder.encodeInto(value, view).written;
    }
    const bytes = encoder.encode(value);
    if (bytes.length > view.length) return bytes;
    view.set(bytes);
    return bytes.length;
  },
  encode(value) {
    return encoder.encode(checkString(value));
  },
  decodeAt(memory, offset, len) {
    return decoder.decode(
      sharedViews.decode ? memory.subarray(offset, offset + len) : memory.slice(offset, offset + len),
    );
  },
  decode(bytes) {
    return decoder.decode(bytes);
  },
};

function stringifyJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new TypeError(`a 'json' queue cannot encode this value: ${messageOf(cause)}`, { cause });
  }
  if (text === undefined) {
    throw new TypeError(`a 'json' queue cannot encode ${describeValue(value)}: JSON has no representation for it`);
  }
  return text;
}

/** @internal */
export const jsonCodec: WireCodec<unknown> = {
  name: 'json',
  encodeInto(value, view) {
    return stringCodec.encodeInto(stringifyJson(value), view);
  },
  encode(value) {
    return encoder.encode(stringifyJson(value));
  },
  decodeAt(memory, offset, len) {
    return parseJson(stringCodec.decodeAt(memory, offset, len));
  },
  decode(bytes) {
    return parseJson(decoder.decode(bytes));
  },
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CodecError(`a 'json' queue received a message that is not JSON: ${messageOf(cause)}`, {
      cause,
      bytes: encoder.encode(text),
    });
  }
}

/** @internal Wraps a user codec, turning its failures into CodecError. */
export function customCodec<T>(codec: Codec<T>): WireCodec<T> {
  if (!codec || typeof codec.encode !== 'function' || typeof codec.decode !== 'function') {
    throw new TypeError(
      `codec must be 'bytes', 'string', 'json', or an object with encode(value) => Uint8Array and decode(bytes) => value; got ${describeValue(codec)}`,
    );
  }
  const wire: WireCodec<T> = {
    name: 'custom',
    encodeInto(value, view) {
      const bytes = wire.encode(value);
      if (bytes.length > view.length) return bytes;
      view.set(bytes);
      return bytes.length;
    },
    encode(value) {
      let bytes: unknown;
      try {
        bytes = codec.encode(value);
      } catch (cause) {
        throw new CodecError(`codec.encode threw: ${messageOf(cause)}`, { cause });
      }
      if (!(bytes instanceof Uint8Array)) {
        throw new CodecError(`codec.encode must return a Uint8Array; it returned ${describeValue(bytes)}`);
      }
      return bytes;
    },
    decodeAt(memory, offset, len) {
      return wire.decode(memory.slice(offset, offset + len));
    },
    decode(bytes) {
      try {
        return codec.decode(bytes);
      } catch (cause) {
        throw new CodecError(
          `codec.decode threw: ${messageOf(cause)} (the message was taken off the queue; its bytes are in error.bytes)`,
          { cause, bytes },
        );
      }
    },
  };
  return wire;
}

/** @internal Resolves a codec option to its wire codec. */
export function resolveCodec<T>(option: CodecName | Codec<T> | undefined): WireCodec<T> {
  switch (option) {
    case undefined:
    case 'bytes':
      return bytesCodec as unknown as WireCodec<T>;
    case 'string':
      return stringCodec as unknown as WireCodec<T>;
    case 'json':
      return jsonCodec as WireCodec<T>;
    default:
      if (typeof option === 'string') {
        throw new TypeError(`unknown codec '${option}': use 'bytes', 'string', 'json' or { encode, decode }`);
      }
      return customCodec(option);
  }
}

/**
 * @internal The codec an attaching thread uses: the creator's built-in one,
 * or (stored 'custom') the custom one it must pass again. `what` names the
 * thing attached ("this queue"), `call` the attaching call and `verb` what it
 * does, for the errors.
 */
export function negotiateCodec<T>(
  stored: CodecName | 'custom',
  asked: CodecName | Codec<T> | undefined,
  { what, call, verb }: { what: string; call: string; verb: string },
): WireCodec<T> {
  if (stored === 'custom') {
    if (asked === undefined || typeof asked === 'string') {
      throw new TypeError(`${what} was created with a custom codec: pass it again, ${call}(handle, { codec })`);
    }
    return resolveCodec<T>(asked);
  }
  if (asked !== undefined && asked !== stored) {
    throw new TypeError(`${what} was created with codec '${stored}'; ${verb} it with that codec (or none)`);
  }
  return resolveCodec<T>(stored);
}
