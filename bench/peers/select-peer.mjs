// Peer of the select module (scenarios/select.mjs): P producer threads push
// 64-byte messages into one queue ('pop') or round-robin into 4 queues
// ('select'); one consumer thread takes every one, with pop on the one queue
// or select over the four. Messages carry (producer, seq); the consumer
// checks each producer's order and the count. Times are on the shared wall
// clock. (producer, seq) are stamped and read byte by byte (lib/messages.mjs),
// as every peer does: a DataView over a small typed array's .buffer makes V8
// move its bytes off the heap, which costs more than the pop.
import { attachQueue, createQueue, select } from '../../dist/index.js';
import { idAt, payload, stampAt, wallNow } from '../lib/messages.mjs';

const QUEUES = 4;
const PAYLOAD = 64;

export function prepare(kind, config) {
  const n = config.mode === 'select' ? QUEUES : 1;
  const handles = Array.from({ length: n }, () => createQueue({ capacity: 1024, slotBytes: PAYLOAD }).handle);
  return { forWorker: () => ({ data: { handles }, transfer: [] }) };
}

export function open(role, data, ctx) {
  const queues = data.handles.map((h) => attachQueue(h));
  if (role === 'producer') {
    return {
      run({ count, round }) {
        const start = wallNow();
        const m = payload(PAYLOAD);
        stampAt(m, 0, ctx.index);
        for (let i = 0; i < count; i++) {
          stampAt(m, 4, round * count + i);
          queues[(i + ctx.index) % queues.length].push(m);
        }
        return { start, end: wallNow() };
      },
    };
  }
  // Each queue keeps each producer's order (select interleaves the queues).
  const last = new Array(ctx.producers * queues.length).fill(-1);
  return {
    run({ count }) {
      const total = count * ctx.producers;
      for (let n = 0; n < total; n++) {
        let m;
        let index = 0;
        if (ctx.mode === 'select') ({ index, value: m } = select(queues, 60_000));
        else m = queues[0].pop(60_000);
        const p = idAt(m, 0);
        const seq = idAt(m, 4);
        const key = p * queues.length + index;
        if (seq <= last[key]) throw new Error(`producer ${p}, queue ${index}: message ${seq} after ${last[key]}`);
        last[key] = seq;
      }
      return { end: wallNow() };
    },
  };
}
