import { describe, expect, it } from 'vitest';
import { JsQueue, createJsQueue } from '../../../bench/peers/js-queue.mjs';

const message = (id: number, len: number) => Uint8Array.from({ length: len }, (_, i) => (id * 31 + i) & 0xff);

describe('pure-JS ablation queue', () => {
  it('keeps FIFO order and content for messages of 1 to 5 slots over many laps, wrapping the ring end', () => {
    const q = new JsQueue(createJsQueue({ capacity: 8, slotBytes: 8 }));
    let next = 0;
    const popNext = () => {
      expect(q.tryPop()).toEqual(message(next, (next * 7) % 40));
      next++;
    };
    for (let id = 0; id < 500; id++) {
      const len = (id * 7) % 40; // 0..39 bytes: 1..5 slots of 8
      // When it does not fit, pop (checking order and bytes) until it does:
      // the queue runs full and its messages straddle the end of the ring.
      while (!q.tryPush(message(id, len))) popNext();
    }
    while (next < 500) popNext();
    expect(q.tryPop()).toBeUndefined();
  });

  it('refuses a push when the message does not fit and accepts it after a pop frees room', () => {
    const q = new JsQueue(createJsQueue({ capacity: 4, slotBytes: 8 }));
    expect(q.tryPush(message(1, 24))).toBe(true); // 3 slots
    expect(q.tryPush(message(2, 16))).toBe(false); // needs 2, 1 free
    expect(q.tryPush(message(3, 8))).toBe(true);
    expect(q.tryPop()).toEqual(message(1, 24));
    expect(q.tryPush(message(2, 16))).toBe(true);
    expect(q.tryPop()).toEqual(message(3, 8));
    expect(q.tryPop()).toEqual(message(2, 16));
  });

  it('pushes the prefix of a batch that fits and pops batches in order', () => {
    const q = new JsQueue(createJsQueue({ capacity: 8, slotBytes: 8 }));
    const values = Array.from({ length: 10 }, (_, i) => message(i, 8));
    expect(q.pushBatch(values)).toBe(8);
    expect(q.popBatch(3)).toEqual(values.slice(0, 3));
    expect(q.pushBatch(values.slice(8))).toBe(2);
    expect(q.popBatch(100)).toEqual([...values.slice(3, 8), ...values.slice(8)]);
    expect(q.popBatch(4)).toEqual([]);
  });
});
