// Runs the comparison: the same producer and consumer workers move messages
// through a wasmq queue and through postMessage, in alternating short rounds
// so both see the same machine conditions, and report live.
import { createQueue } from '../dist/index.js';
import {
  CONTROL_WORDS, CTRL_ROUND_OVER, TRANSPORTS, WINDOW, percentile, readTotals, sharedNow, statsWords,
  type Totals, type Transport, type WorkerReply, type WorkerRequest,
} from './protocol.js';

export interface Settings {
  producers: number;
  consumers: number;
  messageBytes: number;
  durationMs: number;
  /** Stop after this many rounds of each transport (default: only durationMs ends the run). */
  rounds?: number;
  /** How long producers send in one round (default ROUND_MS). */
  roundMs?: number;
}

/** One round of one transport; `rate` and latencies so far while it runs. */
export interface Round {
  transport: Transport;
  /** Seconds since the run started. */
  start: number;
  end: number;
  messages: number;
  /** Messages per second. */
  rate: number;
  /** Latency percentiles of this round, µs (sampled). */
  p50?: number;
  p99?: number;
}

export interface TransportSummary {
  messages: number;
  seconds: number;
  rate: number;
  p50?: number;
  p99?: number;
}
export type Summary = Record<Transport, TransportSummary>;

export interface Listener {
  /** A round started, progressed or ended (`done`). */
  onRound(round: Round, done: boolean): void;
  shouldStop(): boolean;
}

/** How long producers send in one round. */
const ROUND_MS = 300;
/** How often a running round reports progress. */
const TICK_MS = 100;

/** One worker with typed replies: `next(type)` resolves on that worker's next reply of that type. */
class BenchWorker {
  readonly #worker: Worker;
  readonly #waiting = new Map<string, (reply: WorkerReply) => void>();
  #failed: Error | undefined;
  #onFail: ((e: Error) => void)[] = [];

  constructor() {
    this.#worker = new Worker('./bench-worker.js', { type: 'module' });
    this.#worker.onmessage = ({ data }: MessageEvent<WorkerReply>) => {
      if (data.type === 'error') return this.#fail(new Error(`worker: ${data.message}`));
      const resolve = this.#waiting.get(data.type);
      this.#waiting.delete(data.type);
      resolve?.(data);
    };
    this.#worker.onerror = (e) => this.#fail(new Error(`worker failed to start: ${e.message}`));
  }

  #fail(error: Error): void {
    this.#failed = error;
    for (const reject of this.#onFail.splice(0)) reject(error);
  }

  post(request: WorkerRequest, transfer: Transferable[] = []): void {
    this.#worker.postMessage(request, transfer);
  }

  next<T extends WorkerReply['type']>(type: T): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.#failed) return reject(this.#failed);
      this.#onFail.push(reject);
      this.#waiting.set(type, resolve as (reply: WorkerReply) => void);
    });
  }

  terminate(): void {
    this.#worker.terminate();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runComparison(settings: Settings, listener: Listener): Promise<Summary> {
  const { producers: P, consumers: C, messageBytes } = settings;
  // One slot per message, WINDOW slots: the queue holds as many messages as
  // postMessage is allowed to have in flight.
  const slotBytes = Math.max(8, 2 ** Math.ceil(Math.log2(messageBytes)));
  const queue = createQueue({ capacity: WINDOW, slotBytes });
  const controlBuffer = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const control = new Int32Array(controlBuffer);
  const statsBuffer = new SharedArrayBuffer(statsWords(C) * 4);
  const stats = new Int32Array(statsBuffer);

  const producers = Array.from({ length: P }, () => new BenchWorker());
  const consumers = Array.from({ length: C }, () => new BenchWorker());
  try {
    // A MessageChannel per producer-consumer pair: workers cannot post to each other directly.
    const channels = producers.map(() => consumers.map(() => new MessageChannel()));
    const ready = [...producers, ...consumers].map((w) => w.next('ready'));
    const common = { consumers: C, messageBytes, queue: queue.handle, control: controlBuffer, stats: statsBuffer };
    producers.forEach((w, p) => {
      const ports = channels[p].map((ch) => ch.port1);
      w.post({ type: 'init', role: 'producer', index: p, ports, ...common }, ports);
    });
    consumers.forEach((w, c) => {
      const ports = channels.map((row) => row[c].port2);
      w.post({ type: 'init', role: 'consumer', index: c, ports, ...common }, ports);
    });
    await Promise.all(ready);

    const origin = sharedNow();
    const seconds = (t: number) => (t - origin) / 1000;
    const totals: Record<Transport, { messages: number; seconds: number }> = {
      wasmq: { messages: 0, seconds: 0 },
      postMessage: { messages: 0, seconds: 0 },
    };
    const zero = new Float64Array(readTotals(stats, 'wasmq', C).histogram.length);

    const maxRounds = settings.rounds === undefined ? Infinity : settings.rounds * TRANSPORTS.length;
    const roundMs = settings.roundMs ?? ROUND_MS;
    for (let n = 0; n < maxRounds && sharedNow() - origin < settings.durationMs && !listener.shouldStop(); n++) {
      const transport = TRANSPORTS[n % 2];
      const before: Totals = readTotals(stats, transport, C);
      Atomics.store(control, CTRL_ROUND_OVER, 0);
      const start = sharedNow();
      const round: Round = { transport, start: seconds(start), end: seconds(start), messages: 0, rate: 0 };
      const progress = () => {
        const now = readTotals(stats, transport, C);
        round.end = seconds(sharedNow());
        round.messages = now.received - before.received;
        round.rate = round.messages / Math.max(round.end - round.start, 1e-6);
        round.p50 = percentile(before.histogram, now.histogram, 0.5);
        round.p99 = percentile(before.histogram, now.histogram, 0.99);
      };
      const endAt = start + roundMs;
      const idle = transport === 'wasmq' ? consumers.map((w) => w.next('idle')) : [];
      for (const w of consumers) w.post({ type: 'run', transport, endAt });
      const sent = producers.map((w) => w.next('sent'));
      for (const w of producers) w.post({ type: 'run', transport, endAt });
      listener.onRound(round, false);

      // Report while producers send; then wait until everything sent was received.
      let sentTotal: number | undefined;
      let failure: unknown;
      Promise.all(sent).then(
        (replies) => (sentTotal = replies.reduce((s, r) => s + r.count, 0)),
        (e: unknown) => (failure = e),
      );
      // A consumer that fails would leave the round waiting forever: fail the run instead.
      Promise.all(idle).catch((e: unknown) => (failure = e));
      for (;;) {
        // Wake at endAt at the latest: a tick that overran it would count idle time into the round and understate its rate.
        await sleep(sentTotal === undefined ? Math.max(1, Math.min(TICK_MS, endAt - sharedNow())) : 1);
        if (failure !== undefined) throw failure;
        progress();
        if (sentTotal !== undefined && round.messages >= sentTotal) break;
        if (sentTotal === undefined) listener.onRound(round, false);
      }
      Atomics.store(control, CTRL_ROUND_OVER, 1);
      await Promise.all(idle);
      progress();
      listener.onRound(round, true);
      totals[transport].messages += round.messages;
      totals[transport].seconds += round.end - round.start;
    }

    const summary = {} as Summary;
    for (const transport of TRANSPORTS) {
      const { messages, seconds: s } = totals[transport];
      const { histogram } = readTotals(stats, transport, C);
      summary[transport] = {
        messages,
        seconds: s,
        rate: s > 0 ? messages / s : 0,
        p50: percentile(zero, histogram, 0.5),
        p99: percentile(zero, histogram, 0.99),
      };
    }
    return summary;
  } finally {
    for (const w of [...producers, ...consumers]) w.terminate();
    queue.close();
  }
}
