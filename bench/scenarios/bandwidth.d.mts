export const title: string;
export function rows(): { scenario: string; impl: string }[];
export function copyBandwidth(bytes: number, ringBytes: number, totalBytes: number): number;
export const runtimes: string[];
export function run(options: { quick: boolean; log: (msg: string) => void; skip?: (row: { scenario: string; impl: string; reason: string }) => void }): Promise<unknown[]>;
