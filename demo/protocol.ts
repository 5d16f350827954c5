// What the demo page and its workers share: the control words, the layout of
// the statistics they write, and the latency histogram.
//
// Figures travel through shared memory rather than messages, so that
// reporting costs the measured transports nothing: each consumer owns one
// region of the stats buffer (no two threads write the same word), and the
// page reads all regions whenever it redraws.

export type Transport = 'wasmq' | 'postMessage';
export const TRANSPORTS: readonly Transport[] = ['wasmq', 'postMessage'];

/** At most this many messages are in flight, for both transports (the queue's capacity). */
export const WINDOW = 256;

// Control words (Int32Array indices).
/** postMessage: messages sent and not yet received (the window). */
export const CTRL_IN_FLIGHT = 0;
/** postMessage: producers parked waiting for the window to open. */
export const CTRL_WAITING = 1;
/** Set by the page once everything sent in a round was received: wasmq consumers stop polling. */
export const CTRL_ROUND_OVER = 2;
export const CONTROL_WORDS = 16;

/** Latency histogram buckets: bucket b holds latencies around 2^(b/4) µs. */
export const BUCKETS = 96;
/** Int32 words per consumer per transport: [received, histogram...], padded apart. */
export const STATS_STRIDE = 128;
const STAT_RECEIVED = 0;
const STAT_HISTOGRAM = 1;
/** Latency is sampled on one message in this many (reading the clock is not free). */
export const LATENCY_SAMPLE_EVERY = 8;

export function statsWords(consumers: number): number {
  return TRANSPORTS.length * consumers * STATS_STRIDE;
}

/** Where consumer `c`'s figures for `transport` start. */
export function statsBase(transport: Transport, consumer: number, consumers: number): number {
  return (TRANSPORTS.indexOf(transport) * consumers + consumer) * STATS_STRIDE;
}

export function bucketOf(micros: number): number {
  const b = Math.floor(Math.log2(micros > 1 ? micros : 1) * 4);
  return b < BUCKETS ? b : BUCKETS - 1;
}

/** The latency a bucket stands for, in µs (its geometric middle). */
export function bucketMicros(bucket: number): number {
  return 2 ** ((bucket + 0.5) / 4);
}

/** A wall clock that agrees across the page and its workers (ms, µs resolution when isolated). */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Sums of all consumers' figures for one transport. */
export interface Totals {
  received: number;
  histogram: Float64Array;
}

export function readTotals(stats: Int32Array, transport: Transport, consumers: number): Totals {
  const histogram = new Float64Array(BUCKETS);
  let received = 0;
  for (let c = 0; c < consumers; c++) {
    const base = statsBase(transport, c, consumers);
    received += Atomics.load(stats, base + STAT_RECEIVED);
    for (let b = 0; b < BUCKETS; b++) histogram[b] += stats[base + STAT_HISTOGRAM + b];
  }
  return { received, histogram };
}

/** The latency (µs) below which `fraction` of the samples in `after - before` fall. */
export function percentile(before: Float64Array, after: Float64Array, fraction: number): number | undefined {
  let total = 0;
  for (let b = 0; b < BUCKETS; b++) total += after[b] - before[b];
  if (total === 0) return undefined;
  let seen = 0;
  for (let b = 0; b < BUCKETS; b++) {
    seen += after[b] - before[b];
    if (seen >= total * fraction) return bucketMicros(b);
  }
  return bucketMicros(BUCKETS - 1);
}

/** A consumer's writer for its own region of the stats buffer. */
export class ConsumerStats {
  #received = 0;
  readonly #stats: Int32Array;
  readonly #base: number;
  readonly #stamp = new Float64Array(1);
  readonly #stampBytes = new Uint8Array(this.#stamp.buffer);

  constructor(stats: Int32Array, transport: Transport, consumer: number, consumers: number) {
    this.#stats = stats;
    this.#base = statsBase(transport, consumer, consumers);
  }

  /** Counts one message whose first 8 bytes are its send time (sharedNow()). */
  record(message: Uint8Array): void {
    const n = ++this.#received;
    if (n % LATENCY_SAMPLE_EVERY === 0) {
      for (let i = 0; i < 8; i++) this.#stampBytes[i] = message[i];
      const micros = (sharedNow() - this.#stamp[0]) * 1000;
      this.#stats[this.#base + STAT_HISTOGRAM + bucketOf(micros)]++;
    }
    // Only this thread writes this word; the page reads it with Atomics.load.
    Atomics.store(this.#stats, this.#base + STAT_RECEIVED, n);
  }
}

/** Writes the send time into a message's first 8 bytes. */
export class Stamper {
  readonly #stamp = new Float64Array(1);
  readonly #stampBytes = new Uint8Array(this.#stamp.buffer);
  stamp(message: Uint8Array): void {
    this.#stamp[0] = sharedNow();
    message.set(this.#stampBytes, 0);
  }
}

// Messages between the page and a worker.
export interface InitRequest {
  type: 'init';
  role: 'producer' | 'consumer';
  index: number;
  consumers: number;
  messageBytes: number;
  queue: import('../dist/index.js').QueueHandle;
  control: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  /** A producer's ports to every consumer, or a consumer's from every producer. */
  ports: MessagePort[];
}
export interface RunRequest {
  type: 'run';
  transport: Transport;
  /** sharedNow() time at which producers stop. */
  endAt: number;
}
export type WorkerRequest = InitRequest | RunRequest;
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'sent'; count: number }
  | { type: 'idle' }
  | { type: 'error'; message: string };
