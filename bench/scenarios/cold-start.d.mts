export const title: string;
export function rows(): { scenario: string; impl: string }[];
export function run(options: { quick: boolean; log: (msg: string) => void }): Promise<unknown[]>;
