// The browser suite's own premise: its pages are cross-origin isolated (the
// vitest config serves COOP/COEP), and the main thread may not block.
import { expect, test } from 'vitest';
import { createQueue } from '../../ts/index.js';

test('the test page is cross-origin isolated, so SharedArrayBuffer exists', () => {
  expect(crossOriginIsolated).toBe(true);
  expect(typeof SharedArrayBuffer).toBe('function');
});

test('Atomics.wait is forbidden on this main thread (why push/pop must throw here)', () => {
  expect(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0)).toThrow();
});

test('createQueue works on an isolated page and its handle structured-clones to a worker', async () => {
  const q = createQueue();
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<unknown>((resolve) => (port2.onmessage = (e) => resolve(e.data)));
  port1.postMessage(q.handle);
  const clone = (await received) as typeof q.handle;
  expect(clone.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(clone.module).toBeInstanceOf(WebAssembly.Module);
  port1.close();
  port2.close();
});
