// Batch records in a thread's scratch area: how pushBatch packs a group of
// encoded messages for one kernel call, and how popBatch's group is read
// back. A record is [length u32][status u32][bytes, padded to 8]
// (assembly/layout.ts).
import { RECORD, type Kernel, type Scratch } from '../kernel/kernel.js';

const HEADER = RECORD.headerBytes;
const STATUS_WORD = RECORD.statusOffset >> 2;
const pad8 = (n: number) => (n + 7) & ~7;

/** Bytes a record of `len` payload bytes takes, header included. */
export const recordBytes = (len: number): number => HEADER + pad8(len);

/**
 * Packs encoded[from], encoded[from + 1], ... into `scratch` while they fit.
 * Returns how many it packed (0 when encoded[from] alone is too large).
 */
export function packRecords(kernel: Kernel, scratch: Scratch, encoded: readonly Uint8Array[], from: number): number {
  const { u8, u32 } = kernel;
  let at = 0;
  let count = 0;
  for (let i = from; i < encoded.length; i++) {
    const need = recordBytes(encoded[i].length);
    if (at + need > scratch.bytes) break;
    u32[(scratch.offset + at) >> 2] = encoded[i].length;
    u8.set(encoded[i], scratch.offset + at + HEADER);
    at += need;
    count++;
  }
  return count;
}

/** Reads the `count` records popBatch wrote at `offset`. */
export class RecordReader {
  readonly #u32: Uint32Array;
  #at: number;
  #left: number;
  /** The current record's payload offset and length, after next() returned true. */
  payload = 0;
  length = 0;
  /** Whether the current record was reclaimed mid-copy (its bytes may be torn: skip it). */
  dropped = false;

  constructor(kernel: Kernel, offset: number, count: number) {
    this.#u32 = kernel.u32;
    this.#at = offset;
    this.#left = count;
  }

  /** Advances to the next record; false when there are no more. */
  next(): boolean {
    if (this.#left === 0) return false;
    this.#left--;
    const word = this.#at >> 2;
    this.length = this.#u32[word];
    this.dropped = this.#u32[word + STATUS_WORD] === RECORD.dropped;
    this.payload = this.#at + HEADER;
    this.#at += recordBytes(this.length);
    return true;
  }

  /** Offset just past the last record read so far. */
  get end(): number {
    return this.#at;
  }
}
