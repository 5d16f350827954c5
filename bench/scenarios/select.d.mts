export const title: string;
export const nodeOnly: string;
export function rows(): { scenario: string; impl: string }[];
export function run(options: { quick: boolean; log: (msg: string) => void }): Promise<unknown[]>;
