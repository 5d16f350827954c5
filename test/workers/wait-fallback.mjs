// Runs with WASMQ_FORCE_NO_WAITASYNC=1: the async waits must fall back to
// polling, and still take a message pushed later by another thread, and
// still wait for room and get it.
import { parentPort, workerData } from 'node:worker_threads';
import { attachQueue } from '../../dist/index.js';
import { hasWaitAsync } from '../../dist/wait.js';

const q = attachQueue(workerData.handle);
const report = { hasWaitAsync, popped: [], pushedAfterFull: false };
parentPort.postMessage({ ready: true, hasWaitAsync });
for (let i = 0; i < 3; i++) report.popped.push(await q.popAsync({ timeoutMs: 10_000 })); // pushed by main, later
await q.pushAsync('full 1', { timeoutMs: 10_000 });
await q.pushAsync('full 2', { timeoutMs: 10_000 }); // capacity 2: the queue is full now
await q.pushAsync('waited', { timeoutMs: 10_000 }); // main pops one to make room
report.pushedAfterFull = true;
parentPort.postMessage(report);
