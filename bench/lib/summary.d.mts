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
  /** The runtime it was measured in ('node' | 'deno' | 'bun'; absent: Node). */
  runtime?: string;
}
export interface SummarizedEntry extends Entry { summary: Summary; ratio: number | null; better: number | null }
export interface CellSpread { scenario: string; impl: string; rIQR: number; sets: number }
export function contractProblems(entries: unknown, minRounds: number): string[];
export function summarizeEntries(entries: readonly Entry[]): SummarizedEntry[];
export function medianLookup(sections: readonly { entries?: readonly SummarizedEntry[] }[], runtime?: string): (scenario: string, impl: string) => number | undefined;
export function throughputSpreads(sections: readonly { module: string; entries?: readonly SummarizedEntry[] }[], module?: string, runtime?: string): CellSpread[];
export interface SkippedRow { scenario: string; impl: string; runtime: string; reason: string }
export interface RuntimeSection {
  module: string; title: string; error?: string; entries?: Entry[]; skipped?: SkippedRow[];
  /** What the harness's Workers reported they run in: {"deno 2.9.6": count}. */
  workerRuntimes?: Record<string, number>;
}
export interface MergedSection {
  module: string; title: string; entries: SummarizedEntry[]; skipped: SkippedRow[];
  notRun: { runtime: string; reason: string }[];
  /** Per runtime, what its harness Workers reported they run in. */
  workerRuntimes: Record<string, Record<string, number>>;
  errors?: { runtime: string; error: string }[]; error?: string;
}
export function mergeRuntimeSections(
  runs: readonly { runtime: string; sections: readonly RuntimeSection[] }[],
  moduleOrder: readonly string[],
  notRun?: readonly { module: string; runtime: string; reason: string; title?: string }[],
): MergedSection[];
