// The browser bench's Node side: bundles the page (bench/browser/) with
// esbuild, serves it cross-origin isolated on 127.0.0.1, and opens it in
// Chromium (Playwright, the system binary) or Firefox (puppeteer-core over
// WebDriver BiDi, the system firefox-esr). Plain .mjs: the bench runs on
// Node 20 without a TypeScript loader, so what test/browser-node/*.ts does
// for the test suites is repeated here in the little that is needed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
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
