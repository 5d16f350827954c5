// Property-based test (fast-check) of the in-place calls on one thread:
// random sequences of tryPublish (with fills that throw), tryDrain and drain
// (with handlers that throw), push, pushBatch, tryPop, popBatch, tryPopInto
// and close, against a model FIFO of byte arrays. After every command the
// queue's results, the bytes it hands out and its size equal the model's.
//
// Reproduce a failure with the seed (and path) fast-check prints:
// WASMQ_FUZZ_SEED=<seed> npx vitest run --project node test/queue/inplace.property
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fuzzParameters } from '../fuzz.js';
import { createQueue, QueueClosedError, TimeoutError, type Queue } from '../../dist/index.js';


/** The ring, head first: messages, and withdrawn claims (holes) that still hold their slots. */
type Entry = { bytes: Uint8Array; slots: number } | { hole: true; slots: number };
interface Model {
  ring: Entry[];
  /** Messages this Queue took but could not hand over (a handler threw): delivered first. */
  kept: Uint8Array[];
  closed: boolean;
  capacity: number;
  slotBytes: number;
}
type Real = Queue<Uint8Array>;

const slotsOf = (m: Model, len: number) => Math.max(1, Math.ceil(len / m.slotBytes));
const used = (m: Model) => m.ring.reduce((n, e) => n + e.slots, 0);
const room = (m: Model, len: number) => Math.floor((m.capacity - used(m)) / slotsOf(m, len));
const skipHoles = (m: Model) => {
  while (m.ring.length > 0 && 'hole' in m.ring[0]) m.ring.shift();
};
/** Takes the head message, skipping holes before it, as every pop does; undefined when there is none. */
function takeHead(m: Model): Uint8Array | undefined {
  skipHoles(m);
  const e = m.ring[0];
  if (!e || 'hole' in e) return undefined;
  m.ring.shift();
  return e.bytes;
}
let tag = 0;
const msg = (len: number) => {
  const t = tag++;
  return Uint8Array.from({ length: len }, (_, i) => (t * 13 + i * 7 + 3) & 0xff);
};
const expectSize = (m: Model, q: Real) => expect(q.size).toBe(used(m));

abstract class Command implements fc.Command<Model, Real> {
  check = (_m: Readonly<Model>) => true;
  abstract apply(m: Model, q: Real): void;
  run(m: Model, q: Real) {
    this.apply(m, q);
    expectSize(m, q);
  }
}

class TryPublish extends Command {
  constructor(readonly count: number, readonly len: number, readonly throwAt: number) { super(); }
  apply(m: Model, q: Real) {
    const calls: number[] = [];
    const written: Uint8Array[] = [];
    const fill = (bytes: Uint8Array, offset: number, index: number) => {
      calls.push(index);
      expect(offset + this.len).toBeLessThanOrEqual(bytes.length);
      const v = msg(this.len);
      bytes.set(v, offset);
      written.push(v);
      if (index === this.throwAt) throw new RangeError('fill fails');
    };
    if (m.closed) {
      expect(() => q.tryPublish(this.len, fill, { count: this.count })).toThrow(QueueClosedError);
      return void expect(calls).toEqual([]);
    }
    const n = Math.min(this.count, room(m, this.len));
    const slots = slotsOf(m, this.len);
    if (this.throwAt >= 0 && this.throwAt < n) {
      expect(() => q.tryPublish(this.len, fill, { count: this.count })).toThrow('fill fails');
      expect(calls).toEqual(Array.from({ length: this.throwAt + 1 }, (_, i) => i));
      for (let i = 0; i < n; i++) m.ring.push({ hole: true, slots }); // withdrawn: skipped, never delivered
      return;
    }
    expect(q.tryPublish(this.len, fill, { count: this.count })).toBe(n);
    expect(calls).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const bytes of written) m.ring.push({ bytes, slots });
  }
  override toString = () => `tryPublish(${this.len}, count ${this.count}${this.throwAt >= 0 ? `, throw at ${this.throwAt}` : ''})`;
}

/** tryDrain(max), or drain({ max, timeoutMs: 0 }); the handler throws at delivery `throwAt` (-1: never). */
class Drain extends Command {
  constructor(readonly blocking: boolean, readonly max: number, readonly throwAt: number) { super(); }
  apply(m: Model, q: Real) {
    // What the model hands over: kept messages first, then one take at the head.
    const want: Uint8Array[] = [];
    let fromKept = 0;
    while (want.length < this.max && m.kept.length > fromKept) want.push(m.kept[fromKept++]);
    let taken: Uint8Array[] = [];
    if (want.length < this.max && !(this.throwAt >= 0 && this.throwAt < fromKept)) {
      skipHoles(m);
      let end = 0;
      for (let i = 0; i < m.ring.length && want.length + taken.length < this.max; i++) {
        const e = m.ring[i];
        if ('hole' in e) continue; // a take reaches past withdrawn claims
        taken.push(e.bytes);
        end = i + 1;
      }
      m.ring.splice(0, end);
    }
    const got: Uint8Array[] = [];
    const handler = (bytes: Uint8Array, offset: number, length: number) => {
      expect(offset + length).toBeLessThanOrEqual(bytes.length);
      got.push(bytes.slice(offset, offset + length));
      if (got.length - 1 === this.throwAt) throw new Error('handler fails');
    };
    const call = () => (this.blocking ? q.drain(handler, { max: this.max, timeoutMs: 0 }) : q.tryDrain(handler, this.max));
    const all = [...want, ...taken];
    if (this.throwAt >= 0 && this.throwAt < all.length) {
      expect(call).toThrow('handler fails');
      expect(got).toEqual(all.slice(0, this.throwAt + 1));
      if (this.throwAt < fromKept) m.kept.splice(0, this.throwAt + 1);
      else m.kept = taken.slice(this.throwAt + 1 - fromKept); // the rest of the take is kept
      return;
    }
    m.kept.splice(0, fromKept);
    if (this.blocking && all.length === 0 && !m.closed) expect(call).toThrow(TimeoutError);
    else expect(call()).toBe(all.length);
    expect(got).toEqual(all);
  }
  override toString = () => `${this.blocking ? 'drain' : 'tryDrain'}(max ${this.max}${this.throwAt >= 0 ? `, throw at ${this.throwAt}` : ''})`;
}

class TryPush extends Command {
  constructor(readonly len: number) { super(); }
  apply(m: Model, q: Real) {
    const v = msg(this.len);
    if (m.closed) return void expect(() => q.tryPush(v)).toThrow(QueueClosedError);
    const ok = room(m, this.len) > 0;
    expect(q.tryPush(v)).toBe(ok);
    if (ok) m.ring.push({ bytes: v, slots: slotsOf(m, this.len) });
  }
  override toString = () => `tryPush(${this.len})`;
}

class PushBatch extends Command {
  constructor(readonly lens: number[]) { super(); }
  apply(m: Model, q: Real) {
    const vs = this.lens.map(msg);
    if (m.closed && vs.length > 0) return void expect(() => q.pushBatch(vs)).toThrow(QueueClosedError);
    let n = 0;
    while (n < vs.length && room(m, vs[n].length) > 0) m.ring.push({ bytes: vs[n], slots: slotsOf(m, vs[n++].length) });
    expect(q.pushBatch(vs)).toBe(n);
  }
  override toString = () => `pushBatch([${this.lens}])`;
}

class TryPop extends Command {
  apply(m: Model, q: Real) {
    expect(q.tryPop()).toEqual(m.kept.shift() ?? takeHead(m));
  }
  override toString = () => 'tryPop()';
}

class PopBatch extends Command {
  constructor(readonly max: number) { super(); }
  apply(m: Model, q: Real) {
    const want: Uint8Array[] = [];
    while (want.length < this.max) {
      const v = m.kept.shift() ?? takeHead(m);
      if (!v) break;
      want.push(v);
    }
    expect(q.popBatch(this.max)).toEqual(want);
  }
  override toString = () => `popBatch(${this.max})`;
}

class TryPopInto extends Command {
  constructor(readonly room: number) { super(); }
  apply(m: Model, q: Real) {
    const target = new Uint8Array(this.room);
    if (m.kept.length === 0) skipHoles(m);
    const head = m.kept[0] ?? (m.ring[0] as { bytes?: Uint8Array } | undefined)?.bytes;
    if (!head) return void expect(q.tryPopInto(target)).toBe(-1);
    if (head.length > this.room) return void expect(() => q.tryPopInto(target)).toThrow(RangeError); // kept queued
    if (m.kept.length > 0) m.kept.shift();
    else m.ring.shift();
    expect(q.tryPopInto(target)).toBe(head.length);
    expect(target.subarray(0, head.length)).toEqual(head);
  }
  override toString = () => `tryPopInto(room ${this.room})`;
}

class Close extends Command {
  override check = (m: Readonly<Model>) => !m.closed;
  apply(m: Model, q: Real) {
    q.close();
    m.closed = true;
  }
  override toString = () => 'close()';
}

const setup = fc.record({
  capacity: fc.constantFrom(2, 4, 8, 16),
  slotBytes: fc.constantFrom(8, 16),
  scratchBytes: fc.constantFrom(0, 16, 64, 8192),
  initialPosition: fc.oneof(fc.constant(0), fc.integer({ min: 2 ** 32 - 40, max: 2 ** 32 - 1 })),
});
const commandsFor = (cfg: { capacity: number; slotBytes: number }) => {
  const maxLen = cfg.capacity * cfg.slotBytes;
  const len = fc.oneof(fc.integer({ min: 0, max: 2 * cfg.slotBytes }), fc.integer({ min: 0, max: maxLen }));
  const throwAt = fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 5 }) });
  const few = fc.integer({ min: 1, max: 2 * cfg.capacity + 1 });
  return fc.commands(
    [
      fc.tuple(few, len, throwAt).map(([c, l, t]) => new TryPublish(c, l, t)),
      fc.tuple(fc.boolean(), few, throwAt).map(([b, max, t]) => new Drain(b, max, t)),
      len.map((l) => new TryPush(l)),
      fc.array(len, { maxLength: 6 }).map((ls) => new PushBatch(ls)),
      fc.constant(new TryPop()),
      fc.integer({ min: 0, max: 6 }).map((n) => new PopBatch(n)),
      fc.integer({ min: 0, max: maxLen }).map((n) => new TryPopInto(n)),
      fc.constant(new Close()),
    ],
    { maxCommands: 60 },
  );
};

describe('property: in-place calls against a model FIFO', () => {
  it('tryPublish / tryDrain / drain (with throwing fills and handlers) mixed with push / pop calls: every result equals the model', () => {
    fc.assert(
      fc.property(
        setup.chain((cfg) => fc.tuple(fc.constant(cfg), commandsFor(cfg))),
        ([cfg, cmds]) => {
          tag = 0; // each run's messages alike, whatever ran before: a replayed failure is the same run
          const q = createQueue(cfg);
          const model: Model = { ring: [], kept: [], closed: false, capacity: cfg.capacity, slotBytes: cfg.slotBytes };
          fc.modelRun(() => ({ model, real: q }), cmds);
        },
      ),
      fuzzParameters(200),
    );
  }, 120_000);
});
