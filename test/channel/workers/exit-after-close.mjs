// Attaches a port, starts it, and closes it (or waits for the peer to close
// it). Nothing else runs here, so the thread exits only if a closed port
// leaves nothing behind that keeps it alive.
import { workerData, parentPort } from 'node:worker_threads';
import { attachPort } from '../../../dist/index.js';

const port = attachPort(workerData.handle);
port.onmessage = (event) => {
  parentPort.postMessage({ got: event.data });
  if (workerData.closeOnMessage) port.close();
};
port.addEventListener('close', () => parentPort.postMessage({ peerClosed: true }));
