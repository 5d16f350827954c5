// The public .d.ts shows the public surface only: walking every declaration
// file reachable from the package's entry points finds no internal type.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** Every .d.ts file the entry's types import, transitively, with its text. */
function reachable(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(/from '(\.[^']+)\.js'/g)) {
      const next = resolve(dirname(file), `${m[1]}.d.ts`);
      if (existsSync(next)) visit(next);
    }
  };
  visit(join(dist, entry));
  return seen;
}

// Names of internal machinery that a user must never see in the types.
const INTERNAL = [
  'Kernel', 'KernelExports', 'KernelConfig', 'WireCodec', 'Transfer', 'StallWatch', 'RecordReader', 'Scratch',
  'openHandle', 'handleOf', 'Wiring', 'instantiateKernel', 'parkUntilPushed', 'static open',
];

describe('the published declaration files', () => {
  for (const entry of ['index.d.ts', 'pool/index.d.ts']) {
    it(`reachable from dist/${entry} mention no internal type or member`, () => {
      const files = reachable(entry);
      expect(files.size).toBeGreaterThan(3);
      for (const [file, text] of files) {
        for (const name of INTERNAL) {
          expect(new RegExp(`\\b${name}\\b`).test(text), `${name} in ${file.slice(dist.length)}`).toBe(false);
        }
      }
    });
  }

  it('give Queue and SharedPort private constructors, so only the factories make them', () => {
    expect(readFileSync(join(dist, 'queue/queue.d.ts'), 'utf8')).toMatch(/private constructor\(\);/);
    expect(readFileSync(join(dist, 'channel/shared-port.d.ts'), 'utf8')).toMatch(/private constructor\(\);/);
  });
});
