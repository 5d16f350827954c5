// One thread of a cross-thread benchmark: opens one role (producer, consumer,
// pinger or echoer) of one peer, then runs a round each time the harness
// asks, reporting the round's result. The harness terminates it at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { currentRuntime } from '../lib/runtime.mjs';

const { peerUrl, role, data, ctx } = workerData;

try {
  const peer = await import(peerUrl);
  const endpoint = await peer.open(role, data, ctx);
  parentPort.on('message', async (msg) => {
    try {
      const result = await endpoint.run(msg);
      // Latency samples go back as a transferable buffer, not a cloned array.
      const transfer = result.rtt ? [result.rtt.buffer] : [];
      parentPort.postMessage({ type: 'result', round: msg.round, result }, transfer);
    } catch (error) {
      parentPort.postMessage({ type: 'error', message: `${role}: ${error?.stack ?? error}` });
    }
  });
  // Which runtime this thread really runs in: the harness checks it is its own.
  parentPort.postMessage({ type: 'ready', runtime: currentRuntime() });
} catch (error) {
  parentPort.postMessage({ type: 'error', opening: true, message: `${role} failed to open: ${error?.stack ?? error}` });
}
