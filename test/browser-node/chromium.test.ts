// Where Chromium is looked for, and that the test run fails loudly (naming
// the fix) instead of passing quietly when there is none.
import { afterEach, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  CHROMIUM_ENV, SKIP_BROWSER_ENV, browserSkipped, findChromium, missingChromiumMessage, requireChromium,
} from './chromium.js';
import { repoRoot } from './package-copy.js';

const saved = { chromium: process.env[CHROMIUM_ENV], skip: process.env[SKIP_BROWSER_ENV] };
afterEach(() => {
  for (const [name, value] of [[CHROMIUM_ENV, saved.chromium], [SKIP_BROWSER_ENV, saved.skip]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('WASMQ_CHROMIUM chooses the binary; one that does not exist counts as none', () => {
  process.env[CHROMIUM_ENV] = process.execPath; // any existing file stands in
  expect(findChromium()).toBe(process.execPath);
  process.env[CHROMIUM_ENV] = '/nowhere/chromium';
  expect(findChromium()).toBeUndefined();
  expect(() => requireChromium()).toThrow(/apt-get install -y chromium/);
});

test('the missing-Chromium message says what was looked for, the fix, and how to skip on purpose', () => {
  process.env[CHROMIUM_ENV] = '/nowhere/chromium';
  const message = missingChromiumMessage();
  expect(message).toContain('WASMQ_CHROMIUM=/nowhere/chromium does not exist');
  expect(message).toContain('apt-get install -y chromium');
  expect(message).toContain('WASMQ_SKIP_BROWSER=1');
});

test('WASMQ_SKIP_BROWSER skips only when set to something other than 0', () => {
  for (const [value, skipped] of [['1', true], ['yes', true], ['0', false], ['', false]] as const) {
    process.env[SKIP_BROWSER_ENV] = value;
    expect(browserSkipped()).toBe(skipped);
  }
  process.env[SKIP_BROWSER_ENV] = '1';
  expect(requireChromium()).toBeUndefined();
});

test('without Chromium, running the browser project fails and prints the fix', () => {
  const vitest = join(repoRoot, 'node_modules', '.bin', 'vitest');
  const env: NodeJS.ProcessEnv = { ...process.env, [CHROMIUM_ENV]: '/nowhere/chromium', NO_COLOR: '1' };
  delete env[SKIP_BROWSER_ENV];
  // A nested vitest must not think it is a worker of this one.
  for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];
  const run = spawnSync(vitest, ['run', '--project', 'browser'], { cwd: repoRoot, env, encoding: 'utf8', timeout: 120_000 });
  expect(run.status).not.toBe(0);
  expect(run.stdout + run.stderr).toContain('apt-get install -y chromium');
  expect(run.stdout + run.stderr).toMatch(/1 failed/);
});
