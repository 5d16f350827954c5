import type { CellSpread } from './summary.mjs';
export interface TargetVerdict { target: string; ratio: number | null; shown: string; verdict: 'holds' | 'does not hold' | 'not measured' }
export const MAX_THROUGHPUT_RIQR: number;
export function evaluateTargets(
  median: (scenario: string, impl: string) => number | undefined,
  spreads?: readonly Pick<CellSpread, 'scenario' | 'impl' | 'rIQR'>[],
): TargetVerdict[];
