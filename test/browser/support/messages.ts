// Self-checking test messages: every message says who sent it and in what
// order, and carries a checksum of a body whose length is a deterministic
// mix of sizes (empty, sub-slot, exactly one slot, many slots, and larger
// than a thread's scratch area), so a consumer can prove each one arrived
// whole and unchanged.
//
// Layout: [producer u32][seq u32][fnv1a(body) u32][body...], little-endian.

export const HEADER_BYTES = 12;

/** Body sizes cycled through; with slotBytes 64, 52 makes exactly one slot. */
const SIZES = [0, 1, 7, 20, 52, 53, 64, 100, 180, 333, 500, 1200, 4000];
/** Every LARGE_EVERY-th message is larger than the default 8 KiB scratch area. */
const LARGE_EVERY = 97;

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be59b, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/** The body length of message `seq` of `producer`. */
export function bodyLength(producer: number, seq: number): number {
  const h = mix(producer, seq);
  if (seq % LARGE_EVERY === LARGE_EVERY - 1) return 9000 + (h % 11000);
  return SIZES[h % SIZES.length];
}

function fnv1a(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** Builds message `seq` of `producer`. */
export function makeMessage(producer: number, seq: number): Uint8Array {
  const len = bodyLength(producer, seq);
  const bytes = new Uint8Array(HEADER_BYTES + len);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, producer, true);
  view.setUint32(4, seq, true);
  let x = mix(seq, producer) | 1;
  for (let i = HEADER_BYTES; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x;
  }
  view.setUint32(8, fnv1a(bytes, HEADER_BYTES, bytes.length), true);
  return bytes;
}

/** Checks a received message; returns who sent it, or throws saying what is wrong. */
export function readMessage(bytes: Uint8Array, length = bytes.length): { producer: number; seq: number } {
  if (length < HEADER_BYTES) throw new Error(`message of ${length} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const producer = view.getUint32(0, true);
  const seq = view.getUint32(4, true);
  const expected = HEADER_BYTES + bodyLength(producer, seq);
  if (length !== expected) {
    throw new Error(`message ${producer}/${seq} is ${length} bytes; it was sent with ${expected}`);
  }
  if (fnv1a(bytes, HEADER_BYTES, length) !== view.getUint32(8, true)) {
    throw new Error(`message ${producer}/${seq} arrived corrupted (checksum mismatch)`);
  }
  return { producer, seq };
}

/**
 * Records what one consumer received: per producer, the sequence numbers
 * in the order they arrived.
 */
export class ReceiptLog {
  readonly seqs: number[][];
  constructor(producers: number) {
    this.seqs = Array.from({ length: producers }, () => []);
  }
  add(bytes: Uint8Array, length = bytes.length): void {
    const { producer, seq } = readMessage(bytes, length);
    const list = this.seqs[producer];
    if (list === undefined) throw new Error(`message from unknown producer ${producer}`);
    list.push(seq);
  }
  get count(): number {
    return this.seqs.reduce((n, s) => n + s.length, 0);
  }
}

/**
 * Checks the MPMC contract over all consumers' logs: every message of every
 * producer arrived exactly once, and each consumer saw each producer's
 * messages in the order they were sent. Returns a list of problems (empty
 * when all is well), capped so a failure message stays readable.
 */
export function deliveryProblems(logs: number[][][], producers: number, perProducer: number): string[] {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < 10) problems.push(p);
  };
  for (let p = 0; p < producers; p++) {
    const seen = new Uint8Array(perProducer);
    logs.forEach((log, c) => {
      const list = log[p] ?? [];
      for (let i = 0; i < list.length; i++) {
        const seq = list[i];
        if (i > 0 && seq <= list[i - 1]) note(`consumer ${c} got producer ${p}'s ${seq} after ${list[i - 1]}`);
        if (seq >= perProducer) note(`producer ${p} never sent ${seq}`);
        else if (seen[seq]++) note(`producer ${p}'s message ${seq} was delivered twice`);
      }
    });
    const missing = seen.indexOf(0);
    if (missing >= 0) note(`producer ${p}'s message ${missing} was never delivered (and maybe more)`);
  }
  return problems;
}
