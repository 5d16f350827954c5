// Named task functions for the browser pool tests (the Node suite's named.mjs, as a module Web Worker).
import { move, serve, workerData } from '../../../../ts/pool/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A name for this worker, to tell workers apart in broadcast results. */
const me = `${Date.now()}-${Math.random()}`;
const data = () => workerData as { counter: Int32Array };

serve({
  default: (n: number) => n + 1,
  double: (n: number) => n * 2,
  whoami: () => me,
  selfName: () => (self as unknown as { name: string }).name,
  data: () => workerData,
  scale: (samples: Float64Array) => {
    for (let i = 0; i < samples.length; i++) samples[i] *= 2;
    return move(samples);
  },
  mark: () => Atomics.add(data().counter, 1, 1) + 1,
  // Counts itself in, then waits until `n` tasks have: completes only if n run at once.
  gather: async (n: number) => {
    const { counter } = data();
    Atomics.add(counter, 0, 1);
    const deadline = performance.now() + 20_000;
    while (Atomics.load(counter, 0) < n) {
      if (performance.now() > deadline) throw new Error(`only ${Atomics.load(counter, 0)} of ${n} tasks ever ran at once`);
      await sleep(1);
    }
    return me;
  },
  closeSelf: () => {
    (self as unknown as { close(): void }).close();
    return new Promise(() => {});
  },
});
