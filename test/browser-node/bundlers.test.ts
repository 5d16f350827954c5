// The package bundled by esbuild and by Vite, with no loader or plugin
// configuration (the Wasm kernel is embedded in the JavaScript), runs in
// every engine: a page and a module worker exchange messages through a queue.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { selectedEngines } from './engines.js';
import { launchEngine, waitInPage, type TestBrowser } from './launch.js';
import { installPackageInto } from './package-copy.js';
import { serveDirectory } from './static-server.js';

const fixture = fileURLToPath(new URL('./fixtures/bundled-app', import.meta.url));
const COUNT = 200;
const expected = Array.from({ length: COUNT }, (_, i) => `message ${i} ✓ ${i % 10 === 9 ? 'ωμέγα🚀'.repeat(40) : ''}`);

const scratch: string[] = [];
const sites: { esbuild?: string; vite?: string } = {};

/** A copy of the fixture app with the built package installed in its node_modules. */
function userProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wasmq-bundle-'));
  scratch.push(dir);
  cpSync(fixture, dir, { recursive: true });
  installPackageInto(dir);
  return dir;
}

/** Each bundler's site, built once and opened in every engine. */
async function site(bundler: 'esbuild' | 'vite'): Promise<string> {
  if (sites[bundler]) return sites[bundler];
  const project = userProject();
  if (bundler === 'esbuild') {
    const out = join(project, 'site');
    await esbuild({
      entryPoints: [join(project, 'main.js'), join(project, 'worker.js')],
      bundle: true,
      format: 'esm',
      outdir: out,
      absWorkingDir: project,
      logLevel: 'silent',
    });
    cpSync(join(project, 'index.html'), join(out, 'index.html'));
    return (sites.esbuild = out);
  }
  const out = join(project, 'dist');
  await viteBuild({ root: project, configFile: false, logLevel: 'silent', build: { outDir: out } });
  return (sites.vite = out);
}

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

for (const engine of selectedEngines()) {
  describe(`bundled with no loader configuration, in ${engine.name}`, () => {
    let browser: TestBrowser;

    beforeAll(async () => {
      browser = await launchEngine(engine.id);
    });
    afterAll(async () => {
      await browser?.close();
    });

    /** Serves `root` cross-origin isolated and returns what the page received. */
    async function runPage(root: string): Promise<unknown> {
      const server = await serveDirectory(root, { isolated: true });
      const page = await browser.newPage();
      try {
        await page.goto(server.url);
        await waitInPage(page, () => 'wasmqResult' in window);
        const result = await page.evaluate(() => (window as unknown as { wasmqResult: Promise<unknown> }).wasmqResult);
        expect(page.errors).toEqual([]);
        return result;
      } finally {
        await page.close();
        await server.close();
      }
    }

    test('esbuild (two entry points, defaults): the page receives every message from its worker, in order', async () => {
      expect(await runPage(await site('esbuild'))).toEqual(expected);
    });

    test('vite build (no config file): the page receives every message from its worker, in order', async () => {
      expect(await runPage(await site('vite'))).toEqual(expected);
    });
  });
}
