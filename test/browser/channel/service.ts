// The Comlink service the browser channel tests expose: in a module Web
// Worker (comlink-service.worker.ts) and on the page's own thread.
import * as Comlink from 'comlink';

export const service = {
  add: (a: number, b: number) => a + b,
  async sumViaCallback(values: number[], callback: (total: number, v: number) => number | Promise<number>) {
    let total = 0;
    for (const v of values) total = await callback(total, v);
    return total;
  },
  fill(buffer: ArrayBuffer, byte: number) {
    new Uint8Array(buffer).fill(byte);
    return Comlink.transfer(buffer, [buffer]);
  },
  fail(message: string): never {
    throw new RangeError(message);
  },
  roundTrip: (value: Record<string, unknown>) => value,
};
