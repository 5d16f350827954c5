// Task functions for the two-machine test: each answers with its result and
// the machine (process) that ran it; a "slow" task holds its machine a while.
import { serve, workerData } from '../../../dist/pool/index.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

serve(async ({ n, slowMs }) => {
  if (slowMs) await sleep(slowMs);
  return { value: n * 3 + 1, machine: workerData.machine };
});
