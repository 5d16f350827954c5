// A producer for test/structures.threads.test.ts: pushes `count` messages,
// each an object of one of `shapes` shapes (in an order of its own), encoded
// by its own serializer over the shared table, so that every producer meets
// new shapes at the same time as the others and races them to commit.
import { attachQueue } from '../../dist/index.js';
import { Serializer } from '../../dist/serialize.js';
import { SharedStructures } from '../../dist/structures.js';
import { shapeMessage, shapeOf } from './shape-messages.mjs';
import { parentPort, workerData } from './thread-port.mjs';

const { table, queue, producer, count, shapes, gate } = workerData;
const q = attachQueue(queue, { codec: 'bytes' });
const serializer = new Serializer(new SharedStructures(table));
const go = new Int32Array(gate);
// After this module has evaluated: a thread terminated while blocked in a top-level await module's
// evaluation crashes V8 in Node 22 to 26 (see test/broadcast/workers/subscriber.mjs).
setTimeout(() => {
  Atomics.add(go, 1, 1);
  Atomics.wait(go, 0, 0); // every producer starts at once
  for (let i = 0; i < count; i++) q.pushFrom(serializer.serialize(shapeMessage(producer, i, shapeOf(producer, i, shapes))), 60_000);
  parentPort.postMessage('done');
});
