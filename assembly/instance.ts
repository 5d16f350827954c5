// The per-instance state of the kernel: everything it keeps outside the
// shared memory. Each thread instantiates the module over the same memory,
// so these globals are private to one thread; all shared state is in the
// layout (./layout.ts).
//
// 1. A cache of the read-only header geometry, filled by attach() after it
//    has validated the header. Never written again.
// 2. `busyPos`: the position that the last R_BUSY result was about (the
//    bindings read it with stallPosition() to time a possible dead thread).
//    It is a diagnostic that accompanies one result code, not the state of
//    an operation: two-phase operations pass their position as a token.
import { CELL_BYTES } from './layout';

export let capacity: u32 = 0;
export let mask: u32 = 0;
export let slotBytes: u32 = 0;
export let slotShift: u32 = 0;
export let maxMessage: u32 = 0;
export let cells: usize = 0;
export let data: usize = 0;
export let dataEnd: usize = 0;
export let busyPos: u32 = 0;

export function cacheGeometry(cap: u32, slot: u32, maxMsg: u32, cellsOff: u32, dataOff: u32): void {
  capacity = cap;
  mask = cap - 1;
  slotBytes = slot;
  slotShift = ctz<u32>(slot);
  maxMessage = maxMsg;
  cells = cellsOff;
  data = dataOff;
  dataEnd = <usize>(<u64>dataOff + <u64>cap * <u64>slot);
}

/** Records the position an R_BUSY result is about; returns -R_BUSY's value for chaining. */
@inline export function noteBusy(pos: u32, code: i32): i32 {
  busyPos = pos;
  return code;
}

// ---- Addressing (masking wraps positions onto the ring) ----

@inline export function cellAt(pos: u32): usize {
  return cells + (<usize>(pos & mask) * CELL_BYTES);
}
@inline export function dataAt(pos: u32): usize {
  return data + (<usize>(pos & mask) << slotShift);
}
@inline export function slotsFor(len: u32): u32 {
  return len == 0 ? 1 : (len + slotBytes - 1) >> slotShift;
}
