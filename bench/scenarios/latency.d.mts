export interface LatencyTransport { impl: string; peer: URL; baseline?: boolean; ctx?: Record<string, unknown> }
export const title: string;
export const transports: LatencyTransport[];
export function rows(): { scenario: string; impl: string }[];
export function measureLatency(options: { transport: LatencyTransport; roundTrips: number; rounds: number }): Promise<{ p50: number; p99: number; p999: number }[]>;
export const runtimes: string[];
export function run(options: { quick: boolean; log: (msg: string) => void; skip?: (row: { scenario: string; impl: string; reason: string }) => void }): Promise<unknown[]>;
