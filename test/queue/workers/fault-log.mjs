// A fault-test consumer's log (fault-worker.mjs writes it, faults.threads.test.ts
// reads it): an Int32Array in shared memory, so it survives the thread's death.
//   [0]                  committed entries
//   [1 + 2i], [2 + 2i]   entry i: (producer, seq) of a message it popped
//   then, from the end:
//   LIVE_RECLAIMS        pops of this consumer, alive, whose take was reclaimed
//                        under it (it paused past stallTimeoutMs; that message is lost)
//   HOLDING              1 from before each pop until its entry is committed: a
//                        consumer that dies with it set may have taken one message with it
//   CORRUPT              messages that failed verification (or found the log full)

/** Word indexes counted from the end of the log. */
export const FROM_END = Object.freeze({ LIVE_RECLAIMS: 3, HOLDING: 2, CORRUPT: 1 });
const TAIL_WORDS = 3;

/** A log with room for `entries` entries. */
export const consumerLog = (entries) => new SharedArrayBuffer(4 * (1 + 2 * entries + TAIL_WORDS));

/** How many entries `words` (the log as an Int32Array) has room for. */
export const entryCapacity = (words) => (words.length - 1 - TAIL_WORDS) >> 1;

/** The index of the word `k` from the end (FROM_END). */
export const fromEnd = (words, k) => words.length - k;
