import { test, expect } from 'vitest';
import { createQueue } from '../../ts/index.js';

test('spike', async () => {
  expect(crossOriginIsolated).toBe(true);
  const q = createQueue({ codec: 'string' });
  const w = new Worker(new URL('./spike.worker.ts', import.meta.url), { type: 'module' });
  w.postMessage(q.handle);
  const v = await q.popAsync({ timeoutMs: 5000 });
  expect(v).toBe('héllo ✓');
  w.terminate();
});
