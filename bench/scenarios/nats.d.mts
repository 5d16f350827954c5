export const title: string;
export const nodeOnly: string;
export function rows(): { scenario: string; impl: string }[];
export function run(ctx: { quick: boolean; log: (line: string) => void }): Promise<unknown[]>;
