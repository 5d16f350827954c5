// The three browser engines the suites run in, where each one's binaries are
// looked for, the command that installs what is missing, and how each is
// launched and told to open a page. Shared by vitest.config.ts (the browser
// projects, through the provider in engine-provider.ts) and the node-project
// tests that open pages themselves (launch.ts).
//
// - Chromium: Playwright with the system binary (see chromium.ts).
// - Firefox: puppeteer-core over WebDriver BiDi with the system firefox-esr
//   (there is no geckodriver to download).
// - WebKit: WebKitGTK's WebKitWebDriver driving MiniBrowser, under xvfb-run
//   (MiniBrowser needs an X display even when nothing is shown).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { browserSkipped, findChromium, SKIP_BROWSER_ENV } from './chromium.js';
// The WebKit binaries, a free port and the detached drivers' process groups: one definition, the bench driver's.
import { WEBKIT, endGroup, freePort, trackGroup } from '../../bench/lib/browsers.mjs';

export type EngineId = 'chromium' | 'firefox' | 'webkit';

export interface Engine {
  id: EngineId;
  name: string;
  /** The binaries the engine needs; an environment variable may override the first. */
  binaries: { env?: string; label: string; candidates: string[] }[];
  /** The command that installs what is missing (Debian/Ubuntu). */
  install: string;
}

export const ENGINES: Engine[] = [
  {
    id: 'chromium',
    name: 'Chromium',
    binaries: [{ env: 'WASMQ_CHROMIUM', label: 'chromium', candidates: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] }],
    install: 'apt-get install -y chromium',
  },
  {
    id: 'firefox',
    name: 'Firefox',
    binaries: [{ env: 'WASMQ_FIREFOX', label: 'firefox', candidates: ['/usr/bin/firefox-esr', '/usr/bin/firefox'] }],
    install: 'apt-get install -y firefox-esr',
  },
  // Where WebKit's three binaries are looked for is defined once, with the bench's driver.
  { id: 'webkit', name: WEBKIT.name, binaries: WEBKIT.binaries!, install: WEBKIT.install },
];

export function engineById(id: string): Engine {
  const found = ENGINES.find((e) => e.id === id);
  if (!found) throw new Error(`no engine ${id}; there are ${ENGINES.map((e) => e.id).join(', ')}`);
  return found;
}

/** The engine's binaries by label, or undefined when one is missing. */
export function findEngine(engine: Engine): Record<string, string> | undefined {
  if (engine.id === 'chromium') {
    const path = findChromium();
    return path ? { chromium: path } : undefined;
  }
  const found: Record<string, string> = {};
  for (const binary of engine.binaries) {
    const chosen = binary.env ? process.env[binary.env] : undefined;
    const path = chosen ? (existsSync(chosen) ? chosen : undefined) : binary.candidates.find((p) => existsSync(p));
    if (!path) return undefined;
    found[binary.label] = path;
  }
  return found;
}

/** What is missing for `engine`, and the command that installs it. */
export function missingEngineMessage(engine: Engine): string {
  const missing = engine.binaries
    .filter((binary) => {
      const chosen = binary.env ? process.env[binary.env] : undefined;
      return chosen ? !existsSync(chosen) : !binary.candidates.some((p) => existsSync(p));
    })
    .map((binary) => {
      const chosen = binary.env ? process.env[binary.env] : undefined;
      return chosen ? `${binary.env}=${chosen} does not exist` : `${binary.label}: none of ${binary.candidates.join(', ')} exists`;
    });
  const overrides = engine.binaries.filter((b) => b.env).map((b) => b.env);
  return [
    '',
    `*** wasmq: the browser test suite runs in ${engine.name}, and it is not installed ***`,
    ...missing.map((m) => `    (${m})`),
    `    Fix: install it with \`${engine.install}\` (Debian/Ubuntu),`,
    `    or point ${overrides.join(' / ')} at the binary.`,
    `    To skip the browser suites on purpose, set ${SKIP_BROWSER_ENV}=1 (not for CI).`,
    '',
  ].join('\n');
}

/** The engines asked for with WASMQ_BROWSERS=chromium,firefox (default: all three). */
export function selectedEngines(): Engine[] {
  if (browserSkipped()) return [];
  const list = process.env.WASMQ_BROWSERS;
  if (!list) return ENGINES;
  return list.split(',').map((id) => engineById(id.trim()));
}

// ------------------------------------------------------------ WebKit over WebDriver

/** A WebDriver (W3C, HTTP) session with MiniBrowser, the driver started under xvfb-run. */
export class WebKitSession {
  private constructor(
    private readonly driver: ChildProcess,
    private readonly base: string,
    readonly sessionId: string,
    readonly version: string,
  ) {}

  /**
   * Starts the driver and a session. WebKitGTK (2.50) keeps SharedArrayBuffer
   * off even on cross-origin-isolated pages (WebKit bug 317847; the GLib ports
   * never pass the web process the flag that enables it): with
   * `sharedArrayBuffer` (the default) JavaScriptCore's own option
   * JSC_useSharedArrayBuffer=1 turns it on, which WebKit's other ports do for
   * isolated pages. It then exists on non-isolated pages too, so the isolation
   * check runs with it off.
   */
  static async start(binaries: Record<string, string>, options: { sharedArrayBuffer?: boolean } = {}): Promise<WebKitSession> {
    const sharedArrayBuffer = options.sharedArrayBuffer ?? true;
    const port = await freePort();
    // Its own process group, so close() ends xvfb-run, Xvfb, the driver and MiniBrowser together.
    const driver = spawn(binaries['xvfb-run'], ['-a', binaries.WebKitWebDriver, `--port=${port}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: sharedArrayBuffer ? { ...process.env, JSC_useSharedArrayBuffer: '1' } : process.env,
      detached: true,
    });
    trackGroup(driver.pid!);
    let stderr = '';
    driver.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const base = `http://127.0.0.1:${port}`;
    const kill = () => endGroup(driver.pid!);
    try {
      const readyBy = Date.now() + 20_000;
      for (;;) {
        if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited (${driver.exitCode}): ${stderr}`);
        try {
          const status = (await (await fetch(`${base}/status`)).json()) as { value?: { ready?: boolean } };
          if (status.value?.ready !== false) break;
        } catch {
          /* not listening yet */
        }
        if (Date.now() > readyBy) throw new Error(`WebKitWebDriver did not answer on ${base} within 20 s: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const created = await request(base, 'POST', '/session', {
        capabilities: {
          alwaysMatch: {
            browserName: 'MiniBrowser',
            timeouts: { script: 120_000, pageLoad: 120_000 },
            'webkitgtk:browserOptions': { binary: binaries.MiniBrowser, args: ['--automation'] },
          },
        },
      }, 60_000);
      const { sessionId, capabilities } = created as { sessionId: string; capabilities: { browserVersion?: string } };
      return new WebKitSession(driver, base, sessionId, capabilities.browserVersion ?? '?');
    } catch (error) {
      kill();
      throw error;
    }
  }

  /** Navigates and waits for the load (WebDriver's default page-load strategy). */
  async goto(url: string): Promise<void> {
    await request(this.base, 'POST', `/session/${this.sessionId}/url`, { url }, 120_000);
  }

  /** Runs `fn(...args)` in the page (a string is an expression) and returns its awaited, JSON-able result. */
  async evaluate<T>(fn: string | ((...args: never[]) => unknown), ...args: unknown[]): Promise<T> {
    const source = typeof fn === 'string' ? `() => (${fn})` : fn.toString();
    const script = [
      'const done = arguments[arguments.length - 1];',
      'const args = Array.prototype.slice.call(arguments, 0, -1);',
      `Promise.resolve().then(() => (${source})(...args)).then(`,
      '  (ok) => done({ ok }),',
      '  (e) => done({ error: { name: e && e.name, message: String(e && e.message !== undefined ? e.message : e) } }));',
    ].join('\n');
    const result = (await request(this.base, 'POST', `/session/${this.sessionId}/execute/async`, { script, args }, 120_000)) as {
      ok?: T;
      error?: { name: string; message: string };
    };
    if (result.error) throw Object.assign(new Error(result.error.message), { name: result.error.name });
    return result.ok as T;
  }

  async setWindowSize(width: number, height: number): Promise<void> {
    await request(this.base, 'POST', `/session/${this.sessionId}/window/rect`, { width, height });
  }

  async screenshot(): Promise<Buffer> {
    const base64 = (await request(this.base, 'GET', `/session/${this.sessionId}/screenshot`)) as string;
    return Buffer.from(base64, 'base64');
  }

  async close(): Promise<void> {
    await request(this.base, 'DELETE', `/session/${this.sessionId}`, undefined, 10_000).catch(() => {});
    endGroup(this.driver.pid!);
  }
}

async function request(base: string, method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<unknown> {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = (await response.json()) as { value: unknown };
  const value = json.value as { error?: string; message?: string } | undefined;
  if (!response.ok || (value && typeof value === 'object' && 'error' in value && value.error)) {
    throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
  }
  return json.value;
}
