// A Comlink service in a module Web Worker, exposed over a SharedChannel
// port whose handle (with its transfer list) is the first message.
import * as Comlink from 'comlink';
import { attachPort, type SharedPortHandle } from '../../../ts/index.js';

const scope = self as unknown as { onmessage: ((event: MessageEvent) => void) | null };

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

scope.onmessage = (event: MessageEvent) => {
  scope.onmessage = null;
  Comlink.expose(service, attachPort(event.data as SharedPortHandle));
};
