import { describe, expect, it } from 'vitest';
import { Fifo } from '../../ts/pool/fifo.js';

describe('Fifo', () => {
  it('shifts items in push order across compactions', () => {
    const fifo = new Fifo<{ n: number }>();
    const items = Array.from({ length: 5000 }, (_, n) => ({ n }));
    for (const item of items) fifo.push(item);
    const out: number[] = [];
    for (let i = 0; i < 2500; i++) out.push(fifo.shift()!.n);
    for (let n = 5000; n < 6000; n++) fifo.push({ n });
    for (let item = fifo.shift(); item; item = fifo.shift()) out.push(item.n);
    expect(out).toEqual(Array.from({ length: 6000 }, (_, n) => n));
    expect(fifo.size).toBe(0);
  });

  it('skips removed items and counts only the rest', () => {
    const fifo = new Fifo<{ n: number }>();
    const items = [0, 1, 2, 3].map((n) => ({ n }));
    for (const item of items) fifo.push(item);
    fifo.remove(items[0]);
    fifo.remove(items[2]);
    expect(fifo.size).toBe(2);
    expect(fifo.peek()).toBe(items[1]);
    expect(fifo.drain()).toEqual([items[1], items[3]]);
    expect(fifo.shift()).toBeUndefined();
  });
});
