// Setting a queue up, attaching to one, closing, and size (scratch leases: lease.ts).
import {
  MAGIC, LAYOUT_VERSION,
  OFF_MAGIC, OFF_VERSION, OFF_CAPACITY, OFF_SLOT_BYTES, OFF_MAX_MESSAGE_BYTES,
  OFF_CELLS, OFF_DATA, OFF_SCRATCH, OFF_SCRATCH_BYTES, OFF_SCRATCH_COUNT, OFF_TOTAL_BYTES,
  OFF_TAIL, OFF_HEAD, MAX_SCRATCH_AREAS, FIXED_HEADER_BYTES,
  CELL_BYTES, VALUE_MASK, STATE_FREE,
  ATTACH_OK, ATTACH_NO_MAGIC, ATTACH_OTHER_VERSION, ATTACH_INCONSISTENT,
} from './layout';
import { cellWord } from './cell';
import { cacheGeometry, cellAt, capacity } from './instance';
import { CLOSED_BIT } from './push';
import { wakeEveryone } from './wake';

/**
 * Checks the geometry words against each other and the memory's size, and
 * caches them in this instance. Returns ATTACH_OK or ATTACH_INCONSISTENT.
 */
function loadGeometry(): u32 {
  const bytes = <u64>memory.size() << 16;
  const cap = load<u32>(OFF_CAPACITY);
  const slot = load<u32>(OFF_SLOT_BYTES);
  const maxMsg = load<u32>(OFF_MAX_MESSAGE_BYTES);
  const cellsOff = load<u32>(OFF_CELLS);
  const dataOff = load<u32>(OFF_DATA);
  const total = load<u32>(OFF_TOTAL_BYTES);
  if (cap < 2 || cap > (1 << 28) || (cap & (cap - 1)) != 0) return ATTACH_INCONSISTENT;
  if (slot < 8 || slot > (1 << 20) || (slot & (slot - 1)) != 0) return ATTACH_INCONSISTENT;
  // Cells are u64 atomics: 8-byte aligned, after the fixed header, before the data ring.
  if (cellsOff < FIXED_HEADER_BYTES || (cellsOff & 7) != 0) return ATTACH_INCONSISTENT;
  if (<u64>cellsOff + <u64>cap * CELL_BYTES > <u64>dataOff) return ATTACH_INCONSISTENT;
  const dataBytes = <u64>cap * <u64>slot;
  if (<u64>dataOff + dataBytes > <u64>total || <u64>total > bytes) return ATTACH_INCONSISTENT;
  if (<u64>maxMsg > dataBytes || maxMsg > VALUE_MASK) return ATTACH_INCONSISTENT;
  const scratchOff = load<u32>(OFF_SCRATCH);
  const scratchBytes = load<u32>(OFF_SCRATCH_BYTES);
  const scratchCount = load<u32>(OFF_SCRATCH_COUNT);
  if (scratchCount > MAX_SCRATCH_AREAS) return ATTACH_INCONSISTENT;
  // Scratch areas hold u32 record headers: 8-byte aligned, after the data ring, inside the memory.
  if (scratchCount > 0) {
    if ((scratchOff & 7) != 0 || (scratchBytes & 7) != 0) return ATTACH_INCONSISTENT;
    if (<u64>scratchOff < <u64>dataOff + dataBytes) return ATTACH_INCONSISTENT;
  }
  if (<u64>scratchOff + <u64>scratchBytes * <u64>scratchCount > <u64>total) return ATTACH_INCONSISTENT;
  cacheGeometry(cap, slot, maxMsg, cellsOff, dataOff);
  return ATTACH_OK;
}

/**
 * Makes a fresh queue of the geometry the creator wrote into the header
 * (capacity, slot bytes, offsets, total): validates it, frees every cell for
 * its first lap, sets head = tail = startPos, and writes the magic word last,
 * so a half-initialised memory never looks valid. Called once, by the
 * creator. Returns ATTACH_OK or ATTACH_INCONSISTENT.
 */
export function init(startPos: u32): u32 {
  if (<u64>memory.size() << 16 < <u64>FIXED_HEADER_BYTES) return ATTACH_INCONSISTENT;
  const status = loadGeometry();
  if (status != ATTACH_OK) return status;
  // seq == p: the cell for position p starts free for p's lap.
  for (let i: u32 = 0; i < capacity; i++) {
    const p = startPos + i;
    store<u64>(cellAt(p), cellWord(p, STATE_FREE, 0));
  }
  atomic.store<u64>(OFF_TAIL, <u64>startPos);
  atomic.store<u32>(OFF_HEAD, startPos);
  atomic.store<u32>(OFF_VERSION, LAYOUT_VERSION);
  atomic.store<u32>(OFF_MAGIC, MAGIC);
  return ATTACH_OK;
}

/** Validates the header and caches it in this instance. Returns an ATTACH_* status. */
export function attach(): u32 {
  if (<u64>memory.size() << 16 < <u64>FIXED_HEADER_BYTES) return ATTACH_NO_MAGIC;
  if (atomic.load<u32>(OFF_MAGIC) != MAGIC) return ATTACH_NO_MAGIC;
  if (atomic.load<u32>(OFF_VERSION) != LAYOUT_VERSION) return ATTACH_OTHER_VERSION;
  return loadGeometry();
}

// ---- Closing and size ----

/** Sets the closed bit (idempotent) and wakes every parked thread. */
export function close(): void {
  let t = atomic.load<u64>(OFF_TAIL);
  // closed bit clear → set: no producer can claim after this CAS.
  while (!(t & CLOSED_BIT)) {
    const seen = atomic.cmpxchg<u64>(OFF_TAIL, t, t | CLOSED_BIT);
    if (seen == t) break;
    t = seen;
  }
  wakeEveryone();
}

export function isClosed(): bool {
  return (atomic.load<u64>(OFF_TAIL) & CLOSED_BIT) != 0;
}

/** Messages' cells in use (approximate under concurrency; never negative). */
export function usedCells(): u32 {
  const d = <i32>(<u32>atomic.load<u64>(OFF_TAIL) - atomic.load<u32>(OFF_HEAD));
  return d < 0 ? 0 : <u32>d;
}
