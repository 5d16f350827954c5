export function transformOrder(order: unknown): { id: number; customer: { name: string; country: string }; lines: { sku: string; qty: number; amount: number }[]; total: number; tags: string[]; note: string };
export function scaleF64(array: Float64Array): Float64Array;
export function scaleF64Piscina(array: Float64Array): Promise<unknown>;
export function scaleF64Tinypool(array: Float64Array): Promise<unknown>;
export default function task(input: unknown): unknown;
