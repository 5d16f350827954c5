// The demo's comparison (demo/comparison.ts), run programmatically in all
// three browser engines in one sitting, so one README table can say how
// wasmq and postMessage compare between Web Workers in Chromium, Firefox and
// WebKit. demo/server.mjs is started as a child process (it bundles demo/*.ts
// with esbuild and serves it cross-origin isolated); each engine opens the
// page (bench/lib/browsers.mjs: Chromium through Playwright, Firefox through
// puppeteer-core, WebKit through WebKitWebDriver + MiniBrowser under
// xvfb-run) and calls window.wasmqDemo.run(settings), which runs
// runComparison with the demo's own workers and resolves with every round.
//
// What the rows measure is what the demo shows: P producer workers and C
// consumer workers move 64-byte messages, in alternating short rounds of the
// two transports between the very same workers, with the same window of
// messages in flight (the queue's capacity = postMessage's window):
// - wasmq: producers tryPushFrom, and on a full queue a blocking push (which
//   parks up to 2 ms); consumers tryPopInto, and on an empty queue a blocking
//   pop. One message per call.
// - postMessage (the baseline): producers post one Uint8Array per message
//   (structured clone) round-robin over a MessageChannel port to each
//   consumer, holding at the window; consumers count in onmessage.
// A round's rate is the messages received over the time from its start until
// all that was sent had been received. Each transport's first round is a
// warm-up and is dropped.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENGINES, missingEngineMessage, openEnginePage } from '../lib/browsers.mjs';
import { IMPL, demoEngineScenario } from '../lib/names.mjs';
import { summarize } from '../lib/stats.mjs';

export const title = 'The demo in three browser engines: wasmq vs postMessage between Web Workers (Chromium, Firefox, WebKit)';
/** Why this module runs in Node only under `--runtime` (bench/lib/runtime.mjs). */
export const nodeOnly =
  'Node only: it drives headless Chromium, Firefox and WebKit from Node (Playwright, puppeteer-core, WebKitWebDriver); the browsers are the runtimes it measures';

/** The cells: producers × consumers, 64-byte messages. */
export const CELLS = [
  { producers: 1, consumers: 1, messageBytes: 64 },
  { producers: 2, consumers: 2, messageBytes: 64 },
];

/** The demo's transports (demo/protocol.ts TRANSPORTS) and the rows' names. */
export const transports = [
  { id: 'wasmq', impl: IMPL.demoPushPop },
  { id: 'postMessage', impl: IMPL.postMessage, baseline: true },
];

export function plan(quick) {
  return quick ? { rounds: 3, roundMs: 200 } : { rounds: 7, roundMs: 500 };
}

/** The (scenario, impl) rows a run of this module produces (when all three engines are there). */
export function rows() {
  return ENGINES.flatMap((e) =>
    CELLS.flatMap((c) => transports.map((t) => ({ scenario: demoEngineScenario(c.producers, c.consumers, c.messageBytes, e.name), impl: t.impl }))));
}

/** Starts demo/server.mjs on a free port (PORT=0); resolves with its printed URL and a stop(). */
function startDemoServer() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../../demo/server.mjs', import.meta.url))], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  return new Promise((resolve, reject) => {
    let output = '';
    let timer;
    const onData = (chunk) => {
      output += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(output)?.[0];
      if (url) {
        clearTimeout(timer);
        resolve({ url, stop, alive: () => child.exitCode === null && child.signalCode === null });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`demo server exited (${code}) before printing its URL:\n${output}`)));
    timer = setTimeout(() => {
      stop();
      reject(new Error(`demo server printed no URL within 30 s:\n${output}`));
    }, 30_000).unref();
  });
}

/** Runs one cell in the page: `rounds` (+1 warm-up) rounds of each transport; resolves with msg/s per round by transport. */
async function measureCell(page, cell, { rounds, roundMs }) {
  const settings = { ...cell, rounds: rounds + 1, roundMs, durationMs: 10 * 60_000 };
  const result = await page.evaluate((s) => window.wasmqDemo.run(s), settings);
  const samples = new Map();
  for (const t of transports) {
    const mine = result.rounds.filter((r) => r.transport === t.id);
    if (mine.length !== rounds + 1) throw new Error(`${t.id}: ${mine.length} rounds, expected ${rounds + 1}`);
    if (mine.some((r) => !(r.messages > 0 && r.rate > 0))) throw new Error(`${t.id}: a round moved no messages`);
    samples.set(t.id, mine.slice(1).map((r) => r.rate));
  }
  return samples;
}

export async function run({ quick, log, engines = ENGINES }) {
  const settings = plan(quick);
  const present = [];
  for (const engine of engines) {
    const found = {};
    const missing = await missingEngineMessage(engine, found);
    if (missing) log(`${engine.name}: skipped, ${missing}; its rows are not measured`);
    else present.push({ engine, executable: found.executable });
  }
  if (!present.length) return [];
  const server = await startDemoServer();
  const entries = [];
  const failures = [];
  const M = (x) => `${(x / 1e6).toFixed(2)} M`;
  try {
    for (const { engine, executable } of present) {
      let page;
      try {
        // A dead server would leave the engine on about:blank (WebKit reports no load error).
        if (!server.alive()) throw new Error('the demo server exited during the run');
        page = await openEnginePage(engine, server.url, executable);
        if (!(await page.evaluate(() => typeof window.wasmqDemo?.run === 'function'))) {
          throw new Error('the demo page has no window.wasmqDemo.run (an old demo/app.ts?)');
        }
        log(`${page.version}: ${settings.rounds} rounds × ${settings.roundMs} ms per transport per cell (after a warm-up round each)`);
        for (const cell of CELLS) {
          const scenario = demoEngineScenario(cell.producers, cell.consumers, cell.messageBytes, engine.name);
          const samples = await measureCell(page, cell, settings);
          for (const t of transports) {
            entries.push({
              scenario, impl: t.impl, unit: 'msg/s', higherIsBetter: true,
              ...(t.baseline ? { baseline: true } : {}), samples: samples.get(t.id),
            });
          }
          const w = summarize(samples.get('wasmq')).median;
          const p = summarize(samples.get('postMessage')).median;
          log(`${scenario}: wasmq ${M(w)}, postMessage ${M(p)} msg/s (${(w / p).toFixed(2)}×)`);
        }
        if (page.errors.length) log(`${engine.name}: the page logged errors: ${page.errors.join('; ')}`);
      } catch (error) {
        // Go on to the next engine, but fail the module at the end: no figure from a broken run.
        failures.push(error);
        log(`${engine.name} FAILED: ${error.message}`);
      } finally {
        await page?.close().catch(() => {});
      }
    }
  } finally {
    server.stop();
  }
  if (failures.length) throw new Error(failures.map((e) => e.message).join(' | '));
  return entries;
}

// Run on its own: node bench/scenarios/browser-engines.mjs [--quick]
if (import.meta.url === `file://${process.argv[1]}`) {
  const entries = await run({ quick: process.argv.includes('--quick'), log: (m) => console.log(m) });
  for (const e of entries) console.log(e.scenario, '|', e.impl, '|', e.samples.map((x) => (x / 1e6).toFixed(2)).join(' '));
}
