export class BenchError extends Error {}
export class UnsupportedError extends Error {}
export function takeWorkerRuntimes(): Record<string, number>;
export function unsupportedReason(transport: { peer: URL }, kind: string): Promise<string | null>;
export function measureOrSkip<T>(
  options: {
    transport: { impl: string; peer: URL }; kind: string; rows: { scenario: string; impl: string }[];
    skip?: (row: { scenario: string; impl: string; runtime: string; reason: string }) => void;
    log?: (msg: string) => void;
  },
  measure: () => Promise<T>,
): Promise<T | undefined>;
export function runWorkers(options: {
  peer: URL; kind: string; config: Record<string, unknown>;
  roles: { role: string; ctx: Record<string, unknown> }[]; rounds: Record<string, unknown>[]; timeoutMs: number;
}): Promise<any[][]>;
export function checkWorkerRuntimes(ready: readonly { runtime?: { name: string } }[], here: string, what?: string): void;
