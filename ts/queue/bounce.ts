// One private buffer per thread for the in-place calls' messages that run
// past the ring's end: the callback sees them there, contiguous. Reused.
let buffer = new Uint8Array(0);

/** A private buffer of at least `len` bytes (valid until the next call). */
export function bounce(len: number): Uint8Array {
  if (buffer.length < len) buffer = new Uint8Array(Math.max(len, 2 * buffer.length));
  return buffer;
}
