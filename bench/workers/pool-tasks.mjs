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
  // The crashed-workers row (scenarios/pool.mjs): this worker dies, by process.exit or an uncaught
  // throw, now (running the task) or, '-idle', 10 ms after it returned (parked, waiting for the next task).
  if (input.crash !== undefined) {
    const die = input.crash.startsWith('exit')
      ? () => process.exit(1)
      : () => {
          throw new Error('pool bench: a task crashes its worker on purpose');
        };
    if (input.crash.endsWith('-idle')) {
      setTimeout(die, 10);
      return 0;
    }
    if (input.crash === 'exit') die();
    setTimeout(die);
    return new Promise(() => {});
  }
  return cpu(input.cpuMs);
}

// Started by createPool (its workerData is the pool init): serve the same task.
if (!isMainThread && workerData?.kind === 'wasmq.pool.init') {
  const { serve } = await import('../../dist/pool/index.js');
  serve(task);
}
