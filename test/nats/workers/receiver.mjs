// The receiving process of the streams test: receive (durable) into its own
// queue, and a consumer on this thread that appends every message's id to a
// file, synchronously, batch by batch, before it takes the next batch (so a
// SIGKILL loses nothing it recorded). argv: server url, subject, durable, file.
import { openSync, writeSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { createQueue } from '../../../dist/index.js';
import { receive } from '../../../dist/nats/index.js';
import { idAt } from '../../../bench/lib/messages.mjs';

const [url, subject, durable, file] = process.argv.slice(2);
const fd = openSync(file, 'a');
const connection = await connect({ servers: url });
const queue = createQueue({ capacity: 256, slotBytes: 64, codec: 'bytes' });
await receive({ connection, subject, durable }, queue);
process.send({ ready: true });
const ids = new Uint32Array(64);
for (;;) {
  let n = 0;
  await queue.drainAsync((bytes, offset) => {
    ids[n++] = idAt(bytes, offset);
  }, { max: 64 });
  writeSync(fd, ids, 0, n * 4);
}
