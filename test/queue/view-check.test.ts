// The checkViews development option: an in-place view kept past its callback
// fails where it is used, and everything else behaves as without the check.
import { describe, expect, it } from 'vitest';
import { attachQueue, createQueue } from '../../dist/index.js';

const pat = (len: number, tag: number) => Uint8Array.from({ length: len }, (_, i) => (tag * 31 + i * 7 + 1) & 0xff);

describe('checkViews', () => {
  it('detaches a drain handler view once the handler returns, after it read the right bytes', () => {
    const q = createQueue({ capacity: 16, slotBytes: 16, checkViews: true });
    for (let i = 0; i < 5; i++) q.push(pat(20, i));
    const seen: Uint8Array[] = [];
    const kept: Uint8Array[] = [];
    expect(q.tryDrain((bytes, offset, length) => {
      seen.push(bytes.slice(offset, offset + length));
      kept.push(bytes);
    })).toBe(5);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => pat(20, i)));
    for (const view of kept) {
      expect(view.length).toBe(0);
      expect(view[0]).toBeUndefined();
      expect(() => view.slice(0, 1)).toThrow(TypeError);
    }
    expect(q.size).toBe(0);
  });

  it('detaches a publish fill view once fill returns, and publishes what fill wrote', () => {
    const q = createQueue({ capacity: 16, slotBytes: 16, checkViews: true });
    const kept: Uint8Array[] = [];
    q.publish(24, (bytes, offset, index) => {
      bytes.set(pat(24, index), offset);
      kept.push(bytes);
    }, { count: 3 });
    for (const view of kept) expect(() => view.set([1], 0)).toThrow(TypeError);
    expect([q.tryPop(), q.tryPop(), q.tryPop(), q.tryPop()]).toEqual([pat(24, 0), pat(24, 1), pat(24, 2), undefined]);
  });

  it('keeps the throwing-callback rules: a throwing fill publishes nothing, a throwing handler keeps the rest', () => {
    const q = createQueue({ capacity: 16, slotBytes: 16, checkViews: true });
    expect(() => q.publish(8, (_b, _o, index) => {
      if (index === 1) throw new Error('fill 1 fails');
    }, { count: 2 })).toThrow('fill 1 fails');
    expect(q.tryPop()).toBeUndefined();
    for (let i = 0; i < 3; i++) q.push(pat(8, i));
    expect(() => q.tryDrain((bytes, offset) => {
      if (bytes[offset] === pat(8, 0)[0]) throw new Error('handler fails on the first');
    })).toThrow('handler fails on the first');
    expect([q.tryPop(), q.tryPop(), q.tryPop()]).toEqual([pat(8, 1), pat(8, 2), undefined]);
  });

  it('is per face: an attached face can check while the creator does not', async () => {
    const q = createQueue({ capacity: 16, slotBytes: 16 });
    const checked = attachQueue(q.handle, { checkViews: true });
    q.push(pat(8, 7));
    q.push(pat(8, 8));
    let unchecked: Uint8Array | undefined;
    q.tryDrain((bytes) => { unchecked = bytes; }, 1);
    expect(unchecked!.buffer).toBeInstanceOf(SharedArrayBuffer); // the default hands out shared memory itself
    let kept: Uint8Array | undefined;
    expect(await checked.drainAsync((bytes) => { kept = bytes; })).toBe(1);
    expect(kept!.length).toBe(0);
  });

  it('refuses a checkViews that is not a boolean, saying what is allowed', () => {
    expect(() => createQueue({ checkViews: 'yes' as never })).toThrow(/checkViews must be true or false; got yes/);
    const q = createQueue();
    expect(() => attachQueue(q.handle, { checkViews: 1 as never })).toThrow(/checkViews must be true or false; got 1/);
  });
});
