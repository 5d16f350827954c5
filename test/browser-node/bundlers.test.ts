// The package bundled by esbuild and by Vite, with no loader or plugin
// configuration (the Wasm kernel is embedded in the JavaScript), runs in
// Chromium: a page and a module worker exchange messages through a queue.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import type { Browser } from 'playwright';
import { browserSkipped } from './chromium.js';
import { launchChromium } from './launch.js';
import { installPackageInto } from './package-copy.js';
import { serveDirectory } from './static-server.js';

const fixture = fileURLToPath(new URL('./fixtures/bundled-app', import.meta.url));
const COUNT = 200;
const expected = Array.from({ length: COUNT }, (_, i) => `message ${i} ✓ ${i % 10 === 9 ? 'ωμέγα🚀'.repeat(40) : ''}`);

describe.skipIf(browserSkipped())('bundled with no loader configuration', () => {
  let browser: Browser;
  const scratch: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the fixture app with the built package installed in its node_modules. */
  function userProject(): string {
    const dir = mkdtempSync(join(tmpdir(), 'wasmq-bundle-'));
    scratch.push(dir);
    cpSync(fixture, dir, { recursive: true });
    installPackageInto(dir);
    return dir;
  }

  /** Serves `site` cross-origin isolated and returns what the page received. */
  async function runPage(site: string): Promise<unknown> {
    const server = await serveDirectory(site, { isolated: true });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(server.url);
      await page.waitForFunction(() => 'wasmqResult' in window);
      const result = await page.evaluate(() => (window as unknown as { wasmqResult: Promise<unknown> }).wasmqResult);
      expect(errors).toEqual([]);
      return result;
    } finally {
      await page.close();
      await server.close();
    }
  }

  test('esbuild (two entry points, defaults): the page receives every message from its worker, in order', async () => {
    const project = userProject();
    const site = join(project, 'site');
    await esbuild({
      entryPoints: [join(project, 'main.js'), join(project, 'worker.js')],
      bundle: true,
      format: 'esm',
      outdir: site,
      absWorkingDir: project,
      logLevel: 'silent',
    });
    cpSync(join(project, 'index.html'), join(site, 'index.html'));
    expect(await runPage(site)).toEqual(expected);
  });

  test('vite build (no config file): the page receives every message from its worker, in order', async () => {
    const project = userProject();
    const site = join(project, 'dist');
    await viteBuild({ root: project, configFile: false, logLevel: 'silent', build: { outDir: site } });
    expect(await runPage(site)).toEqual(expected);
  });
});
