// Pushes (or pops) on the main thread's request, so that wake-ups come from another thread.
import { parentPort, workerData } from 'node:worker_threads';
import { attachQueue } from '../../../dist/index.js';

const q = attachQueue(workerData.handle);
parentPort.on('message', (m) => {
  if (m.push !== undefined) q.tryPush(m.push);
  if (m.pop) q.tryPop();
  parentPort.postMessage('done');
});
