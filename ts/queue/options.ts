// Validates createQueue's options: what the user may ask for, with errors
// that say what was wrong and what is allowed. Where things sit in memory is
// the kernel boundary's business (ts/kernel/geometry.ts).
import { LIMITS, type KernelConfig } from '../kernel/kernel.js';
import { planGeometry } from '../kernel/geometry.js';
import type { Codec, CodecName } from '../codecs.js';

/**
 * Options of {@link createQueue}. Every field is optional; a bad value throws
 * a RangeError (or TypeError) that names the option and what is allowed.
 * The queue's memory holds `capacity × slotBytes` bytes of ring plus
 * `scratchAreas × scratchBytes` of staging areas and a small header.
 *
 * @typeParam T - The value type, decided by `codec`.
 *
 * @example
 * ```ts
 * import { createQueue, type QueueOptions } from 'wasmq';
 *
 * const options: QueueOptions<string> = {
 *   codec: 'string',
 *   capacity: 4096,      // slots
 *   slotBytes: 128,      // bytes per slot
 *   maxMessageBytes: 64 * 1024,
 *   stallTimeoutMs: 2000,
 * };
 * const queue = createQueue(options);
 * ```
 */
export interface QueueOptions<T = Uint8Array> {
  /** Number of slots: a power of two from 2 to 2^28. Default 1024. */
  capacity?: number;
  /** Payload bytes per slot: a power of two from 8 to 1 MiB. Default 64. A
   *  message spans ceil(length / slotBytes) consecutive slots. */
  slotBytes?: number;
  /** Largest message in bytes: an integer from 0 to capacity * slotBytes. Default: that product
   *  (capped at 512 MiB - 1). Pushing a larger message throws a RangeError. */
  maxMessageBytes?: number;
  /** 'bytes' (default: Uint8Array values), 'string' (UTF-8), 'json', or a {@link Codec} `{ encode, decode }`. */
  codec?: CodecName | Codec<T>;
  /** How long, in milliseconds, a claimed slot may stay unfinished before other threads declare its
   *  owner dead and reclaim it (see {@link QueueStats}): an integer from 1 to 2^31 - 1. Default 1000. */
  stallTimeoutMs?: number;
  /** Bytes of each thread's private staging area in the shared memory (small
   *  messages and batches are copied through it in one kernel call): a multiple of 8,
   *  at most 2^24. Default 8192. */
  scratchBytes?: number;
  /** How many threads at once can have a staging area; further threads use the
   *  slower two-call path. Default 16, at most 256. */
  scratchAreas?: number;
  /** Starting value of the 32-bit head/tail counters, from 0 to 2^32 - 1. For tests of the 2^32 wrap. Default 0. */
  initialPosition?: number;
  /** Development check for this thread's face of the queue: in-place callbacks
   *  (drain handlers, publish fills) get private copies whose buffers are
   *  detached when they return, so a view kept past its call fails where it is
   *  used (length 0, TypeError). Costs a copy per message. Default false. */
  checkViews?: boolean;
}

/** @internal The checkViews option, validated (createQueue and attachQueue). */
export function checkViewsOf(options: { checkViews?: unknown }): boolean {
  const v = options.checkViews;
  if (v !== undefined && typeof v !== 'boolean') {
    throw new TypeError(`checkViews must be true or false; got ${String(v)}`);
  }
  return v === true;
}

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

function integerOption(name: string, value: unknown, fallback: number, min: number, max: number, rule = ''): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}${rule}; got ${String(value)}`);
  }
  return value;
}

function powerOfTwoOption(name: string, value: unknown, fallback: number, min: number, max: number): number {
  const n = integerOption(name, value, fallback, min, max, ', and a power of two');
  if (!isPowerOfTwo(n)) {
    throw new RangeError(`${name} must be a power of two from ${min} to ${max}; got ${n}`);
  }
  return n;
}

/** @internal The kernel configuration these options ask for (codec aside: see resolveCodec). Throws on a bad option. */
export function queueConfig(options: QueueOptions<unknown>, codec: KernelConfig['codec']): KernelConfig {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`createQueue options must be an object; got ${String(options)}`);
  }
  const capacity = powerOfTwoOption('capacity', options.capacity, 1024, 2, LIMITS.maxCapacity);
  const slotBytes = powerOfTwoOption('slotBytes', options.slotBytes, 64, 8, LIMITS.maxSlotBytes);
  const ringBytes = capacity * slotBytes;
  const largest = Math.min(ringBytes, LIMITS.maxMessageBytes);
  if (options.maxMessageBytes !== undefined) {
    const m = options.maxMessageBytes;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 0) {
      throw new RangeError(`maxMessageBytes must be a non-negative integer; got ${String(m)}`);
    }
    if (m > largest) {
      throw new RangeError(
        `maxMessageBytes ${m} is more than this queue could ever hold: the largest it allows is ${largest} ` +
          `(capacity ${capacity} × slotBytes ${slotBytes}). Raise capacity or slotBytes, or lower maxMessageBytes.`,
      );
    }
  }
  const maxMessageBytes = options.maxMessageBytes ?? largest;
  const stallTimeoutMs = integerOption('stallTimeoutMs', options.stallTimeoutMs, 1000, 1, 2 ** 31 - 1);
  const scratchBytes = integerOption('scratchBytes', options.scratchBytes, 8192, 0, 2 ** 24);
  if (scratchBytes % 8 !== 0) throw new RangeError(`scratchBytes must be a multiple of 8; got ${scratchBytes}`);
  const scratchAreas = integerOption('scratchAreas', options.scratchAreas, 16, 0, LIMITS.maxScratchAreas);
  const initialPosition = integerOption('initialPosition', options.initialPosition, 0, 0, 2 ** 32 - 1);

  const config: KernelConfig = {
    capacity, slotBytes, maxMessageBytes, stallTimeoutMs, scratchBytes, scratchAreas, initialPosition, codec,
  };
  planGeometry(config); // throws RangeError, naming the options to lower, if it cannot fit
  return config;
}
