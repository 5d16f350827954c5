// Where the browser suites find Chromium, and what they say when they cannot.
//
// Browser downloads are impossible on the machines this project runs on, so
// the suites never use Playwright's bundled browsers: they launch the
// system's Chromium (Debian package `chromium`). Shared by vitest.config.ts
// (the 'browser' project) and the node-project tests that drive Chromium
// through playwright-core.
import { existsSync } from 'node:fs';

/** Set to 1 to skip every browser test on purpose (with a loud warning). */
export const SKIP_BROWSER_ENV = 'WASMQ_SKIP_BROWSER';
/** Set to a Chromium/Chrome binary to use instead of the default. */
export const CHROMIUM_ENV = 'WASMQ_CHROMIUM';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Flags that work in the containers this project runs in: no sandbox (we run
 * as root), no GPU, and nothing that phones home (there is no internet).
 * Defined once, with the bench's browser driver.
 */
export { CHROMIUM_ARGS } from '../../bench/lib/browsers.mjs';

/** The Chromium binary to launch, or undefined when there is none. */
export function findChromium(): string | undefined {
  const chosen = process.env[CHROMIUM_ENV];
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/** True when the user asked to skip the browser suites. */
export function browserSkipped(): boolean {
  const v = process.env[SKIP_BROWSER_ENV];
  return v !== undefined && v !== '' && v !== '0';
}

/** The message for a machine without Chromium: what is wrong and the fix. */
export function missingChromiumMessage(): string {
  const chosen = process.env[CHROMIUM_ENV];
  const where = chosen ? `${CHROMIUM_ENV}=${chosen} does not exist` : `none of ${CANDIDATES.join(', ')} exists`;
  return [
    '',
    '*** wasmq: the browser test suite needs Chromium, and none was found ***',
    `    (${where}).`,
    '    Fix: install it with `apt-get install -y chromium` (Debian/Ubuntu),',
    `    or point ${CHROMIUM_ENV} at a Chromium or Chrome binary.`,
    `    To skip the browser suite on purpose, set ${SKIP_BROWSER_ENV}=1 (not for CI).`,
    '',
  ].join('\n');
}

/** The warning printed when the browser suites are skipped on purpose. */
export function skippedBrowserWarning(): string {
  return [
    '',
    `!!! wasmq: ${SKIP_BROWSER_ENV} is set: the browser test suites are SKIPPED.`,
    '!!! Nothing was checked in a browser. CI must not set this.',
    '',
  ].join('\n');
}

/**
 * The Chromium to use, or throws with the fix; undefined only when the user
 * asked to skip.
 */
export function requireChromium(): string | undefined {
  if (browserSkipped()) return undefined;
  const path = findChromium();
  if (!path) throw new Error(missingChromiumMessage());
  return path;
}
