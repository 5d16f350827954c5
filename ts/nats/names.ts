// What wasmq/nats derives from a user's subject: the JetStream stream and
// durable consumer a remote pool shares, and the subjects its tasks and
// streamed messages travel on. Names are derived, never configured, so that
// every machine given the same subject meets at the same stream.

/** A NATS subject for publishing: dot-separated tokens, none empty, no wildcards or whitespace. */
const SUBJECT = /^[^.*>\s]+(\.[^.*>\s]+)*$/;

/** Checks a user's subject; returns it. `what` names the call, for the message. */
export function checkSubject(subject: unknown, what: string): string {
  if (typeof subject !== 'string' || !SUBJECT.test(subject)) {
    throw new TypeError(
      `${what}: subject must be a NATS subject to publish on (tokens separated by dots, none empty, ` +
        `no '*', '>' or whitespace); got ${typeof subject === 'string' ? JSON.stringify(subject) : typeof subject}`,
    );
  }
  return subject;
}

/**
 * A stream or consumer name for `subject`: letters, digits and '-' kept,
 * every other character as _XX (its UTF-16 code unit in hex), so two
 * subjects never share a name and the name has none of the characters
 * JetStream refuses ('.', '*', '>', whitespace, path separators).
 */
function token(subject: string): string {
  return subject.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Where a remote pool on `subject` meets: its work-queue stream, the subject tasks go to, and the one durable consumer every machine shares. */
export interface PoolNames {
  readonly stream: string;
  readonly tasks: string;
  readonly consumer: string;
}

export function poolNames(subject: string): PoolNames {
  return { stream: `WASMQ_POOL_${token(subject)}`, tasks: `wasmq.pool.${subject}`, consumer: 'wasmq-pool' };
}

/** Where a forwarded queue's messages go: with `durable`, a stream of their own and the receivers' durable consumer. */
export interface StreamNames {
  readonly stream: string;
  readonly subject: string;
  readonly consumer: (durable: string) => string;
}

export function streamNames(subject: string): StreamNames {
  return { stream: `WASMQ_STREAM_${token(subject)}`, subject, consumer: (durable) => `wasmq-${token(durable)}` };
}
