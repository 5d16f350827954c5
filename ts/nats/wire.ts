// The messages of a remote pool: a task (input, and where its result goes)
// and a result (value or error), each a NATS message whose headers say what
// it belongs to and whose payload is serialize()'s bytes, the same
// structured-clone-family values a local pool carries.
import { headers, type MsgHdrs } from '@nats-io/nats-core';
import { deserialize, serialize } from '../serialize.js';
import { fromErrorRecord, toErrorRecord } from '../pool/task-codec.js';

/** Header names. */
const ID = 'Wasmq-Id';
const REPLY = 'Wasmq-Reply';
const NAME = 'Wasmq-Name';
const DEADLINE = 'Wasmq-Deadline';
const STATUS = 'Wasmq-Status';
/** On a forwarded message: the codec of the queue it came from (a receiving queue must have the same). */
export const CODEC_HEADER = 'Wasmq-Codec';

export interface TaskMeta {
  /** Unique per run() call; results are matched (and duplicates dropped) by it. */
  readonly id: string;
  /** The subject the result goes to (the remote pool's inbox). */
  readonly reply: string;
  /** The named handler, if any. */
  readonly name: string | undefined;
  /** Date.now() after which nobody waits for the result any more. */
  readonly deadline: number;
}

export function taskHeaders(meta: TaskMeta): MsgHdrs {
  const h = headers();
  h.set(ID, meta.id);
  h.set(REPLY, meta.reply);
  if (meta.name !== undefined) h.set(NAME, meta.name);
  h.set(DEADLINE, String(meta.deadline));
  return h;
}

/** A task's headers, or undefined when the message is not a wasmq task. */
export function readTaskMeta(h: MsgHdrs | undefined): TaskMeta | undefined {
  const id = h?.get(ID);
  const reply = h?.get(REPLY);
  if (!id || !reply) return undefined;
  const name = h!.get(NAME);
  const deadline = Number(h!.get(DEADLINE));
  return { id, reply, name: name === '' ? undefined : name, deadline: Number.isFinite(deadline) && deadline > 0 ? deadline : Infinity };
}

export const encodeInput = (input: unknown): Uint8Array => serialize(input);
export const decodeInput = (bytes: Uint8Array): unknown => deserialize(bytes);

export interface Result {
  readonly ok: boolean;
  readonly value: unknown;
}

/** A result message: its headers and payload. An error keeps its name, message, stack, code and cause. */
export function encodeResult(id: string, ok: boolean, value: unknown): { headers: MsgHdrs; payload: Uint8Array } {
  const h = headers();
  h.set(ID, id);
  h.set(STATUS, ok ? 'ok' : 'error');
  let payload: Uint8Array;
  try {
    payload = serialize(ok ? value : toErrorRecord(value));
  } catch (cause) {
    // The task's result cannot be carried (a function, a symbol, ...): the caller gets that error instead.
    h.set(STATUS, 'error');
    payload = serialize(toErrorRecord(new TypeError(`the task's result could not be sent: ${(cause as Error)?.message ?? cause}`, { cause })));
  }
  return { headers: h, payload };
}

/** The id a result message answers, and the result (decoding it only when asked). */
export function readResultId(h: MsgHdrs | undefined): string | undefined {
  return h?.get(ID) || undefined;
}

export function decodeResult(h: MsgHdrs, payload: Uint8Array): Result {
  const ok = h.get(STATUS) === 'ok';
  const value = deserialize(payload);
  return { ok, value: ok ? value : fromErrorRecord(value) };
}
