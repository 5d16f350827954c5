import type { SkippedRow, SummarizedEntry } from './summary.mjs';
import type { TargetVerdict } from './targets.mjs';
export function si(x: number | null | undefined): string;
export function ratioText(e: SummarizedEntry): string;
export function roundsText(e: SummarizedEntry): string;
export function machineLine(m: Record<string, any>): string;
export function runtimeLabel(runtime: string | undefined): string;
export function sideBySideTable(entries: readonly SummarizedEntry[], runtimes: readonly string[], skipped?: readonly SkippedRow[]): string;
export function commandLine(report: { quick: boolean; runtimes?: readonly string[]; only?: readonly string[] | null }): string;
export interface Report {
  machine: Record<string, any>; quick: boolean; durationS: number;
  /** The runtimes asked for (--runtime), in table order; absent: Node only. */
  runtimes?: string[]; only?: string[] | null;
  sections: {
    module: string; title: string; error?: string; entries?: SummarizedEntry[]; skipped?: SkippedRow[];
    notRun?: { runtime: string; reason: string }[]; workerRuntimes?: Record<string, Record<string, number>>;
  }[];
  targets: TargetVerdict[];
}
export function comparesRuntimes(report: Report): boolean;
export function renderMarkdown(report: Report): string;
