// Pushes messages (workerData.id, seq) for seq = 0 .. count-1 (messages.mjs,
// so the consumer verifies every byte). After workerData.pauseAt pushes it
// posts 'paused' and stops touching the queue until control[0] != 0 (a long
// pause: long enough to be taken for dead), then goes on. Posts 'done' at the end.
import { parentPort, workerData } from '../../workers/thread-port.mjs';
import { attachQueue } from '../../../dist/index.js';
import { makeMessage } from './messages.mjs';

const { handle, id, count, pauseAt, control } = workerData;
const ctl = new Int32Array(control);
const q = attachQueue(handle);
for (let seq = 0; seq < count; seq++) {
  if (seq === pauseAt) {
    parentPort.postMessage('paused');
    while (Atomics.load(ctl, 0) === 0) Atomics.wait(ctl, 0, 0, 50);
  }
  q.push(makeMessage(id, seq));
}
parentPort.postMessage('done');
