// The shared-memory layout of a wasmq queue: the single source of truth.
//
// Every offset below is a byte offset from the start of the shared
// WebAssembly.Memory. `scripts/build.mjs` generates `ts/layout.ts` from this
// file (so TypeScript never hard-codes an offset) and test/layout.test.ts
// checks the generated constants against the globals this module exports.
//
// Only lines of the form `export const NAME: u32 = <integer>;` are part of
// the layout contract; keep them that way so the generator can read them.
//
//  0      128    256    384         512        640    1024                  5120
//  | HDR  | TAIL | HEAD | NOT_EMPTY | NOT_FULL | STATS| lease records[256] | cells[capacity] | data[capacity*slotBytes] | scratch[n*scratchBytes]
//
// The hot words (tail, head, and each wake word) sit on their own 128-byte
// line: x86 prefetches cache lines in adjacent pairs, so 64 bytes is not
// enough to stop producers and consumers from invalidating each other
// (crossbeam's CachePadded uses 128 on x86-64 for the same reason).

/** 'WSMQ' in little-endian: the first word of every queue memory. */
export const MAGIC: u32 = 0x514d5357;
/** Bumped whenever anything in this file, or the cell protocol it describes,
 *  changes meaning: threads of two wasmq versions share a queue only when
 *  this matches (a breaking change; see the README's versions section).
 *  2: in-place batches (one CAS publishes a batch; STATE_WITHDRAWN; MAX_MANY).
 *  3: lease records replace the lease bitmap (generation, the waits each
 *     lease holds, last sign of life; assembly/lease.ts); OFF_QUEUE_ID. */
export const LAYOUT_VERSION: u32 = 3;
/** Cache-line pair: the unit that hot words are padded to. */
export const LINE_BYTES: u32 = 128;

// ---- Header line: written once by init(), read-only afterwards. ----
export const OFF_MAGIC: u32 = 0;
export const OFF_VERSION: u32 = 4;
/** Number of cells (slots); a power of two >= 2. */
export const OFF_CAPACITY: u32 = 8;
/** Payload bytes per slot; a power of two. */
export const OFF_SLOT_BYTES: u32 = 12;
export const OFF_MAX_MESSAGE_BYTES: u32 = 16;
export const OFF_CELLS: u32 = 20;
export const OFF_DATA: u32 = 24;
export const OFF_SCRATCH: u32 = 28;
export const OFF_SCRATCH_BYTES: u32 = 32;
export const OFF_SCRATCH_COUNT: u32 = 36;
// Binding words: written by the TypeScript boundary when it creates a queue,
// read by every thread that attaches; the kernel itself never reads them.
/** How long a claim may stay unfinished before other threads reclaim it. */
export const OFF_STALL_TIMEOUT_MS: u32 = 40;
/** Which built-in codec the creator chose (CODEC_* below). */
export const OFF_CODEC: u32 = 44;
/** Total bytes the layout needs; the memory is at least this large. */
export const OFF_TOTAL_BYTES: u32 = 48;
/** u32 x 2: random words the creator writes; they name this queue's lease locks apart from other queues' (ts/kernel/liveness.ts). */
export const OFF_QUEUE_ID: u32 = 52;

// ---- Hot counters, each alone on its line. ----
/** u64: low 32 bits = enqueue position (wraps mod 2^32), bit 32 = closed. */
export const OFF_TAIL: u32 = 128;
/** u32: dequeue position (wraps mod 2^32). */
export const OFF_HEAD: u32 = 256;
/** i32 futex word consumers park on; bumped when a message is published. */
export const OFF_NOT_EMPTY_SEQ: u32 = 384;
/** i32: number of consumers parked (or about to park) on NOT_EMPTY_SEQ. */
export const OFF_CONSUMERS_WAITING: u32 = 388;
/** i32: Atomics.waitAsync calls on NOT_EMPTY_SEQ the engine still holds (see wakeConsumers). */
export const OFF_CONSUMERS_ASYNC: u32 = 392;
/** i32 futex word producers park on; bumped when slots are released. */
export const OFF_NOT_FULL_SEQ: u32 = 512;
/** i32: number of producers parked (or about to park) on NOT_FULL_SEQ. */
export const OFF_PRODUCERS_WAITING: u32 = 516;
/** i32: Atomics.waitAsync calls on NOT_FULL_SEQ the engine still holds. */
export const OFF_PRODUCERS_ASYNC: u32 = 520;

// ---- Statistics: written only on rare paths. ----
/** u32: claims of dead (or too slow) producers that were skipped. */
export const OFF_RECLAIMED_WRITES: u32 = 640;
/** u32: claims of dead (or too slow) consumers whose slots were freed. */
export const OFF_RECLAIMED_READS: u32 = 644;
/** u32: slow producers that found their claim reclaimed and pushed again. */
export const OFF_RETRIED_WRITES: u32 = 648;

// ---- Lease records: one per scratch area (protocol: ./lease.ts). ----
// A record is LEASE_RECORD_BYTES:
//   +LEASE_STATE u64: low u32 = LEASE_HELD | LEASE_LOCKED | LEASE_HOSTED | the
//                     waits this lease holds (4 counts of LEASE_WAIT_BITS, kind
//                     k at bit k * LEASE_WAIT_BITS), or, free, LEASE_QUARANTINED
//                     and its start; high u32 = generation.
//   +LEASE_SEEN  u32: Date.now() mod 2^32 at the holder's last sign of life.
export const OFF_LEASE_RECORDS: u32 = 1024;
export const LEASE_RECORD_BYTES: u32 = 16;
export const LEASE_STATE: u32 = 0;
export const LEASE_SEEN: u32 = 8;
export const MAX_SCRATCH_AREAS: u32 = 256;
/** The area is leased (for the generation in the high word). */
export const LEASE_HELD: u32 = 0x40000000;
/** Its holder holds a Web Lock for life (named for queue id, index, generation). */
export const LEASE_LOCKED: u32 = 0x20000000;
/** Its holder's death is reported by its host (a pool watching its workers). */
export const LEASE_HOSTED: u32 = 0x10000000;
/** Free, but not to be leased before stallTimeoutMs after its holding was revoked
 *  for silence (lease.ts, revokeLease): bits 0-27 of the low word then hold
 *  the revocation time in units of LEASE_TIME_UNIT_MS (mod 2^28). */
export const LEASE_QUARANTINED: u32 = 0x80000000;
export const LEASE_TIME_MASK: u32 = 0x0fffffff;
export const LEASE_TIME_SHIFT: u32 = 4;
export const LEASE_WAIT_BITS: u32 = 7;
export const LEASE_WAIT_MAX: u32 = 127;
/** Wait kinds (which global count a registration adds to). */
export const WAIT_CONSUMERS: u32 = 0;
export const WAIT_CONSUMERS_ASYNC: u32 = 1;
export const WAIT_PRODUCERS: u32 = 2;
export const WAIT_PRODUCERS_ASYNC: u32 = 3;
/** First byte after the fixed header; the cell array starts here. */
export const FIXED_HEADER_BYTES: u32 = 5120;

// ---- Cells: one u64 word per slot (accessors and bit diagram: ./cell.ts). ----
// low 32 bits: seq (Vyukov's per-cell sequence number, mod 2^32)
// high 32 bits: info = state (top 3 bits) | value (low 29 bits)
export const CELL_BYTES: u32 = 8;
export const STATE_SHIFT: u32 = 29;
export const VALUE_MASK: u32 = 0x1fffffff;
/** Free for the lap given by seq (value 0). */
export const STATE_FREE: u32 = 0;
/** Claimed by a producer that is copying; value = slots claimed. */
export const STATE_WRITING: u32 = 1;
/** Published; value = message length in bytes. */
export const STATE_READY: u32 = 2;
/** A producer's claim that was declared dead; value = slots claimed. */
export const STATE_ABANDONED: u32 = 5;
/** A claim its own producer gave up (a fill that threw); value = slots
 *  claimed. Nobody will write it, so whoever skips it may recycle it at once. */
export const STATE_WITHDRAWN: u32 = 6;
/** Most messages one claimMany / takeMany token can carry (see assembly/inplace.ts). */
export const MAX_MANY: u32 = 1048576;

// ---- Batch records: how pushBatch reads a group from a scratch area. ----
// A record is [length u32][reserved u32][bytes, padded to 8].
export const RECORD_HEADER_BYTES: u32 = 8;

// ---- attach() and init() statuses. ----
export const ATTACH_OK: u32 = 0;
/** The memory does not start with MAGIC (or is smaller than the fixed header). */
export const ATTACH_NO_MAGIC: u32 = 1;
/** The header is of another LAYOUT_VERSION. */
export const ATTACH_OTHER_VERSION: u32 = 2;
/** The geometry words contradict each other or the memory's size. */
export const ATTACH_INCONSISTENT: u32 = 3;

// ---- Built-in codec ids stored at OFF_CODEC. ----
export const CODEC_BYTES: u32 = 0;
export const CODEC_STRING: u32 = 1;
export const CODEC_JSON: u32 = 2;
export const CODEC_CUSTOM: u32 = 3;

// ---- Result codes of the kernel's exported operations (negative i32). ----
/** Nothing to pop, and the queue is open. */
export const R_EMPTY: u32 = 1;
/** Closed: for push always; for pop once closed and drained. */
export const R_CLOSED: u32 = 2;
/** No room for the message now. */
export const R_FULL: u32 = 3;
/** The head message is being written (pop) or the slot we need is still held
 *  by a consumer or an abandoned claim (push): a stall candidate. */
export const R_BUSY: u32 = 4;
/** The head message is larger than the destination; nothing was claimed
 *  (headLength() tells its size). */
export const R_TOO_BIG: u32 = 5;
/** Our claim was reclaimed by another thread because we were too slow
 *  (publishWrite, releaseRead, readLength). */
export const R_RECLAIMED: u32 = 6;
/** The message exceeds maxMessageBytes; nothing was claimed. */
export const R_OVERSIZE: u32 = 7;
