// The cell word: one u64 per slot, the unit of every atomic step on the ring.
//
//   63    61 60                          32 31                              0
//  +--------+------------------------------+---------------------------------+
//  | state  |            value             |               seq               |
//  | 3 bits |           29 bits            |             32 bits             |
//  +--------+------------------------------+---------------------------------+
//
//  seq    Vyukov's per-cell sequence number, mod 2^32. For the position p that
//         maps to this cell: seq == p means "free for p's lap"; seq == p + 1
//         means "published for p's lap"; seq == p + capacity hands the cell to
//         the next lap.
//  state  FREE (0), WRITING (1), READY (2), ABANDONED (5) or WITHDRAWN (6):
//         see layout.ts.
//  value  WRITING / ABANDONED / WITHDRAWN: the number of cells the claim spans.
//         READY: the message length in bytes. FREE: 0.
//
// A continuation cell (the second and later cells of a multi-cell message)
// stays FREE with seq == its position until the message's reader releases
// it; only the first cell of a message carries state.
import { STATE_SHIFT, VALUE_MASK } from './layout';

@inline export function cellWord(seq: u32, state: u32, value: u32): u64 {
  return (<u64>((state << STATE_SHIFT) | value) << 32) | <u64>seq;
}
@inline export function seqOf(w: u64): u32 {
  return <u32>w;
}
@inline export function stateOf(w: u64): u32 {
  return <u32>(w >> (32 + STATE_SHIFT));
}
@inline export function valueOf(w: u64): u32 {
  return <u32>(w >> 32) & VALUE_MASK;
}
