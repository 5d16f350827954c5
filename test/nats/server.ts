// The tests' nats-server: the bench's helper (one implementation for both),
// and the per-file setup every NATS test file shares: one server and one
// connection, started before the file's tests and stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNats, type NatsServer } from '../../bench/lib/nats-server.mjs';

export { startNats, type NatsServer };

/** A server and a connection to it for this test file; read them inside tests (they exist once beforeAll ran). */
export function useNats(): { readonly server: NatsServer; readonly nc: NatsConnection } {
  const state = {} as { server: NatsServer; nc: NatsConnection };
  beforeAll(async () => {
    state.server = await startNats();
    state.nc = await connect({ servers: state.server.url });
  });
  afterAll(async () => {
    await state.nc?.close();
    await state.server?.stop();
  });
  return state;
}
