// A broken transport for the harness test: wasmq, but its consumer silently
// drops the first message of every round.
import { open as openWasmq } from '../../../bench/peers/wasmq.mjs';
export { prepare } from '../../../bench/peers/wasmq.mjs';

export function open(role, data, ctx) {
  const endpoint = openWasmq(role, data, ctx);
  if (role !== 'consumer') return endpoint;
  return {
    run() {
      const result = endpoint.run();
      return { ...result, count: result.count - 1, sum: result.sum - 1 };
    },
  };
}
