// The wire format of tasks and results in the kernel queues.
//
// Both queues carry raw bytes; this module turns [taskId, payload] into bytes
// and back with msgpackr in structured-clone mode, which keeps what
// postMessage keeps for the common cases (Map, Set, Date, RegExp, typed
// arrays, bigint, cycles and shared references). Unlike postMessage it drops
// functions and symbols silently (they become undefined) instead of throwing.
//
// Errors are sent as plain records, not msgpackr's Error extension, because
// that extension keeps only name and message and the user wants the stack.
import { Packr } from 'msgpackr';

// copyBuffers: decoded typed arrays must not be views of the buffer they were
// decoded from, which the pool reuses for the next message.
const packr = new Packr({ structuredClone: true, copyBuffers: true });

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

/** Encodes into msgpackr's reused buffer: valid only until the next encode on this thread. */
export function encodeTaskInput(input: unknown): Uint8Array {
  return packr.pack(input);
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
  return packr.unpack(message.subarray(TASK_HEADER_BYTES));
}

/** A result message: msgpack of [task id, status, value]. Valid until the next encode. */
export function encodeResult(id: number, status: number, value: unknown): Uint8Array {
  return packr.pack([id, status, status === RESULT_ERROR ? toErrorRecord(value) : value]);
}

export function decodeResult(bytes: Uint8Array): [id: number, status: number, value: unknown] {
  const r = packr.unpack(bytes) as [number, number, unknown];
  if (r[1] === RESULT_ERROR) r[2] = fromErrorRecord(r[2]);
  return r;
}

function toErrorRecord(thrown: unknown): unknown {
  if (!(thrown instanceof Error)) return thrown; // `throw 'text'` arrives as 'text', like postMessage
  const code = (thrown as { code?: unknown }).code;
  const record: ErrorRecord = {
    $wasmqError: true,
    name: thrown.name,
    message: thrown.message,
    stack: thrown.stack,
    code: code,
    cause: thrown.cause instanceof Error ? toErrorRecord(thrown.cause) : thrown.cause,
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
