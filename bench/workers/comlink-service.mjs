// The Comlink service for bench/scenarios/comlink.mjs: exposes the same
// object over every endpoint it is handed (a MessagePort or a SharedChannel
// port handle), so both transports run against one thread in the same run.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { attachPort } from '../../dist/index.js';

const api = {
  add(a, b) {
    return a + b;
  },
  echo(value) {
    return value;
  },
};

const ports = [];
parentPort.on('message', (msg) => {
  if (msg.kind === 'message-port') {
    ports.push(msg.port);
    Comlink.expose(api, msg.port);
  } else if (msg.kind === 'shared-port') {
    const port = attachPort(msg.handle);
    ports.push(port);
    Comlink.expose(api, port);
  } else if (msg.kind === 'close') {
    // Close every endpoint so this thread has nothing left to keep it alive.
    for (const port of ports) port.close();
    parentPort.close();
  }
  parentPort.postMessage({ kind: 'ready' });
});
