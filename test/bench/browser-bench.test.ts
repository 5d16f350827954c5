// The browser bench (bench/scenarios/browser.mjs, page in bench/browser/) in
// Chromium, with fixed-size rounds: every transport must deliver exactly the
// records the two producer workers sent, each once, in per-producer order,
// and the page's checks must catch a dropped or duplicated record. Never a
// speed. (Firefox is the bench's, not this suite's, for now.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  browserById, buildPage, openBenchPage, servePage, type BenchSession, type RoundResult,
} from '../../bench/lib/browsers.mjs';
import { CAPACITY, entriesOf, run, transports } from '../../bench/scenarios/browser.mjs';
import { IMPL, browserScenario } from '../../bench/lib/names.mjs';
import { browserSkipped } from '../browser-node/chromium.js';

/** Records per producer: not a multiple of 64, so every transport also sends a short last batch. */
const RECORDS = 3213;
/** A small queue (and postMessage window): the ring wraps often and the flow control bites. */
const TEST_CAPACITY = 256;

/** Σ over producers p and their records s = 0..n-1 of (2s + p): computed here, not taken from the page's code. */
function checksumOf(perProducer: number[]): number {
  let sum = 0;
  perProducer.forEach((n, p) => {
    for (let s = 0; s < n; s++) sum += 2 * s + p;
  });
  return sum;
}

function expectExact(result: RoundResult, perProducer: number[]): void {
  expect(result.problems).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.records).toBe(perProducer.reduce((a, b) => a + b, 0));
  expect(result.perProducer.map((p) => p.received)).toEqual(perProducer);
  expect(result.perProducer.map((p) => p.sent)).toEqual(perProducer);
  expect(result.checksum).toBe(checksumOf(perProducer));
}

describe.skipIf(browserSkipped())('the browser bench page, in Chromium', () => {
  let out: string;
  let server: Awaited<ReturnType<typeof servePage>>;
  let session: BenchSession;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'wasmq-browser-bench-'));
    server = await servePage(await buildPage(out));
    session = await openBenchPage(browserById('chromium'), server.url);
    const info = await session.setup({ capacity: TEST_CAPACITY, drainMax: 100 });
    expect(info.crossOriginIsolated).toBe(true);
    expect(info.capacity).toBe(TEST_CAPACITY);
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  for (const t of transports) {
    it(`${t.impl}: the main thread gets exactly the records sent, once each, in per-producer order`, async () => {
      // Twice: the second round must not see anything left over from the first.
      for (let r = 0; r < 2; r++) expectExact(await session.round({ transport: t.id, records: RECORDS }), [RECORDS, RECORDS]);
    });

    it(`${t.impl}: a timed round (as the bench runs it) checks out too`, async () => {
      const result = await session.round({ transport: t.id, ms: 40 });
      expect(result.problems).toEqual([]);
      expect(result.records).toBeGreaterThan(0);
      const sent = result.perProducer.map((p) => p.sent);
      expect(result.perProducer.map((p) => p.received)).toEqual(sent);
      expect(result.checksum).toBe(checksumOf(sent));
      // Flow control: a postMessage producer never ran more than the queue's capacity ahead.
      for (const p of result.perProducer) expect(p.maxAhead).toBeLessThanOrEqual(TEST_CAPACITY);
    });

    it(`${t.impl}: a dropped or a duplicated record is reported, not counted`, async () => {
      const dropped = await session.round({ transport: t.id, records: 1000, fault: { kind: 'drop', producer: 1, seq: 500 } });
      expect(dropped.ok).toBe(false);
      expect(dropped.problems).toEqual(expect.arrayContaining([
        'producer 1: record 501 arrived where 500 was due',
        'producer 1 sent 1000 records; the main thread received 999',
      ]));
      const duplicated = await session.round({ transport: t.id, records: 1000, fault: { kind: 'duplicate', producer: 0, seq: 64 } });
      expect(duplicated.ok).toBe(false);
      expect(duplicated.problems).toEqual(expect.arrayContaining([
        'producer 0: record 64 arrived where 65 was due',
        'producer 0 sent 1000 records; the main thread received 1001',
      ]));
      // And the next clean round is clean again.
      expectExact(await session.round({ transport: t.id, records: 100 }), [100, 100]);
    });
  }

  it('logged no page errors', () => {
    expect(session.errors).toEqual([]);
  });
});

describe('the browser bench scenario', () => {
  it('skips a browser whose binary is missing, saying how to install it, and produces no rows for it', async () => {
    const logged: string[] = [];
    const missing = { ...browserById('firefox'), env: 'WASMQ_TEST_NO_SUCH_BROWSER', candidates: ['/nonexistent/firefox'] };
    await expect(run({ quick: true, log: (m) => logged.push(m), browsers: [missing] })).resolves.toEqual([]);
    expect(logged.join('\n')).toMatch(/Firefox: skipped, Firefox not found .*apt-get install -y firefox-esr/);
  });

  it('makes the faster batched postMessage idiom the baseline, per browser', () => {
    const samples = (transfer: number, clone: number) => new Map(transports.map((t) => [
      t.id, [1, 2, 3].map((x) => x * (t.id === 'batch-transfer' ? transfer : t.id === 'batch-clone' ? clone : 1)),
    ]));
    const baselineOf = (s: Map<string, number[]>) => entriesOf('Chromium', s).filter((e) => e.baseline).map((e) => e.impl);
    expect(baselineOf(samples(5, 3))).toEqual([IMPL.postMessageBatchTransfer]);
    expect(baselineOf(samples(3, 5))).toEqual([IMPL.postMessageBatchClone]);
    expect(new Set(entriesOf('Firefox', samples(1, 1)).map((e) => e.scenario))).toEqual(new Set([browserScenario('Firefox')]));
    expect(CAPACITY).toBe(1024);
  });
});
