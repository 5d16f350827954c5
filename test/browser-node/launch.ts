// Launches the system Chromium through Playwright, for node-project tests
// that open real pages (the vitest 'browser' project does its own launch).
import { chromium, type Browser } from 'playwright';
import { CHROMIUM_ARGS, requireChromium } from './chromium.js';

/** Launches headless Chromium; throws naming the fix when there is none. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = requireChromium();
  if (!executablePath) throw new Error('browser tests are skipped (WASMQ_SKIP_BROWSER); nothing to launch');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
