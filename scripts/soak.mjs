// Soak test: millions of messages through P producers x C consumers for a few
// minutes, printing heap and memory figures as it goes, and failing if
// delivery is not exactly-once or memory keeps growing.
//
//   npm run soak                  3 minutes, 2x2 threads
//   npm run soak -- --minutes 10 --producers 4 --consumers 4
//   node scripts/soak.mjs --seconds 20 --sample-seconds 4    the short soak npm test runs (test/scripts/soak.test.ts)
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

if (isMainThread) {
  const { createQueue } = await import('../dist/index.js');
  const seconds = arg('seconds', 60 * arg('minutes', 3));
  const sampleMs = 1000 * arg('sample-seconds', 10);
  const P = arg('producers', 2);
  const C = arg('consumers', 2);
  const q = createQueue({ capacity: 4096, slotBytes: 64 });
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const heaps = new Map();
  const mb = (n) => (n / 2 ** 20).toFixed(1);
  const start = (role, id) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { role, id, handle: q.handle, stop: stop.buffer, P } });
    w.on('message', (m) => m.heap !== undefined && heaps.set(`${role}${id}`, m.heap));
    w.on('error', (e) => {
      console.error(e);
      process.exitCode = 1;
    });
    return new Promise((resolve) => w.on('message', (m) => m.final && resolve(m)));
  };
  const consumers = Array.from({ length: C }, (_, i) => start('consumer', i));
  const producers = Array.from({ length: P }, (_, i) => start('producer', i));
  const t0 = performance.now();
  const samples = [];
  const timer = setInterval(() => {
    const mem = process.memoryUsage();
    const workerHeap = [...heaps.values()].reduce((a, b) => a + b, 0);
    const s = { t: (performance.now() - t0) / 1000, rss: mem.rss, heap: mem.heapUsed, workerHeap };
    samples.push(s);
    console.log(
      `[soak] ${s.t.toFixed(0)} s  rss ${mb(s.rss)} MiB  main heap ${mb(s.heap)} MiB  worker heaps ${mb(workerHeap)} MiB  queue size ${q.size}`,
    );
  }, sampleMs);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  Atomics.store(stop, 0, 1);
  const sent = await Promise.all(producers);
  q.close();
  const got = await Promise.all(consumers);
  clearInterval(timer);

  const pushed = sent.reduce((a, m) => a + m.count, 0);
  const popped = got.reduce((a, m) => a + m.count, 0);
  const sumPushed = sent.reduce((a, m) => (a + m.sum) % 1_000_000_007, 0);
  const sumPopped = got.reduce((a, m) => (a + m.sum) % 1_000_000_007, 0);
  const orderErrors = got.reduce((a, m) => a + m.orderErrors, 0);
  const secs = (performance.now() - t0) / 1000;
  console.log(`[soak] ${pushed} pushed, ${popped} popped in ${secs.toFixed(0)} s (${(popped / secs / 1e6).toFixed(2)} M msg/s)`);
  console.log(`[soak] checksum pushed ${sumPushed} popped ${sumPopped}; per-producer order errors: ${orderErrors}`);
  // Growth: compare the last sample with the one after warm-up (the second).
  let grew = false;
  if (samples.length >= 3) {
    const a = samples[1];
    const b = samples.at(-1);
    const growth = (x, y) => (y - x) / x;
    console.log(
      `[soak] growth after warm-up: rss ${(100 * growth(a.rss, b.rss)).toFixed(1)}%, worker heaps ${(100 * growth(a.workerHeap, b.workerHeap)).toFixed(1)}%`,
    );
    grew = growth(a.rss, b.rss) > 0.25 || b.workerHeap - a.workerHeap > 32 * 2 ** 20;
  }
  const ok = pushed === popped && sumPushed === sumPopped && orderErrors === 0 && !grew && process.exitCode !== 1;
  console.log(ok ? '[soak] PASS' : '[soak] FAIL');
  process.exit(ok ? 0 : 1);
} else {
  const { attachQueue, QueueClosedError } = await import('../dist/index.js');
  const { role, id, handle, stop, P } = workerData;
  const q = attachQueue(handle);
  const halt = new Int32Array(stop);
  let count = 0;
  let sum = 0;
  let lastReport = performance.now();
  const report = () => {
    if (performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      parentPort.postMessage({ heap: getHeapStatistics().used_heap_size });
    }
  };
  const msg = new Uint8Array(256);
  const view = new DataView(msg.buffer);
  if (role === 'producer') {
    for (let seq = 0; Atomics.load(halt, 0) === 0; seq++) {
      const len = 8 + (seq % 200); // 8..207 bytes: one to four slots
      view.setUint32(0, id, true);
      view.setUint32(4, seq, true);
      q.push(msg.subarray(0, len));
      count++;
      sum = (sum + seq) % 1_000_000_007;
      if ((seq & 0xffff) === 0) report();
    }
    parentPort.postMessage({ final: true, count, sum });
  } else {
    const out = new Uint8Array(256);
    const outView = new DataView(out.buffer);
    const last = new Float64Array(P).fill(-1);
    let orderErrors = 0;
    for (;;) {
      let len;
      try {
        len = q.tryPopInto(out);
        if (len < 0) {
          const m = q.pop();
          out.set(m);
          len = m.length;
        }
      } catch (e) {
        if (e instanceof QueueClosedError) break;
        throw e;
      }
      const p = outView.getUint32(0, true);
      const seq = outView.getUint32(4, true);
      if (len !== 8 + (seq % 200) || seq <= last[p]) orderErrors++;
      last[p] = seq;
      count++;
      sum = (sum + seq) % 1_000_000_007;
      if ((count & 0xffff) === 0) report();
    }
    parentPort.postMessage({ final: true, count, sum, orderErrors });
  }
}
