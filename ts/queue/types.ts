// The public option, callback and result types of Queue's calls.

export interface WaitOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface DrainOptions {
  /** Most messages to hand over (default: all that are there, up to 2^20). */
  max?: number;
  timeoutMs?: number;
}

export interface PublishOptions {
  /** How many messages of `length` bytes (default 1, at most 2^20). */
  count?: number;
  timeoutMs?: number;
}

/** fill(bytes, offset, index) writes message `index` (0 .. count-1), exactly `length` bytes, at bytes[offset ...]; contiguous even where the ring wraps. */
export type PublishFill = (bytes: Uint8Array, offset: number, index: number) => void;
/** handler(bytes, offset, length): the message is bytes[offset, offset + length), a view of shared memory valid only during the call. */
export type DrainHandler = (bytes: Uint8Array, offset: number, length: number) => void;

export interface QueueStats {
  /** Producer claims declared dead (stalled past stallTimeoutMs) and skipped. */
  readonly reclaimedWrites: number;
  /** Messages whose consumer was declared dead while holding them (lost). */
  readonly reclaimedReads: number;
  /** Producers that were only slow, found their claim reclaimed, and pushed again. */
  readonly retriedWrites: number;
}
