// Types of ci-report.mjs, for its test.
export declare const RUNS: readonly string[];
export declare const BROWSER_ENGINES: number;
export declare function report(
  dir: string,
  root: string,
): { lines: string[]; totals: { passed: number; failed: number; skipped: number }; problems: string[] };
