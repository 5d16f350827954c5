import type { SummarizedEntry } from './summary.mjs';
import type { TargetVerdict } from './targets.mjs';
export function si(x: number | null | undefined): string;
export function ratioText(e: SummarizedEntry): string;
export function roundsText(e: SummarizedEntry): string;
export function machineLine(m: Record<string, any>): string;
export function renderMarkdown(report: {
  machine: Record<string, any>; quick: boolean; durationS: number;
  sections: { module: string; title: string; error?: string; entries?: SummarizedEntry[] }[];
  targets: TargetVerdict[];
}): string;
