// The wire format of tasks and results in the kernel queues.
//
// Both queues carry raw bytes; this module turns [taskId, payload] into bytes
// and back with the one structured-value serializer (ts/serialize.ts), the
// same one SharedChannel uses: what it carries, approximates (the pool has no
// platform lane: -0 arrives as 0, holes as undefined, ...) and rejects with a
// DataCloneError (functions, symbols, platform objects) is listed there.
//
// Errors thrown by a task are sent as plain records, not as Error values,
// because those keep only name, message and cause and the user wants the
// stack and `code`.
import { deserialize, isDataCloneError, namedCloneError, serialize } from '../serialize.js';

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
 * A task message is [task id: u32 LE][msgpack of the input]. The id sits in
 * a fixed header so that the input can be encoded once, when run() is
 * called (it is a snapshot, like postMessage), while the id is written only
 * when the message actually enters the queue (see control.ts on why ids must
 * enter the queue in order).
 */
export const TASK_HEADER_BYTES = 4;

/**
 * Encodes into the serializer's reused buffer: valid only until the next
 * encode on this thread. Throws a DataCloneError for what the serializer
 * cannot carry.
 */
export function encodeTaskInput(input: unknown): Uint8Array {
  return serialize(input);
}

export function writeTaskId(message: Uint8Array, id: number): void {
  message[0] = id;
  message[1] = id >>> 8;
  message[2] = id >>> 16;
  message[3] = id >>> 24;
}

export function readTaskId(message: Uint8Array): number {
  return (message[0] | (message[1] << 8) | (message[2] << 16) | (message[3] << 24)) >>> 0;
}

export function decodeTaskInput(message: Uint8Array): unknown {
  return deserialize(message.subarray(TASK_HEADER_BYTES));
}

/** A result message: msgpack of [task id, status, value]. Valid until the next encode. */
export function encodeResult(id: number, status: number, value: unknown): Uint8Array {
  return serialize([id, status, status === RESULT_ERROR ? toErrorRecord(value) : value]);
}

/**
 * Never throws for bytes encodeResult made: a value the serializer wrote but
 * cannot read back (a typed-array subclass) fails that task, by its id,
 * instead of the pool's result loop.
 */
export function decodeResult(bytes: Uint8Array): [id: number, status: number, value: unknown] {
  let r: [number, number, unknown];
  try {
    r = deserialize(bytes) as [number, number, unknown];
  } catch (cause) {
    const id = resultIdOf(bytes);
    if (id === undefined) throw cause;
    return [id, RESULT_ERROR, encodingFailure("the task's result could not be decoded", cause)];
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

/** Reads the id of a result message without decoding it: 0x93 (an array of three), then the id as a msgpack uint. */
function resultIdOf(bytes: Uint8Array): number | undefined {
  let i = 0;
  if (bytes[0] === 0xc1) {
    // serialize's "__proto__" framing: 0xc1, then [[id, status, value], fixups]
    if (bytes[1] !== 0x92) return undefined;
    i = 2;
  }
  if (bytes[i++] !== 0x93) return undefined;
  const b = bytes[i];
  if (b < 0x40) return b; // msgpackr's positive fixint range when records are on
  const view = new DataView(bytes.buffer, bytes.byteOffset + i + 1);
  if (b === 0xcc) return view.getUint8(0);
  if (b === 0xcd) return view.getUint16(0);
  if (b === 0xce) return view.getUint32(0);
  return undefined;
}

/** `seen`: the errors above this one in the cause chain; a cause that loops back is left out. */
function toErrorRecord(thrown: unknown, seen?: Set<Error>): unknown {
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

function fromErrorRecord(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || (value as ErrorRecord).$wasmqError !== true) return value;
  const r = value as ErrorRecord;
  const error = new Error(r.message, r.cause === undefined ? undefined : { cause: fromErrorRecord(r.cause) });
  // Keep the worker's stack: it points at the task code, which is what the user needs.
  error.name = r.name;
  if (r.stack !== undefined) error.stack = r.stack;
  if (r.code !== undefined) (error as { code?: unknown }).code = r.code;
  return error;
}
