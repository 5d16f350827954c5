// A vitest browser provider for the engines Playwright cannot drive here:
// Firefox (puppeteer-core over WebDriver BiDi, the system firefox-esr) and
// WebKit (WebKitWebDriver + MiniBrowser under xvfb-run). Vitest serves the
// test pages (with the isolation headers) and runs the tests; a provider only
// has to open each session's URL in the browser, which is all this does.
// Nothing in test/browser/ uses provider commands (page.*, userEvent), so the
// same test files run unchanged.
import { defineBrowserProvider } from '@vitest/browser';
import type { BrowserProvider, TestProject } from 'vitest/node';
import { WebKitSession, engineById, findEngine, missingEngineMessage, type EngineId } from './engines.js';

type PuppeteerBrowser = import('puppeteer-core').Browser;
type PuppeteerPage = import('puppeteer-core').Page;

class EngineProvider implements BrowserProvider {
  readonly name: string;
  readonly supportsParallelism = false;
  private firefox?: Promise<PuppeteerBrowser>;
  private firefoxPages = new Map<string, PuppeteerPage>();
  private webkit = new Map<string, Promise<WebKitSession>>();

  constructor(
    private readonly project: TestProject,
    private readonly engine: Exclude<EngineId, 'chromium'>,
  ) {
    this.name = `wasmq-${engine}`;
  }

  private binaries(): Record<string, string> {
    const engine = engineById(this.engine);
    const found = findEngine(engine);
    if (!found) throw new Error(missingEngineMessage(engine));
    return found;
  }

  getCommandsContext(): Record<string, unknown> {
    return {};
  }

  async openPage(sessionId: string, url: string): Promise<void> {
    if (this.engine === 'firefox') {
      this.firefox ??= (async () => {
        const { default: puppeteer } = await import('puppeteer-core');
        return puppeteer.launch({ browser: 'firefox', executablePath: this.binaries().firefox, headless: true });
      })();
      const browser = await this.firefox;
      let page = this.firefoxPages.get(sessionId);
      if (!page) {
        page = await browser.newPage();
        this.firefoxPages.set(sessionId, page);
      }
      await page.goto(url, { timeout: 0 });
      return;
    }
    let session = this.webkit.get(sessionId);
    if (!session) {
      session = WebKitSession.start(this.binaries());
      this.webkit.set(sessionId, session);
    }
    // WebDriver's navigation waits for the load event; the tests run after it, over vitest's own connection.
    await (await session).goto(url);
  }

  async close(): Promise<void> {
    const firefox = this.firefox;
    this.firefox = undefined;
    this.firefoxPages.clear();
    const sessions = [...this.webkit.values()];
    this.webkit.clear();
    await Promise.allSettled([
      firefox?.then((b) => b.close()),
      ...sessions.map((s) => s.then((x) => x.close())),
    ]);
  }
}

/** The provider for `engine`; the instance's `browser` name is only a label. */
export function engineProvider(engine: 'firefox' | 'webkit') {
  return defineBrowserProvider({
    name: `wasmq-${engine}`,
    options: {},
    providerFactory: (project: TestProject) => new EngineProvider(project, engine),
  });
}
