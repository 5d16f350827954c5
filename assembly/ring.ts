// Copying message bytes into and out of the data ring. A message occupies
// consecutive slots, so its bytes are contiguous except when it runs past the
// end of the ring: then it continues at the ring's start.
import { data, dataAt, dataEnd } from './instance';

/** Copies `len` bytes from `src` into the data cells starting at `pos`. */
@inline export function copyIn(pos: u32, src: usize, len: u32): void {
  const dst = dataAt(pos);
  const room = <u32>(dataEnd - dst);
  if (len <= room) {
    memory.copy(dst, src, len);
  } else {
    memory.copy(dst, src, room);
    memory.copy(data, src + room, len - room);
  }
}

/** Copies `len` bytes out of the data cells starting at `pos` into `dst`. */
@inline export function copyOut(pos: u32, dst: usize, len: u32): void {
  const src = dataAt(pos);
  const room = <u32>(dataEnd - src);
  if (len <= room) {
    memory.copy(dst, src, len);
  } else {
    memory.copy(dst, src, room);
    memory.copy(dst + room, data, len - room);
  }
}

/** Bytes a batch record of `len` payload bytes occupies after its header. */
@inline export function pad8(n: u32): u32 {
  return (n + 7) & ~7;
}
