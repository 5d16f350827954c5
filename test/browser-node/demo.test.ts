// `npm run demo` end to end: the server starts, the page runs the comparison
// in Chromium, both transports move messages, and a screenshot is kept
// (test-output/demo.png; with WASMQ_UPDATE_SCREENSHOT=1 it is also copied to
// demo/screenshot.png, the one the README shows, so a plain test run leaves
// the working tree clean).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { browserSkipped } from './chromium.js';
import { launchChromium } from './launch.js';
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

describe.skipIf(browserSkipped())('the demo page', () => {
  let browser: Browser;
  let server: ChildProcess | undefined;
  let url: string;

  beforeAll(async () => {
    ({ url, child: server } = await startDemoServer());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.kill();
  });

  test('runs wasmq and postMessage between the same workers and shows non-zero live figures for both', async () => {
    const page = await browser.newPage({ viewport: { width: 1120, height: 1010 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.selectOption('select[name=producers]', '2');
    await page.selectOption('select[name=consumers]', '2');
    await page.selectOption('select[name=size]', '64');
    await page.selectOption('select[name=duration]', '4');
    await page.click('#start');
    await page.waitForSelector('#results[data-state=running]');
    // Live: figures for both appear while it runs, before the end (read in one step with the state).
    const stateWhenShown = await page.waitForFunction(() => {
      const { postMessageRate, wasmqRate, state } = document.getElementById('results')!.dataset;
      return Number(postMessageRate) > 0 && Number(wasmqRate) > 0 ? state : false;
    });
    expect(await stateWhenShown.jsonValue()).toBe('running');
    await page.waitForSelector('#results:is([data-state=done], [data-state=error])', { timeout: 60_000 });
    const figures = await page.evaluate(() => ({
      state: document.getElementById('results')!.dataset.state,
      status: document.getElementById('status')!.textContent,
      wasmqRate: Number(document.getElementById('results')!.dataset.wasmqRate),
      postMessageRate: Number(document.getElementById('results')!.dataset.postMessageRate),
      wasmqP50: Number(document.getElementById('results')!.dataset.wasmqP50),
      postMessageP50: Number(document.getElementById('results')!.dataset.postMessageP50),
      shown: document.getElementById('wasmq-rate')!.textContent,
    }));
    expect(errors).toEqual([]);
    expect(figures.state, figures.status ?? '').toBe('done');
    expect(figures.wasmqRate).toBeGreaterThan(0);
    expect(figures.postMessageRate).toBeGreaterThan(0);
    expect(figures.wasmqP50).toBeGreaterThan(0);
    expect(figures.postMessageP50).toBeGreaterThan(0);
    expect(figures.shown).toMatch(/\d/);

    const out = join(repoRoot, 'test-output');
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, 'demo.png'), fullPage: true });
    if (process.env.WASMQ_UPDATE_SCREENSHOT === '1') {
      copyFileSync(join(out, 'demo.png'), join(repoRoot, 'demo', 'screenshot.png'));
    }
    // For the record (machine-dependent; never asserted).
    writeFileSync(join(out, 'demo-figures.json'), JSON.stringify({ ...figures, at: new Date().toISOString() }, null, 2));
    await page.close();
  });
});
