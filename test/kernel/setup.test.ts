// init() validates the geometry it is given and writes the magic word last;
// attach() reports why a memory is not a queue; scratch leases.
import { describe, expect, it } from 'vitest';
import { instantiateKernel, kernelModule } from '../../dist/kernel/module.js';
import { L, RawQueue, layoutOf, pagesFor, pattern, sharedMemory, writeGeometry, type Layout } from './support.js';

const GOOD = layoutOf({ capacity: 8, slotBytes: 16, maxMessageBytes: 64, scratchBytes: 64, scratchAreas: 2 });

/** A memory of `pages` pages whose header holds `g`, and a fresh instance over it. */
function header(g: Layout, pages = pagesFor(g.total)) {
  const memory = sharedMemory(pages);
  writeGeometry(memory, g);
  const ops = instantiateKernel(kernelModule(), memory);
  const u32 = new Uint32Array(memory.buffer);
  return { memory, ops, u32 };
}

const attachStatus = (memory: WebAssembly.Memory) => instantiateKernel(kernelModule(), memory).attach();

describe('init validates the geometry it was given', () => {
  const refusals: [string, Partial<Layout>, number?][] = [
    ['a capacity that is not a power of two', { capacity: 6 }],
    ['a capacity below 2', { capacity: 1, maxMessageBytes: 16 }],
    ['a slot size that is not a power of two', { slotBytes: 12 }],
    ['a slot size below 8', { slotBytes: 4, maxMessageBytes: 32 }],
    ['a cell array that starts inside the fixed header', { cells: L.FIXED_HEADER_BYTES - 128 }],
    ['a cell array that overlaps the data ring', { data: GOOD.cells + 8 * L.CELL_BYTES - 8 }],
    ['a data ring that runs past totalBytes', { total: GOOD.data + 8 * 16 - 1, scratch: 0, scratchCount: 0 }],
    ['maxMessageBytes larger than the ring', { maxMessageBytes: 8 * 16 + 1 }],
    ['scratch areas that run past totalBytes', { scratchBytes: GOOD.total - GOOD.scratch }],
    ['more scratch areas than the lease table holds', { scratchCount: L.MAX_SCRATCH_AREAS + 1, scratchBytes: 0 }],
    ['a totalBytes larger than the memory (too-small memory)', { total: 65536 + 8 }, 1],
    // cells are u64 atomics: unaligned, every operation would trap
    ['a cell array that is not 8-byte aligned', { cells: GOOD.cells + 4 }],
    // staging a message in a scratch area must never overwrite the queue itself
    ['scratch areas that overlap the data ring', { scratch: GOOD.data + 8 * 16 - 8 }],
    ['scratch areas that overlap the cells', { scratch: GOOD.cells }],
    ['scratch areas that overlap the fixed header', { scratch: 0 }],
    ['scratch areas that are not 8-byte aligned', { scratch: GOOD.scratch + 4, total: GOOD.total + 8 }],
    ['a scratch size that is not a multiple of 8', { scratchBytes: 60 }],
  ];

  it('accepts the unchanged geometry that the refusals below vary', () => {
    const { ops, u32 } = header(GOOD);
    expect(ops.init(0)).toBe(L.ATTACH_OK);
    expect(u32[L.OFF_MAGIC >> 2]).toBe(L.MAGIC);
  });

  for (const [what, change, pages] of refusals) {
    it(`refuses ${what} with ATTACH_INCONSISTENT and leaves no magic word`, () => {
      const { memory, ops, u32 } = header({ ...GOOD, ...change }, pages);
      expect(ops.init(0)).toBe(L.ATTACH_INCONSISTENT);
      expect(u32[L.OFF_MAGIC >> 2]).toBe(0);
      expect(attachStatus(memory)).toBe(L.ATTACH_NO_MAGIC);
    });
  }

  it('accepts every limit exactly at its bound (maxMessage = ring, data right after cells, scratch ending at total = memory)', () => {
    const g = { ...GOOD, maxMessageBytes: 8 * 16, data: GOOD.cells + 8 * L.CELL_BYTES };
    g.scratch = g.data + 8 * 16;
    g.scratchBytes = (65536 - g.scratch) / 2;
    g.total = 65536;
    const { ops, u32 } = header(g, 1);
    expect(ops.init(0)).toBe(L.ATTACH_OK);
    expect(u32[L.OFF_MAGIC >> 2]).toBe(L.MAGIC);
    expect(u32[L.OFF_VERSION >> 2]).toBe(L.LAYOUT_VERSION);
    // and the queue works: a message as large as the whole ring goes through
    const src = g.scratch;
    const dst = g.scratch + g.scratchBytes;
    new Uint8Array(u32.buffer).set(pattern(128, 5), src);
    expect(ops.tryPush(src, 128)).toBe(1);
    expect(ops.tryPop(dst, g.scratchBytes)).toBe(128);
    expect(new Uint8Array(u32.buffer).slice(dst, dst + 128)).toEqual(pattern(128, 5));
  });

  it('accepts the smallest capacity (2) and slot size (8)', () => {
    const g = layoutOf({ capacity: 2, slotBytes: 8, scratchBytes: 64, scratchAreas: 2 });
    const { ops } = header(g);
    expect(ops.init(0)).toBe(L.ATTACH_OK);
    expect(ops.claimWrite(16)).toBe(0); // both cells
    expect(ops.claimWrite(1)).toBe(-L.R_FULL);
  });

  it('accepts any scratch offset when there are no scratch areas', () => {
    const { ops } = header({ ...GOOD, scratch: 0, scratchCount: 0 });
    expect(ops.init(0)).toBe(L.ATTACH_OK);
  });

  it('lays out head = tail = startPos and every cell free for its first lap (seq = its position)', () => {
    const start = 2 ** 32 - 3;
    const q = new RawQueue({ capacity: 8, slotBytes: 16, startPos: start });
    expect(q.head()).toBe(start);
    expect(q.tailWord()).toBe(BigInt(start)); // closed bit clear
    for (let i = 0; i < 8; i++) {
      const p = (start + i) >>> 0;
      expect(q.cell(p), `cell of ${p}`).toEqual({ seq: p, state: L.STATE_FREE, value: 0 });
    }
  });
});

describe('attach statuses', () => {
  it('a zeroed memory has no magic: ATTACH_NO_MAGIC', () => {
    expect(attachStatus(sharedMemory(1))).toBe(L.ATTACH_NO_MAGIC);
  });

  it('magic is written last: a memory whose geometry words are written but which was never init()ed does not attach', () => {
    const { memory } = header(GOOD);
    expect(attachStatus(memory)).toBe(L.ATTACH_NO_MAGIC);
  });

  it('after init, attach returns ATTACH_OK and the attached instance uses the same queue', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 16 });
    expect(attachStatus(q.memory)).toBe(L.ATTACH_OK);
    const peer = q.peer();
    expect(q.push(q.ops, pattern(20, 1))).toBe(1);
    expect(q.pop(peer)).toEqual(pattern(20, 1));
  });

  it('a wrong magic word: ATTACH_NO_MAGIC', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 16 });
    q.setWord(L.OFF_MAGIC, L.MAGIC ^ 1);
    expect(attachStatus(q.memory)).toBe(L.ATTACH_NO_MAGIC);
  });

  it('another layout version: ATTACH_OTHER_VERSION', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 16 });
    q.setWord(L.OFF_VERSION, L.LAYOUT_VERSION + 1);
    expect(attachStatus(q.memory)).toBe(L.ATTACH_OTHER_VERSION);
  });

  const corruptions: [string, number, number][] = [
    ['a non-power-of-two capacity', L.OFF_CAPACITY, 6],
    ['a totalBytes beyond the memory', L.OFF_TOTAL_BYTES, 65536 * 2],
    ['a maxMessageBytes beyond the ring', L.OFF_MAX_MESSAGE_BYTES, 8 * 16 + 1],
    ['a data ring overlapping the cells', L.OFF_DATA, L.FIXED_HEADER_BYTES + 8],
  ];
  for (const [what, offset, value] of corruptions) {
    it(`valid magic and version but ${what}: ATTACH_INCONSISTENT`, () => {
      const q = new RawQueue({ capacity: 8, slotBytes: 16, maxMessageBytes: 64 });
      q.setWord(offset, value);
      expect(attachStatus(q.memory)).toBe(L.ATTACH_INCONSISTENT);
    });
  }
});

describe('scratch leases', () => {
  const NOW = 1000;
  const held = (q: RawQueue, i: number) => (q.word(L.OFF_LEASE_RECORDS + i * L.LEASE_RECORD_BYTES + L.LEASE_STATE) & L.LEASE_HELD) !== 0;
  const generation = (q: RawQueue, i: number) => q.word(L.OFF_LEASE_RECORDS + i * L.LEASE_RECORD_BYTES + L.LEASE_STATE + 4);

  it('hands out distinct indices up to OFF_SCRATCH_COUNT, then -1', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 16, scratchBytes: 64, scratchAreas: 40 });
    const a = q.peer();
    const b = q.peer();
    const got: number[] = [];
    for (let i = 0; i < 40; i++) got.push((i % 2 ? a : b).leaseScratch(NOW, 1000)); // two "threads" share the table
    expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(a.leaseScratch(NOW, 1000)).toBe(-1);
    expect(b.leaseScratch(NOW, 1000)).toBe(-1);
    for (let i = 0; i < 40; i++) expect(held(q, i)).toBe(true);
  });

  it('endLease makes exactly that area available again, for the next generation', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 16, scratchBytes: 64, scratchAreas: 40 });
    for (let i = 0; i < 40; i++) expect(q.ops.leaseScratch(NOW, 1000)).toBeGreaterThanOrEqual(0);
    const g = generation(q, 33);
    expect(q.ops.endLease(33, g + 1)).toBe(0); // another generation: nothing ends
    expect(q.ops.endLease(33, g)).toBe(1);
    expect(q.ops.endLease(33, g)).toBe(0); // ended already
    expect(held(q, 33)).toBe(false);
    const peer = q.peer();
    expect(peer.leaseScratch(NOW, 1000)).toBe(33);
    expect(peer.leaseGeneration()).toBe(g + 1);
    expect(peer.leaseScratch(NOW, 1000)).toBe(-1);
    q.ops.endLease(0, generation(q, 0));
    q.ops.endLease(7, generation(q, 7));
    expect([q.ops.leaseScratch(NOW, 1000), q.ops.leaseScratch(NOW, 1000), q.ops.leaseScratch(NOW, 1000)]).toEqual([0, 7, -1]);
  });

  it('waits registered through a lease are counted there, and endLease subtracts exactly them', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 16, scratchBytes: 64, scratchAreas: 4 });
    const i = q.ops.leaseScratch(NOW, 1000);
    const g = q.ops.leaseGeneration();
    expect(q.ops.enterWait(i, g, L.WAIT_CONSUMERS)).toBe(1);
    expect(q.ops.enterWait(i, g, L.WAIT_CONSUMERS_ASYNC)).toBe(1);
    expect(q.ops.enterWait(i, g, L.WAIT_PRODUCERS)).toBe(1);
    expect(q.ops.enterWait(-1, 0, L.WAIT_CONSUMERS)).toBe(0); // a thread with no lease: global only
    expect([L.OFF_CONSUMERS_WAITING, L.OFF_CONSUMERS_ASYNC, L.OFF_PRODUCERS_WAITING].map((o) => q.word(o))).toEqual([2, 1, 1]);
    q.ops.leaveWait(i, g, L.WAIT_PRODUCERS, 1);
    expect(q.word(L.OFF_PRODUCERS_WAITING)).toBe(0);
    expect(q.ops.endLease(i, g)).toBe(1); // the holder is dead: its consumer wait and async wait go
    expect([L.OFF_CONSUMERS_WAITING, L.OFF_CONSUMERS_ASYNC].map((o) => q.word(o))).toEqual([1, 0]);
    q.ops.leaveWait(i, g, L.WAIT_CONSUMERS, 1); // a slow holder leaving later subtracts nothing again
    expect(q.word(L.OFF_CONSUMERS_WAITING)).toBe(1);
    expect(q.ops.enterWait(i, g, L.WAIT_CONSUMERS)).toBe(0); // its holding is over: counted globally only
    q.ops.leaveWait(i, g, L.WAIT_CONSUMERS, 0);
    q.ops.leaveWait(-1, 0, L.WAIT_CONSUMERS, 0);
    expect(q.word(L.OFF_CONSUMERS_WAITING)).toBe(0);
  });

  it('revokeLease ends only a silent, unwatched holding, subtracts its waits at once, and keeps its area in quarantine for the timeout', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 16, scratchBytes: 64, scratchAreas: 2 });
    const T = 1000;
    const i = q.ops.leaseScratch(NOW, T);
    const g = q.ops.leaseGeneration();
    const j = q.ops.leaseScratch(NOW, T);
    const h = q.ops.leaseGeneration();
    expect(q.ops.enterWait(i, g, L.WAIT_CONSUMERS)).toBe(1);
    expect(q.ops.revokeLease(i, g, NOW + T - 1, T)).toBe(0); // not silent long enough
    q.ops.touchLease(i, g, NOW + 500); // a sign of life
    expect(q.ops.revokeLease(i, g, NOW + T + 1, T)).toBe(0);
    expect(q.ops.markLease(j, h, L.LEASE_HOSTED)).toBe(1);
    expect(q.ops.revokeLease(j, h, NOW + 10 * T, T)).toBe(0); // watched by its host: never for silence
    expect(q.ops.revokeLease(i, g + 1, NOW + 10 * T, T)).toBe(0); // another generation
    const at = NOW + 500 + T;
    expect(q.ops.revokeLease(i, g, at, T)).toBe(1);
    expect(q.word(L.OFF_CONSUMERS_WAITING)).toBe(0); // its wait, at once
    expect(held(q, i)).toBe(false);
    expect(q.ops.leaseScratch(at + T - 32, T)).toBe(-1); // quarantined (and j is held)
    expect(q.ops.leaseScratch(at + T + 32, T)).toBe(i);
    expect(q.ops.leaseGeneration()).toBe(g + 1);
  });

  it('a record counts at most LEASE_WAIT_MAX waits of a kind; more are counted globally only', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 16, scratchBytes: 64, scratchAreas: 1 });
    const i = q.ops.leaseScratch(NOW, 1000);
    const g = q.ops.leaseGeneration();
    const leased = Array.from({ length: L.LEASE_WAIT_MAX + 3 }, () => q.ops.enterWait(i, g, L.WAIT_PRODUCERS_ASYNC));
    expect(leased.filter((x) => x === 1).length).toBe(L.LEASE_WAIT_MAX);
    expect(q.word(L.OFF_PRODUCERS_ASYNC)).toBe(L.LEASE_WAIT_MAX + 3);
    expect(q.ops.endLease(i, g)).toBe(1);
    expect(q.word(L.OFF_PRODUCERS_ASYNC)).toBe(3); // what the record could not count stays
  });

  it('a queue with no scratch areas leases none', () => {
    const q = new RawQueue({ capacity: 8, slotBytes: 16, scratchAreas: 0 });
    expect(q.ops.leaseScratch(NOW, 1000)).toBe(-1);
  });
});
