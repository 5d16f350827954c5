// createQueue rejects options it cannot honour, saying what is allowed.
import { describe, expect, it } from 'vitest';
import { createQueue } from '../../dist/index.js';

describe('createQueue options', () => {
  it.each([
    [{ capacity: 3 }, /capacity must be a power of two from 2 to 268435456; got 3/],
    [{ capacity: 1 }, /capacity must be an integer from 2 to 268435456/],
    [{ capacity: 0 }, /capacity/],
    [{ capacity: 2.5 }, /capacity/],
    [{ capacity: '8' }, /capacity/],
    [{ capacity: 2 ** 29 }, /capacity/],
    [{ slotBytes: 4 }, /slotBytes must be an integer from 8 to 1048576/],
    [{ slotBytes: 24 }, /slotBytes must be a power of two/],
    [{ slotBytes: 2 ** 21 }, /slotBytes/],
    [{ maxMessageBytes: -1 }, /maxMessageBytes must be a non-negative integer/],
    [{ stallTimeoutMs: 0 }, /stallTimeoutMs must be an integer from 1/],
    [{ scratchBytes: 12 }, /scratchBytes must be a multiple of 8/],
    [{ scratchAreas: 257 }, /scratchAreas must be an integer from 0 to 256/],
    [{ initialPosition: -1 }, /initialPosition/],
    [{ codec: 'xml' }, /unknown codec 'xml'/],
    [{ codec: { encode: () => new Uint8Array() } }, /codec must be 'bytes', 'string', 'json', or an object with encode/],
  ])('rejects %o', (options, message) => {
    expect(() => createQueue(options as never)).toThrow(message);
  });

  it('rejects a maxMessageBytes the queue could never hold, naming the largest it allows', () => {
    expect(() => createQueue({ capacity: 16, slotBytes: 64, maxMessageBytes: 1025 })).toThrow(RangeError);
    expect(() => createQueue({ capacity: 16, slotBytes: 64, maxMessageBytes: 1025 })).toThrow(
      /the largest it allows is 1024 \(capacity 16 × slotBytes 64\)/,
    );
    expect(createQueue({ capacity: 16, slotBytes: 64, maxMessageBytes: 1024 }).maxMessageBytes).toBe(1024);
  });

  it('rejects a layout too large for one memory', () => {
    expect(() => createQueue({ capacity: 2 ** 20, slotBytes: 2 ** 12 })).toThrow(/would need \d+ bytes of shared memory/);
  });

  it('defaults: 1024 slots of 64 bytes, whole-ring maxMessageBytes', () => {
    const q = createQueue();
    expect([q.capacity, q.slotBytes, q.maxMessageBytes]).toEqual([1024, 64, 65536]);
  });
});
