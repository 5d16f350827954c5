// The TypeScript layout is generated from assembly/layout.ts; check it against the Wasm module's own globals.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import * as layout from '../../dist/kernel/layout.js';
import { kernelModule } from '../../dist/kernel/module.js';

describe('shared-memory layout', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const exports = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports;

  it('every TypeScript constant equals the global the kernel exports', () => {
    const names = Object.keys(layout);
    expect(names.length).toBeGreaterThan(40);
    for (const name of names) {
      const global = exports[name] as WebAssembly.Global | undefined;
      expect(global, name).toBeInstanceOf(WebAssembly.Global);
      expect(global!.value >>> 0, name).toBe((layout as Record<string, number>)[name]);
    }
  });

  it('hot words sit on separate 128-byte lines, inside the fixed header', () => {
    const hot = [layout.OFF_TAIL, layout.OFF_HEAD, layout.OFF_NOT_EMPTY_SEQ, layout.OFF_NOT_FULL_SEQ, layout.OFF_RECLAIMED_WRITES];
    const lines = hot.map((o) => Math.floor(o / layout.LINE_BYTES));
    expect(new Set(lines).size).toBe(hot.length);
    expect(lines).not.toContain(0); // not on the header line either
    expect(layout.OFF_TAIL % 8).toBe(0); // u64 atomics need 8-byte alignment
    expect(layout.OFF_LEASE_RECORDS + layout.MAX_SCRATCH_AREAS * layout.LEASE_RECORD_BYTES).toBeLessThanOrEqual(layout.FIXED_HEADER_BYTES);
    expect((layout.OFF_LEASE_RECORDS + layout.LEASE_STATE) % 8).toBe(0); // the lease state words are u64 atomics
    expect(layout.LEASE_RECORD_BYTES % 8).toBe(0);
  });

  // Threads of two wasmq versions share a queue when their LAYOUT_VERSION
  // matches, so no constant may change meaning under the same version. This
  // pins every constant (names and values) to its version: a change fails
  // here until LAYOUT_VERSION is bumped and the new fingerprint recorded
  // (and the CHANGELOG says the layout changed, a breaking change).
  it('the layout constants are exactly those recorded for this LAYOUT_VERSION', () => {
    const recorded: Record<number, string> = { 2: '940a3ef2d2418a69', 3: 'cd4ed736a3037c94' };
    const constants = Object.entries(layout)
      .filter(([name]) => name !== 'LAYOUT_VERSION')
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const fingerprint = createHash('sha256').update(JSON.stringify(constants)).digest('hex').slice(0, 16);
    expect(recorded[layout.LAYOUT_VERSION], `no fingerprint recorded for layout version ${layout.LAYOUT_VERSION}`).toBeDefined();
    expect(
      fingerprint,
      `assembly/layout.ts changed under layout version ${layout.LAYOUT_VERSION}: bump LAYOUT_VERSION, then record ${fingerprint} for it`,
    ).toBe(recorded[layout.LAYOUT_VERSION]);
  });
});
