// The kernel boundary: the only TypeScript that knows the shared-memory
// layout (offsets, result codes, the record format) and calls the Wasm
// exports. Everything else talks to a Kernel in named terms: header fields,
// stats, wake words, the data ring, scratch leases and named results.
//
// One Kernel is one thread's instance of the module over a queue's memory.
import * as L from './layout.js';
import type { KernelExports } from './exports.js';
import { planGeometry, writeHeader, type Sizes } from './geometry.js';
import { instantiateKernel, kernelModule } from './module.js';
import { newSpinBudget, type WaitRegistrar, type WakeWord } from '../wait.js';
import { lockHolder, newQueueId } from './liveness.js';
import { census, lockName, reclaimSilent, reclaimUnlocked, recordIndex, type LeaseCensus } from './lease-scan.js';

export type { LeaseCensus } from './lease-scan.js';

// ---- Named results. Success is a non-negative value: 1 for a push, a length
// for a pop, a position for a claim, a count for a batch. ----
/** Nothing to pop, and the queue is open. */
export const EMPTY = -L.R_EMPTY;
/** Closed: for a push always; for a pop once closed and drained. */
export const CLOSED = -L.R_CLOSED;
/** No room for the message now. */
export const FULL = -L.R_FULL;
/** A cell is held by a thread that may be dead: feed it to a StallWatch. */
export const BUSY = -L.R_BUSY;
/** The head message is larger than the destination; nothing was taken. */
export const TOO_BIG = -L.R_TOO_BIG;
/** This thread's claim was reclaimed (it stalled past the stall timeout). */
export const RECLAIMED = -L.R_RECLAIMED;
/** The message exceeds maxMessageBytes; nothing was claimed. */
export const OVERSIZE = -L.R_OVERSIZE;

/** Batch records of pushBatch: [length u32][reserved u32][bytes padded to 8] (see ts/queue/records.ts). */
export const RECORD_HEADER_BYTES = L.RECORD_HEADER_BYTES;
export const LAYOUT_VERSION = L.LAYOUT_VERSION;
/** Most messages one in-place batch (claimMany, takeMany) carries. */
export const MAX_MANY = L.MAX_MANY;

/** What the layout can express, for option validation. */
export const LIMITS = {
  maxCapacity: 2 ** 28,
  maxSlotBytes: 2 ** 20,
  maxMessageBytes: L.VALUE_MASK,
  maxScratchAreas: L.MAX_SCRATCH_AREAS,
} as const;

/** Codec ids stored in the header, so attaching threads agree on the codec. */
export const CODEC_IDS = { bytes: L.CODEC_BYTES, string: L.CODEC_STRING, json: L.CODEC_JSON, custom: L.CODEC_CUSTOM } as const;
export type CodecKind = keyof typeof CODEC_IDS;

/** Why Kernel.open refused a memory. */
export type Refusal =
  | { readonly refused: 'no-magic' }
  | { readonly refused: 'other-version'; readonly version: number }
  | { readonly refused: 'inconsistent' }
  | { readonly refused: 'unknown-codec'; readonly codecId: number };

export interface KernelConfig extends Sizes {
  readonly maxMessageBytes: number;
  readonly stallTimeoutMs: number;
  readonly codec: CodecKind;
  readonly initialPosition: number;
}

export interface KernelStats {
  readonly reclaimedWrites: number;
  readonly reclaimedReads: number;
  readonly retriedWrites: number;
}

/** A thread's private staging area inside the shared memory: one holding (index, generation) of a lease. */
export interface Scratch {
  /** -1: no area (the two-phase paths). */
  readonly index: number;
  readonly generation: number;
  readonly offset: number;
  readonly bytes: number;
  /** The u32 index of the word that holds `generation` while this holding lasts (see Kernel.stillHeld). */
  readonly generationWord: number;
  /** Lets go of the holding's life lock (Web Locks), if it has one. */
  unlock?: () => void;
}

const wakeWord = (
  i32: Int32Array, seq: number, waiters: number, asyncWaits: number, progress: number, register: WaitRegistrar,
): WakeWord => ({
  i32, seq: seq >> 2, waiters: waiters >> 2, asyncWaits: asyncWaits >> 2, spin: newSpinBudget(), progress: progress >> 2, register,
});


export class Kernel {
  /** The Wasm exports, for the hot paths (typed from assembly/ at build time). */
  readonly ops: KernelExports;
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  /** Views of the whole memory. */
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly capacity: number;
  readonly slotBytes: number;
  readonly maxMessageBytes: number;
  readonly stallTimeoutMs: number;
  readonly codec: CodecKind;
  /** Consumers park here; the kernel bumps it after a publish when someone waits. */
  readonly notEmpty: WakeWord;
  /** Producers park here; the kernel bumps it after cells are freed when someone waits. */
  readonly notFull: WakeWord;
  /** The data ring's bounds, log2(slotBytes), and the cell array's u32 index (for batch.ts). */
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly slotShift: number;
  readonly cellsIndex: number;
  /** No scratch area: its generation word is the magic word, which never changes, so stillHeld() is always true. */
  readonly noScratch: Scratch;
  /** This instance's holding; its waits are registered through it. */
  #lease: Scratch;

  private constructor(ops: KernelExports, memory: WebAssembly.Memory, module: WebAssembly.Module, codec: CodecKind) {
    this.ops = ops;
    this.memory = memory;
    this.module = module;
    this.codec = codec;
    const buffer = memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    const i32 = new Int32Array(buffer);
    const u32 = this.u32;
    this.capacity = u32[L.OFF_CAPACITY >> 2];
    this.slotBytes = u32[L.OFF_SLOT_BYTES >> 2];
    this.maxMessageBytes = u32[L.OFF_MAX_MESSAGE_BYTES >> 2];
    this.stallTimeoutMs = u32[L.OFF_STALL_TIMEOUT_MS >> 2];
    this.slotShift = Math.log2(this.slotBytes);
    this.dataStart = u32[L.OFF_DATA >> 2];
    this.dataEnd = this.dataStart + this.capacity * this.slotBytes;
    this.cellsIndex = u32[L.OFF_CELLS >> 2] >> 2;
    this.noScratch = { index: -1, generation: L.MAGIC, offset: 0, bytes: 0, generationWord: L.OFF_MAGIC >> 2 };
    this.#lease = this.noScratch;
    // A consumer sees producers at work as the claim position (tail) moving;
    // a producer sees consumers at work as the take position (head) moving.
    this.notEmpty = wakeWord(i32, L.OFF_NOT_EMPTY_SEQ, L.OFF_CONSUMERS_WAITING, L.OFF_CONSUMERS_ASYNC, L.OFF_TAIL,
      this.#registrar(L.WAIT_CONSUMERS));
    this.notFull = wakeWord(i32, L.OFF_NOT_FULL_SEQ, L.OFF_PRODUCERS_WAITING, L.OFF_PRODUCERS_ASYNC, L.OFF_HEAD,
      this.#registrar(L.WAIT_PRODUCERS));
  }

  /**
   * Registers this thread's waits of one side through its lease, so that a
   * reclaimer of a dead holder's lease subtracts exactly them. A park is also
   * the holder's cheapest moment to show a sign of life.
   */
  #registrar(kind: number): WaitRegistrar {
    const ops = this.ops;
    return {
      enter: (isAsync) => {
        const lease = this.#lease;
        if (lease.index >= 0) ops.touchLease(lease.index, lease.generation, Date.now() >>> 0);
        return ops.enterWait(lease.index, lease.generation, kind + (isAsync ? 1 : 0)) === 1 ? lease : undefined;
      },
      leave: (isAsync, token) => {
        const lease = token as Scratch | undefined;
        if (lease === undefined) ops.leaveWait(-1, 0, kind + (isAsync ? 1 : 0), 0);
        else ops.leaveWait(lease.index, lease.generation, kind + (isAsync ? 1 : 0), 1);
      },
    };
  }

  /** Makes a new queue in a new shared memory and returns this thread's Kernel for it. */
  static create(config: KernelConfig): Kernel {
    const g = planGeometry(config);
    const pages = Math.ceil(g.totalBytes / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    const module = kernelModule();
    const ops = instantiateKernel(module, memory);
    writeHeader(memory, g, { maxMessageBytes: config.maxMessageBytes, stallTimeoutMs: config.stallTimeoutMs, codecId: CODEC_IDS[config.codec] });
    const u32 = new Uint32Array(memory.buffer);
    [u32[L.OFF_QUEUE_ID >> 2], u32[(L.OFF_QUEUE_ID >> 2) + 1]] = newQueueId();
    if (ops.init(config.initialPosition) !== L.ATTACH_OK) {
      throw new Error('wasmq: the kernel refused the geometry of a new queue (a bug in planGeometry)');
    }
    return new Kernel(ops, memory, module, config.codec);
  }

  /** This thread's Kernel for an existing queue, or why the memory is not one. Throws TypeError if `module` is no kernel. */
  static open(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernel | Refusal {
    const ops = instantiateKernel(module, memory);
    const status = ops.attach();
    if (status === L.ATTACH_NO_MAGIC) return { refused: 'no-magic' };
    if (status === L.ATTACH_OTHER_VERSION) {
      return { refused: 'other-version', version: new Uint32Array(memory.buffer)[L.OFF_VERSION >> 2] };
    }
    if (status !== L.ATTACH_OK) return { refused: 'inconsistent' };
    const codecId = new Uint32Array(memory.buffer)[L.OFF_CODEC >> 2];
    const codec = (Object.keys(CODEC_IDS) as CodecKind[]).find((name) => CODEC_IDS[name] === codecId);
    if (codec === undefined) return { refused: 'unknown-codec', codecId };
    return new Kernel(ops, memory, module, codec);
  }

  // ---------------------------------------------------------------- header

  get closed(): boolean {
    return this.ops.isClosed() !== 0;
  }

  /** Cells in use (approximate under concurrency). */
  get usedCells(): number {
    return this.ops.usedCells();
  }

  /** The claim position (tail, without the closed bit): every cell before it has been claimed by a producer. */
  get claimedThrough(): number {
    return Atomics.load(this.u32, L.OFF_TAIL >> 2); // the low word of the u64 tail
  }

  /** The take position (head): every cell before it has been taken by a consumer. */
  get takenThrough(): number {
    return Atomics.load(this.u32, L.OFF_HEAD >> 2);
  }

  stats(): KernelStats {
    const u32 = this.u32;
    return {
      reclaimedWrites: Atomics.load(u32, L.OFF_RECLAIMED_WRITES >> 2),
      reclaimedReads: Atomics.load(u32, L.OFF_RECLAIMED_READS >> 2),
      retriedWrites: Atomics.load(u32, L.OFF_RETRIED_WRITES >> 2),
    };
  }

  // ---------------------------------------------------------------- scratch

  /**
   * Leases a staging area (a new holding), or undefined when every one is
   * taken. This instance's waits are registered through it from now on. Where
   * this thread may hold Web Locks, it takes the holding's life lock.
   */
  leaseScratch(): Scratch | undefined {
    const index = this.ops.leaseScratch(Date.now() >>> 0, Math.min(this.stallTimeoutMs, 2 ** 30));
    if (index < 0) return undefined;
    const generation = this.ops.leaseGeneration();
    const bytes = this.u32[L.OFF_SCRATCH_BYTES >> 2];
    const scratch: Scratch = {
      index, generation, offset: this.u32[L.OFF_SCRATCH >> 2] + index * bytes, bytes,
      generationWord: recordIndex(index) + 1, // the high half of the state word
    };
    this.#lease = scratch;
    const locks = lockHolder();
    if (locks) {
      let unlock!: () => void;
      const held = new Promise<void>((resolve) => (unlock = resolve));
      scratch.unlock = unlock;
      // Granted at once (nobody else ever asks for this name but a scanner
      // that finds it free). Marked LOCKED only once held, so a scanner never
      // takes a holding whose lock is not held yet for a dead one; until then
      // LEASE_SEEN speaks for it. If the holding ended meanwhile, let go.
      locks
        .request(lockName(this, index, generation), () => (this.ops.markLease(index, generation, L.LEASE_LOCKED) === 1 ? held : undefined))
        .catch(() => {});
    }
    return scratch;
  }

  /** Ends this thread's holding (if nobody ended it already) and lets go of its life lock. */
  releaseScratch(scratch: Scratch): void {
    if (scratch.index < 0) return;
    if (this.#lease === scratch) this.#lease = this.noScratch;
    this.ops.endLease(scratch.index, scratch.generation);
    scratch.unlock?.();
  }

  /** Whether `scratch` is still this thread's (nobody took it for dead): one plain load. */
  stillHeld(scratch: Scratch): boolean {
    return this.u32[scratch.generationWord] === scratch.generation;
  }

  /** The holder of `scratch` is alive now (for holdings that LEASE_SEEN speaks for). */
  touch(scratch: Scratch): void {
    if (scratch.index >= 0) this.ops.touchLease(scratch.index, scratch.generation, Date.now() >>> 0);
  }

  /** Marks `scratch` as watched by this thread's host (a pool), which ends it when the thread dies. False if it has ended. */
  hostWatch(scratch: Scratch): boolean {
    return scratch.index >= 0 && this.ops.markLease(scratch.index, scratch.generation, L.LEASE_HOSTED) === 1;
  }

  /** Ends holding (index, generation) of a thread known to be dead. True if this call ended it. */
  reclaimLease(index: number, generation: number): boolean {
    return this.ops.endLease(index, generation) === 1;
  }

  /**
   * Ends every holding that only LEASE_SEEN speaks for and that has shown no
   * sign of life for stallTimeoutMs (see lease-scan.ts). Returns how many it ended.
   */
  reclaimSilentLeases(): number {
    return reclaimSilent(this);
  }

  /** Where this thread can query Web Locks, ends every holding whose life lock nobody holds (see lease-scan.ts). */
  reclaimUnlockedLeases(): Promise<number> | undefined {
    return reclaimUnlocked(this);
  }

  /** What the lease records and waiter counts hold now, for tests and diagnostics (see lease-scan.ts). */
  leaseCensus(): LeaseCensus {
    return census(this);
  }

  // ---------------------------------------------------------------- the data ring

  /** Byte offset of the first data cell of position `pos` (a claim token). */
  dataOffset(pos: number): number {
    return this.dataStart + ((pos & (this.capacity - 1)) << this.slotShift);
  }

  /** Copies `bytes` into the ring for the claim at `pos`, wrapping at the ring's end. */
  copyIn(pos: number, bytes: Uint8Array): void {
    const at = this.dataOffset(pos);
    const room = this.dataEnd - at;
    if (bytes.length <= room) {
      this.u8.set(bytes, at);
    } else {
      this.u8.set(bytes.subarray(0, room), at);
      this.u8.set(bytes.subarray(room), this.dataStart);
    }
  }

  /** Copies the `len` bytes of the message at `pos` into `target` at `offset`, unwrapping it. */
  copyOut(pos: number, len: number, target: Uint8Array, offset: number): void {
    const at = this.dataOffset(pos);
    const room = this.dataEnd - at;
    if (len <= room) {
      copyBytes(this.u8, at, target, offset, len);
    } else {
      copyBytes(this.u8, at, target, offset, room);
      copyBytes(this.u8, this.dataStart, target, offset + room, len - room);
    }
  }

  /** Whether this thread still holds the message it took at `pos` (no producer reclaimed it). */
  holds(pos: number): boolean {
    const word = this.cellsIndex + (pos & (this.capacity - 1)) * 2;
    // seq == pos + 1, READY.
    return this.u32[word] === (pos + 1) >>> 0 && this.u32[word + 1] >>> L.STATE_SHIFT === L.STATE_READY;
  }

  /** Cells a message of `len` bytes spans. */
  slotsFor(len: number): number {
    return len === 0 ? 1 : (len + this.slotBytes - 1) >>> this.slotShift;
  }


  /** Copies `len` bytes at byte offset `at` (a scratch area, not the ring) into `target` at `offset`. */
  copyScratch(at: number, len: number, target: Uint8Array, offset: number): void {
    copyBytes(this.u8, at, target, offset, len);
  }

  /** The `len` bytes of the message at `pos`, in a new private array. */
  sliceOut(pos: number, len: number): Uint8Array {
    const at = this.dataOffset(pos);
    // slice() allocates without zero-filling first; only a wrapped message needs two pieces.
    if (len <= this.dataEnd - at) return this.u8.slice(at, at + len);
    const bytes = new Uint8Array(len);
    this.copyOut(pos, len, bytes, 0);
    return bytes;
  }
}

/**
 * Copies bytes out of shared memory. Short copies use a plain loop, which V8
 * runs faster than subarray() + set() for a few dozen bytes (docs/DESIGN.md).
 */
export function copyBytes(from: Uint8Array, at: number, to: Uint8Array, offset: number, len: number): void {
  if (len <= 32) {
    for (let i = 0; i < len; i++) to[offset + i] = from[at + i];
  } else {
    to.set(from.subarray(at, at + len), offset);
  }
}
