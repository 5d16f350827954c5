// `npm run demo` end to end: the server starts, the page runs the comparison
// in every engine, both transports move messages, and a screenshot is kept
// (test-output/demo.png, demo-firefox.png, demo-webkit.png; with WASMQ_UPDATE_SCREENSHOT=1 it is also copied to
// demo/screenshot.png, the one the README shows, so a plain test run leaves
// the working tree clean).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectedEngines } from './engines.js';
import { launchEngine, waitInPage, type TestBrowser } from './launch.js';
import { repoRoot } from './package-copy.js';

/** Starts demo/server.mjs on a free port; resolves with its printed URL. */
function startDemoServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(repoRoot, 'demo', 'server.mjs')], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(output)?.[0];
      if (url) resolve({ url, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`demo server exited (${code}) before printing its URL:\n${output}`)));
  });
}

test('the demo TypeScript type-checks against the built package (esbuild only strips types)', () => {
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  try {
    execFileSync(tsc, ['-p', join(repoRoot, 'demo', 'tsconfig.json')], { cwd: repoRoot, stdio: 'pipe' });
  } catch (e) {
    // tsc reports on stdout: put its report in the failure.
    throw new Error(`demo/ does not type-check:\n${String((e as { stdout?: Buffer }).stdout ?? e)}`);
  }
});

for (const engine of selectedEngines()) {
  describe(`the demo page in ${engine.name}`, () => {
    let browser: TestBrowser;
    let server: ChildProcess | undefined;
    let url: string;

    beforeAll(async () => {
      ({ url, child: server } = await startDemoServer());
      browser = await launchEngine(engine.id);
    });
    afterAll(async () => {
      await browser?.close();
      server?.kill();
    });

    test('runs wasmq and postMessage between the same workers and shows non-zero live figures for both', async () => {
      const page = await browser.newPage({ width: 1120, height: 1010 });
      await page.goto(url);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      // Through the DOM, the same in every engine: choose, then press Start.
      await page.evaluate((choices) => {
        for (const [name, value] of Object.entries(choices)) {
          const select = document.querySelector<HTMLSelectElement>(`select[name=${name}]`)!;
          select.value = value;
          select.dispatchEvent(new Event('input', { bubbles: true }));
          select.dispatchEvent(new Event('change', { bubbles: true }));
        }
        document.getElementById('start')!.click();
      }, { producers: '2', consumers: '2', size: '64', duration: '4' });
      await waitInPage(page, () => document.getElementById('results')!.dataset.state === 'running');
      // Live: figures for both appear while it runs, before the end (read in one step with the state).
      const stateWhenShown = await waitInPage(page, () => {
        const { postMessageRate, wasmqRate, state } = document.getElementById('results')!.dataset;
        return Number(postMessageRate) > 0 && Number(wasmqRate) > 0 ? state : false;
      });
      expect(stateWhenShown).toBe('running');
      await waitInPage(page, () => ['done', 'error'].includes(document.getElementById('results')!.dataset.state ?? ''), undefined, 60_000);
      const figures = await page.evaluate(() => ({
        state: document.getElementById('results')!.dataset.state,
        status: document.getElementById('status')!.textContent,
        wasmqRate: Number(document.getElementById('results')!.dataset.wasmqRate),
        postMessageRate: Number(document.getElementById('results')!.dataset.postMessageRate),
        wasmqP50: Number(document.getElementById('results')!.dataset.wasmqP50),
        postMessageP50: Number(document.getElementById('results')!.dataset.postMessageP50),
        shown: document.getElementById('wasmq-rate')!.textContent,
      }));
      expect(page.errors).toEqual([]);
      expect(figures.state, figures.status ?? '').toBe('done');
      expect(figures.wasmqRate).toBeGreaterThan(0);
      expect(figures.postMessageRate).toBeGreaterThan(0);
      expect(figures.wasmqP50).toBeGreaterThan(0);
      expect(figures.postMessageP50).toBeGreaterThan(0);
      expect(figures.shown).toMatch(/\d/);

      const out = join(repoRoot, 'test-output');
      mkdirSync(out, { recursive: true });
      // Chromium's is the one the README shows.
      const shot = join(out, engine.id === 'chromium' ? 'demo.png' : `demo-${engine.id}.png`);
      await page.screenshot(shot);
      if (engine.id === 'chromium' && process.env.WASMQ_UPDATE_SCREENSHOT === '1') {
        copyFileSync(shot, join(repoRoot, 'demo', 'screenshot.png'));
      }
      // For the record (machine-dependent; never asserted).
      writeFileSync(
        join(out, engine.id === 'chromium' ? 'demo-figures.json' : `demo-figures-${engine.id}.json`),
        JSON.stringify({ ...figures, engine: engine.id, at: new Date().toISOString() }, null, 2),
      );
      await page.close();
    });
  });
}
