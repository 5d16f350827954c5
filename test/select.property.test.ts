// select against a model, one thread, random programs: pushes into any of
// up to 5 queues and subscribers, selects and closes. The model: each source
// is a FIFO; a select scans from one past the source the last select took
// from, takes the first non-empty one's head, and throws QueueClosedError
// when every source is closed and empty (TimeoutError, with timeout 0, when
// none has a message and some are open).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createBroadcast, createQueue, QueueClosedError, select, subscribe, TimeoutError, type Selectable } from '../ts/index.js';
import { fuzzParameters } from './fuzz.js';

type Op = { op: 'push'; source: number } | { op: 'select' } | { op: 'close'; source: number };
const ops = fc.oneof(
  { weight: 4, arbitrary: fc.nat(4).map((source) => ({ op: 'push' as const, source })) },
  { weight: 4, arbitrary: fc.constant({ op: 'select' as const }) },
  { weight: 1, arbitrary: fc.nat(4).map((source) => ({ op: 'close' as const, source })) },
);

function check(kinds: boolean[], program: Op[]): void {
  // kinds[i]: source i is a broadcast subscriber (else a queue).
  const sources = kinds.map((isSub) => {
    if (!isSub) {
      const q = createQueue<number>({ codec: 'json', capacity: 64 });
      return { sel: q as Selectable<number>, push: (v: number) => q.tryPush(v), close: () => q.close() };
    }
    const b = createBroadcast<number>({ codec: 'json', capacity: 64 });
    return { sel: subscribe<number>(b.handle) as Selectable<number>, push: (v: number) => b.tryPush(v), close: () => b.close() };
  });
  const list = sources.map((s) => s.sel);
  const model = sources.map(() => ({ items: [] as number[], closed: false }));
  // Where the model's scan starts: the real one's, read from the first select's answer.
  let cursor: number | undefined;
  let next = 0;
  for (const [step, o] of program.entries()) {
    const at = `step ${step} (${JSON.stringify(o)})`;
    const i = 'source' in o ? o.source % sources.length : 0;
    if (o.op === 'push') {
      if (model[i]!.closed || model[i]!.items.length >= 64) continue;
      expect(sources[i]!.push(next), at).toBe(true);
      model[i]!.items.push(next++);
    } else if (o.op === 'close') {
      sources[i]!.close();
      model[i]!.closed = true;
    } else {
      let got: { index: number; value: number } | Error;
      try {
        got = select(list, 0);
      } catch (e) {
        got = e as Error;
      }
      const ready = model.map((m, k) => (m.items.length > 0 ? k : -1)).filter((k) => k >= 0);
      if (ready.length === 0) {
        expect(got, at).toBeInstanceOf(model.every((m) => m.closed) ? QueueClosedError : TimeoutError);
        continue;
      }
      if (got instanceof Error) throw got;
      // The first ready source from the cursor on (the first select fixes where the cursor was).
      cursor ??= got.index;
      const n = sources.length;
      let want = -1;
      for (let k = 0; k < n && want < 0; k++) if (model[(cursor + k) % n]!.items.length > 0) want = (cursor + k) % n;
      expect(got, at).toEqual({ index: want, value: model[want]!.items.shift() });
      cursor = want + 1;
    }
  }
}

describe('select against a model', () => {
  test("random pushes, selects and closes over up to 5 queues and subscribers: the model's round-robin, values, and errors", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), fc.array(ops, { maxLength: 150 }), check),
      fuzzParameters(200),
    );
  });
});
