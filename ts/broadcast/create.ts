// Making, attaching and subscribing to broadcasts: the three entry points.
import type { Codec, CodecName } from '../codecs.js';
import { Broadcast } from './broadcast.js';
import { openBroadcast, parseBroadcastOptions, type BroadcastHandle, type BroadcastOptions } from './options.js';
import { Ring } from './ring.js';
import { Subscriber } from './subscriber.js';

/**
 * Creates a broadcast: a ring in shared memory from which every subscriber
 * gets every message, in one total order, however many threads publish.
 * Post its `handle` to other threads: {@link subscribe} there to receive,
 * {@link attachBroadcast} to publish too.
 * @param options - Sizes, codec, subscribers, and what a full ring does; see {@link BroadcastOptions}.
 * @throws TypeError - An unknown option, or options that are not an object.
 * @throws RangeError - An option out of range; the message names it and what it allows.
 *
 * @example
 * ```ts
 * import { createBroadcast, subscribe } from 'wasmq';
 *
 * const state = createBroadcast<{ frame: number }>({ codec: 'json', capacity: 256, slotBytes: 256 });
 * const renderer = subscribe<{ frame: number }>(state.handle); // in a worker, from the posted handle
 * state.push({ frame: 1 });
 * console.log(renderer.pop(1_000)); // { frame: 1 }
 * ```
 */
export function createBroadcast<T = Uint8Array>(options?: BroadcastOptions<T>): Broadcast<T> {
  const { params, codec, codecName } = parseBroadcastOptions(options);
  const ring = Ring.create(params);
  return new Broadcast(ring, codec, { kind: 'wasmq.broadcast', buffer: ring.buffer, codec: codecName });
}

/**
 * The producer face of a broadcast created in another thread.
 * @param handle - The broadcast's handle.
 * @param options - `codec`: required when the broadcast has a custom codec (pass the same one).
 * @throws TypeError - Not a broadcast handle (a queue's handle says so), or a codec that does not match.
 *
 * @example
 * ```ts
 * import { attachBroadcast, createBroadcast } from 'wasmq';
 *
 * const { handle } = createBroadcast({ codec: 'string' }); // in another thread, usually
 * const producer = attachBroadcast<string>(handle);
 * producer.push('invalidate user:42');
 * ```
 */
export function attachBroadcast<T = Uint8Array>(handle: BroadcastHandle, options: { codec?: CodecName | Codec<T> } = {}): Broadcast<T> {
  const { ring, codec, codecName } = openBroadcast<T>(handle, options.codec, 'attachBroadcast');
  return new Broadcast(ring, codec, { kind: 'wasmq.broadcast', buffer: ring.buffer, codec: codecName });
}

/**
 * Options of {@link subscribe}.
 *
 * @example
 * ```ts
 * import { createBroadcast, subscribe, type SubscribeOptions } from 'wasmq';
 *
 * const events = createBroadcast<{ kind: string }>({ codec: 'json' });
 * const options: SubscribeOptions<{ kind: string }> = { from: 'oldest', codec: 'json' };
 * const replay = subscribe(events.handle, options);
 * ```
 */
export interface SubscribeOptions<T = Uint8Array> {
  /** 'next' (default): every message published after subscribe returns. 'oldest': also what the ring still holds. */
  from?: 'next' | 'oldest';
  /** Required when the broadcast has a custom codec: pass the same one. */
  codec?: CodecName | Codec<T>;
}

/**
 * Subscribes to a broadcast, in any thread.
 * @param handle - The broadcast's handle.
 * @throws TypeError - Not a broadcast handle (a queue's handle says so), or a bad option.
 * @throws RangeError - The broadcast has maxSubscribers subscribers already.
 *
 * @example
 * ```ts
 * import { createBroadcast, subscribe } from 'wasmq';
 *
 * const log = createBroadcast<string>({ codec: 'string' });
 * log.push('before');
 * const late = subscribe<string>(log.handle, { from: 'oldest' });
 * console.log(late.tryPop()); // 'before': 'oldest' also gets what the ring holds
 * ```
 */
export function subscribe<T = Uint8Array>(handle: BroadcastHandle, options: SubscribeOptions<T> = {}): Subscriber<T> {
  if (options === null || typeof options !== 'object') throw new TypeError(`subscribe options must be an object; got ${String(options)}`);
  const from = options.from ?? 'next';
  if (from !== 'next' && from !== 'oldest') throw new RangeError(`subscribe option from must be 'next' or 'oldest'; got ${String(from)}`);
  const { ring, codec } = openBroadcast<T>(handle, options.codec, 'subscribe');
  let cursor = 0;
  const index = ring.join(() => (cursor = from === 'next' ? ring.tail() : ring.oldest()));
  if (index < 0) {
    throw new RangeError(
      `this broadcast has ${ring.params.maxSubscribers} subscribers already (its maxSubscribers): unsubscribe one, or create it with a larger maxSubscribers`,
    );
  }
  // Positions from TAIL on are written only by claims that saw this subscriber (see Subscriber's #inPlaceFrom).
  return new Subscriber(ring, codec, index, cursor, ring.tail());
}
