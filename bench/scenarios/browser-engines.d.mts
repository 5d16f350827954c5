export interface DemoTransport { id: 'wasmq' | 'postMessage'; impl: string; baseline?: boolean }
export const title: string;
export const nodeOnly: string;
export const CELLS: { producers: number; consumers: number; messageBytes: number }[];
export const transports: DemoTransport[];
export function plan(quick: boolean): { rounds: number; roundMs: number };
export function rows(): { scenario: string; impl: string }[];
export function run(options: { quick: boolean; log: (msg: string) => void; engines?: readonly import('../lib/browsers.mjs').EngineInfo[] }): Promise<import('../lib/summary.mjs').Entry[]>;
