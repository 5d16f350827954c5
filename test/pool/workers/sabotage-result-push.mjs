// The first worker of a pool (claimed through a marker directory) dies in the
// middle of pushing a result: it claims a write in the result queue and exits
// without publishing. Replacements serve x => x * 2 normally.
import { isFirstWorker } from './first-worker.mjs';
import { workerData } from 'node:worker_threads';
import { instantiateKernel } from '../../../dist/kernel/module.js';
import { serve } from '../../../dist/pool/index.js';
import { currentIndex } from '../../../dist/pool/control.js';

if (isFirstWorker()) {
  const kernel = instantiateKernel(workerData.results.module, workerData.results.memory);
  if (kernel.attach() !== 0) throw new Error('attach failed');
  if (kernel.claimWrite(16) < 0) throw new Error('claimWrite failed');
  // Say we run task 1 so the pool blames its death on it, as if mid-result.
  const control = new Int32Array(workerData.control);
  Atomics.store(control, currentIndex(workerData.layout, workerData.slot * workerData.layout.lanes), 1);
  process.exit(7);
}
serve((x) => x * 2);
