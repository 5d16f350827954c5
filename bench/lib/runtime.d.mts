export type RuntimeName = 'node' | 'deno' | 'bun';
export const RUNTIMES: RuntimeName[];
export const RUNTIME_LABEL: Record<RuntimeName, string>;
export function currentRuntime(): { name: RuntimeName; version: string };
export function parseRuntimes(value: string | undefined): RuntimeName[];
export function runtimeCommand(runtime: string, bin: string, script: string, args: readonly string[]): { command: string; args: string[] };
export function missingRuntimeMessage(runtime: RuntimeName): string;
export function locateRuntime(
  runtime: RuntimeName,
  find?: (name: string) => { bin: string; version: string } | undefined,
): { bin: string; version: string } | undefined;
export function moduleRuntimes(mod: { runtimes?: unknown; nodeOnly?: unknown }): { runtimes: RuntimeName[]; reason: string };
