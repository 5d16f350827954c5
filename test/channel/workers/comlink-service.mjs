// A Comlink service in a worker thread, exposed over a SharedChannel port
// whose handle arrives in workerData (with the port's transfer list).
import { workerData, parentPort } from '../../workers/thread-port.mjs'; // worker_threads, or a Web Worker (test/thread.ts)
import * as Comlink from 'comlink';
import { attachPort } from '../../../dist/index.js';
import { service as shared } from './service.mjs';

const port = attachPort(workerData.handle);

const service = {
  ...shared,
  /** Closes the worker's end: the worker must then be able to exit on its own. */
  closePort() {
    setTimeout(() => port.close(), 0);
    return 'closing';
  },
};

Comlink.expose(service, port);
port.addEventListener('close', () => parentPort.postMessage('peer-closed'));
