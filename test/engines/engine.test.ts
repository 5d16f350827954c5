// Which engine runs this suite: scripts/engines.mjs sets WASMQ_EXPECT_ENGINE
// (deno, bun), and these checks prove that the test process and the threads
// it starts really run in that engine, not in a Node that vitest forked.
import { describe, expect, it } from 'vitest';
import { Worker as NodeWorker } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { startThread, webWorkers } from '../thread.js';

type Engine = 'node' | 'deno' | 'bun';
const expected = (process.env.WASMQ_EXPECT_ENGINE ?? 'node') as Engine;

/** The engine evaluating this source (a test-only check; the library never asks). */
const ENGINE_OF = `(typeof Deno === 'object' ? 'deno' : typeof process === 'object' && process.versions && process.versions.bun ? 'bun' : 'node')`;
const here = (0, eval)(ENGINE_OF) as Engine;

describe(`the engine is ${expected}`, () => {
  it('runs the test process', () => {
    expect(here).toBe(expected);
  });

  it('runs its node:worker_threads Workers', async () => {
    const w = new NodeWorker(`require('node:worker_threads').parentPort.postMessage(${ENGINE_OF});`, { eval: true });
    const there = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(there).toBe(expected);
  });

  it(`starts the suite's test threads as ${webWorkers ? 'Web Workers (WASMQ_TEST_WORKERS=web)' : 'worker_threads Workers'} of this engine`, async () => {
    const t = startThread(new URL('./workers/where.mjs', import.meta.url), { echo: 'hello' });
    const report = await new Promise((resolve, reject) => {
      t.once('message', resolve);
      t.once('error', reject);
    });
    await t.terminate();
    expect(report).toEqual({ engine: expected, echo: 'hello', viaWorkerThreads: !webWorkers });
  });

  const WebWorker = (globalThis as { Worker?: typeof Worker }).Worker;
  /** Which engines give module Web Workers (Node does not; the --web runs need them). */
  const HAS_WEB_WORKERS: Record<Engine, boolean> = { node: false, deno: true, bun: true };
  it(`has Web Workers exactly where expected (${expected}: ${HAS_WEB_WORKERS[expected] ? 'yes' : 'no'}), and runs them in this engine`, async () => {
    expect(typeof WebWorker === 'function').toBe(HAS_WEB_WORKERS[expected]);
    if (!WebWorker) return;
    const source = `postMessage(${ENGINE_OF});`;
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const w = new WebWorker!(url, { type: 'module' });
    const there = await new Promise((resolve, reject) => {
      w.addEventListener('message', (e) => resolve((e as MessageEvent).data));
      w.addEventListener('error', (e) => reject(new Error((e as ErrorEvent).message)));
    });
    w.terminate();
    URL.revokeObjectURL(url);
    expect(there).toBe(expected);
  });
});

// scripts/node-matrix.mjs sets WASMQ_EXPECT_NODE to the version it runs the
// suite on: the test process and its threads must be that Node, not the
// machine's (registered only then; the other runs have nothing to compare).
const expectedNode = process.env.WASMQ_EXPECT_NODE;
if (expectedNode) {
  describe(`the Node version is ${expectedNode}`, () => {
    it('runs the test process', () => {
      expect(process.version).toBe(expectedNode);
    });

    it('runs its worker_threads Workers and the node a test spawns', async () => {
      const w = new NodeWorker(`require('node:worker_threads').parentPort.postMessage(process.version);`, { eval: true });
      const there = await new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      await w.terminate();
      expect(there).toBe(expectedNode);
      expect(execFileSync('node', ['--version'], { encoding: 'utf8' }).trim()).toBe(expectedNode);
    });
  });
}
