// Shared record structures: the table of object shapes (lists of keys) that
// every thread of one pool agrees on, so that msgpackr can write an object
// as a one-byte shape id and its values, and read it back with a reader it
// generated for that shape, instead of writing and parsing the keys in every
// message (see docs/DESIGN.md, "Serializer").
//
// The table lives in a SharedArrayBuffer that travels with the pool's init
// message. It only grows: msgpackr appends shapes and asks us to save the
// whole list (its saveStructures protocol, the one lmdb-js implements), and
// a thread that meets an id it does not know reloads it (getStructures).
//
// Lock-free, and safe against a thread dying at any step: a commit writes
// the new list into bytes nobody else uses (reserved by an atomic add), then
// fills a commit record nobody else uses (the same), then publishes it with
// one CAS on HEAD. Published bytes and records are never written again, so
// a reader needs only the HEAD it loaded. A writer that dies before its CAS
// wastes its reservation and nothing else. When the records or bytes run
// out, the table stops growing: new shapes are written inline, per message,
// as they are without a table.
//
//   [HEAD]          index + 1 of the current commit record (0: empty table)
//   [RECORDS_USED]  commit records reserved so far
//   [BYTES_USED]    data bytes reserved so far
//   records:        MAX_COMMITS × [offset, length] (of the list, in data)
//   data:           each commit's list, as JSON of string arrays (UTF-8)

const HEAD = 0;
const RECORDS_USED = 1;
const BYTES_USED = 2;
const HEADER_WORDS = 4;
const RECORD_WORDS = 2;
/** Commits the table can record: msgpackr shares at most 32 shapes, and a lost race wastes one. */
const MAX_COMMITS = 128;
const RECORDS_AT = HEADER_WORDS;
const DATA_AT = (HEADER_WORDS + MAX_COMMITS * RECORD_WORDS) * 4;
/** Data bytes: every commit rewrites the whole list, so this is about 32 lists of 32 shapes' keys. */
const DATA_BYTES = 256 * 1024;
/** The table's size in bytes. */
export const STRUCTURES_BYTES = DATA_AT + DATA_BYTES;

/** A shape: the keys of an object, in order (msgpackr also hangs its own properties on these arrays). */
export type Structure = string[];

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** One pool's table of shared shapes, in any of its threads. @internal */
export class SharedStructures {
  readonly buffer: SharedArrayBuffer;
  readonly #words: Int32Array;
  readonly #bytes: Uint8Array;
  /** The last list read, by HEAD: decoding it again is only needed when HEAD moves. */
  #cachedHead = 0;
  #cachedJson = '[]';

  /** A new, empty table (`buffer` omitted), or the table in `buffer` (from another thread). */
  constructor(buffer?: SharedArrayBuffer) {
    if (buffer !== undefined && (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== STRUCTURES_BYTES)) {
      throw new TypeError(`a shared structure table is a SharedArrayBuffer of ${STRUCTURES_BYTES} bytes`);
    }
    this.buffer = buffer ?? new SharedArrayBuffer(STRUCTURES_BYTES);
    this.#words = new Int32Array(this.buffer, 0, DATA_AT / 4);
    this.#bytes = new Uint8Array(this.buffer, DATA_AT);
  }

  /** The table can take no more commits: new shapes stay inline. */
  get full(): boolean {
    return (
      Atomics.load(this.#words, RECORDS_USED) >= MAX_COMMITS || Atomics.load(this.#words, BYTES_USED) >= DATA_BYTES
    );
  }

  /** The shapes committed so far, in id order: fresh arrays (msgpackr annotates the ones it gets). */
  load(): Structure[] {
    return JSON.parse(this.#jsonAt(Atomics.load(this.#words, HEAD))) as Structure[];
  }

  /**
   * msgpackr's saveStructures: commits `list` (the shapes so far, ours
   * appended) if `isCompatible` accepts the list committed now (msgpackr
   * checks that nobody appended since it last loaded, and merges theirs if
   * they did). False: not saved (another thread committed first, or the table
   * is full); msgpackr then reloads and packs again.
   */
  save(list: readonly Structure[], isCompatible: (existing: Structure[]) => boolean): boolean {
    const head = Atomics.load(this.#words, HEAD);
    if (!isCompatible(JSON.parse(this.#jsonAt(head)) as Structure[])) return false;
    // Keys as msgpackr's UTF-8 would carry them inline (a lone surrogate becomes U+FFFD), so that a
    // shape's keys arrive the same whether it is shared or not. JSON.stringify alone would keep them exact.
    const encoded = utf8.encode(JSON.stringify(list.map((keys) => Array.from(keys, (key) => fromUtf8.decode(utf8.encode(String(key)))))));
    // Reserve a record and bytes of our own: nobody else writes them, nobody reads them before our CAS.
    const record = Atomics.add(this.#words, RECORDS_USED, 1);
    if (record >= MAX_COMMITS) return false;
    const offset = Atomics.add(this.#words, BYTES_USED, encoded.length);
    if (offset + encoded.length > DATA_BYTES) return false;
    this.#bytes.set(encoded, offset);
    const at = RECORDS_AT + record * RECORD_WORDS;
    this.#words[at] = offset;
    this.#words[at + 1] = encoded.length;
    // HEAD == head: nobody committed since we checked compatibility, so our
    // list extends theirs. The CAS (sequentially consistent) publishes the
    // bytes and the record written above to whoever loads the new HEAD.
    return Atomics.compareExchange(this.#words, HEAD, head, record + 1) === head;
  }

  /** The JSON of the list that commit record `head - 1` holds ('[]' for 0). Published bytes never change. */
  #jsonAt(head: number): string {
    if (head !== this.#cachedHead) {
      const at = RECORDS_AT + (head - 1) * RECORD_WORDS;
      const offset = this.#words[at];
      // A copy: TextDecoder does not read views of shared memory in every engine.
      this.#cachedJson = fromUtf8.decode(this.#bytes.slice(offset, offset + this.#words[at + 1]));
      this.#cachedHead = head;
    }
    return this.#cachedJson;
  }
}
