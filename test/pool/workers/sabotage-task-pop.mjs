// The first worker of a pool (claimed through a marker directory) dies in the
// middle of popping a task: it claims a read in the task queue and exits
// without releasing it. Replacements serve x => x * 2 normally.
import { isFirstWorker } from './first-worker.mjs';
import { workerData } from 'node:worker_threads';
import { instantiateKernel } from '../../../dist/kernel/module.js';
import { serve } from '../../../dist/pool/index.js';
import { POPPING, SERVING, currentIndex, stateIndex } from '../../../dist/pool/control.js';

if (isFirstWorker()) {
  const kernel = instantiateKernel(workerData.tasks.module, workerData.tasks.memory);
  if (kernel.attach() !== 0) throw new Error('attach failed');
  const control = new Int32Array(workerData.control);
  Atomics.store(control, stateIndex(workerData.slot), SERVING); // "serving", so this is not a start failure
  // As a lane does before taking a task (this worker's first lane).
  Atomics.store(control, currentIndex(workerData.layout, workerData.slot * workerData.layout.lanes), POPPING);
  const poll = () => {
    if (kernel.claimRead() >= 0) process.exit(9);
    setTimeout(poll, 1);
  };
  poll();
} else {
  serve((x) => x * 2);
}
