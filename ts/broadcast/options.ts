// createBroadcast's options, the broadcast handle, and the codec an attaching
// thread uses: checked here, so that the ring and the classes see only valid
// values.
import { negotiateCodec, resolveCodec, type Codec, type CodecName, type WireCodec } from '../codecs.js';
import { POLICY_OVERWRITE, POLICY_WAIT } from './layout.js';
import { Ring, type RingParams } from './ring.js';

/**
 * Options of {@link createBroadcast}.
 *
 * @example
 * ```ts
 * import { createBroadcast, type BroadcastOptions } from 'wasmq';
 *
 * const options: BroadcastOptions<{ price: number }> = { capacity: 4096, slotBytes: 128, codec: 'json', whenFull: 'overwrite' };
 * const prices = createBroadcast(options);
 * prices.push({ price: 101.5 });
 * ```
 */
export interface BroadcastOptions<T = Uint8Array> {
  /** Messages the ring holds: a power of two from 2 to 2^24. Default 1024. */
  capacity?: number;
  /** Bytes of one slot, which holds one message: a multiple of 8 from 8 to 1 MiB. Default 64. */
  slotBytes?: number;
  /** Largest message in bytes, at most slotBytes (a message fits one slot). Default slotBytes. */
  maxMessageBytes?: number;
  /** 'bytes' (Uint8Array, the default), 'string', 'json', or { encode, decode }. */
  codec?: CodecName | Codec<T>;
  /** Most subscribers at once: 1 to 1024. Default 64. */
  maxSubscribers?: number;
  /**
   * 'wait' (default): producers wait for the slowest live subscriber, and
   * nothing is lost. 'overwrite': producers never wait; a subscriber lapped
   * by them skips to the oldest message still held and counts what it missed.
   */
  whenFull?: 'wait' | 'overwrite';
  /** ms a subscriber may hold producers back without reading before it stops gating ('wait'). Default 1000. */
  stallTimeoutMs?: number;
}

/**
 * What a thread needs to reach a broadcast: pass it with postMessage, then
 * {@link attachBroadcast} (to publish) or {@link subscribe} (to receive).
 *
 * @example
 * ```ts
 * import { createBroadcast, subscribe, type BroadcastHandle } from 'wasmq';
 *
 * const handle: BroadcastHandle = createBroadcast({ codec: 'string' }).handle;
 * const subscriber = subscribe<string>(handle); // in any thread
 * console.log(subscriber.tryPop()); // undefined: nothing published since
 * ```
 */
export interface BroadcastHandle {
  /** Always 'wasmq.broadcast'. */
  readonly kind: 'wasmq.broadcast';
  /** The ring's memory. */
  readonly buffer: SharedArrayBuffer;
  /** The codec it was created with; 'custom' means the attaching thread must pass it again. */
  readonly codec: CodecName | 'custom';
}

const CODECS = ['bytes', 'string', 'json', 'custom'] as const;
const KNOWN = new Set(['capacity', 'slotBytes', 'maxMessageBytes', 'codec', 'maxSubscribers', 'whenFull', 'stallTimeoutMs']);

function integer(options: Record<string, unknown>, name: string, fallback: number, min: number, max: number, rule = ''): number {
  const v = options[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`createBroadcast option ${name} must be an integer from ${min} to ${max}${rule}; got ${String(v)}`);
  }
  return v;
}

/** @internal The ring's parameters and codec from createBroadcast's options; throws saying which option is wrong and what it allows. */
export function parseBroadcastOptions<T>(options: BroadcastOptions<T> | undefined): { params: RingParams; codec: WireCodec<T>; codecName: BroadcastHandle['codec'] } {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') throw new TypeError(`createBroadcast options must be an object; got ${String(options)}`);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new TypeError(`createBroadcast has no option '${key}'; it takes ${[...KNOWN].join(', ')}`);
  }
  const capacity = integer(o, 'capacity', 1024, 2, 2 ** 24, ', a power of two');
  if ((capacity & (capacity - 1)) !== 0) throw new RangeError(`createBroadcast option capacity must be a power of two; got ${capacity}`);
  const slotBytes = integer(o, 'slotBytes', 64, 8, 1 << 20, ', a multiple of 8');
  if (slotBytes % 8 !== 0) throw new RangeError(`createBroadcast option slotBytes must be a multiple of 8; got ${slotBytes}`);
  const maxMessageBytes = integer(o, 'maxMessageBytes', slotBytes, 0, 1 << 20);
  if (maxMessageBytes > slotBytes) {
    throw new RangeError(
      `createBroadcast option maxMessageBytes (${maxMessageBytes}) is more than slotBytes (${slotBytes}): a broadcast message fits one slot; raise slotBytes`,
    );
  }
  const maxSubscribers = integer(o, 'maxSubscribers', 64, 1, 1024);
  const whenFull = o.whenFull ?? 'wait';
  if (whenFull !== 'wait' && whenFull !== 'overwrite') {
    throw new RangeError(`createBroadcast option whenFull must be 'wait' or 'overwrite'; got ${String(whenFull)}`);
  }
  const stallTimeoutMs = integer(o, 'stallTimeoutMs', 1000, 1, 2 ** 30);
  const codec = resolveCodec<T>(options.codec);
  const codecName = codec.name;
  const params: RingParams = {
    capacity, slotBytes, maxMessageBytes, maxSubscribers, stallTimeoutMs,
    policy: whenFull === 'wait' ? POLICY_WAIT : POLICY_OVERWRITE,
    codec: CODECS.indexOf(codecName),
  };
  return { params, codec, codecName };
}

/** @internal Opens a handle from another thread: its ring, and the codec to use (`asked`: the caller's codec option). */
export function openBroadcast<T>(handle: unknown, asked: CodecName | Codec<T> | undefined, operation: string): { ring: Ring; codec: WireCodec<T>; codecName: BroadcastHandle['codec'] } {
  if (handle === null || typeof handle !== 'object' || (handle as { kind?: unknown }).kind !== 'wasmq.broadcast') {
    const queue = (handle as { kind?: unknown } | null)?.kind === 'wasmq.queue';
    throw new TypeError(
      `${operation} takes a broadcast's handle (createBroadcast(...).handle)` + (queue ? '; this is a queue\'s handle: attach it with attachQueue' : ''),
    );
  }
  const ring = Ring.attach((handle as BroadcastHandle).buffer);
  const stored = CODECS[ring.params.codec];
  if (stored === undefined) throw new TypeError(`not a usable wasmq broadcast: unknown codec id ${ring.params.codec} in its header`);
  const codec = negotiateCodec<T>(stored, asked, { what: 'this broadcast', call: operation, verb: operation });
  return { ring, codec, codecName: stored };
}
