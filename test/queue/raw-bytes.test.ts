// The allocation-free raw calls (tryPushFrom / tryPopInto / pushFrom / popInto):
// bytes straight between caller buffers and the ring, past the codec, on one thread.
import { describe, expect, it } from 'vitest';
import { createQueue, QueueClosedError, TimeoutError } from '../../dist/index.js';

const filled = (len: number, seed = 1) => Uint8Array.from({ length: len }, (_, i) => (i * 31 + seed) & 0xff);

describe('allocation-free raw paths', () => {
  it('tryPushFrom / tryPopInto move raw bytes to and from caller buffers, at an offset', () => {
    const q = createQueue({ capacity: 16, slotBytes: 16 });
    const out = new Uint8Array(200);
    expect(q.tryPopInto(out)).toBe(-1);
    expect(q.tryPushFrom(filled(10))).toBe(true);
    expect(q.tryPushFrom(filled(150, 3))).toBe(true);
    expect(q.tryPopInto(out, 5)).toBe(10);
    expect(out.subarray(5, 15)).toEqual(filled(10));
    expect(q.tryPopInto(out)).toBe(150);
    expect(out.subarray(0, 150)).toEqual(filled(150, 3));
  });

  it('tryPopInto with too small a target throws a RangeError and keeps the message', () => {
    const q = createQueue();
    q.tryPushFrom(filled(100));
    expect(() => q.tryPopInto(new Uint8Array(50))).toThrow(/100 bytes, but target has room for 50/);
    expect(q.tryPop()).toEqual(filled(100));
  });
});

describe('blocking raw paths', () => {
  it('popInto with too small a target throws a RangeError, offset counted, and keeps the message for the next pop', () => {
    const q = createQueue();
    q.pushFrom(filled(100));
    q.pushFrom(filled(3, 7));
    expect(() => q.popInto(new Uint8Array(50), 0, 1000)).toThrow(/100 bytes, but target has room for 50/);
    expect(() => q.popInto(new Uint8Array(120), 30, 1000)).toThrow(/100 bytes, but target has room for 90/);
    expect(q.size).toBe(3); // occupied slots: 2 for the 100 bytes, 1 for the 3; nothing was taken
    const out = new Uint8Array(100);
    expect(q.popInto(out, 0, 1000)).toBe(100); // the same message, first
    expect(out).toEqual(filled(100));
    expect(q.pop()).toEqual(filled(3, 7));
  });

  it('pushFrom / popInto block until room / a message, and time out with TimeoutError', () => {
    const q = createQueue({ capacity: 2, slotBytes: 8 });
    const out = new Uint8Array(16);
    expect(() => q.popInto(out, 0, 20)).toThrow(/popInto timed out after 20 ms/);
    q.pushFrom(filled(8));
    q.pushFrom(filled(8, 2));
    expect(() => q.pushFrom(filled(3), 20)).toThrow(TimeoutError);
    expect(q.popInto(out, 4)).toBe(8);
    expect(out.subarray(4, 12)).toEqual(filled(8));
    q.close();
    expect(q.popInto(out)).toBe(8); // drains what is left
    expect(() => q.popInto(out)).toThrow(QueueClosedError);
    expect(() => q.pushFrom(filled(1))).toThrow(QueueClosedError);
  });
});
