// Property-based tests (fast-check): random operation sequences against a
// model queue on one thread, and random producer/consumer scripts on two threads.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fuzzParameters } from '../fuzz.js';
import { createQueue, QueueClosedError, type Queue } from '../../dist/index.js';
import { NO_RECLAIM, runWorker } from '../helpers.js';

interface Model {
  items: Uint8Array[];
  usedSlots: number;
  closed: boolean;
  capacity: number;
  slotBytes: number;
}
const slotsOf = (m: Model, len: number) => Math.max(1, Math.ceil(len / m.slotBytes));
const fits = (m: Model, len: number) => m.usedSlots + slotsOf(m, len) <= m.capacity;
const msg = (len: number, tag: number) => Uint8Array.from({ length: len }, (_, i) => (tag * 7 + i) & 0xff);

type Real = Queue<Uint8Array>;
let tag = 0;

class TryPush implements fc.Command<Model, Real> {
  constructor(readonly len: number) {}
  check = () => true;
  run(m: Model, q: Real) {
    const v = msg(this.len, tag++);
    if (m.closed) return void expect(() => q.tryPush(v)).toThrow(QueueClosedError);
    const ok = fits(m, this.len);
    expect(q.tryPush(v)).toBe(ok);
    if (ok) m.items.push(v), (m.usedSlots += slotsOf(m, this.len));
  }
  toString = () => `tryPush(${this.len})`;
}
class TryPop implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, q: Real) {
    const want = m.items.shift();
    expect(q.tryPop()).toEqual(want);
    if (want) m.usedSlots -= slotsOf(m, want.length);
  }
  toString = () => 'tryPop()';
}
class PushBatch implements fc.Command<Model, Real> {
  constructor(readonly lens: number[]) {}
  check = () => true;
  run(m: Model, q: Real) {
    const vs = this.lens.map((l) => msg(l, tag++));
    if (m.closed) {
      if (vs.length) expect(() => q.pushBatch(vs)).toThrow(QueueClosedError);
      return;
    }
    let n = 0;
    while (n < vs.length && fits(m, vs[n].length)) {
      m.items.push(vs[n]);
      m.usedSlots += slotsOf(m, vs[n].length);
      n++;
    }
    expect(q.pushBatch(vs)).toBe(n);
  }
  toString = () => `pushBatch([${this.lens}])`;
}
class PopBatch implements fc.Command<Model, Real> {
  constructor(readonly max: number) {}
  check = () => true;
  run(m: Model, q: Real) {
    const want = m.items.splice(0, this.max);
    for (const w of want) m.usedSlots -= slotsOf(m, w.length);
    expect(q.popBatch(this.max)).toEqual(want);
  }
  toString = () => `popBatch(${this.max})`;
}
class TryPopInto implements fc.Command<Model, Real> {
  constructor(readonly room: number) {}
  check = () => true;
  run(m: Model, q: Real) {
    const target = new Uint8Array(this.room);
    const head = m.items[0];
    if (!head) return void expect(q.tryPopInto(target)).toBe(-1);
    if (head.length > this.room) return void expect(() => q.tryPopInto(target)).toThrow(RangeError);
    m.items.shift();
    m.usedSlots -= slotsOf(m, head.length);
    expect(q.tryPopInto(target)).toBe(head.length);
    expect(target.subarray(0, head.length)).toEqual(head);
  }
  toString = () => `tryPopInto(${this.room})`;
}
class Close implements fc.Command<Model, Real> {
  check = (m: Readonly<Model>) => !m.closed;
  run(m: Model, q: Real) {
    q.close();
    m.closed = true;
    expect(q.closed).toBe(true);
  }
  toString = () => 'close()';
}
class Size implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, q: Real) {
    expect(q.size).toBe(m.usedSlots);
  }
  toString = () => 'size';
}

describe('property: one thread, random operations, against a model queue', () => {
  it('every result matches the model (FIFO, full/empty, batches, oversize targets, close)', () => {
    const setup = fc.record({
      capacity: fc.constantFrom(2, 4, 8, 16),
      slotBytes: fc.constantFrom(8, 16),
      scratchBytes: fc.constantFrom(0, 16, 64, 8192),
      initialPosition: fc.oneof(fc.constant(0), fc.integer({ min: 2 ** 32 - 40, max: 2 ** 32 - 1 })),
    });
    // One property over (configuration, commands), so that the seed and path
    // fast-check prints on a failure replay it (WASMQ_FUZZ_SEED, WASMQ_FUZZ_PATH).
    const commandsFor = (cfg: { capacity: number; slotBytes: number }) => {
      const maxLen = cfg.capacity * cfg.slotBytes;
      const len = fc.integer({ min: 0, max: maxLen });
      return fc.commands(
        [
          len.map((l) => new TryPush(l)),
          fc.constant(new TryPop()),
          fc.array(len, { maxLength: 6 }).map((ls) => new PushBatch(ls)),
          fc.integer({ min: 0, max: 6 }).map((n) => new PopBatch(n)),
          fc.integer({ min: 0, max: maxLen }).map((n) => new TryPopInto(n)),
          fc.constant(new Close()),
          fc.constant(new Size()),
        ],
        { maxCommands: 60 },
      );
    };
    fc.assert(
      fc.property(setup.chain((cfg) => fc.tuple(fc.constant(cfg), commandsFor(cfg))), ([cfg, cmds]) => {
        tag = 0; // each run's messages alike, whatever ran before: a replayed failure is the same run
        const q = createQueue(cfg);
        const model: Model = { items: [], usedSlots: 0, closed: false, capacity: cfg.capacity, slotBytes: cfg.slotBytes };
        fc.modelRun(() => ({ model, real: q }), cmds);
      }),
      fuzzParameters(500),
    );
  });
});

describe('property: two threads, random scripts', () => {
  it('a worker producer and a main-thread consumer with random batch shapes: exactly once, in order', async () => {
    const op = fc.oneof(
      fc.tuple(fc.constant(0), fc.constant(1)),
      fc.tuple(fc.constant(1), fc.integer({ min: 1, max: 40 })),
      fc.tuple(fc.constant(2), fc.constant(1)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 300 }),
        fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(4, 16, 64),
        async (script, lengths, popSizes, capacity) => {
          const q = createQueue({ capacity, slotBytes: 16, maxMessageBytes: capacity * 16, ...NO_RECLAIM });
          const fitted = lengths.map((l) => Math.min(l, capacity * 16 - 4));
          const { worker, result } = runWorker<number>('scripted-producer.mjs', { handle: q.handle, script, lengths: fitted });
          let next = 0;
          let i = 0;
          const check = (m: Uint8Array) => {
            const seq = new DataView(m.buffer, m.byteOffset).getUint32(0, true);
            expect(seq).toBe(next);
            expect(m.length).toBe(fitted[seq % fitted.length] + 4);
            expect(m.subarray(4).every((b) => b === (seq & 0xff))).toBe(true);
            next++;
          };
          for (;;) {
            const k = popSizes[i++ % popSizes.length];
            try {
              if (k === 0) check(q.pop(10_000));
              else {
                const got = q.popBatch(k);
                if (got.length === 0) check(q.pop(10_000));
                else got.forEach(check);
              }
            } catch (e) {
              if (e instanceof QueueClosedError) break;
              throw e;
            }
          }
          expect(next).toBe(await result);
          await worker.terminate();
        },
      ),
      fuzzParameters(25),
    );
  }, 180_000);
});
