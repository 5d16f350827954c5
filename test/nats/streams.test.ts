// forward → NATS → receive against a real nats-server: every message once and
// in order with `durable` (also with a receiver that stops and a new one that
// carries on), core NATS without it, and clear errors (codecs that differ:
// at setup with `durable`, per message over core NATS).
import { describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { createQueue } from '../../dist/index.js';
import { forward, receive } from '../../dist/nats/index.js';
import { idAt, stamp } from '../../bench/lib/messages.mjs';
import { useNats } from './server.js';

const nats = useNats();
let subjects = 0;
const freshSubject = () => `test.stream.${process.pid}.${++subjects}`;

/** Pops `n` u32-stamped messages from `q` (waiting as needed) and returns their stamps. */
async function take(q: ReturnType<typeof createQueue<Uint8Array>>, n: number): Promise<number[]> {
  const got: number[] = [];
  while (got.length < n) {
    await q.drainAsync((bytes, offset) => {
      got.push(idAt(bytes, offset));
    }, { max: 512, timeoutMs: 20_000 });
  }
  return got;
}
const stamped = (i: number) => {
  const m = new Uint8Array(64);
  stamp(m, i);
  return m;
};

describe('forward and receive', () => {
  it('durable: every message exactly once and in order, through a full receiving queue', async () => {
    const subject = freshSubject();
    const from = createQueue({ capacity: 1024, slotBytes: 64, codec: 'bytes' });
    const to = createQueue({ capacity: 256, slotBytes: 64, codec: 'bytes' }); // smaller: receive must wait for room
    const rx = await receive({ connection: nats.nc, subject, durable: 'test' }, to);
    const tx = await forward(from, { connection: nats.nc, subject });
    const total = 50_000;
    const sending = (async () => {
      for (let i = 0; i < total; i++) await from.pushAsync(stamped(i));
    })();
    const got = await take(to, total);
    await sending;
    expect(got).toEqual(Array.from({ length: total }, (_, i) => i));
    await tx.close();
    expect(tx.forwarded).toBe(total);
    await rx.close();
    expect(rx.received).toBe(total);
  }, 120_000);

  it('durable: a receiver that stops leaves the rest in the stream, and the next one of that name carries on in order', async () => {
    const subject = freshSubject();
    const from = createQueue({ capacity: 4096, slotBytes: 64, codec: 'bytes' });
    const tx = await forward(from, { connection: nats.nc, subject });
    const total = 20_000;
    for (let i = 0; i < total; i++) await from.pushAsync(stamped(i));
    const first = createQueue({ capacity: 8192, slotBytes: 64, codec: 'bytes' });
    const rx1 = await receive({ connection: nats.nc, subject, durable: 'relay' }, first);
    const part = await take(first, 5000);
    await rx1.close();
    const rest = [...part];
    while (first.size > 0) rest.push(...(await take(first, 1)));
    const second = createQueue({ capacity: 8192, slotBytes: 64, codec: 'bytes' });
    const rx2 = await receive({ connection: nats.nc, subject, durable: 'relay' }, second);
    rest.push(...(await take(second, total - rest.length)));
    expect(rest).toEqual(Array.from({ length: total }, (_, i) => i));
    await rx2.close();
    await tx.close();
  }, 120_000);

  it('core NATS without durable: receives what is published while it listens; codecs travel as encoded', async () => {
    const subject = freshSubject();
    const from = createQueue<{ n: number }>({ codec: 'json' });
    const to = createQueue<{ n: number }>({ codec: 'json' });
    const rx = await receive({ connection: nats.nc, subject }, to);
    await nats.nc.flush(); // the subscription is registered with the server
    const tx = await forward(from, { connection: nats.nc, subject });
    for (let n = 0; n < 1000; n++) from.push({ n });
    const got: number[] = [];
    while (got.length < 1000) got.push((await to.popAsync({ timeoutMs: 20_000 })).n);
    expect(got).toEqual(Array.from({ length: 1000 }, (_, n) => n));
    await tx.close();
    await rx.close();
  });

  it('forward ends once its queue is closed and drained, with every message stored', async () => {
    const subject = freshSubject();
    const from = createQueue({ capacity: 1024, slotBytes: 64, codec: 'bytes' });
    const tx = await forward(from, { connection: nats.nc, subject });
    for (let i = 0; i < 500; i++) from.push(stamped(i));
    from.close();
    await tx.done; // ends by itself: the queue is closed and drained
    expect(tx.forwarded).toBe(500);
    await tx.close();
  });

  it('durable: a queue whose codec differs from the stream\'s is refused at setup, whichever side created the stream', async () => {
    const subject = freshSubject();
    const json = createQueue({ codec: 'json' });
    const bytes = createQueue({ codec: 'bytes' });
    const rx = await receive({ connection: nats.nc, subject, durable: 'mismatch' }, bytes); // creates the stream: codec 'bytes'
    await expect(forward(json, { connection: nats.nc, subject })).rejects.toThrow(
      /carries messages of queues with codec 'bytes', and this queue's codec is 'json'/,
    );
    await rx.close();
    expect(rx.received).toBe(0);
    const other = freshSubject();
    const tx = await forward(json, { connection: nats.nc, subject: other }); // creates the stream: codec 'json'
    await expect(receive({ connection: nats.nc, subject: other, durable: 'mismatch' }, bytes)).rejects.toThrow(
      /carries messages of queues with codec 'json', and this queue's codec is 'bytes'/,
    );
    json.push({ a: 1 }); // the forwarder still works: the refused receiver took nothing
    const matching = createQueue({ codec: 'json' });
    const rx2 = await receive({ connection: nats.nc, subject: other, durable: 'matching' }, matching);
    expect(await matching.popAsync({ timeoutMs: 20_000 })).toEqual({ a: 1 });
    await tx.close();
    await rx2.close();
  });

  it('core NATS: a message from a queue of another codec stops the receiver with an error naming both codecs', async () => {
    const subject = freshSubject();
    const from = createQueue({ codec: 'json' });
    const to = createQueue({ codec: 'bytes' });
    const rx = await receive({ connection: nats.nc, subject }, to);
    await nats.nc.flush(); // the subscription is registered with the server
    const tx = await forward(from, { connection: nats.nc, subject });
    from.push({ a: 1 });
    await tx.close();
    await expect(rx.done).rejects.toThrow(/codec 'json' cannot go into this queue, whose codec is 'bytes'/);
    await expect(rx.close()).rejects.toThrow(/codec 'json'/);
    expect(to.size).toBe(0);
  });

  it('refuses a stream of the derived name that wasmq/nats did not create, and bad arguments', async () => {
    const subject = freshSubject();
    const jsm = await jetstreamManager(nats.nc);
    await jsm.streams.add({ name: `WASMQ_STREAM_${subject.replaceAll('.', '_2E')}`, subjects: [subject], retention: 'workqueue' });
    const q = createQueue({ codec: 'bytes' });
    await expect(forward(q, { connection: nats.nc, subject })).rejects.toThrow(/exists with another shape: its description records no codec/);
    await expect(forward({} as never, { connection: nats.nc, subject })).rejects.toThrow(/takes a wasmq Queue/);
    await expect(receive({ connection: nats.nc, subject: 'a.>' }, q)).rejects.toThrow(/NATS subject/);
    await expect(receive({ connection: nats.nc, subject, durable: '' }, q)).rejects.toThrow(/durable must be a non-empty string/);
  });
});
