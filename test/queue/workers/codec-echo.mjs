// Attaches workerData.handle with no codec option, pops one value, pushes
// workerData.reply, and reports the value as this thread decoded it.
import { parentPort, workerData } from '../../workers/thread-port.mjs';
import { attachQueue } from '../../../dist/index.js';

const q = attachQueue(workerData.handle);
try {
  const value = q.pop(10_000);
  q.push(workerData.reply);
  parentPort.postMessage({ value });
} catch (error) {
  parentPort.postMessage({ error: String(error) });
}
