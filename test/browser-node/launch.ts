// Opens real pages in each browser engine for node-project tests (the vitest
// browser projects do their own launch): Chromium through Playwright (the
// system binary), Firefox through puppeteer-core (WebDriver BiDi, the system
// firefox-esr), WebKit through WebKitWebDriver + MiniBrowser (engines.ts).
// The tests use only the small interface below, so each check is the same
// check in every engine: DOM actions go through evaluate(), not through a
// driver's own click/select helpers.
import { writeFileSync } from 'node:fs';
import { CHROMIUM_ARGS } from './chromium.js';
import { WebKitSession, engineById, findEngine, missingEngineMessage, type Engine, type EngineId } from './engines.js';

export interface TestPage {
  /** Navigates and waits for the load event. */
  goto(url: string): Promise<void>;
  /** Runs `fn(arg)` in the page; resolves with its awaited, JSON-able result. */
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Uncaught errors in the page so far. In WebKit (classic WebDriver, no events), only those after the load event. */
  readonly errors: string[];
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestBrowser {
  readonly engine: Engine;
  newPage(viewport?: { width: number; height: number }): Promise<TestPage>;
  close(): Promise<void>;
}

/** Polls `fn(arg)` in the page until it returns something truthy; resolves with that. */
export async function waitInPage<T, A = undefined>(
  page: TestPage,
  fn: (arg: A) => T | Promise<T>,
  arg?: A,
  timeoutMs = 30_000,
): Promise<T> {
  const by = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() > by) throw new Error(`the page did not reach the awaited state within ${timeoutMs / 1000} s: ${fn.toString()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Collects uncaught errors from inside the page (for WebKit, which reports no events). */
function watchErrorsInPage(): void {
  const w = window as unknown as { __wasmqErrors?: string[] };
  if (w.__wasmqErrors) return;
  const errors: string[] = (w.__wasmqErrors = []);
  addEventListener('error', (e) => errors.push(String(e.message)));
  addEventListener('unhandledrejection', (e) => errors.push(String((e.reason as Error)?.message ?? e.reason)));
}

export interface LaunchOptions {
  /**
   * WebKit only: false launches stock WebKitGTK, which does not expose
   * SharedArrayBuffer even on cross-origin-isolated pages (WebKit bug 317847);
   * the default (true) sets JSC_useSharedArrayBuffer=1, as the suites need.
   */
  sharedArrayBuffer?: boolean;
}

/** Launches `id` headless; throws with the install command when it is missing. */
export async function launchEngine(id: EngineId, options: LaunchOptions = {}): Promise<TestBrowser> {
  const engine = engineById(id);
  const binaries = findEngine(engine);
  if (!binaries) throw new Error(missingEngineMessage(engine));

  if (id === 'chromium' || id === 'firefox') {
    const browser =
      id === 'chromium'
        ? await (await import('playwright')).chromium.launch({ executablePath: binaries.chromium, args: CHROMIUM_ARGS, headless: true })
        : await (await import('puppeteer-core')).default.launch({ browser: 'firefox', executablePath: binaries.firefox, headless: true });
    return {
      engine,
      async newPage(viewport) {
        const page =
          id === 'chromium'
            ? await (browser as import('playwright').Browser).newPage(viewport ? { viewport, deviceScaleFactor: 1 } : {})
            : await (browser as import('puppeteer-core').Browser).newPage();
        if (viewport && id === 'firefox') {
          // puppeteer sends the viewport and a screen-orientation override together; Firefox 140 ESR
          // knows no emulation.setScreenOrientationOverride, and the page needs only the viewport.
          await (page as import('puppeteer-core').Page).setViewport({ ...viewport, deviceScaleFactor: 1 }).catch((e: Error) => {
            if (!/setScreenOrientationOverride/.test(String(e?.message))) throw e;
          });
        }
        const errors: string[] = [];
        (page as import('playwright').Page).on('pageerror', (e: Error) => errors.push(String(e?.message ?? e)));
        return {
          errors,
          goto: async (url) => {
            await page.goto(url);
          },
          evaluate: (fn, arg) => (page as import('playwright').Page).evaluate(fn as never, arg as never),
          screenshot: async (path) => {
            await page.screenshot({ path: path as `${string}.png`, fullPage: true });
          },
          close: () => page.close(),
        };
      },
      close: () => browser.close(),
    };
  }

  // WebKit: one WebDriver session (its own MiniBrowser) per page.
  const sessions = new Set<WebKitSession>();
  return {
    engine,
    async newPage(viewport) {
      const session = await WebKitSession.start(binaries, options);
      sessions.add(session);
      if (viewport) await session.setWindowSize(viewport.width, viewport.height);
      const errors: string[] = [];
      const collect = async () => {
        const seen = await session.evaluate<string[]>(() => (window as unknown as { __wasmqErrors?: string[] }).__wasmqErrors ?? []);
        errors.splice(0, errors.length, ...seen);
      };
      return {
        errors,
        goto: async (url) => {
          await session.goto(url);
          await session.evaluate(watchErrorsInPage);
        },
        evaluate: async (fn, arg) => {
          const result = await (arg === undefined ? session.evaluate<never>(fn as never) : session.evaluate<never>(fn as never, arg));
          await collect();
          return result;
        },
        screenshot: async (path) => writeFileSync(path, await session.screenshot()),
        close: async () => {
          sessions.delete(session);
          await session.close();
        },
      };
    },
    close: async () => {
      await Promise.all([...sessions].map((s) => s.close()));
      sessions.clear();
    },
  };
}
