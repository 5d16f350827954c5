// The public option, callback and result types of Queue's calls.

/**
 * Options of the async pops and pushes ({@link Queue.pushAsync},
 * {@link Queue.popAsync}, {@link Queue.popBatchAsync}).
 *
 * @example
 * ```ts
 * import { createQueue, TimeoutError, type WaitOptions } from 'wasmq';
 *
 * const queue = createQueue({ codec: 'json' });
 * const options: WaitOptions = { timeoutMs: 500, signal: AbortSignal.timeout(10_000) };
 * try {
 *   console.log(await queue.popAsync(options));
 * } catch (error) {
 *   if (error instanceof TimeoutError) console.log('nothing came within 500 ms');
 * }
 * ```
 */
export interface WaitOptions {
  /**
   * Most milliseconds to wait, a number \>= 0; the call then rejects with a
   * {@link TimeoutError}. Default: wait forever. A negative or NaN value
   * is refused with a RangeError.
   */
  timeoutMs?: number;
  /**
   * Aborting it rejects the call with `signal.reason`; an already aborted
   * signal rejects at once, before anything is taken or pushed.
   */
  signal?: AbortSignal;
}

/**
 * Options of {@link Queue.drain} and {@link Queue.drainAsync} (which also takes a `signal`).
 *
 * @example
 * ```ts
 * import { createQueue, type DrainOptions } from 'wasmq';
 *
 * const queue = createQueue();
 * const options: DrainOptions = { max: 64, timeoutMs: 100 };
 * const handled = queue.drain((bytes, offset, length) => {
 *   console.log(bytes[offset], length);
 * }, options);
 * ```
 */
export interface DrainOptions {
  /** Most messages to hand over: an integer from 1 to 2^20 (default: all that are there, up to 2^20). */
  max?: number;
  /**
   * Most milliseconds to wait for a first message (a number \>= 0); then the
   * call throws (or rejects with) a {@link TimeoutError}. Default: wait forever.
   */
  timeoutMs?: number;
}

/**
 * Options of {@link Queue.tryPublish}, {@link Queue.publish} and
 * {@link Queue.publishAsync} (which also takes a `signal`).
 *
 * @example
 * ```ts
 * import { createQueue, type PublishOptions } from 'wasmq';
 *
 * const queue = createQueue({ slotBytes: 16 });
 * const options: PublishOptions = { count: 8, timeoutMs: 50 };
 * queue.publish(16, (bytes, offset, index) => bytes.fill(index, offset, offset + 16), options);
 * ```
 */
export interface PublishOptions {
  /** How many messages of `length` bytes: an integer from 1 to 2^20 (default 1). */
  count?: number;
  /**
   * Most milliseconds to wait for room (a number \>= 0); then the call throws
   * (or rejects with) a {@link TimeoutError} that says how many were
   * published. Ignored by tryPublish. Default: wait forever.
   */
  timeoutMs?: number;
}

/**
 * A publish callback: fill(bytes, offset, index) writes message `index`
 * (0 .. count-1), exactly `length` bytes, at bytes[offset ...]; contiguous
 * even where the ring wraps. `bytes` is a view of shared memory (or, with
 * `checkViews`, a private copy), valid only during the call.
 *
 * @example
 * ```ts
 * import type { PublishFill } from 'wasmq';
 *
 * const fillWithIndex: PublishFill = (bytes, offset, index) => {
 *   new DataView(bytes.buffer, bytes.byteOffset + offset, 4).setUint32(0, index, true);
 * };
 * ```
 */
export type PublishFill = (bytes: Uint8Array, offset: number, index: number) => void;

/**
 * A drain callback: handler(bytes, offset, length) gets one message as the
 * raw bytes at bytes[offset, offset + length), a view of shared memory valid
 * only during the call (copy what you keep).
 *
 * @example
 * ```ts
 * import type { DrainHandler } from 'wasmq';
 *
 * const received: Uint8Array[] = [];
 * const keepCopies: DrainHandler = (bytes, offset, length) => {
 *   received.push(bytes.slice(offset, offset + length));
 * };
 * ```
 */
export type DrainHandler = (bytes: Uint8Array, offset: number, length: number) => void;

/**
 * Counters of a queue's recovery from stalled threads (see
 * {@link QueueOptions.stallTimeoutMs}), shared by every thread of the queue.
 * All zero in a healthy run.
 *
 * @example
 * ```ts
 * import { createQueue, type QueueStats } from 'wasmq';
 *
 * const queue = createQueue();
 * const stats: QueueStats = queue.stats;
 * if (stats.reclaimedReads > 0) console.warn(`${stats.reclaimedReads} messages lost with a dead consumer`);
 * ```
 */
export interface QueueStats {
  /** Producer claims declared dead (stalled past stallTimeoutMs) and skipped. */
  readonly reclaimedWrites: number;
  /** Messages whose consumer was declared dead while holding them (lost). */
  readonly reclaimedReads: number;
  /** Producers that were only slow, found their claim reclaimed, and pushed again. */
  readonly retriedWrites: number;
}
