// Batch records in a thread's scratch area: how pushBatch packs a group of
// encoded messages of different lengths for one kernel call. A record is
// [length u32][reserved u32][bytes, padded to 8] (assembly/layout.ts).
import { RECORD_HEADER_BYTES, type Kernel, type Scratch } from '../kernel/kernel.js';

const HEADER = RECORD_HEADER_BYTES;
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
