// createQueue on a page that is NOT cross-origin isolated must say which two
// headers to send, not fail with "SharedArrayBuffer is not defined", in
// every engine; and where the page IS isolated but the engine still gives it
// no SharedArrayBuffer (stock WebKitGTK, WebKit bug 317847), it must say
// that instead of blaming headers that are already sent. The engines are
// driven directly (the vitest browser projects always serve the headers).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { selectedEngines } from './engines.js';
import { launchEngine, type TestBrowser } from './launch.js';
import { repoRoot } from './package-copy.js';
import { serveDirectory, type StaticServer } from './static-server.js';

interface Outcome {
  isolated: boolean;
  sharedArrayBuffer: string;
  error?: { name: string; message: string };
}

/** What happens when the page calls createQueue(). */
function tryCreateQueue(): Outcome {
  const { createQueue } = (globalThis as unknown as { wasmq: typeof import('../../ts/index.js') }).wasmq;
  const outcome: Outcome = { isolated: crossOriginIsolated, sharedArrayBuffer: typeof SharedArrayBuffer };
  try {
    createQueue();
  } catch (e) {
    outcome.error = { name: (e as Error).name, message: (e as Error).message };
  }
  return outcome;
}

let site: string;
const servers: StaticServer[] = [];

beforeAll(async () => {
  // The package as a plain script (global `wasmq`), bundled from the build.
  site = mkdtempSync(join(tmpdir(), 'wasmq-isolation-'));
  await build({
    entryPoints: [join(repoRoot, 'dist', 'index.js')],
    bundle: true,
    format: 'iife',
    globalName: 'wasmq',
    outfile: join(site, 'wasmq.js'),
    logLevel: 'silent',
  });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>wasmq</title><script src="wasmq.js"></script>');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  if (site) rmSync(site, { recursive: true, force: true });
});

async function openPage(browser: TestBrowser, isolated: boolean): Promise<Outcome> {
  const server = await serveDirectory(site, { isolated });
  servers.push(server);
  const page = await browser.newPage();
  try {
    await page.goto(server.url);
    return await page.evaluate(tryCreateQueue);
  } finally {
    await page.close();
  }
}

function expectHeadersNamed(outcome: Outcome): void {
  expect(outcome.isolated).toBe(false);
  expect(outcome.error?.name).toBe('Error');
  expect(outcome.error?.message).toContain('self.crossOriginIsolated is false');
  expect(outcome.error?.message).toContain('Cross-Origin-Opener-Policy: same-origin');
  expect(outcome.error?.message).toContain('Cross-Origin-Embedder-Policy: require-corp');
  expect(outcome.error?.message).not.toMatch(/is not defined here|is true/);
}

for (const engine of selectedEngines()) {
  describe(`createQueue in ${engine.name}, by page isolation`, () => {
    let browser: TestBrowser;
    beforeAll(async () => {
      browser = await launchEngine(engine.id);
    });
    afterAll(async () => {
      await browser?.close();
    });

    test('without COOP/COEP, createQueue throws an Error naming both headers to send', async () => {
      const outcome = await openPage(browser, false);
      // In Chromium and Firefox there is no SharedArrayBuffer at all (the bare failure we must not surface).
      expectHeadersNamed(outcome);
      if (outcome.sharedArrayBuffer === 'undefined') expect(outcome.error?.message).toContain('SharedArrayBuffer is not defined');
    });

    test('the same page served with COOP/COEP is isolated and createQueue succeeds', async () => {
      const outcome = await openPage(browser, true);
      expect(outcome).toEqual({ isolated: true, sharedArrayBuffer: 'function' });
    });
  });
}

if (selectedEngines().some((e) => e.id === 'webkit')) {
  describe('createQueue in stock WebKitGTK, which keeps SharedArrayBuffer off even on isolated pages', () => {
    let browser: TestBrowser;
    beforeAll(async () => {
      browser = await launchEngine('webkit', { sharedArrayBuffer: false });
    });
    afterAll(async () => {
      await browser?.close();
    });

    test('without COOP/COEP: the error names both headers and says SharedArrayBuffer is not defined', async () => {
      const outcome = await openPage(browser, false);
      expect(outcome.sharedArrayBuffer).toBe('undefined');
      expectHeadersNamed(outcome);
      expect(outcome.error?.message).toContain('SharedArrayBuffer is not defined');
    });

    test('with COOP/COEP: the error says the page is isolated and the engine provides no SharedArrayBuffer', async () => {
      const outcome = await openPage(browser, true);
      expect(outcome.isolated).toBe(true);
      expect(outcome.sharedArrayBuffer).toBe('undefined');
      expect(outcome.error?.name).toBe('Error');
      expect(outcome.error?.message).toContain('self.crossOriginIsolated is true');
      expect(outcome.error?.message).toContain('does not provide shared memory');
      expect(outcome.error?.message).not.toContain('Serve the page');
    });
  });
}
