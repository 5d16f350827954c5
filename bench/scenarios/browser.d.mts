export interface BrowserTransport { id: string; impl: string; batched?: boolean }
export const title: string;
export const transports: BrowserTransport[];
export const CAPACITY: number;
export const DRAIN_MAX: number;
export function plan(quick: boolean): { rounds: number; roundMs: number; warmupMs: number };
export function rows(): { scenario: string; impl: string }[];
export function entriesOf(browserName: string, samples: Map<string, number[]>): import('../lib/summary.mjs').Entry[];
export function run(options: { quick: boolean; log: (msg: string) => void; browsers?: readonly import('../lib/browsers.mjs').BrowserInfo[] }): Promise<unknown[]>;
