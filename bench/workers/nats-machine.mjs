// One "machine" of the NATS bench: its own process, with a wasmq/pool of one
// thread (the pool bench's tasks), served over NATS. argv: server url, subject.
import { connect } from '@nats-io/transport-node';
import { createPool } from '../../dist/pool/index.js';
import { servePool } from '../../dist/nats/index.js';

const [url, subject] = process.argv.slice(2);
const connection = await connect({ servers: url, noAsyncTraces: true }); // as the bench module connects: see there
const pool = createPool({ worker: new URL('./pool-tasks.mjs', import.meta.url), threads: 1 });
const server = await servePool(pool, { connection, subject });
process.on('message', async () => {
  await server.close();
  await pool.close();
  await connection.close();
  process.disconnect();
});
process.send('ready');
