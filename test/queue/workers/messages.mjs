// Deterministic test messages: every byte of message (producer, seq) can be
// recomputed by whoever receives it, so a consumer verifies content, origin
// and order without any side channel.
//
// Layout: [producer u16][seq u32 LE][len-6 payload bytes from a PRNG seeded by (producer, seq)]

/** Message length for (producer, seq): mostly small, some multi-slot, a few large. */
export function lengthOf(producer, seq, maxLen = 4096) {
  const r = hash(producer * 0x9e3779b1 + seq);
  const bucket = r % 100;
  let len;
  if (bucket < 55) len = 6 + (r >>> 8) % 58;          // fits one 64-byte slot
  else if (bucket < 90) len = 64 + (r >>> 8) % 400;   // 2–8 slots
  else if (bucket < 98) len = 6 + (r >>> 8) % 8;      // tiny
  else len = 1024 + (r >>> 8) % 3072;                 // large: many slots / two-phase path
  return Math.min(Math.max(len, 6), maxLen);
}

export function hash(x) {
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Builds message (producer, seq) of length `len` into a new Uint8Array. */
export function makeMessage(producer, seq, len = lengthOf(producer, seq)) {
  const m = new Uint8Array(len);
  m[0] = producer & 0xff;
  m[1] = producer >>> 8;
  new DataView(m.buffer).setUint32(2, seq, true);
  let s = hash(producer * 31 + seq) | 1;
  for (let i = 6; i < len; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    m[i] = s & 0xff;
  }
  return m;
}

/** Returns {producer, seq} if `m` is exactly the message it claims to be, else a string saying what is wrong. */
export function checkMessage(m, expectedLen) {
  if (!(m instanceof Uint8Array) || m.length < 6) return `bad message: ${m && m.length} bytes`;
  const producer = m[0] | (m[1] << 8);
  const seq = new DataView(m.buffer, m.byteOffset, m.length).getUint32(2, true);
  const len = expectedLen ? expectedLen(producer, seq) : lengthOf(producer, seq);
  if (m.length !== len) return `message ${producer}/${seq}: length ${m.length}, expected ${len}`;
  const want = makeMessage(producer, seq, len);
  for (let i = 6; i < len; i++) {
    if (m[i] !== want[i]) return `message ${producer}/${seq}: byte ${i} corrupt`;
  }
  return { producer, seq };
}

/** A cheaper message for fault tests: header, then one fill byte derived from (producer, seq),
 *  so a copy torn between two messages is still detected. */
export function makeFilled(producer, seq, len) {
  const m = new Uint8Array(len);
  m.fill(hash(producer * 131 + seq) & 0xff);
  m[0] = producer & 0xff;
  m[1] = producer >>> 8;
  new DataView(m.buffer).setUint32(2, seq, true);
  return m;
}

export function checkFilled(m, lenOf) {
  if (!(m instanceof Uint8Array) || m.length < 6) return `bad message: ${m && m.length} bytes`;
  const producer = m[0] | (m[1] << 8);
  const seq = new DataView(m.buffer, m.byteOffset, m.length).getUint32(2, true);
  if (m.length !== lenOf(producer, seq)) return `message ${producer}/${seq}: length ${m.length}`;
  const b = hash(producer * 131 + seq) & 0xff;
  // Every 61st byte and the last: a copy torn between two messages differs in long runs.
  for (let i = 6; i < m.length; i += 61) if (m[i] !== b) return `message ${producer}/${seq}: byte ${i} torn`;
  if (m.length > 6 && m[m.length - 1] !== b) return `message ${producer}/${seq}: last byte torn`;
  return { producer, seq };
}

/** Mostly large lengths (hundreds of slots), so that much of a thread's time is
 *  spent between claiming and finishing, where a kill hurts most. */
export function largeLengthOf(producer, seq, maxLen = 65536) {
  const r = hash(producer * 7919 + seq);
  return Math.min(maxLen, r % 4 === 0 ? 6 + ((r >>> 4) % 60) : 8192 + ((r >>> 4) % 57344));
}
