// Multi-slot messages and the wrap of the DATA bytes: a message occupies
// consecutive slots, so its bytes are contiguous except when it runs past the
// ring's end, where it continues at the ring's start.
import { describe, expect, it } from 'vitest';
import { L, RawQueue, pattern } from './support.js';

// 8 slots of 8 bytes: 64 data bytes. A 30-byte message at position 6 takes
// slots 6, 7, 0, 1: bytes 0..15 at the ring's end, bytes 16..29 at its start.
const ring = (startPos = 6) => new RawQueue({ capacity: 8, slotBytes: 8, startPos });
const RING_BYTES = 64;
const FILL = 0xee;

function fillRing(q: RawQueue) {
  q.u8.fill(FILL, q.g.data, q.g.data + RING_BYTES);
}

describe('multi-slot messages and the data ring wrap', () => {
  it('tryPush writes a message spanning the ring\'s end as two pieces, exactly len bytes, nothing else touched', () => {
    const q = ring();
    fillRing(q);
    const m = pattern(30, 7);
    expect(q.push(q.ops, m)).toBe(1);
    const data = q.u8.slice(q.g.data, q.g.data + RING_BYTES);
    expect(data.slice(48, 64)).toEqual(m.slice(0, 16)); // slots 6 and 7
    expect(data.slice(0, 14)).toEqual(m.slice(16)); // slot 0 and the first 6 bytes of slot 1
    expect([...data.slice(14, 48)].every((b) => b === FILL)).toBe(true); // rest of slot 1, slots 2..5
  });

  it('tryPop returns a message spanning the ring\'s end byte-identical, writing exactly len bytes to dst', () => {
    const q = ring();
    const m = pattern(30, 7);
    expect(q.push(q.ops, m)).toBe(1);
    const dst = q.scratch(1);
    q.u8.fill(0xaa, dst, dst + 64);
    expect(q.ops.tryPop(dst, 64)).toBe(30);
    expect(q.u8.slice(dst, dst + 30)).toEqual(m);
    expect([...q.u8.slice(dst + 30, dst + 64)].every((b) => b === 0xaa)).toBe(true);
  });

  it('claimRead + a manual copy (end of ring, then start) returns a wrapped message byte-identical', () => {
    const q = ring();
    const m = pattern(30, 8);
    expect(q.push(q.ops, m)).toBe(1);
    const pos = q.ops.claimRead();
    expect(pos).toBe(6);
    const len = q.ops.readLength(pos);
    expect(len).toBe(30);
    const at = q.dataAt(pos);
    expect(at).toBe(q.g.data + 48);
    const copy = new Uint8Array(len);
    copy.set(q.u8.subarray(at, q.g.data + RING_BYTES));
    copy.set(q.u8.subarray(q.g.data, q.g.data + (len - 16)), 16);
    expect(copy).toEqual(m);
    expect(q.ops.releaseRead(pos)).toBe(1);
  });

  it('claimWrite + a manual wrapped copy is read back byte-identical by tryPop (the kernel unwraps the same way)', () => {
    const q = ring(5);
    const m = pattern(40, 9); // slots 5, 6, 7, 0, 1
    const pos = q.ops.claimWrite(m.length);
    expect(pos).toBe(5);
    q.ringWrite(pos, m);
    expect(q.ops.publishWrite(pos, m.length)).toBe(1);
    expect(q.pop(q.peer())).toEqual(m);
  });

  it('a message that ends exactly at the ring\'s end does not wrap; the next one starts at the ring\'s start', () => {
    const q = ring();
    fillRing(q);
    const a = pattern(16, 1); // slots 6, 7
    const b = pattern(10, 2); // slots 0, 1
    expect(q.push(q.ops, a)).toBe(1);
    expect(q.push(q.ops, b)).toBe(1);
    expect(q.u8.slice(q.g.data + 48, q.g.data + 64)).toEqual(a);
    expect(q.u8.slice(q.g.data, q.g.data + 10)).toEqual(b);
    expect(q.pop(q.ops)).toEqual(a);
    expect(q.pop(q.ops)).toEqual(b);
  });

  it('a message as large as the whole ring, starting mid-ring, comes back byte-identical', () => {
    const q = ring(3);
    const m = pattern(RING_BYTES, 4);
    expect(q.push(q.ops, m)).toBe(1);
    expect(q.ops.usedCells()).toBe(8);
    expect(q.push(q.ops, pattern(1, 0))).toBe(-L.R_FULL);
    const pos = q.ops.claimRead();
    expect(q.ringRead(pos, RING_BYTES)).toEqual(m);
    expect(q.ops.releaseRead(pos)).toBe(1);
    expect(q.push(q.ops, m)).toBe(1);
    expect(q.pop(q.ops)).toEqual(m);
  });

  it('mixed sizes over many laps, with positions crossing 2^32, all come back intact and in order', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 8, startPos: 2 ** 32 - 13 });
    const peer = q.peer();
    const sent: Uint8Array[] = [];
    let seed = 0;
    for (let round = 0; round < 40; round++) {
      // push until full, then drain half, alternating one- and two-phase operations
      for (;;) {
        const m = pattern((seed * 11) % 41, seed);
        let r: number;
        if (seed % 2) {
          r = q.push(q.ops, m);
        } else {
          r = q.ops.claimWrite(m.length);
          if (r >= 0) {
            q.ringWrite(r, m);
            r = q.ops.publishWrite(r, m.length);
          }
        }
        if (r === -L.R_FULL) break;
        expect(r).toBe(1);
        sent.push(m);
        seed++;
      }
      const drain = Math.ceil(sent.length / 2);
      for (let i = 0; i < drain; i++) {
        const expected = sent.shift()!;
        if (i % 2) {
          expect(q.pop(peer)).toEqual(expected);
        } else {
          const pos = peer.claimRead();
          expect(q.ringRead(pos, peer.readLength(pos))).toEqual(expected);
          expect(peer.releaseRead(pos)).toBe(1);
        }
      }
    }
    while (sent.length) expect(q.pop(peer)).toEqual(sent.shift());
    expect(q.pop(peer)).toBe(-L.R_EMPTY);
    expect(q.tail()).toBeLessThan(2 ** 31); // wrapped
  });
});
