// The wire format of tasks and results in the kernel queues.
//
// Both queues carry raw bytes; this module turns [taskId, payload] into bytes
// and back with the one structured-value serializer (ts/serialize.ts), the
// same one SharedChannel uses, over the pool's table of shared object shapes
// (ts/structures.ts: every thread of the pool passes its serializer over that
// table, so the bytes only decode within the pool): what it carries, approximates (the pool has no
// platform lane: -0 arrives as 0, holes as undefined, ...) and rejects with a
// DataCloneError (functions, symbols, platform objects) is listed there.
//
// Errors thrown by a task are sent as plain records, not as Error values,
// because those keep only name, message and cause and the user wants the
// stack and `code`.
import { readScalar, scalarLength, writeScalar } from '../scalars.js';
import { isDataCloneError, namedCloneError, type Serializer } from '../serialize.js';

/** What a result message says about its task. */
export const RESULT_OK = 1;
export const RESULT_ERROR = 0;

/** An error thrown by a task, as it travels back to the pool. */
interface ErrorRecord {
  readonly $wasmqError: true;
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: unknown;
  readonly cause: unknown;
}

/**
 * A task message is [header: u32 LE][name section?][msgpack of the input].
 * The header's low 31 bits are the task id (at most ID_LIMIT, 2^30), which sits in a fixed place so
 * that the input can be encoded once, when run() is called (it is a
 * snapshot, like postMessage), while the id is written only when the message
 * actually enters the queue (see control.ts on why ids must enter the queue
 * in order). Bit 31 (NAMED) says a name section follows: [length: u16 LE]
 * [the handler's name, UTF-8], for run(input, { name }).
 */
export const TASK_HEADER_BYTES = 4;
const NAMED = 0x80000000;
const ID_MASK = 0x7fffffff;
/** Longest handler name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 0xffff;

const names = new Map<string, Uint8Array>();
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * The payload of a task message (everything after the header): the name
 * section if `name` is given, then the input. Encodes into the serializer's
 * reused buffer (valid until the next encode on this thread) unless there is
 * a name. Throws a DataCloneError for what the serializer cannot carry.
 */
export function encodeTaskInput(s: Serializer, input: unknown, name?: string): Uint8Array {
  const encoded = s.serialize(input);
  if (name === undefined) return encoded;
  let section = names.get(name);
  if (section === undefined) {
    const bytes = utf8.encode(name);
    if (bytes.length > MAX_NAME_BYTES) {
      throw new RangeError(`a task function name is at most ${MAX_NAME_BYTES} bytes of UTF-8; got ${bytes.length}`);
    }
    section = new Uint8Array(2 + bytes.length);
    section[0] = bytes.length;
    section[1] = bytes.length >>> 8;
    section.set(bytes, 2);
    if (names.size < 1024) names.set(name, section);
  }
  const out = new Uint8Array(section.length + encoded.length);
  out.set(section);
  out.set(encoded, section.length);
  return out;
}

/** Writes the header: the id, and whether the payload starts with a name section. */
export function writeTaskId(message: Uint8Array, id: number, named: boolean): void {
  const word = (id | (named ? NAMED : 0)) >>> 0;
  message[0] = word;
  message[1] = word >>> 8;
  message[2] = word >>> 16;
  message[3] = word >>> 24;
}

function headerOf(message: Uint8Array): number {
  return (message[0] | (message[1] << 8) | (message[2] << 16) | (message[3] << 24)) >>> 0;
}

export function readTaskId(message: Uint8Array): number {
  return headerOf(message) & ID_MASK;
}

/** The name run() gave the task, or undefined (the worker's single or default handler). */
export function readTaskName(message: Uint8Array): string | undefined {
  if ((headerOf(message) & NAMED) === 0) return undefined;
  const length = message[TASK_HEADER_BYTES] | (message[TASK_HEADER_BYTES + 1] << 8);
  const from = TASK_HEADER_BYTES + 2;
  return fromUtf8.decode(message.slice(from, from + length));
}

export function decodeTaskInput(s: Serializer, message: Uint8Array): unknown {
  let from = TASK_HEADER_BYTES;
  if ((headerOf(message) & NAMED) !== 0) from += 2 + (message[from] | (message[from + 1] << 8));
  return s.deserialize(message.subarray(from));
}

/**
 * A result message: msgpack of [task id, status, value, run time in ms (how
 * long the handler took, measured in the worker)]. Valid until the next encode.
 */
export function encodeResult(s: Serializer, id: number, status: number, value: unknown, runMs = 0): Uint8Array {
  if (status === RESULT_OK) {
    // A scalar result: the same bytes msgpackr writes for the array, without
    // msgpackr (scalars.ts); a tiny task's result costs a few byte stores.
    tuple[0] = 0x94; // msgpack fixarray of 4
    let n = 1 + writeScalar(tuple, 1, id);
    n += writeScalar(tuple, n, status);
    const v = writeScalar(tuple, n, value);
    if (v > 0) return tuple.subarray(0, n + v + writeScalar(tuple, n + v, runMs));
  }
  return s.serialize([id, status, status === RESULT_ERROR ? toErrorRecord(value) : value, runMs]);
}
/** Where encodeResult writes a result of four scalars (each at most 9 bytes). */
const tuple = new Uint8Array(1 + 4 * 9);

/** A result message of four scalars (what encodeResult writes for a scalar result), or undefined. */
function scalarResult(bytes: Uint8Array): [id: number, status: number, value: unknown, runMs: number] | undefined {
  if (bytes[0] !== 0x94) return undefined;
  const end = bytes.length;
  const fields: unknown[] = [];
  let at = 1;
  for (let i = 0; i < 4; i++) {
    const n = scalarLength(bytes, at, end);
    if (n === 0) return undefined;
    fields.push(readScalar(bytes, at));
    at += n;
  }
  return at === end ? (fields as [number, number, unknown, number]) : undefined;
}

/**
 * Never throws for bytes encodeResult made: a value the serializer wrote but
 * cannot read back (a typed-array subclass) fails that task, by its id,
 * instead of the pool's result loop.
 */
export function decodeResult(s: Serializer, bytes: Uint8Array): [id: number, status: number, value: unknown, runMs: number] {
  let r = scalarResult(bytes);
  if (r === undefined) {
    try {
      r = s.deserialize(bytes) as [number, number, unknown, number];
    } catch (cause) {
      const id = resultIdOf(bytes);
      if (id === undefined) throw cause;
      return [id, RESULT_ERROR, encodingFailure("the task's result could not be decoded", cause), NaN];
    }
  }
  if (r[1] === RESULT_ERROR) r[2] = fromErrorRecord(r[2]);
  return r;
}

/**
 * The error for a task input (run()) or result (serve) that could not be
 * serialized: `${what}: ${the reason}`, a DataCloneError when the reason is one
 * (so `error.name === 'DataCloneError'` holds whichever side found it), else a
 * TypeError with the reason as its cause.
 */
export function encodingFailure(what: string, cause: unknown): Error {
  const message = `${what}: ${(cause as Error)?.message ?? String(cause)}`;
  return isDataCloneError(cause) ? namedCloneError(message) : new TypeError(message, { cause });
}

/** Reads the id of a result message without decoding it: 0x94 (an array of four), then the id as a msgpack uint. */
function resultIdOf(bytes: Uint8Array): number | undefined {
  let i = 0;
  if (bytes[0] === 0xc1) {
    // serialize's "__proto__" framing: 0xc1, then [[id, status, value, runMs], fixups]
    if (bytes[1] !== 0x92) return undefined;
    i = 2;
  }
  if (bytes[i++] !== 0x94) return undefined;
  // The id is a msgpack uint: a positive fixint, 0xcc, 0xcd or 0xce (scalars.ts reads them all).
  const b = bytes[i];
  if (!(b < 0x40 || b === 0xcc || b === 0xcd || b === 0xce) || scalarLength(bytes, i, bytes.length) === 0) return undefined;
  return readScalar(bytes, i) as number;
}

/** `seen`: the errors above this one in the cause chain; a cause that loops back is left out. */
export function toErrorRecord(thrown: unknown, seen?: Set<Error>): unknown {
  if (!(thrown instanceof Error)) return thrown; // `throw 'text'` arrives as 'text', like postMessage
  const code = (thrown as { code?: unknown }).code;
  const cause = thrown.cause;
  let causeRecord = cause;
  if (cause instanceof Error) {
    (seen ??= new Set()).add(thrown);
    causeRecord = seen.has(cause) ? undefined : toErrorRecord(cause, seen);
  }
  const record: ErrorRecord = {
    $wasmqError: true,
    name: thrown.name,
    message: thrown.message,
    stack: thrown.stack,
    code: code,
    cause: causeRecord,
  };
  return record;
}

export function fromErrorRecord(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || (value as ErrorRecord).$wasmqError !== true) return value;
  const r = value as ErrorRecord;
  const error = new Error(r.message, r.cause === undefined ? undefined : { cause: fromErrorRecord(r.cause) });
  // Keep the worker's stack: it points at the task code, which is what the user needs.
  error.name = r.name;
  if (r.stack !== undefined) error.stack = r.stack;
  if (r.code !== undefined) (error as { code?: unknown }).code = r.code;
  return error;
}
