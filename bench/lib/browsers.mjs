// The browser bench's Node side: bundles the page (bench/browser/) with
// esbuild, serves it cross-origin isolated on 127.0.0.1, and opens it in
// Chromium (Playwright, the system binary) or Firefox (puppeteer-core over
// WebDriver BiDi, the system firefox-esr); openEnginePage also opens any page
// in WebKit (WebKitWebDriver + MiniBrowser under xvfb-run). Plain .mjs: the bench runs on
// Node 20 without a TypeScript loader, so what test/browser-node/*.ts does
// for the test suites is repeated here in the little that is needed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const pageSource = fileURLToPath(new URL('../browser/', import.meta.url));
/** Where the page is bundled to (gitignored). */
export const DEFAULT_OUT_DIR = join(pageSource, 'out');

/** The flags Chromium gets here, in the bench and in the test suites (test/browser-node/chromium.ts re-exports them): no sandbox (root), no GPU, no network chatter. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The browsers the bench drives: display name, where the binary is looked
 * for (an environment variable overrides it), and the package that installs it.
 */
export const BROWSERS = [
  {
    id: 'chromium',
    name: 'Chromium',
    env: 'WASMQ_CHROMIUM',
    candidates: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'],
    install: 'apt-get install -y chromium',
    driver: 'playwright',
  },
  {
    id: 'firefox',
    name: 'Firefox',
    env: 'WASMQ_FIREFOX',
    candidates: ['/usr/bin/firefox-esr', '/usr/bin/firefox'],
    install: 'apt-get install -y firefox-esr',
    driver: 'puppeteer-core',
  },
];

export function browserById(id) {
  const found = BROWSERS.find((b) => b.id === id);
  if (!found) throw new Error(`no browser ${id}; there are ${BROWSERS.map((b) => b.id).join(', ')}`);
  return found;
}

/** The browser's binary, or undefined when there is none. */
export function findBrowser(browser) {
  const chosen = process.env[browser.env];
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  return browser.candidates.find((path) => existsSync(path));
}

/** What to tell the user when the browser's binary is missing. */
export function missingBrowserMessage(browser) {
  const chosen = process.env[browser.env];
  const where = chosen ? `${browser.env}=${chosen} does not exist` : `none of ${browser.candidates.join(', ')} exists`;
  return `${browser.name} not found (${where}); install it with \`${browser.install}\`, or point ${browser.env} at its binary`;
}

/**
 * Undefined when the browser's driver package (playwright, puppeteer-core: devDependencies) can be
 * loaded; else what to tell the user.
 */
export async function missingDriverMessage(browser) {
  try {
    await import(browser.driver);
    return undefined;
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return `its driver package ${browser.driver} is not installed (a devDependency: run \`npm install\`)`;
  }
}

// ------------------------------------------------------------ the page

/** Bundles bench/browser/ (main.mjs, worker.mjs, index.html) into `outDir`; returns outDir. */
export async function buildPage(outDir = DEFAULT_OUT_DIR) {
  if (!existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const { build } = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { main: join(pageSource, 'main.mjs'), worker: join(pageSource, 'worker.mjs') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outdir: outDir,
    outExtension: { '.js': '.js' },
    logLevel: 'warning',
  });
  writeFileSync(join(outDir, 'index.html'), readFileSync(join(pageSource, 'index.html')));
  return outDir;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/**
 * Serves `root` on 127.0.0.1 (a free port) with the two headers that make
 * the page cross-origin isolated: without them there is no SharedArrayBuffer.
 */
export async function servePage(root) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(base, path === '/' ? 'index.html' : path));
    if (!file.startsWith(base + sep) && file !== base) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// ------------------------------------------------------------ the browsers

/** Longest a call into the page may take before the page counts as hung. */
const CALL_TIMEOUT_MS = 60_000;

async function launch(browser, executablePath) {
  if (browser.driver === 'playwright') {
    const { chromium } = await import('playwright');
    return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  }
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({ browser: 'firefox', executablePath, headless: true });
}

/**
 * Launches `browser`, opens the bench page at `url`, and checks it is
 * cross-origin isolated. Resolves to a session: setup(config), round(config),
 * the page's errors so far, and close(). Playwright's and puppeteer's pages
 * agree on what is used here (goto, evaluate, on('pageerror'|'console')).
 */
export async function openBenchPage(browser, url, executablePath = findBrowser(browser)) {
  if (!executablePath) throw new Error(missingBrowserMessage(browser));
  const instance = await launch(browser, executablePath);
  const errors = [];
  try {
    const page = await instance.newPage();
    page.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    const loadedBy = Date.now() + 10_000;
    while (!(await page.evaluate(() => globalThis.wasmqBench?.loaded === true))) {
      if (Date.now() > loadedBy) throw new Error(`the bench page did not load in ${browser.name}${errors.length ? `: ${errors.join('; ')}` : ''}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!(await page.evaluate(() => crossOriginIsolated))) {
      throw new Error(`the bench page is not cross-origin isolated in ${browser.name} (crossOriginIsolated is false), so it has no SharedArrayBuffer`);
    }
    const version = await instance.version();
    const call = async (what, arg) => {
      // The page times its own rounds out (30 s); this catches a page that stopped answering at all.
      let timer;
      const hung = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from the page within ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
      });
      try {
        return await Promise.race([page.evaluate(({ what, arg }) => globalThis.wasmqBench[what](arg), { what, arg }), hung]);
      } catch (error) {
        throw new Error(`${browser.name}: ${what}() failed: ${error.message}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
      } finally {
        clearTimeout(timer);
      }
    };
    return {
      browser,
      version,
      errors,
      /** Any method of the page's wasmqBench. */
      call,
      setup: (config = {}) => call('setup', config),
      round: (config) => call('round', config),
      close: async () => {
        await call('teardown').catch(() => {});
        await instance.close();
      },
    };
  } catch (error) {
    await instance.close();
    throw error;
  }
}

// ------------------------------------------------------------ any page, three engines

/**
 * WebKit, as test/browser-node/engines.ts drives it (and where it takes its
 * binaries' locations and install command from): WebKitGTK's
 * WebKitWebDriver (classic W3C WebDriver over HTTP) starting MiniBrowser,
 * under xvfb-run (MiniBrowser needs an X display even when nothing is shown).
 * Not in BROWSERS: the browser module (scenarios/browser.mjs) runs in
 * Chromium and Firefox only.
 */
export const WEBKIT = {
  id: 'webkit',
  name: 'WebKit',
  binaries: [
    { env: 'WASMQ_WEBKIT_DRIVER', label: 'WebKitWebDriver', candidates: ['/usr/bin/WebKitWebDriver'] },
    {
      env: 'WASMQ_MINIBROWSER',
      label: 'MiniBrowser',
      candidates: [
        '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
        '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
        '/usr/lib/x86_64-linux-gnu/webkitgtk-6.0/MiniBrowser',
        '/usr/lib/aarch64-linux-gnu/webkitgtk-6.0/MiniBrowser',
      ],
    },
    { label: 'xvfb-run', candidates: ['/usr/bin/xvfb-run'] },
  ],
  install: 'apt-get install -y webkit2gtk-driver xvfb',
  driver: 'webdriver',
};

/** The three engines, for modules that open any page (scenarios/browser-engines.mjs). */
export const ENGINES = [...BROWSERS, WEBKIT];

const findBinary = (b) => {
  const chosen = b.env ? process.env[b.env] : undefined;
  return chosen ? (existsSync(chosen) ? chosen : undefined) : b.candidates.find((path) => existsSync(path));
};

/**
 * What is missing to run `engine`, with the command that installs it;
 * undefined when it can run. Resolves the engine's executable(s) into
 * `found.executable` (a path, or WebKit's binaries by label).
 */
export async function missingEngineMessage(engine, found = {}) {
  if (engine.driver !== 'webdriver') {
    const executable = findBrowser(engine);
    if (!executable) return missingBrowserMessage(engine);
    found.executable = executable;
    return missingDriverMessage(engine);
  }
  const binaries = {};
  const missing = [];
  for (const b of engine.binaries) {
    const path = findBinary(b);
    if (path) binaries[b.label] = path;
    else missing.push(b.env && process.env[b.env] ? `${b.env}=${process.env[b.env]} does not exist` : `${b.label}: none of ${b.candidates.join(', ')} exists`);
  }
  if (missing.length) return `${engine.name} not found (${missing.join('; ')}); install it with \`${engine.install}\``;
  found.executable = binaries;
  return undefined;
}

/** A free loopback TCP port (for a WebDriver to listen on). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Process groups of running WebKit drivers (detached): ended on exit too, so an aborted run leaves no Xvfb behind. */
const driverGroups = new Set();
/** Registers a detached driver's process group, to be ended by endGroup or when this process exits. */
export function trackGroup(pid) {
  driverGroups.add(pid);
}
/** Ends a detached driver's process group (SIGTERM to the group). */
export function endGroup(pid) {
  driverGroups.delete(pid);
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}
process.on('exit', () => {
  for (const pid of [...driverGroups]) endGroup(pid);
});

async function webdriver(base, method, path, body, timeoutMs = 30_000) {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const { value } = await response.json();
  if (!response.ok || (value && typeof value === 'object' && value.error)) {
    throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
  }
  return value;
}

/**
 * A WebKit page: the driver under xvfb-run in its own process group, with
 * JSC_useSharedArrayBuffer=1 (stock WebKitGTK gives even cross-origin-isolated
 * pages no SharedArrayBuffer, WebKit bug 317847; see test/browser-node/engines.ts).
 */
async function openWebKit(binaries, timeoutMs) {
  const port = await freePort();
  const driver = spawn(binaries['xvfb-run'], ['-a', binaries.WebKitWebDriver, `--port=${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, JSC_useSharedArrayBuffer: '1' },
    detached: true,
  });
  trackGroup(driver.pid);
  let stderr = '';
  driver.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  try {
    const readyBy = Date.now() + 20_000;
    for (;;) {
      if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited (${driver.exitCode}): ${stderr}`);
      try {
        const { value } = await (await fetch(`${base}/status`)).json();
        if (value?.ready !== false) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > readyBy) throw new Error(`WebKitWebDriver did not answer on ${base} within 20 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const { sessionId, capabilities } = await webdriver(base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'MiniBrowser',
          timeouts: { script: timeoutMs, pageLoad: 60_000 },
          'webkitgtk:browserOptions': { binary: binaries.MiniBrowser, args: ['--automation'] },
        },
      },
    }, 60_000);
    const session = `/session/${sessionId}`;
    return {
      version: `MiniBrowser (WebKitGTK) ${capabilities?.browserVersion ?? '?'}`,
      goto: (url) => webdriver(base, 'POST', `${session}/url`, { url }, 60_000),
      async evaluate(fn, arg) {
        const script = [
          'const done = arguments[arguments.length - 1];',
          `Promise.resolve().then(() => (${fn.toString()})(arguments[0])).then(`,
          '  (ok) => done({ ok }),',
          '  (e) => done({ error: String(e && e.message !== undefined ? e.message : e) }));',
        ].join('\n');
        const result = await webdriver(base, 'POST', `${session}/execute/async`, { script, args: [arg ?? null] }, timeoutMs + 5_000);
        if (result.error) throw new Error(result.error);
        return result.ok;
      },
      async close() {
        await webdriver(base, 'DELETE', session, undefined, 10_000).catch(() => {});
        endGroup(driver.pid);
      },
    };
  } catch (error) {
    endGroup(driver.pid);
    throw error;
  }
}

/**
 * Opens `url` in `engine` (one of ENGINES; `executable` from
 * missingEngineMessage) and checks the page is cross-origin isolated.
 * Resolves to { version, errors, evaluate(fn, arg), close() }: evaluate runs
 * `fn(arg)` in the page and resolves with its awaited, JSON-able result,
 * failing after `timeoutMs`. In WebKit (classic WebDriver has no events) the
 * page's errors are not collected.
 */
export async function openEnginePage(engine, url, executable, { timeoutMs = CALL_TIMEOUT_MS } = {}) {
  let handle;
  if (engine.driver === 'webdriver') {
    handle = await openWebKit(executable, timeoutMs);
  } else {
    const instance = await launch(engine, executable);
    try {
      const page = await instance.newPage();
      handle = {
        version: `${engine.name} ${await instance.version()}`,
        page,
        goto: (to) => page.goto(to),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        close: () => instance.close(),
      };
    } catch (error) {
      await instance.close();
      throw error;
    }
  }
  const errors = [];
  handle.page?.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
  handle.page?.on('console', (m) => {
    // Chromium logs the page's missing /favicon.ico as an error; it is not the page's.
    if (m.type() === 'error' && !/\/favicon\.ico$/.test(m.location?.()?.url ?? '')) errors.push(m.text());
  });
  const evaluate = async (fn, arg) => {
    let timer;
    const hung = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the page within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      return await Promise.race([handle.evaluate(fn, arg), hung]);
    } catch (error) {
      throw new Error(`${engine.name}: ${error.message}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    await handle.goto(url);
    const state = await evaluate(() => ({ href: location.href, isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer === 'function' }));
    if (!state.isolated || !state.sab) {
      throw new Error(`the page ${state.href} in ${engine.name}: crossOriginIsolated ${state.isolated}, SharedArrayBuffer ${state.sab ? 'present' : 'absent'}`);
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  return { engine, version: handle.version, errors, evaluate, close: () => handle.close() };
}
