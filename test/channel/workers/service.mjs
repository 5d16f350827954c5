// The Comlink service both Node channel tests expose: in a worker thread
// (comlink-service.mjs) and in the test's own thread (comlink.test.ts).
import * as Comlink from 'comlink';

class Counter {
  count = 0;
  increment(by) {
    this.count += by;
    return this.count;
  }
}

export const service = {
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
};
