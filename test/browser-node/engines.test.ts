// Where Firefox and WebKit are looked for, and that a missing one fails the
// run with the command that installs it (as for Chromium: chromium.test.ts).
import { afterEach, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIP_BROWSER_ENV } from './chromium.js';
import { engineById, findEngine, missingEngineMessage, selectedEngines } from './engines.js';
import { repoRoot } from './package-copy.js';

const OVERRIDES = ['WASMQ_FIREFOX', 'WASMQ_WEBKIT_DRIVER', 'WASMQ_MINIBROWSER', 'WASMQ_BROWSERS', SKIP_BROWSER_ENV];
const saved = Object.fromEntries(OVERRIDES.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('WASMQ_FIREFOX and WASMQ_WEBKIT_DRIVER choose the binaries; one that does not exist counts as missing, named with the fix', () => {
  process.env.WASMQ_FIREFOX = process.execPath; // any existing file stands in
  expect(findEngine(engineById('firefox'))).toEqual({ firefox: process.execPath });
  process.env.WASMQ_FIREFOX = '/nowhere/firefox';
  expect(findEngine(engineById('firefox'))).toBeUndefined();
  expect(missingEngineMessage(engineById('firefox'))).toContain('WASMQ_FIREFOX=/nowhere/firefox does not exist');
  expect(missingEngineMessage(engineById('firefox'))).toContain('apt-get install -y firefox-esr');
  process.env.WASMQ_WEBKIT_DRIVER = '/nowhere/WebKitWebDriver';
  expect(findEngine(engineById('webkit'))).toBeUndefined();
  expect(missingEngineMessage(engineById('webkit'))).toContain('apt-get install -y webkit2gtk-driver xvfb');
});

test('every engine runs unless WASMQ_BROWSERS narrows them on purpose, or the browser suites are skipped', () => {
  delete process.env.WASMQ_BROWSERS;
  delete process.env[SKIP_BROWSER_ENV];
  expect(selectedEngines().map((e) => e.id)).toEqual(['chromium', 'firefox', 'webkit']);
  process.env.WASMQ_BROWSERS = 'webkit, chromium';
  expect(selectedEngines().map((e) => e.id)).toEqual(['webkit', 'chromium']);
  process.env.WASMQ_BROWSERS = 'safari';
  expect(() => selectedEngines()).toThrow(/no engine safari/);
  process.env[SKIP_BROWSER_ENV] = '1';
  expect(selectedEngines()).toEqual([]);
});

for (const [project, variable, install] of [
  ['browser-firefox', 'WASMQ_FIREFOX', 'apt-get install -y firefox-esr'],
  ['browser-webkit', 'WASMQ_WEBKIT_DRIVER', 'apt-get install -y webkit2gtk-driver xvfb'],
] as const) {
  test(`without its engine, running the ${project} project fails and prints \`${install}\``, () => {
    const vitest = join(repoRoot, 'node_modules', '.bin', 'vitest');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      [variable]: '/nowhere/binary',
      NO_COLOR: '1',
      WASMQ_VITEST_JSON: join(tmpdir(), `wasmq-${project}-missing.json`),
    };
    delete env[SKIP_BROWSER_ENV];
    delete env.WASMQ_BROWSERS;
    // A nested vitest must not think it is a worker of this one.
    for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];
    const run = spawnSync(vitest, ['run', '--project', project], { cwd: repoRoot, env, encoding: 'utf8', timeout: 120_000 });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(install);
    expect(run.stdout + run.stderr).toMatch(/1 failed/);
  });
}
