// The pool's shared table of object shapes (ts/structures.ts) under real
// threads: producers, each with its own serializer over one table, meet the
// same new shapes at the same moment and race to commit them, while the
// test decodes every message with a serializer of its own. Every message
// arrives exactly once, in per-producer order, equal to what was sent (its
// keys in order, its values checksummed), and the table ends with exactly
// msgpackr's 32 shared shapes, each one a shape that was sent, none twice.
import { describe, expect, it } from 'vitest';
import { createQueue } from '../dist/index.js';
import { Serializer } from '../ts/serialize.js';
import { SharedStructures } from '../ts/structures.js';
import { startThread } from './thread.js';
import { shapeMessage, shapeOf } from './workers/shape-messages.mjs';

const PRODUCERS = 4;
const ROUNDS = 6;
const PER_PRODUCER = 10_000;
/** More shapes than msgpackr shares (32): the rest are written inline, per message. */
const SHAPES = 48;
const producerFile = new URL('./workers/shape-producer.mjs', import.meta.url);

/** The shape number a message's first key names (`s<shape>p`). */
const shapeIn = (value: Record<string, unknown>) => Number(/^s(\d+)p$/.exec(Object.keys(value)[0]!)![1]);

async function round(): Promise<{ received: number; shared: string[][] }> {
  const table = new SharedStructures();
  const reader = new Serializer(new SharedStructures(table.buffer));
  const q = createQueue<Uint8Array>({ capacity: 256, slotBytes: 64, maxMessageBytes: 512, codec: 'bytes' });
  const gate = new SharedArrayBuffer(8);
  const go = new Int32Array(gate);
  const threads = Array.from({ length: PRODUCERS }, (_, producer) =>
    startThread(producerFile, { table: table.buffer, queue: q.handle, producer, count: PER_PRODUCER, shapes: SHAPES, gate }));
  const errors: unknown[] = [];
  for (const t of threads) t.on('error', (e: unknown) => errors.push(e));
  try {
    while (Atomics.load(go, 1) < PRODUCERS) {
      if (errors.length) throw errors[0];
      await new Promise((r) => setTimeout(r, 5));
    }
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    const next = new Array<number>(PRODUCERS).fill(0);
    let received = 0;
    while (received < PRODUCERS * PER_PRODUCER) {
      if (errors.length) throw errors[0];
      const bytes = await q.popAsync({ timeoutMs: 60_000 });
      const value = reader.deserialize(bytes) as Record<string, unknown>;
      const { p, i } = (value.nested as { at: { p: number; i: number } }).at;
      // Exactly once and in order: each producer's messages arrive as 0, 1, 2, ...
      if (i !== next[p]) throw new Error(`producer ${p}: message ${i} arrived where ${next[p]} was due`);
      next[p]++;
      const shape = shapeOf(p, i, SHAPES);
      expect(shapeIn(value)).toBe(shape);
      // Equal as JSON: the same keys in the same order, the same values.
      if (JSON.stringify(value) !== JSON.stringify(shapeMessage(p, i, shape))) {
        throw new Error(`producer ${p} message ${i} arrived as ${JSON.stringify(value)}`);
      }
      received++;
    }
    expect(next).toEqual(new Array(PRODUCERS).fill(PER_PRODUCER));
    expect(q.tryPop()).toBeUndefined();
    return { received, shared: table.load() };
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

describe('SharedStructures under real threads', () => {
  it(`${PRODUCERS} producers racing to commit ${SHAPES} new shapes, ${ROUNDS} rounds: every message exactly once, in order and intact; 32 distinct shared shapes`, async () => {
    let total = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const { received, shared } = await round();
      total += received;
      expect(shared).toHaveLength(32);
      const keys = shared.map((s) => s.join(','));
      expect(new Set(keys).size).toBe(32);
      // Each shared shape is the top level of a shape that was sent, or one of its nested objects.
      for (const key of keys) expect(key).toMatch(/^(s(\d+)p,s\2i,s\2sum,nested|n[0-4],at|p,i)$/);
    }
    expect(total).toBe(ROUNDS * PRODUCERS * PER_PRODUCER);
  }, 240_000);
});
