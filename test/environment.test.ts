// What the shared-memory check says, for every combination an engine can
// present, forced here whatever engine runs the suite (the browser-node
// tests check the real ones: non-isolated pages everywhere, and an isolated
// page without SharedArrayBuffer in stock WebKitGTK).
import { expect, test } from 'vitest';
import { assertSharedMemory, sharedMemoryProblem } from '../ts/environment.js';

test('a non-isolated page: names both headers, and whether SharedArrayBuffer is missing too', () => {
  for (const sharedArrayBuffer of [false, true]) {
    const message = sharedMemoryProblem({ isolated: false, sharedArrayBuffer })!;
    expect(message).toContain('self.crossOriginIsolated is false');
    expect(message).toContain('Cross-Origin-Opener-Policy: same-origin');
    expect(message).toContain('Cross-Origin-Embedder-Policy: require-corp');
    expect(message.includes('SharedArrayBuffer is not defined')).toBe(!sharedArrayBuffer);
  }
});

test('an isolated page without SharedArrayBuffer: says so, and does not ask for headers already sent', () => {
  const message = sharedMemoryProblem({ isolated: true, sharedArrayBuffer: false })!;
  expect(message).toContain('self.crossOriginIsolated is true');
  expect(message).toContain('does not provide shared memory');
  expect(message).not.toContain('Cross-Origin-Opener-Policy');
});

test('a runtime without crossOriginIsolated: only SharedArrayBuffer matters', () => {
  expect(sharedMemoryProblem({ isolated: undefined, sharedArrayBuffer: true })).toBeUndefined();
  expect(sharedMemoryProblem({ isolated: true, sharedArrayBuffer: true })).toBeUndefined();
  expect(sharedMemoryProblem({ isolated: undefined, sharedArrayBuffer: false })).toMatch(/runtime does not define it/);
  expect(() => assertSharedMemory()).not.toThrow(); // Node has shared memory
});
