export const title: string;
export const nodeOnly: string;
export function rows(): { scenario: string; impl: string }[];
/** Order record number `id` of the 1 KiB JSON row (about 1 KiB as JSON). */
export function order(id: number): { id: number; customer: { name: string; email: string; country: string }; lines: { sku: string; qty: number; price: number }[]; tags: string[]; note: string };
export function run(options: { quick: boolean; log: (msg: string) => void; skip?: (row: { scenario: string; impl: string; reason: string }) => void }): Promise<unknown[]>;
/** The crashed-workers row (issue 15): its (scenario, impl) pairs. */
export function crashedRows(): { scenario: string; impl: string }[];
