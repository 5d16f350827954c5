// The shared table of object shapes (ts/structures.ts), one step at a time in
// one thread: what a commit needs (msgpackr's isCompatible, and nobody
// committing between that check and the CAS), what a full table does (new
// shapes are written inline, nothing is lost), and a table handed a wrong
// buffer. The race itself, under real threads: structures.threads.test.ts.
import { describe, expect, it } from 'vitest';
import { Serializer } from '../ts/serialize.js';
import { STRUCTURES_BYTES, SharedStructures } from '../ts/structures.js';

const always = () => true;

describe('SharedStructures', () => {
  it('a new table is empty, and a commit is seen through every view of the same buffer', () => {
    const table = new SharedStructures();
    const other = new SharedStructures(table.buffer);
    expect(other.load()).toEqual([]);
    expect(table.save([['a', 'b']], always)).toBe(true);
    expect(other.load()).toEqual([['a', 'b']]);
    expect(other.save([['a', 'b'], ['c']], always)).toBe(true);
    expect(table.load()).toEqual([['a', 'b'], ['c']]);
  });

  it('load returns fresh arrays: what msgpackr hangs on them stays in that thread', () => {
    const table = new SharedStructures();
    table.save([['a']], always);
    const first = table.load();
    (first[0] as string[] & { read?: unknown }).read = () => 0;
    expect(table.load()[0]).not.toBe(first[0]);
    expect((table.load()[0] as { read?: unknown }).read).toBeUndefined();
  });

  it('a commit that isCompatible refuses (someone appended since) changes nothing', () => {
    const table = new SharedStructures();
    table.save([['a']], always);
    let seen: unknown;
    expect(table.save([['b']], (existing) => ((seen = existing), false))).toBe(false);
    expect(seen).toEqual([['a']]);
    expect(table.load()).toEqual([['a']]);
  });

  it('a commit raced by another between its check and its CAS fails, and the other one stands', () => {
    const table = new SharedStructures();
    const rival = new SharedStructures(table.buffer);
    // The rival commits while our save is between its compatibility check and its CAS.
    const racing = () => rival.save([['rival']], always) && true;
    expect(table.save([['ours']], racing)).toBe(false);
    expect(table.load()).toEqual([['rival']]);
  });

  it('a full table takes no more commits; its serializers still carry every value, new shapes inline', () => {
    const table = new SharedStructures();
    const long = (n: number) => [`${n}:${'k'.repeat(60_000)}`];
    const list: string[][] = [];
    while (!table.full) {
      list.push(long(list.length));
      table.save([...list], always);
    }
    const committed = table.load();
    expect(table.save([...committed, ['more']], always)).toBe(false);
    expect(table.load()).toEqual(committed);
    const [a, b] = [new Serializer(table), new Serializer(new SharedStructures(table.buffer))];
    const values = [{ fresh: 1, shape: [2] }, { another: { nested: 'x' } }, { fresh: 3, shape: [4] }];
    for (const v of values) expect(b.deserialize(a.serialize(v).slice())).toEqual(v);
    expect(table.load()).toEqual(committed);
  });

  it('serializers over one table read each other\'s bytes, which are shorter than self-contained ones', () => {
    const table = new SharedStructures();
    const [main, worker] = [new Serializer(table), new Serializer(new SharedStructures(table.buffer))];
    const order = { id: 1, lines: Array.from({ length: 8 }, (_, i) => ({ sku: `s${i}`, qty: i, price: i + 0.5 })) };
    const bytes = main.serialize(order).slice();
    expect(worker.deserialize(bytes)).toEqual(order);
    expect(worker.deserialize(main.serialize(order).slice())).toEqual(order);
    expect(bytes.length).toBeLessThan(new Serializer().serialize(order).length);
    expect(table.load().map((s) => s.join(','))).toEqual(['id,lines', 'sku,qty,price']);
  });

  it('a key with a lone surrogate arrives as U+FFFD through a shared shape, as it does inline (the documented approximation)', () => {
    const table = new SharedStructures();
    const [main, worker] = [new Serializer(table), new Serializer(new SharedStructures(table.buffer))];
    const inline = new Serializer();
    for (let i = 0; i < 3; i++) {
      expect(worker.deserialize(main.serialize({ '\ud800': i }).slice())).toEqual({ '\ufffd': i });
      expect(inline.deserialize(inline.serialize({ '\ud800': i }).slice())).toEqual({ '\ufffd': i });
    }
    expect(table.load()).toEqual([['\ufffd']]);
  });

  it.each([
    ['an ArrayBuffer', new ArrayBuffer(STRUCTURES_BYTES)],
    ['a SharedArrayBuffer of the wrong size', new SharedArrayBuffer(64)],
  ])('refuses %s, saying what it takes', (_, buffer) => {
    expect(() => new SharedStructures(buffer as SharedArrayBuffer)).toThrow(
      `a shared structure table is a SharedArrayBuffer of ${STRUCTURES_BYTES} bytes`,
    );
  });
});
