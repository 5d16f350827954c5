export interface TargetVerdict { target: string; ratio: number | null; verdict: 'holds' | 'does not hold' | 'not measured' }
export function evaluateTargets(median: (scenario: string, impl: string) => number | undefined): TargetVerdict[];
