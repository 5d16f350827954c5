// The in-place calls between real threads: every message arrives exactly
// once, intact, and in per-producer order. Producers publish checksummed
// (producer, seq) messages (workers/inplace-producer.mjs); consumers verify
// each one in place and log (producer, seq) in shared memory
// (workers/inplace-consumer.mjs); this thread checks the logs. Last, what a
// thread that is only slow inside a fill or handler (past stallTimeoutMs) must
// not break, with the threads played by Queue objects on this thread.
import { describe, expect, it } from 'vitest';
import type { TestThread } from '../thread.js';
import { attachQueue, createQueue } from '../../dist/index.js';
import { checkWrapped, NO_RECLAIM, positions, runWorker, until } from '../helpers.js';

/** Words of the control array (workers/inplace-common.mjs, CTL). */
const CTL = { hold: 0, held: 1, done: 2, timeouts: 3 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pat = (len: number, tag: number) => Uint8Array.from({ length: len }, (_, i) => (tag * 31 + i * 7 + 1) & 0xff);
const filler = (len: number, tag = 0) => (bytes: Uint8Array, offset: number, index: number) => bytes.set(pat(len, tag + index), offset);

interface Report {
  seq?: number;
  errors: string[];
  timeouts: number;
}
interface Run {
  producers: number;
  consumers: number;
  /** Messages per producer; Infinity: until closed (see closeAfter). */
  count: number;
  producerMode: 'publish' | 'mixed' | 'timeout' | 'abort';
  consumerMode: 'drain' | 'mixed' | 'timeout' | 'abort';
  capacity: number;
  slotBytes?: number;
  initialPosition?: number;
  /** Close the queue once this many messages were published in all, while everyone is busy. */
  closeAfter?: number;
  /** Starve the consumers into timeouts this many times (producers held until each consumer timed out). */
  holds?: number;
  maxLen?: number;
  max?: number;
}

/** Resolves with `p`, or rejects if it takes longer than `ms` (so a lost wake-up fails instead of hanging). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

async function run(o: Run) {
  const q = createQueue({ capacity: o.capacity, slotBytes: o.slotBytes ?? 64, initialPosition: o.initialPosition, ...NO_RECLAIM });
  const startAt = positions(q);
  if (o.initialPosition !== undefined) expect(startAt).toEqual({ tail: o.initialPosition, head: o.initialPosition });
  const maxLen = o.maxLen ?? 4096;
  const progress = new SharedArrayBuffer(8 * o.producers);
  const done = new Int32Array(progress);
  const control = new SharedArrayBuffer(16);
  const ctl = new Int32Array(control);
  const logEntries = Number.isFinite(o.count) ? o.count * o.producers : 2 * (o.closeAfter ?? 0) + 100_000;
  const logs = Array.from({ length: o.consumers }, () => new SharedArrayBuffer(4 * (2 + 2 * logEntries)));
  const workers: TestThread[] = [];
  const start = (role: 'consumer' | 'producer', data: object) => {
    const w = runWorker<Report>(`inplace-${role}.mjs`, { handle: q.handle, maxLen, control, ...data });
    workers.push(w.worker);
    return w.result;
  };
  const consumers = logs.map((log) =>
    start('consumer', { producers: o.producers, mode: o.consumerMode, log, max: o.max ?? 64 }),
  );
  const producers = Array.from({ length: o.producers }, (_, id) =>
    start('producer', { id, count: o.count, mode: o.producerMode, progress }),
  );
  const published = () => Array.from({ length: o.producers }, (_, p) => Atomics.load(done, 2 * p)).reduce((a, b) => a + b);
  let reports: Report[];
  try {
    for (let h = 0; h < (o.holds ?? 0); h++) {
      await sleep(15);
      Atomics.store(ctl, CTL.hold, 1);
      await until(() => Atomics.load(ctl, CTL.held) + Atomics.load(ctl, CTL.done) === o.producers, 'producers to stop', 20_000);
      const before = Atomics.load(ctl, CTL.timeouts);
      await until(() => Atomics.load(ctl, CTL.timeouts) >= before + o.consumers, 'consumers to time out', 20_000);
      Atomics.store(ctl, CTL.hold, 0);
      Atomics.notify(ctl, CTL.hold);
    }
    if (o.closeAfter !== undefined) {
      await until(() => published() >= o.closeAfter!, `${o.closeAfter} messages to be published`, 40_000);
      q.close(); // producers and consumers are all busy now
    }
    const produced = await within(Promise.all(producers), 60_000, 'the producers');
    q.close(); // consumers drain what is left; then drain returns 0
    reports = [...produced, ...(await within(Promise.all(consumers), 60_000, 'the consumers'))];
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }

  expect(reports.flatMap((r) => r.errors)).toEqual([]);
  // Per consumer: intact (counted as corrupt otherwise) and in per-producer order.
  const seen = Array.from({ length: o.producers }, (_, p) => new Uint8Array(Atomics.load(done, 2 * p + 1)));
  const orderErrors: string[] = [];
  for (const [c, log] of logs.entries()) {
    const e = new Int32Array(log);
    expect(e[1], `consumer ${c}: corrupt messages`).toBe(0);
    const last = new Array(o.producers).fill(-1);
    for (let i = 0; i < e[0]; i++) {
      const [p, s] = [e[2 + 2 * i], e[3 + 2 * i]];
      if (s <= last[p] && orderErrors.length < 5) orderErrors.push(`consumer ${c}: ${p}/${s} after ${p}/${last[p]}`);
      last[p] = s;
      if (s >= seen[p].length) orderErrors.push(`${p}/${s}: never attempted`);
      else seen[p][s]++;
    }
  }
  expect(orderErrors).toEqual([]);
  // Exactly once: everything whose call returned; of a call cut short by close, a prefix.
  let arrived = 0;
  for (let p = 0; p < o.producers; p++) {
    const returned = Atomics.load(done, 2 * p);
    if (Number.isFinite(o.count)) expect(returned).toBe(o.count);
    const marks = seen[p];
    const lost: number[] = [];
    for (let s = 0; s < returned; s++) if (marks[s] === 0) lost.push(s);
    const cut = marks.indexOf(0, returned) === -1 ? marks.length : marks.indexOf(0, returned); // cut short by close
    expect({ producer: p, duplicated: marks.filter((n) => n > 1).length, lost: lost.length, firstLost: lost.slice(0, 5) })
      .toEqual({ producer: p, duplicated: 0, lost: 0, firstLost: [] });
    expect(marks.subarray(cut).every((n) => n === 0), `producer ${p}: messages after the gap at ${cut}`).toBe(true);
    arrived += cut;
  }
  expect(q.size).toBe(0);
  expect(q.stats).toEqual({ reclaimedWrites: 0, reclaimedReads: 0, retriedWrites: 0 });
  checkWrapped(startAt, positions(q), o.initialPosition !== undefined);
  return { reports, arrived, timeouts: reports.slice(o.producers).reduce((a, r) => a + r.timeouts, 0) };
}

describe('in-place publish and drain between real threads: exactly once, intact, in per-producer order', () => {
  it('2 producers publishing 1–16 messages per call (6 B – 4 KiB, multi-slot) x 2 consumers draining: 300k messages', async () => {
    const { arrived } = await run({
      producers: 2, consumers: 2, count: 150_000, producerMode: 'publish', consumerMode: 'drain', capacity: 512,
    });
    expect(arrived).toBe(300_000);
  }, 90_000);

  it('producers alternating push / pushBatch / publish / publishAsync x consumers alternating pop / popBatch / drain / drainAsync / popBatchAsync / a throwing handler', async () => {
    const { arrived } = await run({
      producers: 2, consumers: 2, count: 100_000, producerMode: 'mixed', consumerMode: 'mixed', capacity: 256, max: 24,
    });
    expect(arrived).toBe(200_000);
  }, 90_000);

  it('counters starting just below 2^32 wrap past it under 2x2 threads of in-place and mixed calls', async () => {
    const wrap = { producers: 2, consumers: 2, count: 60_000, capacity: 1024, initialPosition: 2 ** 32 - 5000 };
    expect((await run({ ...wrap, producerMode: 'publish', consumerMode: 'drain' })).arrived).toBe(120_000);
    expect((await run({ ...wrap, producerMode: 'mixed', consumerMode: 'mixed', capacity: 256 })).arrived).toBe(120_000);
  }, 90_000);

  it('close while consumers drain and producers publish: every message whose publish returned arrives once, then drain returns 0', async () => {
    for (const mode of ['publish', 'mixed'] as const) {
      const { arrived } = await run({
        producers: 2, consumers: 2, count: Infinity, closeAfter: 100_000, producerMode: mode,
        consumerMode: mode === 'publish' ? 'drain' : 'mixed', capacity: 512,
      });
      expect(arrived).toBeGreaterThanOrEqual(100_000);
    }
  }, 90_000);

  /** 2x2 threads, producers held 10 times so that every consumer starves into a failed wait each time. */
  const starved = async (mode: 'timeout' | 'abort', capacity: number) => {
    const { arrived, timeouts } = await run({
      producers: 2, consumers: 2, count: 60_000, producerMode: mode, consumerMode: mode, capacity, holds: 10,
    });
    expect(arrived).toBe(120_000);
    expect(timeouts).toBeGreaterThanOrEqual(20); // every hold starved each consumer into a timeout or an abort
  };

  it('consumers draining with timeoutMs 1, retrying on TimeoutError, lose nothing and duplicate nothing', () => starved('timeout', 256), 90_000);

  it('drainAsync (starved at every hold) and publishAsync (whenever it waits for room) aborted through their signal after 0-1 ms and retried lose nothing and duplicate nothing', () => starved('abort', 64), 90_000);
});

describe('a fill or handler slower than stallTimeoutMs (a slow thread, not a dead one)', () => {
  // Three Queue objects on this thread stand for three threads (each has its own
  // kernel instance and stall watch), so that the stall happens exactly inside the
  // callback: q's callback stalls while c consumes and p produces, and their stall
  // watches declare q dead.
  const napWord = new Int32Array(new SharedArrayBuffer(4));
  const nap = (ms: number) => Atomics.wait(napWord, 0, 0, ms);
  const trio = () => {
    const q = createQueue({ capacity: 8, slotBytes: 8, stallTimeoutMs: 20 });
    return { q, c: attachQueue(q.handle), p: attachQueue(q.handle) };
  };
  /** Runs `step` until `done`, for at most `ms`. */
  const pump = (step: () => void, done: () => boolean, ms = 5000) => {
    for (const end = performance.now() + ms; !done() && performance.now() < end; nap(1)) step();
  };

  it('a stalled fill: every message other producers publish meanwhile arrives, and the queue keeps working', () => {
    const { q, c, p } = trio();
    const [sent, got]: number[][] = [[], []];
    const consume = () => {
      const v = c.tryPop();
      if (v) got.push(v[0]);
    };
    const step = () => {
      consume();
      const k = p.tryPublish(1, (b, o, i) => (b[o] = 100 + sent.length + i), { count: 8 });
      for (let j = 0; j < k; j++) sent.push(100 + sent.length);
    };
    const n = q.tryPublish(1, (b, o, i) => {
      b[o] = 10 + i;
      if (i === 0) pump(step, () => sent.length >= 12); // p laps the ring over q's batch, declared dead
    }, { count: 4 });
    expect(sent.length).toBeGreaterThanOrEqual(12);
    expect(q.stats.reclaimedWrites).toBeGreaterThan(0);
    const expected = sent.length + n; // q's batch, if it was published after all
    pump(consume, () => got.length >= expected, 2000);
    expect(got.length).toBe(expected);
    for (let i = 0; i < 16 && got.length === expected + i; i++) {
      let pushed = false;
      pump(() => ((pushed ||= p.tryPush(new Uint8Array([i]))), consume()), () => got.length > expected + i, 2000);
    }
    expect(got.slice(expected)).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('a stalled handler is never handed a message published after its take, and no message arrives twice', () => {
    const { q, p } = trio();
    expect(q.tryPublish(8, filler(8), { count: 8 })).toBe(8); // full: p must wait for q's take
    const [late, handed]: Uint8Array[][] = [[], []];
    q.tryDrain((bytes, offset, length) => {
      if (handed.length === 0) pump(() => p.tryPublish(8, filler(8, 100 + late.length)) && late.push(pat(8, 100 + late.length)), () => late.length >= 2);
      handed.push(bytes.slice(offset, offset + length));
    });
    expect(late).toHaveLength(2); // p reclaimed two messages of q's take
    const isLate = (m: Uint8Array) => late.some((l) => l.every((b, i) => b === m[i]));
    expect(handed.slice(1).filter(isLate)).toEqual([]); // (handed[0] was being read as it was reclaimed)
    expect(q.popBatch(20).filter(isLate)).toEqual(late);
  });
});
