// A Comlink service in a worker thread, exposed over a SharedChannel port
// whose handle arrives in workerData (with the port's transfer list).
import { workerData, parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { attachPort } from '../../../dist/index.js';

const port = attachPort(workerData.handle);

class Counter {
  count = 0;
  increment(by) {
    this.count += by;
    return this.count;
  }
}

const service = {
  add: (a, b) => a + b,
  /** Calls back into the caller's thread through a Comlink.proxy. */
  async sumViaCallback(values, callback) {
    let total = 0;
    for (const v of values) total = await callback(total, v);
    return total;
  },
  /** Fills the buffer and transfers it back. */
  fill(buffer, byte) {
    new Uint8Array(buffer).fill(byte);
    return Comlink.transfer(buffer, [buffer]);
  },
  byteLength: (buffer) => buffer.byteLength,
  fail(message) {
    throw new RangeError(message);
  },
  roundTrip: (value) => value,
  Counter,
  /** Closes the worker's end: the worker must then be able to exit on its own. */
  closePort() {
    setTimeout(() => port.close(), 0);
    return 'closing';
  },
};

Comlink.expose(service, port);
port.addEventListener('close', () => parentPort.postMessage('peer-closed'));
