// The latency module run by bench/lib/runtime-child.mjs inside Deno and Bun,
// as `npm run bench -- --runtime=deno,bun` does: its rows must come back
// tagged with that runtime, and every harness Worker must have reported that
// it ran there (not in a node that the runtime might have started instead).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { locateRuntime, missingRuntimeMessage, runtimeCommand } from '../../bench/lib/runtime.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = join(root, 'bench', 'lib', 'runtime-child.mjs');

describe('bench modules inside another runtime', () => {
  for (const runtime of ['deno', 'bun'] as const) {
    it(`measures the latency rows in ${runtime}, harness and Workers alike`, () => {
      const found = locateRuntime(runtime);
      if (!found) throw new Error(missingRuntimeMessage(runtime));
      const dir = mkdtempSync(join(tmpdir(), `wasmq-child-${runtime}-`));
      try {
        const out = join(dir, 'result.json');
        const { command, args } = runtimeCommand(runtime, found.bin, child, ['--modules=latency', `--out=${out}`, '--quick']);
        const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 120_000 });
        expect(r.status, r.stderr + r.stdout).toBe(0);
        const result = JSON.parse(readFileSync(out, 'utf8'));
        expect(result.runtime).toEqual({ name: runtime, version: found.version });
        const [latency] = result.sections;
        expect(latency.error).toBeUndefined();
        expect(latency.entries.length).toBeGreaterThanOrEqual(24);
        expect(latency.entries.every((e: { runtime: string }) => e.runtime === runtime)).toBe(true);
        expect(Object.keys(latency.workerRuntimes)).toEqual([`${runtime} ${found.version}`]);
        expect(r.stdout).toContain(`harness Workers reported: 16 in ${runtime} ${found.version}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
