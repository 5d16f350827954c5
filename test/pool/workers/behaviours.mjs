// Task worker for the pool tests: the input { op, ... } picks a behaviour.
import { existsSync, writeFileSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { serve } from '../../../dist/pool/index.js';
import { Kernel } from '../../../dist/kernel/kernel.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

serve(async (input) => {
  switch (input.op) {
    case 'echo':
      return input.value;
    case 'throw': {
      const error = new RangeError(input.message);
      error.code = 'E_TASK';
      throw error;
    }
    case 'throwString':
      throw input.message;
    case 'sleep':
      // Needs this worker's timers: proves its event loop runs while tasks are served.
      await sleep(input.ms);
      return input.value;
    case 'waitForFile':
      while (!existsSync(input.path)) await sleep(5);
      return input.value;
    case 'touch':
      writeFileSync(input.path, 'ran');
      return 'touched';
    case 'spinForever':
      for (;;);
    case 'exit':
      process.exit(input.code);
    case 'uncaught':
      setTimeout(() => {
        throw new Error(input.message);
      });
      return new Promise(() => {});
    case 'oom': {
      const hog = [];
      for (;;) hog.push(new Array(1e5).fill(hog.length));
    }
    case 'census':
      // What the lease records of the pool's two queues hold now (Kernel.leaseCensus).
      return [workerData.tasks, workerData.results].map((h) => Kernel.open(h.module, h.memory).leaseCensus());
    case 'unserializable':
      return Symbol('not cloneable');
    default:
      throw new Error(`unknown op ${input.op}`);
  }
});
