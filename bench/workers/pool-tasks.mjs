// Tasks for the pool bench, shared by all three pools: wasmq/pool (serve),
// Piscina and tinypool (default export).
import { isMainThread, workerData } from 'node:worker_threads';

/** Busy CPU work for about `ms` milliseconds (a fixed spin, like a real compute task). */
function cpu(ms) {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x = (x * 1103515245 + 12345) | 0;
  return x;
}

export default function task(input) {
  if (typeof input === 'number') return input + 1;
  // The crashed-workers row (scenarios/pool.mjs): this worker dies, by process.exit or an uncaught throw.
  if (input.crash === 'exit') process.exit(1);
  if (input.crash === 'throw') {
    setTimeout(() => {
      throw new Error('pool bench: a task crashes its worker on purpose');
    });
    return new Promise(() => {});
  }
  return cpu(input.cpuMs);
}

// Started by createPool (its workerData is the pool init): serve the same task.
if (!isMainThread && workerData?.kind === 'wasmq.pool.init') {
  const { serve } = await import('../../dist/pool/index.js');
  serve(task);
}
