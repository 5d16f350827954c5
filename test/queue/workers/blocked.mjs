// Blocks in one call on the queue of workerData.handle (op 'pop': pop() with no
// timeout, on an empty queue; op 'push': push() with no timeout, on a full one)
// and reports how that call ended.
import { parentPort, workerData } from '../../workers/thread-port.mjs';
import { attachQueue, QueueClosedError } from '../../../dist/index.js';

const q = attachQueue(workerData.handle);
try {
  if (workerData.op === 'pop') q.pop();
  else q.push(new Uint8Array(8));
  parentPort.postMessage('returned');
} catch (error) {
  parentPort.postMessage(error instanceof QueueClosedError ? 'QueueClosedError' : `threw ${error}`);
}
