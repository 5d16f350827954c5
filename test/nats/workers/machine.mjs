// One "machine" of the two-machine test: its own OS process with its own
// wasmq/pool, serving it over NATS. argv: server url, subject, machine name.
// Tells the parent 'ready' over IPC, and answers 'stats' with its server's stats.
import { connect } from '@nats-io/transport-node';
import { createPool } from '../../../dist/pool/index.js';
import { servePool } from '../../../dist/nats/index.js';

const [url, subject, machine] = process.argv.slice(2);
const connection = await connect({ servers: url });
const pool = createPool({ worker: new URL('./tasks.mjs', import.meta.url), threads: 1, concurrentTasksPerWorker: 4, workerData: { machine } });
const server = await servePool(pool, { connection, subject, ackWaitMs: 1000, concurrency: 8 });
process.on('message', async (m) => {
  if (m === 'stats') process.send({ stats: server.stats });
  if (m === 'close') {
    await server.close();
    await pool.close();
    await connection.close();
    process.send({ closed: true });
    process.disconnect();
  }
});
process.send({ ready: true });
