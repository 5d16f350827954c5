// Messages at, just under and just over every size limit: slot size, scratch
// area (one-call vs two-call path), batch record room, maxMessageBytes, and
// the whole ring. Each either round-trips intact or is refused clearly,
// and a refusal leaves the queue as it was.
import { describe, expect, it } from 'vitest';
import { createQueue } from '../../dist/index.js';

const msg = (len: number, seed = len) => Uint8Array.from({ length: len }, (_, i) => (i * 13 + seed) & 0xff);
const around = (n: number) => [n - 1, n, n + 1].filter((x) => x >= 0);

describe('size limits', () => {
  const capacity = 128; // room for a batch of three maxMessageBytes messages
  const slotBytes = 32;
  const scratchBytes = 256;
  const maxMessageBytes = 1000;
  const limits = [slotBytes, 2 * slotBytes, scratchBytes - 8, scratchBytes, maxMessageBytes];

  it.each(limits.flatMap(around).filter((n) => n <= maxMessageBytes))(
    '%i bytes round-trips through push/pop, raw and batch paths',
    (len) => {
      const q = createQueue({ capacity, slotBytes, scratchBytes, maxMessageBytes });
      const m = msg(len);
      expect(q.tryPush(m)).toBe(true);
      expect(q.tryPop()).toEqual(m);
      expect(q.tryPushFrom(m)).toBe(true);
      const out = new Uint8Array(len + 3);
      expect(q.tryPopInto(out, 3)).toBe(len);
      expect(out.subarray(3)).toEqual(m);
      expect(q.pushBatch([m, msg(len, 1), m])).toBe(3);
      expect(q.popBatch(3)).toEqual([m, msg(len, 1), m]);
      expect(q.size).toBe(0);
    },
  );

  it('maxMessageBytes + 1 is refused by every push path, and nothing is enqueued', () => {
    const q = createQueue({ capacity, slotBytes, scratchBytes, maxMessageBytes });
    q.tryPush(msg(3));
    const over = msg(maxMessageBytes + 1);
    for (const push of [() => q.tryPush(over), () => q.push(over), () => q.tryPushFrom(over), () => q.pushBatch([msg(1), over])]) {
      expect(push).toThrow(new RangeError(`message of ${maxMessageBytes + 1} bytes is larger than this queue's maxMessageBytes (${maxMessageBytes}); nothing was pushed`));
    }
    expect(q.size).toBe(1);
    expect(q.tryPop()).toEqual(msg(3));
  });

  it('a message filling the whole ring (capacity × slotBytes) round-trips; one byte more is refused', () => {
    const q = createQueue({ capacity: 8, slotBytes: 16 });
    expect(q.maxMessageBytes).toBe(128);
    for (const start of [0, 3]) {
      // start the ring at an offset so the message wraps around its end
      for (let i = 0; i < start; i++) q.tryPush(msg(1)), q.tryPop();
      expect(q.tryPush(msg(128))).toBe(true);
      expect(q.tryPush(msg(0))).toBe(false);
      expect(q.tryPop()).toEqual(msg(128));
    }
    expect(() => q.tryPush(msg(129))).toThrow(RangeError);
  });

  it('tryPopInto with a target one byte short refuses and keeps the message; exactly long enough works', () => {
    const q = createQueue({ capacity, slotBytes, scratchBytes, maxMessageBytes });
    for (const len of [slotBytes, scratchBytes, maxMessageBytes]) {
      q.tryPush(msg(len));
      expect(() => q.tryPopInto(new Uint8Array(len - 1))).toThrow(RangeError);
      const out = new Uint8Array(len);
      expect(q.tryPopInto(out)).toBe(len);
      expect(out).toEqual(msg(len));
    }
  });

  it('strings at the scratch boundary (3 bytes per UTF-16 unit) take either path intact', () => {
    const q = createQueue({ codec: 'string', capacity: 256, slotBytes: 16, scratchBytes: 96 });
    for (const n of [31, 32, 33, 95, 96, 97]) {
      for (const s of ['a'.repeat(n), 'é'.repeat(n), '€'.repeat(n)]) {
        expect(q.tryPush(s)).toBe(true);
        expect(q.tryPop()).toBe(s);
      }
    }
  });
});
