// Where everything of one queue sits in its shared memory, from the sizes a
// creator asked for. The fixed header comes first; the cell array, the data
// ring and the scratch areas follow, each starting on its own cache-line pair.
import * as L from './layout.js';
import { CELL_BYTES, FIXED_HEADER_BYTES, LINE_BYTES } from './layout.js';

export interface Sizes {
  readonly capacity: number;
  readonly slotBytes: number;
  readonly scratchBytes: number;
  readonly scratchAreas: number;
}

export interface Geometry extends Sizes {
  readonly cellsOffset: number;
  readonly dataOffset: number;
  readonly scratchOffset: number;
  readonly totalBytes: number;
}

/** The largest memory a queue may take (a u32 offset space, less a page of headroom). */
export const MAX_TOTAL_BYTES = 2 ** 31 - 65536;

const alignLine = (n: number) => Math.ceil(n / LINE_BYTES) * LINE_BYTES;

/** Lays out a queue of these (already validated) sizes. Throws RangeError if it would not fit in MAX_TOTAL_BYTES. */
export function planGeometry(sizes: Sizes): Geometry {
  const cellsOffset = FIXED_HEADER_BYTES;
  const dataOffset = alignLine(cellsOffset + sizes.capacity * CELL_BYTES);
  const scratchOffset = alignLine(dataOffset + sizes.capacity * sizes.slotBytes);
  const totalBytes = scratchOffset + sizes.scratchAreas * sizes.scratchBytes;
  if (totalBytes > MAX_TOTAL_BYTES) {
    throw new RangeError(
      `this queue would need ${totalBytes} bytes of shared memory; the most allowed is ${MAX_TOTAL_BYTES}. ` +
        `Lower capacity, slotBytes or scratchAreas × scratchBytes.`,
    );
  }
  return { ...sizes, cellsOffset, dataOffset, scratchOffset, totalBytes };
}

/** The words a creator writes besides the geometry: the kernel never reads them. */
export interface Binding {
  readonly maxMessageBytes: number;
  readonly stallTimeoutMs: number;
  readonly codecId: number;
}

/**
 * Writes the geometry and binding words of a new queue's header, before
 * init() validates them, lays out the cells and writes the magic word last.
 */
export function writeHeader(memory: WebAssembly.Memory, g: Geometry, b: Binding): void {
  const u32 = new Uint32Array(memory.buffer);
  const header: [number, number][] = [
    [L.OFF_CAPACITY, g.capacity], [L.OFF_SLOT_BYTES, g.slotBytes], [L.OFF_MAX_MESSAGE_BYTES, b.maxMessageBytes],
    [L.OFF_CELLS, g.cellsOffset], [L.OFF_DATA, g.dataOffset], [L.OFF_SCRATCH, g.scratchOffset],
    [L.OFF_SCRATCH_BYTES, g.scratchBytes], [L.OFF_SCRATCH_COUNT, g.scratchAreas], [L.OFF_TOTAL_BYTES, g.totalBytes],
    [L.OFF_STALL_TIMEOUT_MS, b.stallTimeoutMs], [L.OFF_CODEC, b.codecId],
  ];
  for (const [offset, value] of header) u32[offset >> 2] = value;
}
