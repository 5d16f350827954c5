// The short soak: scripts/soak.mjs for 20 s (npm run soak runs it for minutes).
// Its own checks decide: exactly once (counts and checksums of what was pushed
// and popped), per-producer order, and no memory growth after warm-up.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('soak', () => {
  it('20 s of 2x2 threads of 1-4 slot messages: every message once, in per-producer order, and no memory growth', () => {
    const r = spawnSync(process.execPath, ['scripts/soak.mjs', '--seconds', '20', '--sample-seconds', '4'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(out).toMatch(/\[soak\] checksum pushed (\d+) popped \1; per-producer order errors: 0/);
    expect(out).toMatch(/\[soak\] growth after warm-up/); // the growth check ran (enough samples)
    expect(out).toContain('[soak] PASS');
    expect(r.status, out).toBe(0);
  }, 150_000);
});
