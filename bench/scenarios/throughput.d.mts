export interface Transport { impl: string; peer: URL; baseline?: boolean; spsc?: boolean; batch?: number }
export const title: string;
export const transports: Transport[];
export function measureThroughput(options: {
  transport: Transport; producers: number; consumers: number; payloadBytes: number;
  total: number; rounds: number; ringMessages: number;
}): Promise<number[]>;
export function ringMessagesFor(payloadBytes: number): number;
export function run(options: { quick: boolean; log: (msg: string) => void }): Promise<unknown[]>;
