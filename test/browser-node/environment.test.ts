// createQueue on a page that is NOT cross-origin isolated must say which two
// headers to send, not fail with "SharedArrayBuffer is not defined". Chromium
// is driven directly (the vitest browser project always serves the headers).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright';
import { browserSkipped } from './chromium.js';
import { launchChromium } from './launch.js';
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

describe.skipIf(browserSkipped())('createQueue in Chromium, by page isolation', () => {
  let site: string;
  let browser: Browser;
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
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
    if (site) rmSync(site, { recursive: true, force: true });
  });

  async function openPage(isolated: boolean): Promise<Outcome> {
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

  test('without COOP/COEP, createQueue throws an Error naming both headers to send', async () => {
    const outcome = await openPage(false);
    expect(outcome.isolated).toBe(false);
    expect(outcome.sharedArrayBuffer).toBe('undefined'); // the bare failure we must not surface
    expect(outcome.error?.name).toBe('Error');
    expect(outcome.error?.message).toContain('Cross-Origin-Opener-Policy: same-origin');
    expect(outcome.error?.message).toContain('Cross-Origin-Embedder-Policy: require-corp');
    expect(outcome.error?.message).not.toMatch(/is not defined/);
  });

  test('the same page served with COOP/COEP is isolated and createQueue succeeds', async () => {
    const outcome = await openPage(true);
    expect(outcome).toEqual({ isolated: true, sharedArrayBuffer: 'function' });
  });
});
