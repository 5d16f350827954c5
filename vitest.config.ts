import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import {
  CHROMIUM_ARGS, browserSkipped, findChromium, missingChromiumMessage, skippedBrowserWarning,
} from './test/browser-node/chromium.ts';
import { engineProvider } from './test/browser-node/engine-provider.ts';
import { engineById, findEngine, missingEngineMessage, selectedEngines } from './test/browser-node/engines.ts';

/** Shared memory exists only on cross-origin-isolated pages: every page the browser suite serves sends these. */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const chromium = findChromium();
if (browserSkipped()) console.warn(skippedBrowserWarning());
else if (!chromium) console.error(missingChromiumMessage());

/**
 * The browser suite: test/browser/**, in the system's headless Chromium
 * (Playwright's own browsers cannot be downloaded here). Runs after the node
 * suite (groupOrder 1). Without a Chromium, the project is replaced by one
 * failing check that names the fix, so `npm test` cannot pass quietly; with
 * WASMQ_SKIP_BROWSER=1 it is left out, loudly.
 */
function browserProject() {
  if (browserSkipped() || !selectedEngines().some((e) => e.id === 'chromium')) return [];
  if (!chromium) {
    return [
      {
        test: {
          name: 'browser',
          include: ['test/browser-node/chromium-required.check.ts'],
          environment: 'node',
          sequence: { groupOrder: 1 },
        },
      },
    ];
  }
  return [
    {
      server: { headers: ISOLATION_HEADERS },
      test: {
        name: 'browser',
        include: ['test/browser/**/*.test.ts'],
        globalSetup: ['test/browser-node/nats-setup.ts'],
        testTimeout: 60_000,
        hookTimeout: 30_000,
        // The thread tests use every core; one file at a time keeps them
        // from starving each other.
        fileParallelism: false,
        sequence: { groupOrder: 1 },
        browser: {
          enabled: true,
          headless: true,
          screenshotFailures: false,
          provider: playwright({ launchOptions: { executablePath: chromium, args: CHROMIUM_ARGS } }),
          instances: [{ browser: 'chromium' as const }],
        },
      },
    },
  ];
}

/**
 * The same browser suite in Firefox or WebKit (project `browser-firefox`,
 * `browser-webkit`), after Chromium's (one engine at a time: the thread tests
 * use both cores). Driven by engine-provider.ts. A missing engine is replaced
 * by one failing check that prints the install command; WASMQ_BROWSERS
 * (e.g. `chromium,firefox`) narrows the engines on purpose.
 */
function otherEngineProject(id: 'firefox' | 'webkit', order: number) {
  const engine = engineById(id);
  if (!selectedEngines().includes(engine)) return [];
  const name = `browser-${id}`;
  if (!findEngine(engine)) {
    console.error(missingEngineMessage(engine));
    return [
      {
        test: {
          name,
          include: ['test/browser-node/engine-required.check.ts'],
          environment: 'node',
          env: { WASMQ_REQUIRED_ENGINE: id },
          sequence: { groupOrder: order },
        },
      },
    ];
  }
  return [
    {
      server: { headers: ISOLATION_HEADERS },
      test: {
        name,
        include: ['test/browser/**/*.test.ts'],
        globalSetup: ['test/browser-node/nats-setup.ts'],
        testTimeout: 60_000,
        hookTimeout: 30_000,
        fileParallelism: false,
        sequence: { groupOrder: order },
        browser: {
          enabled: true,
          headless: true,
          screenshotFailures: false,
          provider: engineProvider(id),
          instances: [{ browser: id }],
        },
      },
    },
  ];
}

// Node suite. Tests that start worker_threads point them at built files in
// dist/ (vitest does not transform worker entry files), so `npm test` builds first.
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    // scripts/engines.mjs names its own (test-output/vitest-<engine>[-web].json).
    reporters: ['default', ['json', { outputFile: process.env.WASMQ_VITEST_JSON ?? 'test-output/vitest.json' }]],
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Thread tests saturate both cores; run files one at a time so
          // they do not starve each other into timeouts.
          fileParallelism: false,
        },
      },
      ...browserProject(),
      ...otherEngineProject('firefox', 2),
      ...otherEngineProject('webkit', 3),
    ],
  },
});
