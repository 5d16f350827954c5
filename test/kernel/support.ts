// Raw access to the kernel for its own tests: a shared memory laid out by
// hand, instances of the module over it (one per simulated thread), and views
// of the words the kernel keeps there. No Queue or Kernel class in the way.
import { instantiateKernel, kernelModule } from '../../dist/kernel/module.js';
import { planGeometry } from '../../dist/kernel/geometry.js';
import type { KernelExports } from '../../dist/kernel/exports.js';
import * as L from '../../dist/kernel/layout.js';

export { L };
export type Ops = KernelExports;

export const TWO_32 = 2 ** 32;
/** Positions are u32 and wrap: `p + n` as the kernel computes it. */
export const wrap = (p: number) => p >>> 0;

export interface Spec {
  capacity: number;
  slotBytes: number;
  maxMessageBytes?: number;
  scratchBytes?: number;
  scratchAreas?: number;
  startPos?: number;
}

export interface Layout {
  capacity: number;
  slotBytes: number;
  maxMessageBytes: number;
  cells: number;
  data: number;
  scratch: number;
  scratchBytes: number;
  scratchCount: number;
  total: number;
}

const align128 = (n: number) => Math.ceil(n / 128) * 128;

/** The layout of a queue of these sizes; cross-checked against planGeometry, the bindings' planner. */
export function layoutOf(spec: Spec): Layout {
  const scratchBytes = spec.scratchBytes ?? 256;
  const scratchCount = spec.scratchAreas ?? 4;
  const cells = L.FIXED_HEADER_BYTES;
  const data = align128(cells + spec.capacity * L.CELL_BYTES);
  const scratch = align128(data + spec.capacity * spec.slotBytes);
  const total = scratch + scratchBytes * scratchCount;
  const planned = planGeometry({ capacity: spec.capacity, slotBytes: spec.slotBytes, scratchBytes, scratchAreas: scratchCount });
  const mine = [cells, data, scratch, total].join();
  const theirs = [planned.cellsOffset, planned.dataOffset, planned.scratchOffset, planned.totalBytes].join();
  if (mine !== theirs) throw new Error(`support layout ${mine} disagrees with planGeometry ${theirs}`);
  return {
    capacity: spec.capacity,
    slotBytes: spec.slotBytes,
    maxMessageBytes: spec.maxMessageBytes ?? spec.capacity * spec.slotBytes,
    cells, data, scratch, scratchBytes, scratchCount, total,
  };
}

export const pagesFor = (bytes: number) => Math.max(1, Math.ceil(bytes / 65536));

export function sharedMemory(pages: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Writes the header geometry words, as the creator does before init(). */
export function writeGeometry(memory: WebAssembly.Memory, g: Layout): void {
  const u32 = new Uint32Array(memory.buffer);
  const words: [number, number][] = [
    [L.OFF_CAPACITY, g.capacity], [L.OFF_SLOT_BYTES, g.slotBytes], [L.OFF_MAX_MESSAGE_BYTES, g.maxMessageBytes],
    [L.OFF_CELLS, g.cells], [L.OFF_DATA, g.data], [L.OFF_SCRATCH, g.scratch],
    [L.OFF_SCRATCH_BYTES, g.scratchBytes], [L.OFF_SCRATCH_COUNT, g.scratchCount], [L.OFF_TOTAL_BYTES, g.total],
  ];
  for (const [offset, value] of words) u32[offset >> 2] = value;
}

export interface Cell {
  seq: number;
  state: number;
  value: number;
}

/** One queue in one shared memory, and the views a test needs. */
export class RawQueue {
  readonly memory: WebAssembly.Memory;
  readonly module = kernelModule();
  readonly g: Layout;
  readonly startPos: number;
  /** The creator's instance (the one that called init). */
  readonly ops: Ops;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly u64: BigUint64Array;

  constructor(spec: Spec) {
    this.g = layoutOf(spec);
    this.startPos = wrap(spec.startPos ?? 0);
    this.memory = sharedMemory(pagesFor(this.g.total));
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u64 = new BigUint64Array(buffer);
    writeGeometry(this.memory, this.g);
    this.ops = instantiateKernel(this.module, this.memory);
    const status = this.ops.init(this.startPos);
    if (status !== L.ATTACH_OK) throw new Error(`init refused the geometry: status ${status}`);
  }

  /** Another "thread": a fresh instance over the same memory that attached. */
  peer(): Ops {
    const ops = instantiateKernel(this.module, this.memory);
    const status = ops.attach();
    if (status !== L.ATTACH_OK) throw new Error(`attach: status ${status}`);
    return ops;
  }

  get mask(): number {
    return this.g.capacity - 1;
  }

  slotsFor(len: number): number {
    return len === 0 ? 1 : Math.ceil(len / this.g.slotBytes);
  }

  cellWord(pos: number): bigint {
    return Atomics.load(this.u64, (this.g.cells >> 3) + (pos & this.mask));
  }

  cell(pos: number): Cell {
    const w = this.cellWord(pos);
    const info = Number(w >> 32n);
    return { seq: Number(w & 0xffffffffn), state: info >>> L.STATE_SHIFT, value: info & L.VALUE_MASK };
  }

  word(offset: number): number {
    return Atomics.load(this.u32, offset >> 2);
  }

  setWord(offset: number, value: number): void {
    Atomics.store(this.u32, offset >> 2, value);
  }

  head(): number {
    return this.word(L.OFF_HEAD);
  }

  /** The tail position (low 32 bits of the tail word). */
  tail(): number {
    return Number(Atomics.load(this.u64, L.OFF_TAIL >> 3) & 0xffffffffn);
  }

  tailWord(): bigint {
    return Atomics.load(this.u64, L.OFF_TAIL >> 3);
  }

  scratch(index: number): number {
    return this.g.scratch + index * this.g.scratchBytes;
  }

  /** Byte offset of the first data byte of position `pos`. */
  dataAt(pos: number): number {
    return this.g.data + (pos & this.mask) * this.g.slotBytes;
  }

  /** Copies bytes into the ring for a claim at `pos`, continuing at the ring's start past its end. */
  ringWrite(pos: number, bytes: Uint8Array): void {
    const end = this.g.data + this.g.capacity * this.g.slotBytes;
    const at = this.dataAt(pos);
    const room = end - at;
    if (bytes.length <= room) this.u8.set(bytes, at);
    else {
      this.u8.set(bytes.subarray(0, room), at);
      this.u8.set(bytes.subarray(room), this.g.data);
    }
  }

  /** The `len` bytes of the message at `pos`, unwrapped. */
  ringRead(pos: number, len: number): Uint8Array {
    const end = this.g.data + this.g.capacity * this.g.slotBytes;
    const at = this.dataAt(pos);
    const out = new Uint8Array(len);
    const first = Math.min(len, end - at);
    out.set(this.u8.subarray(at, at + first));
    out.set(this.u8.subarray(this.g.data, this.g.data + (len - first)), first);
    return out;
  }

  /** Pushes `bytes` through `ops.tryPush`, staged in scratch area `area`. Returns the kernel's result. */
  push(ops: Ops, bytes: Uint8Array, area = 0): number {
    const at = this.scratch(area);
    this.u8.set(bytes, at);
    return ops.tryPush(at, bytes.length);
  }

  /** Pops through `ops.tryPop` into scratch area `area`: the bytes, or the kernel's (negative) result. */
  pop(ops: Ops, max = this.g.scratchBytes, area = 1): Uint8Array | number {
    const at = this.scratch(area);
    const r = ops.tryPop(at, max);
    return r < 0 ? r : this.u8.slice(at, at + r);
  }

  /** Writes pushBatch records [len u32][reserved u32][bytes padded to 8] at `at`; returns the bytes written. The reserved word gets garbage: the kernel must ignore it. */
  writeRecords(at: number, messages: Uint8Array[], reserved = 0xdeadbeef): number {
    let p = at;
    for (const m of messages) {
      this.u32[p >> 2] = m.length;
      this.u32[(p + RECORD_RESERVED) >> 2] = reserved;
      this.u8.set(m, p + L.RECORD_HEADER_BYTES);
      p += L.RECORD_HEADER_BYTES + pad8(m.length);
    }
    return p - at;
  }

  /**
   * Where the `count` messages of a takeMany batch at `pos` are, walking their
   * cell words as the bindings do (ts/kernel/kernel.ts readBatch): a
   * WITHDRAWN claim (seq == p) is skipped by its value (cells); a message's
   * first cell gives its length.
   */
  batchAt(pos: number, count: number): { pos: number; len: number }[] {
    const out = [];
    let p = pos;
    while (out.length < count) {
      const c = this.cell(p);
      if (c.seq === p && c.state === L.STATE_WITHDRAWN) {
        p = wrap(p + c.value);
        continue;
      }
      out.push({ pos: p, len: c.value });
      p = wrap(p + this.slotsFor(c.value));
    }
    return out;
  }

  /**
   * One in-place take: takeMany(max), each message read where it lies, then
   * releaseMany. The kernel's negative code, or the token's parts, the
   * messages and what releaseMany returned. Call it with max >= 1 (then a
   * take holds at least one message): releasing a 0-count take is a kernel
   * bug (inplace-take.test.ts).
   */
  take(ops: Ops, max: number): number | { pos: number; count: number; messages: Uint8Array[]; released: number } {
    const t = ops.takeMany(max);
    if (t < 0) return t;
    const pos = tokenPos(t);
    const count = tokenCount(t);
    const messages = this.batchAt(pos, count).map((m) => this.ringRead(m.pos, m.len));
    return { pos, count, messages, released: ops.releaseMany(pos, count) };
  }
}

/** Offset of the reserved word in a pushBatch record header ([len u32][reserved u32]). */
export const RECORD_RESERVED = 4;

/** A batch token of claimMany / takeMany is pos + count * 2^32, carried in an f64 (assembly/inplace.ts). */
export const tokenPos = (t: number) => t % TWO_32;
export const tokenCount = (t: number) => Math.floor(t / TWO_32);
export const token = (pos: number, count: number) => wrap(pos) + count * TWO_32;

export const pad8 = (n: number) => (n + 7) & ~7;

/** The cells of positions pos .. pos + n - 1. */
export const cellsOf = (q: RawQueue, pos: number, n: number): Cell[] =>
  Array.from({ length: n }, (_, i) => q.cell(wrap(pos + i)));
/** A cell free for the lap of position `seq`. */
export const freeCell = (seq: number): Cell => ({ seq: wrap(seq), state: L.STATE_FREE, value: 0 });
/** Every cell word of the ring, raw (to show that a call touched none of them). */
export const ringWords = (q: RawQueue): bigint[] => Array.from({ length: q.g.capacity }, (_, i) => q.cellWord(i));
/** The reclaim statistics: [RECLAIMED_WRITES, RECLAIMED_READS, RETRIED_WRITES]. */
export const reclaimStats = (q: RawQueue): number[] =>
  [L.OFF_RECLAIMED_WRITES, L.OFF_RECLAIMED_READS, L.OFF_RETRIED_WRITES].map((o) => q.word(o));

/** Writes pattern(len, seed + i) where message i of a claimMany batch at `pos` lies; returns the messages. */
export function fillBatch(q: RawQueue, pos: number, count: number, len: number, seed: number): Uint8Array[] {
  const out = [];
  for (let i = 0; i < count; i++) {
    const m = pattern(len, seed + i);
    q.ringWrite(wrap(pos + i * q.slotsFor(len)), m);
    out.push(m);
  }
  return out;
}

/** Deterministic message bytes: every (seed, length) gives different contents. */
export function pattern(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = (seed * 131 + i * 7 + 1) & 255;
  return out;
}
