// A Comlink service in a module Web Worker, exposed over a SharedChannel
// port whose handle (with its transfer list) is the first message.
import * as Comlink from 'comlink';
import { attachPort, type SharedPortHandle } from '../../../ts/index.js';
import { service } from './service.js';

const scope = self as unknown as { onmessage: ((event: MessageEvent) => void) | null };

scope.onmessage = (event: MessageEvent) => {
  scope.onmessage = null;
  Comlink.expose(service, attachPort(event.data as SharedPortHandle));
};
