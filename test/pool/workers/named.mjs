// Named task functions for the pool tests: serve({ name: fn }) with a default.
import { threadId } from 'node:worker_threads';
import { move, serve, workerData } from '../../../dist/pool/index.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Per-worker state, to show that broadcast reaches every worker. */
let cache = [];

serve({
  default: (n) => n + 1,
  double: (n) => n * 2,
  whoami: () => threadId,
  remember: (value) => {
    cache.push(value);
    return threadId;
  },
  cached: () => cache,
  clear: () => {
    cache = [];
    return threadId;
  },
  sleep: async ({ ms, value }) => {
    await sleep(ms);
    return value;
  },
  spin: ({ ms, value }) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
    return value;
  },
  fail: (message) => {
    throw new TypeError(message);
  },
  data: () => workerData,
  // Doubles a Float64Array in place and hands it back by transfer (or by copy: { copy: true }).
  scale: (input) => {
    const samples = input instanceof Float64Array ? input : input.samples;
    for (let i = 0; i < samples.length; i++) samples[i] *= 2;
    return input.copy ? samples : move(samples);
  },
  detached: (buffer) => buffer.byteLength,
  badMove: () => move({ not: 'a buffer' }),
  // Leaves a mark in workerData's shared counter (word 1): proof that it ran.
  mark: () => Atomics.add(workerData.counter, 1, 1) + 1,
  // Counts itself in in workerData's shared counter, then waits until `n`
  // tasks have: it completes only if n tasks run at once (a bounded wait).
  gather: async (n) => {
    const counter = workerData.counter;
    Atomics.add(counter, 0, 1);
    const deadline = performance.now() + 20_000;
    while (Atomics.load(counter, 0) < n) {
      if (performance.now() > deadline) throw new Error(`only ${Atomics.load(counter, 0)} of ${n} tasks ever ran at once`);
      await sleep(1);
    }
    return threadId;
  },
  env: (key) => process.env[key],
  exit: (code) => process.exit(code),
});
