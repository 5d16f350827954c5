// Broadcasts against a model, one thread, random programs: pushes (single
// and batched), subscribes from 'next' and 'oldest', pops, drains,
// unsubscribes and a close, on small rings of both policies. After every
// step, what the ring returned must be what the model says: the same push
// verdicts, the same values, the same `missed` counts. The model: the list
// of everything published; each subscriber's cursor into it; the ring holds
// the last `capacity`; 'wait' refuses a push while a live subscriber is a
// whole ring behind; 'overwrite' never does, and a subscriber behind the
// oldest held message jumps to it, adding the gap to `missed`.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createBroadcast, QueueClosedError, subscribe, type Subscriber } from '../../ts/index.js';
import { fuzzParameters } from '../fuzz.js';

type Op =
  | { op: 'push'; n: number }
  | { op: 'subscribe'; oldest: boolean }
  | { op: 'pop'; k: number }
  | { op: 'drain'; k: number; max: number }
  | { op: 'unsubscribe'; k: number }
  | { op: 'close' };

const ops: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 5 }).map((n) => ({ op: 'push' as const, n })) },
  { weight: 1, arbitrary: fc.boolean().map((oldest) => ({ op: 'subscribe' as const, oldest })) },
  { weight: 5, arbitrary: fc.nat(7).map((k) => ({ op: 'pop' as const, k })) },
  { weight: 2, arbitrary: fc.record({ k: fc.nat(7), max: fc.integer({ min: 1, max: 6 }) }).map((r) => ({ op: 'drain' as const, ...r })) },
  { weight: 1, arbitrary: fc.nat(7).map((k) => ({ op: 'unsubscribe' as const, k })) },
  { weight: 1, arbitrary: fc.constant({ op: 'close' as const }) },
);

interface ModelSub { cursor: number; missed: number; live: boolean }

function check(capacity: number, overwrite: boolean, program: Op[]): void {
  const b = createBroadcast<number>({ capacity, codec: 'json', whenFull: overwrite ? 'overwrite' : 'wait', maxSubscribers: 8 });
  const published: number[] = [];
  const subs: { real: Subscriber<number>; model: ModelSub }[] = [];
  let closed = false;
  let next = 0;
  const modelTake = (m: ModelSub): number | undefined => {
    const oldest = Math.max(0, published.length - capacity);
    if (m.cursor < oldest) {
      m.missed += oldest - m.cursor;
      m.cursor = oldest;
    }
    return m.cursor < published.length ? published[m.cursor++] : undefined;
  };
  const roomFor = (n: number) => {
    n = Math.min(n, capacity); // one claim never spans more than the ring
    if (overwrite) return n;
    const live = subs.filter((s) => s.model.live);
    if (live.length === 0) return n;
    const slowest = Math.min(...live.map((s) => s.model.cursor));
    return Math.max(0, Math.min(n, slowest + capacity - published.length));
  };
  for (const [step, o] of program.entries()) {
    const at = `step ${step} (${JSON.stringify(o)})`;
    switch (o.op) {
      case 'push': {
        const values = Array.from({ length: o.n }, () => next++);
        if (closed) {
          expect(() => b.tryPush(values[0]!), at).toThrow(QueueClosedError);
          break;
        }
        if (o.n === 1) {
          const ok = roomFor(1) === 1;
          expect(b.tryPush(values[0]!), at).toBe(ok);
          if (ok) published.push(values[0]!);
        } else {
          const n = roomFor(o.n);
          expect(b.pushBatch(values), at).toBe(n);
          published.push(...values.slice(0, n));
        }
        break;
      }
      case 'subscribe': {
        if (subs.filter((s) => s.model.live).length >= 8) break;
        const real = subscribe<number>(b.handle, { from: o.oldest ? 'oldest' : 'next' });
        subs.push({ real, model: { cursor: o.oldest ? Math.max(0, published.length - capacity) : published.length, missed: 0, live: true } });
        break;
      }
      case 'pop': {
        const s = subs[o.k];
        if (!s?.model.live) break;
        expect(s.real.tryPop(), at).toBe(modelTake(s.model));
        expect(s.real.missed, at).toBe(s.model.missed);
        break;
      }
      case 'drain': {
        const s = subs[o.k];
        if (!s?.model.live) break;
        const got: number[] = [];
        s.real.tryDrain((bytes, offset, length) => got.push(JSON.parse(new TextDecoder().decode(bytes.slice(offset, offset + length)))), o.max);
        const want: number[] = [];
        for (let v = want.length < o.max ? modelTake(s.model) : undefined; v !== undefined; v = want.length < o.max ? modelTake(s.model) : undefined) {
          want.push(v);
        }
        expect(got, at).toEqual(want);
        expect(s.real.missed, at).toBe(s.model.missed);
        break;
      }
      case 'unsubscribe': {
        const s = subs[o.k];
        if (!s?.model.live) break;
        s.real.unsubscribe();
        s.model.live = false;
        break;
      }
      case 'close':
        b.close();
        closed = true;
        break;
    }
  }
  // Every live subscriber drains exactly what the model holds for it, then sees the end (once closed).
  b.close();
  for (const s of subs.filter((x) => x.model.live)) {
    const rest: number[] = [];
    for (let v = s.real.tryPop(); v !== undefined; v = s.real.tryPop()) rest.push(v);
    const want: number[] = [];
    for (let v = modelTake(s.model); v !== undefined; v = modelTake(s.model)) want.push(v);
    expect(rest).toEqual(want);
    expect(s.real.missed).toBe(s.model.missed);
    expect(() => s.real.pop(0)).toThrow(QueueClosedError);
  }
}

describe('broadcast against a model', () => {
  test.each([
    ['wait', false],
    ['overwrite', true],
  ])("'%s': random programs of pushes, subscribes, pops, drains, unsubscribes and close give the model's answers", (_, overwrite) => {
    fc.assert(
      fc.property(fc.constantFrom(2, 4, 8), fc.array(ops, { maxLength: 120 }), (capacity, program) => check(capacity, overwrite as boolean, program)),
      fuzzParameters(300),
    );
  });
});
