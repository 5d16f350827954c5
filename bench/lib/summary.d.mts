import type { Summary } from './stats.mjs';
export interface Entry {
  scenario: string;
  impl: string;
  unit: string;
  higherIsBetter: boolean;
  baseline?: boolean;
  samples: number[];
  /** How many sets of worker threads the samples came from (throughput cells). */
  sets?: number;
}
export interface SummarizedEntry extends Entry { summary: Summary; ratio: number | null; better: number | null }
export interface CellSpread { scenario: string; impl: string; rIQR: number; sets: number }
export function contractProblems(entries: unknown, minRounds: number): string[];
export function summarizeEntries(entries: readonly Entry[]): SummarizedEntry[];
export function medianLookup(sections: readonly { entries?: readonly SummarizedEntry[] }[]): (scenario: string, impl: string) => number | undefined;
export function throughputSpreads(sections: readonly { module: string; entries?: readonly SummarizedEntry[] }[], module?: string): CellSpread[];
