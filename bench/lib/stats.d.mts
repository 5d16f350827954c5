export interface Summary { median: number; min: number; max: number; rIQR: number; n: number }
export function quantile(sorted: ArrayLike<number>, q: number): number;
export function summarize(samples: readonly number[]): Summary;
export function percentiles(values: ArrayLike<number>): { p50: number; p99: number; p999: number };
