export interface Transport {
  impl: string; peer: URL; baseline?: boolean; spsc?: boolean; batch?: number; unit?: string;
  ctx?: Record<string, unknown>;
  cells?: (producers: number, consumers: number, payloadBytes: number) => boolean;
}
export const title: string;
export const transports: Transport[];
export function runsIn(transport: Transport, producers: number, consumers: number, payloadBytes: number): boolean;
export function plan(quick: boolean): { cells: [number, number, number][]; total: number; rounds: number; workerSets: number };
export function rows(quick: boolean): { scenario: string; impl: string }[];
export function measureThroughput(options: {
  transport: Transport; producers: number; consumers: number; payloadBytes: number;
  total: number; rounds: number; ringMessages: number; workerSets?: number;
}): Promise<number[]>;
export function measureWithOneSet(options: {
  transport: Transport; producers: number; consumers: number; payloadBytes: number;
  total: number; rounds: number; ringMessages: number; cold?: boolean;
}): Promise<number[]>;
export function ringMessagesFor(payloadBytes: number): number;
export const runtimes: string[];
export function run(options: { quick: boolean; log: (msg: string) => void; skip?: (row: { scenario: string; impl: string; reason: string }) => void }): Promise<unknown[]>;
