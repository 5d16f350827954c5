export const title: string;
export const nodeOnly: string;
export function run(options: { quick: boolean; log: (msg: string) => void }): Promise<unknown[]>;
/** The crashed-workers row (issue 15): its (scenario, impl) pairs. */
export function crashedRows(): { scenario: string; impl: string }[];
