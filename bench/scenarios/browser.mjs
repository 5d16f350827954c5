// A browser main thread consuming the 64-byte records that 2 Web Workers
// produce, in Chromium and in Firefox: the wasmq queue drained with
// drainAsync (the row the target is about) against postMessage batched 64
// records per message (its buffer transferred, and structured-cloned: the
// faster of the two in each browser is the baseline), with postMessage of one
// record per message and wasmq popAsync for context. All five run in the
// same page, between the same two workers, rounds interleaved (the order
// rotating every round) so every transport sees the same conditions. The
// page is bench/browser/; bench/lib/browsers.mjs bundles, serves and opens it.
//
// Every round of every transport is checked on the main thread: exactly the
// records each producer sent, each once, in per-producer order (sequence
// numbers), with a checksum. A round that fails makes the module fail, with
// what went wrong, rather than report a figure.
import {
  BROWSERS, buildPage, findBrowser, missingBrowserMessage, missingDriverMessage, openBenchPage, servePage,
} from '../lib/browsers.mjs';
import { IMPL, browserScenario } from '../lib/names.mjs';
import { summarize } from '../lib/stats.mjs';

export const title = 'Browser main thread ← 2 Web Workers (Chromium, Firefox)';
/** Why this module runs in Node only under `--runtime` (bench/lib/runtime.mjs). */
export const nodeOnly =
  "Node only: it drives headless Chromium and Firefox from Node (Playwright, puppeteer-core); the browsers are the runtimes it measures";

/** The transports, by the page's id (bench/browser/protocol.mjs) and the row's name. */
export const transports = [
  { id: 'drainAsync', impl: IMPL.browserDrainAsync },
  { id: 'batch-transfer', impl: IMPL.postMessageBatchTransfer, batched: true },
  { id: 'batch-clone', impl: IMPL.postMessageBatchClone, batched: true },
  { id: 'single', impl: IMPL.postMessage },
  { id: 'popAsync', impl: IMPL.browserPopAsync },
];

/** Queue capacity in records, which is also each postMessage producer's window of unacknowledged records. */
export const CAPACITY = 1024;
/**
 * drainAsync's max: a quarter of the queue, so the main thread hands room
 * back to the producers while records are still there to read (as its
 * postMessage credits go back every quarter window), and one turn of its
 * event loop handles at most 256 records.
 */
export const DRAIN_MAX = CAPACITY / 4;

export function plan(quick) {
  return quick ? { rounds: 3, roundMs: 250, warmupMs: 250 } : { rounds: 7, roundMs: 500, warmupMs: 500 };
}

/** The (scenario, impl) rows a run of this module produces (when both browsers are there). */
export function rows() {
  return BROWSERS.flatMap((b) => transports.map((t) => ({ scenario: browserScenario(b.name), impl: t.impl })));
}

/** Throws with the round's problems when the page found the records wrong. */
function check(browser, transport, label, result) {
  if (result.ok) return result;
  const more = result.problemCount > result.problems.length ? ` (and ${result.problemCount - result.problems.length} more)` : '';
  throw new Error(`${browser.name}, ${transport.impl}, ${label}: the main thread did not get exactly the records sent: ${result.problems.join('; ')}${more}`);
}

/**
 * Runs one warm-up round per transport, then `rounds` rounds of each,
 * interleaved; returns the records/s samples per transport id.
 */
export async function measure(session, { rounds, roundMs, warmupMs }) {
  const { browser } = session;
  for (const t of transports) check(browser, t, 'warm-up', await session.round({ transport: t.id, ms: warmupMs }));
  const samples = new Map(transports.map((t) => [t.id, []]));
  for (let r = 0; r < rounds; r++) {
    // Rotate who goes first, so no transport always gets the machine as the previous one left it.
    const order = transports.map((_, i) => transports[(i + r) % transports.length]);
    for (const t of order) {
      const result = check(browser, t, `round ${r + 1}`, await session.round({ transport: t.id, ms: roundMs }));
      samples.get(t.id).push(result.recordsPerSecond);
    }
  }
  return samples;
}

/** The entries of one browser's samples; the faster postMessage-batched idiom is the scenario's baseline. */
export function entriesOf(browserName, samples) {
  const median = (id) => summarize(samples.get(id)).median;
  const batched = transports.filter((t) => t.batched);
  const fastest = batched.reduce((a, b) => (median(b.id) > median(a.id) ? b : a));
  return transports.map((t) => ({
    scenario: browserScenario(browserName),
    impl: t.impl,
    unit: 'records/s',
    higherIsBetter: true,
    ...(t === fastest ? { baseline: true } : {}),
    samples: samples.get(t.id),
  }));
}

export async function run({ quick, log, browsers = BROWSERS }) {
  const settings = plan(quick);
  const present = [];
  for (const browser of browsers) {
    const executable = findBrowser(browser);
    const missing = executable ? await missingDriverMessage(browser) : missingBrowserMessage(browser);
    if (missing) log(`${browser.name}: skipped, ${missing}; its rows and target are not measured`);
    else present.push({ browser, executable });
  }
  if (!present.length) return [];
  const server = await servePage(await buildPage());
  const entries = [];
  const failures = [];
  try {
    for (const { browser, executable } of present) {
      let session;
      try {
        session = await openBenchPage(browser, server.url, executable);
        const info = await session.setup({ capacity: CAPACITY, drainMax: DRAIN_MAX });
        log(`${browser.name} ${session.version}: ${settings.rounds} rounds × ${settings.roundMs} ms per transport, drainAsync max ${info.drainMax}` +
          `${info.waitAsync ? '' : ' (no Atomics.waitAsync: wasmq polls)'}`);
        const mine = entriesOf(browser.name, await measure(session, settings));
        entries.push(...mine);
        const m = (impl) => summarize(mine.find((e) => e.impl === impl).samples).median;
        const base = mine.find((e) => e.baseline);
        const M = (x) => `${(x / 1e6).toFixed(2)} M`;
        log(`${browser.name}: drainAsync ${M(m(IMPL.browserDrainAsync))}, postMessage batched transferred ${M(m(IMPL.postMessageBatchTransfer))} / cloned ` +
          `${M(m(IMPL.postMessageBatchClone))} records/s: ${(m(IMPL.browserDrainAsync) / summarize(base.samples).median).toFixed(2)}× the faster (${base.impl.split(', ').pop()}); ` +
          `unbatched postMessage ${M(m(IMPL.postMessage))}, popAsync ${M(m(IMPL.browserPopAsync))}`);
        if (session.errors.length) log(`${browser.name}: the page logged errors: ${session.errors.join('; ')}`);
      } catch (error) {
        // Go on to the next browser, but fail the module at the end: no figure from a broken run.
        failures.push(error);
        log(`${browser.name} FAILED: ${error.message}`);
      } finally {
        await session?.close();
      }
    }
  } finally {
    await server.close();
  }
  if (failures.length) throw new Error(failures.map((e) => e.message).join(' | '));
  return entries;
}

// Run on its own: node bench/scenarios/browser.mjs [--quick]
if (import.meta.url === `file://${process.argv[1]}`) {
  const entries = await run({ quick: process.argv.includes('--quick'), log: (m) => console.log(m) });
  for (const e of entries) console.log(e.scenario, '|', e.impl, '|', e.samples.map((x) => (x / 1e6).toFixed(2)).join(' '));
}
