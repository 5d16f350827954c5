// A transport that says it cannot run here, for the harness's skip test:
// wasmq's roles, behind a capability check that always fails.
export { open, prepare } from '../../../bench/peers/wasmq.mjs';

export const unsupported = (kind, runtime) => `no frobnicator for ${kind} in ${runtime.name}`;
