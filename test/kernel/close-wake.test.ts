// close(): producers are refused, consumers drain what is left and then see
// R_CLOSED (not R_EMPTY). Wake words: the kernel bumps (and notifies) a
// sequence word only when someone registered as waiting on it.
import { describe, expect, it } from 'vitest';
import { L, RawQueue, pattern } from './support.js';

const q8 = (startPos = 0) => new RawQueue({ capacity: 8, slotBytes: 8, startPos });

type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: (a: Int32Array, i: number, v: number, ms?: number) => WaitAsyncResult }).waitAsync;

/**
 * Parks on the i32 word at byte `offset` while it holds its current value:
 * 'ok' when notified. A timer bounds it (the engine's own waitAsync timeout
 * may not fire), so a missing notify fails the test instead of hanging it.
 */
function park(q: RawQueue, offset: number): Promise<string> {
  const r = waitAsync(q.i32, offset >> 2, Atomics.load(q.i32, offset >> 2), 10_000);
  if (!r.async) return Promise.resolve(`did not park (${r.value})`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no notify within 10 s'), 10_000)));
  return Promise.race([r.value, bound]).finally(() => clearTimeout(timer));
}

describe('close', () => {
  it('after close, tryPush, claimWrite and pushBatch return -R_CLOSED and claim nothing', () => {
    const q = q8(77);
    expect(q.push(q.ops, pattern(8, 1))).toBe(1);
    q.ops.close();
    const producer = q.peer();
    q.writeRecords(q.scratch(2), [pattern(8, 2)]);
    expect(q.push(producer, pattern(8, 2))).toBe(-L.R_CLOSED);
    expect(producer.claimWrite(8)).toBe(-L.R_CLOSED);
    expect(producer.pushBatch(q.scratch(2), 1)).toBe(-L.R_CLOSED);
    expect(q.tail()).toBe(78);
    expect(q.tailWord()).toBe((1n << 32n) | 78n); // closed bit 32, position kept
  });

  it('pops drain what is left (tryPop, claimRead, takeMany), then return -R_CLOSED, not -R_EMPTY', () => {
    const q = q8();
    for (let i = 0; i < 4; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
    q.ops.close();
    const c = q.peer();
    expect(q.pop(c)).toEqual(pattern(8, 0));
    const t = c.claimRead();
    expect(q.ringRead(t, c.readLength(t))).toEqual(pattern(8, 1));
    expect(c.releaseRead(t)).toBe(1);
    expect(c.headLength()).toBe(8);
    const r = q.take(c, 10);
    expect(r).toMatchObject({ count: 2, released: 2, messages: [pattern(8, 2), pattern(8, 3)] });
    expect(c.tryPop(q.scratch(1), 256)).toBe(-L.R_CLOSED);
    expect(c.claimRead()).toBe(-L.R_CLOSED);
    expect(c.headLength()).toBe(-L.R_CLOSED);
    expect(c.takeMany(10)).toBe(-L.R_CLOSED);
  });

  it('an open, empty queue pops -R_EMPTY; the same queue closed pops -R_CLOSED', () => {
    const q = q8();
    expect(q.pop(q.ops)).toBe(-L.R_EMPTY);
    q.ops.close();
    expect(q.pop(q.ops)).toBe(-L.R_CLOSED);
  });

  it('close is idempotent: closing again keeps the closed bit and the tail position', () => {
    const q = q8(2 ** 32 - 1);
    q.ops.close();
    const word = q.tailWord();
    expect(word).toBe((1n << 32n) | 0xffffffffn);
    q.ops.close();
    q.peer().close();
    expect(q.tailWord()).toBe(word);
    expect(q.ops.isClosed()).toBe(1);
  });

  it('isClosed is 0 before close and 1 after, in every instance', () => {
    const q = q8();
    const peer = q.peer();
    expect([q.ops.isClosed(), peer.isClosed()]).toEqual([0, 0]);
    peer.close();
    expect([q.ops.isClosed(), peer.isClosed()]).toEqual([1, 1]);
  });

  it('a claim across 2^32 does not carry into the closed bit', () => {
    const q = q8(2 ** 32 - 1);
    expect(q.push(q.ops, pattern(16, 1))).toBe(1); // positions 2^32 - 1 and 0
    expect(q.tailWord()).toBe(1n);
    expect(q.ops.isClosed()).toBe(0);
    expect(q.push(q.ops, pattern(8, 2))).toBe(1);
  });

  it('a claim made before close is still published after it: pops say BUSY (not CLOSED) until then, then drain it', () => {
    const q = q8();
    const writer = q.peer();
    const pos = writer.claimWrite(8);
    q.ops.close();
    expect(q.pop(q.ops)).toBe(-L.R_BUSY);
    q.ringWrite(pos, pattern(8, 5));
    expect(writer.publishWrite(pos, 8)).toBe(1);
    expect(q.pop(q.ops)).toEqual(pattern(8, 5));
    expect(q.pop(q.ops)).toBe(-L.R_CLOSED);
  });
});

describe('wake words', () => {
  const notEmpty = (q: RawQueue) => q.word(L.OFF_NOT_EMPTY_SEQ);
  const notFull = (q: RawQueue) => q.word(L.OFF_NOT_FULL_SEQ);

  it('with no consumer waiting, tryPush, publishWrite and pushBatch leave NOT_EMPTY_SEQ alone', () => {
    const q = q8();
    expect(q.push(q.ops, pattern(8, 1))).toBe(1);
    const pos = q.ops.claimWrite(8);
    expect(q.ops.publishWrite(pos, 8)).toBe(1);
    q.writeRecords(q.scratch(2), [pattern(8, 2), pattern(8, 3)]);
    expect(q.ops.pushBatch(q.scratch(2), 2)).toBe(2);
    expect(notEmpty(q)).toBe(0);
  });

  it('with OFF_CONSUMERS_WAITING > 0, each tryPush, publishWrite and pushBatch bumps NOT_EMPTY_SEQ once; claimWrite does not', () => {
    const q = q8();
    q.setWord(L.OFF_CONSUMERS_WAITING, 1);
    expect(q.push(q.ops, pattern(8, 1))).toBe(1);
    expect(notEmpty(q)).toBe(1);
    const pos = q.ops.claimWrite(8);
    expect(notEmpty(q)).toBe(1); // nothing published yet
    expect(q.ops.publishWrite(pos, 8)).toBe(1);
    expect(notEmpty(q)).toBe(2);
    q.writeRecords(q.scratch(2), [pattern(8, 2), pattern(8, 3), pattern(8, 4)]);
    expect(q.ops.pushBatch(q.scratch(2), 3)).toBe(3);
    expect(notEmpty(q)).toBe(3); // once for the batch
    expect(notFull(q)).toBe(0);
  });

  it('with no producer waiting, tryPop, releaseRead and takeMany + releaseMany leave NOT_FULL_SEQ alone', () => {
    const q = q8();
    for (let i = 0; i < 4; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
    expect(q.pop(q.ops)).toBeInstanceOf(Uint8Array);
    expect(q.ops.releaseRead(q.ops.claimRead())).toBe(1);
    expect(q.take(q.ops, 2)).toMatchObject({ count: 2, released: 2 });
    expect(notFull(q)).toBe(0);
  });

  it('with OFF_PRODUCERS_WAITING > 0, tryPop, releaseRead, releaseMany and the reclaims bump NOT_FULL_SEQ', () => {
    const q = new RawQueue({ capacity: 4, slotBytes: 8 });
    for (let i = 0; i < 4; i++) expect(q.push(q.ops, pattern(8, i))).toBe(1);
    q.setWord(L.OFF_PRODUCERS_WAITING, 1);
    expect(q.pop(q.ops)).toEqual(pattern(8, 0));
    expect(notFull(q)).toBe(1);
    const t = q.ops.claimRead();
    expect(notFull(q)).toBe(1); // nothing freed yet
    expect(q.ops.releaseRead(t)).toBe(1);
    expect(notFull(q)).toBe(2);
    const taken = q.ops.takeMany(2);
    expect(taken).toBe(2 + 2 * 2 ** 32); // pos 2, count 2
    expect(notFull(q)).toBe(2); // taking frees nothing
    expect(q.ops.releaseMany(2, 2)).toBe(2);
    expect(notFull(q)).toBe(3); // once for the batch
    // a reader that never releases, reclaimed by a producer
    expect(q.push(q.ops, pattern(8, 4))).toBe(1);
    const slow = q.peer();
    const stuck = slow.claimRead();
    expect(q.ops.reclaimRead(stuck)).toBe(1);
    expect(notFull(q)).toBe(4);
    // a writer that never publishes, reclaimed by a consumer
    const w = slow.claimWrite(8);
    expect(q.ops.tryPop(q.scratch(1), 256)).toBe(-L.R_BUSY);
    expect(q.ops.reclaimWrite(w)).toBe(1);
    expect(notFull(q)).toBe(5);
    expect(notEmpty(q)).toBe(0);
  });

  it('close bumps both sequence words even when nobody waits', () => {
    const q = q8();
    q.ops.close();
    expect([notEmpty(q), notFull(q)]).toEqual([1, 1]);
  });

  it('a parked consumer (Atomics.waitAsync on NOT_EMPTY_SEQ) is woken by the push\'s notify', async () => {
    const q = q8();
    q.setWord(L.OFF_CONSUMERS_WAITING, 1);
    const woken = park(q, L.OFF_NOT_EMPTY_SEQ);
    expect(q.push(q.peer(), pattern(8, 1))).toBe(1);
    expect(await woken).toBe('ok');
  });

  it('a parked producer (Atomics.waitAsync on NOT_FULL_SEQ) is woken by the pop\'s notify', async () => {
    const q = new RawQueue({ capacity: 2, slotBytes: 8 });
    expect(q.push(q.ops, pattern(16, 1))).toBe(1);
    expect(q.push(q.ops, pattern(1, 2))).toBe(-L.R_FULL);
    q.setWord(L.OFF_PRODUCERS_WAITING, 1);
    const woken = park(q, L.OFF_NOT_FULL_SEQ);
    expect(q.pop(q.peer())).toEqual(pattern(16, 1));
    expect(await woken).toBe('ok');
  });
});
