export const title: string;
export function rows(): { scenario: string; impl: string }[];
export function copyBandwidth(bytes: number, ringBytes: number, totalBytes: number): number;
export function run(options: { quick: boolean; log: (msg: string) => void }): Promise<unknown[]>;
