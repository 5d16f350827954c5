export interface BrowserInfo {
  id: string; name: string; env: string; candidates: string[]; install: string; driver: 'playwright' | 'puppeteer-core';
}
export interface RoundConfig {
  transport: string;
  ms?: number;
  records?: number;
  fault?: { kind: 'drop' | 'duplicate'; producer: number; seq: number };
  timeoutMs?: number;
}
export interface RoundResult {
  transport: string; ok: boolean; problems: string[]; problemCount: number; records: number;
  /** maxAhead: the most records a postMessage producer had posted and not seen acknowledged (0 for wasmq). */
  perProducer: { received: number; sent: number; maxAhead: number }[];
  checksum: number; expectedChecksum: number; elapsedMs: number; recordsPerSecond: number;
}
export interface PageInfo {
  crossOriginIsolated: boolean; userAgent: string; hardwareConcurrency: number; waitAsync: boolean; capacity: number; drainMax: number;
}
export interface BenchSession {
  browser: BrowserInfo; version: string; errors: string[];
  call(method: string, arg?: unknown): Promise<unknown>;
  setup(config?: { capacity?: number; drainMax?: number }): Promise<PageInfo>;
  round(config: RoundConfig): Promise<RoundResult>;
  close(): Promise<void>;
}
export const DEFAULT_OUT_DIR: string;
export const CHROMIUM_ARGS: string[];
export const BROWSERS: BrowserInfo[];
export function browserById(id: string): BrowserInfo;
export function findBrowser(browser: BrowserInfo): string | undefined;
export function missingBrowserMessage(browser: BrowserInfo): string;
export function missingDriverMessage(browser: BrowserInfo): Promise<string | undefined>;
export function buildPage(outDir?: string): Promise<string>;
export function servePage(root: string): Promise<{ url: string; close(): Promise<void> }>;
export function openBenchPage(browser: BrowserInfo, url: string, executablePath?: string): Promise<BenchSession>;
export interface EngineInfo {
  id: string; name: string; install: string; driver: 'playwright' | 'puppeteer-core' | 'webdriver';
  env?: string; candidates?: string[]; binaries?: { env?: string; label: string; candidates: string[] }[];
}
export interface EnginePage {
  engine: EngineInfo; version: string; errors: string[];
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  close(): Promise<void>;
}
export const WEBKIT: EngineInfo;
export const ENGINES: EngineInfo[];
export function missingEngineMessage(engine: EngineInfo, found?: { executable?: string | Record<string, string> }): Promise<string | undefined>;
export function openEnginePage(engine: EngineInfo, url: string, executable: string | Record<string, string>, options?: { timeoutMs?: number }): Promise<EnginePage>;
export function freePort(): Promise<number>;
export function trackGroup(pid: number): void;
export function endGroup(pid: number): void;
