// The broadcast ring's layout in its SharedArrayBuffer, defined once: every
// other broadcast module reads the ring through ring.ts, which reads these.
//
//   header (i32 words; each word that several threads write has a 128-byte line of its own)
//     [MAGIC] [VERSION] [CAPACITY] [SLOT_BYTES] [MAX_MESSAGE_BYTES] [MAX_SUBSCRIBERS]
//     [POLICY] [STALL_TIMEOUT_MS] [CODEC]                           fixed at creation
//     [TAIL]                        the next position to claim (u32, wrapping)
//     [CLOSED]                      1 once closed
//     [JOINS]                       bumped by every subscribe: producers' cached gating is stale
//     [SUB_HIGH]                    entries 0 .. SUB_HIGH - 1 have ever been used: producers scan only those
//     [NOT_EMPTY_SEQ, _WAITERS, _ASYNC]   subscribers park here; producers wake them
//     [NOT_FULL_SEQ, _WAITERS, _ASYNC]    producers park here ('wait'); subscribers wake them
//   subscribers: MAX_SUBSCRIBERS entries of one line each: [STATE] [CURSOR]
//   slots:       CAPACITY × [WRITING] [READY] [LENGTH]
//   data:        CAPACITY × SLOT_BYTES (8-aligned)
//
// A position p (u32) lives in slot p & (CAPACITY - 1). One message per slot.
// WRITING = p: a producer has started writing position p there; READY = p:
// it has finished. A slot starts as if position slot - CAPACITY had been
// written and read (both words = slot - CAPACITY), so the first lap needs no
// special case.

export const BROADCAST_MAGIC = 0x5742_4331; // "WBC1"
export const BROADCAST_VERSION = 1;

const LINE_WORDS = 32;
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_CAPACITY = 2;
export const H_SLOT_BYTES = 3;
export const H_MAX_MESSAGE_BYTES = 4;
export const H_MAX_SUBSCRIBERS = 5;
export const H_POLICY = 6;
export const H_STALL_TIMEOUT_MS = 7;
export const H_CODEC = 8;
export const H_TAIL = LINE_WORDS;
export const H_CLOSED = 2 * LINE_WORDS;
export const H_JOINS = H_CLOSED + 1;
export const H_SUB_HIGH = H_CLOSED + 2;
export const H_NOT_EMPTY_SEQ = 3 * LINE_WORDS;
export const H_NOT_EMPTY_WAITERS = H_NOT_EMPTY_SEQ + 1;
export const H_NOT_EMPTY_ASYNC = H_NOT_EMPTY_SEQ + 2;
export const H_NOT_FULL_SEQ = 4 * LINE_WORDS;
export const H_NOT_FULL_WAITERS = H_NOT_FULL_SEQ + 1;
export const H_NOT_FULL_ASYNC = H_NOT_FULL_SEQ + 2;
const HEADER_WORDS = 5 * LINE_WORDS;

/** A subscriber entry's words, from the entry's first word. */
export const SUB_STATE = 0;
export const SUB_CURSOR = 1;
const SUB_WORDS = LINE_WORDS;

/** STATE: the entry is unused. */
export const SUB_FREE = 0;
/** STATE: being set up by a subscribe(); not gating yet. */
export const SUB_JOINING = 1;
/** STATE: a live subscriber; in 'wait' mode producers never overwrite what its CURSOR has not passed. */
export const SUB_ACTIVE = 2;
/** STATE: a producer found it stuck for stallTimeoutMs and stopped waiting for it; it rejoins on its next read. */
export const SUB_EVICTED = 3;

/** A slot's words, from the slot's first word. */
export const SLOT_WRITING = 0;
export const SLOT_READY = 1;
export const SLOT_LENGTH = 2;
const SLOT_WORDS = 3;
/** LENGTH of a position whose claim was given up (a throwing fill): readers skip it; it is no message. */
export const LENGTH_WITHDRAWN = -1;

/** POLICY values. */
export const POLICY_WAIT = 0;
export const POLICY_OVERWRITE = 1;

/** Where everything sits, for a ring of `capacity` slots of `slotBytes` and `maxSubscribers` entries. */
export interface BroadcastGeometry {
  /** i32 index of subscriber entry 0; entry i is at subscribers + i * SUB_WORDS. */
  readonly subscribers: number;
  readonly subscriberWords: number;
  /** i32 index of slot 0's words. */
  readonly slots: number;
  readonly slotWords: number;
  /** Byte offset of slot 0's data. */
  readonly data: number;
  readonly totalBytes: number;
}

export function geometryOf(capacity: number, slotBytes: number, maxSubscribers: number): BroadcastGeometry {
  const subscribers = HEADER_WORDS;
  const slots = subscribers + maxSubscribers * SUB_WORDS;
  const data = Math.ceil(((slots + capacity * SLOT_WORDS) * 4) / 8) * 8;
  return { subscribers, subscriberWords: SUB_WORDS, slots, slotWords: SLOT_WORDS, data, totalBytes: data + capacity * slotBytes };
}
