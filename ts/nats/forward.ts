// forward: a local queue's messages to a NATS subject. It drains the queue
// in place, in batches, copies each message once into its publish, and
// publishes through JetStream to the subject's stream (created here), which
// keeps them until a durable receiver acks them; core NATS subscribers of
// the subject get them too, each with a header naming the queue's codec
// (durable receivers check the codec once, against the stream). At most
// WINDOW publishes await their acknowledgement at a time: that is the
// backpressure. A publish is sent once (the client does not retry it), so it
// carries no message id for JetStream's duplicate window: a failed one stops
// forwarding with an error instead.
import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { headers, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import type { Queue } from '../queue/queue.js';
import { checkSubject, streamNames } from './names.js';
import { checkConnection, checkOptionsObject, checkQueue } from './options.js';
import { ensureStream, manager } from './streams.js';
import { CODEC_HEADER } from './wire.js';

/**
 * Options of {@link forward}.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import type { ForwardOptions } from 'wasmq/nats';
 *
 * const options: ForwardOptions = { connection: await connect(), subject: 'events' };
 * ```
 */
export interface ForwardOptions {
  /** A NATS connection the caller opened; it stays the caller's to close. */
  readonly connection: NatsConnection;
  /** Where the messages go: receive({ subject }) takes them from there. */
  readonly subject: string;
}

/** Messages taken off the queue per drain. */
const BATCH = 256;
/** Publishes awaiting JetStream's acknowledgement at most. */
const WINDOW = 1024;

/**
 * A running forward: {@link forward} makes one.
 *
 * @example
 * ```ts
 * import type { Forwarder } from 'wasmq/nats';
 *
 * declare const tx: Forwarder;
 * await tx.close(); // what was drained is stored by NATS first
 * console.log(tx.forwarded, 'messages forwarded');
 * ```
 */
export class Forwarder {
  /** Where the messages go. */
  readonly subject: string;
  readonly #queue: Queue<unknown>;
  readonly #js: JetStreamClient;
  readonly #headers: MsgHdrs;
  readonly #stop = new AbortController();
  #forwarded = 0;
  #failure: unknown;
  /**
   * Settles when forwarding stops: resolves after close() or once the queue
   * is closed and drained (every message stored by NATS), rejects with the
   * error that stopped it.
   */
  done: Promise<void> = Promise.resolve();

  /** @internal Use {@link forward}. */
  constructor(queue: Queue<unknown>, connection: NatsConnection, subject: string) {
    this.#queue = queue;
    this.subject = subject;
    this.#js = jetstream(connection);
    this.#headers = headers();
    this.#headers.set(CODEC_HEADER, queue.handle.codec);
  }

  /** Messages stored by NATS so far. */
  get forwarded(): number {
    return this.#forwarded;
  }

  /** @internal */
  start(): this {
    this.done = this.#run().then(() => {
      if (this.#failure !== undefined) throw this.#failure;
    });
    this.done.catch(() => {}); // the caller's to see through done or close(), not an unhandled rejection
    return this;
  }

  /**
   * Forwards what the queue holds now, stops, and waits until NATS has
   * stored every message forwarded. Rejects if NATS did not store one.
   */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.done;
  }

  async #run(): Promise<void> {
    const acks: Promise<PubAck>[] = [];
    const publish = (bytes: Uint8Array, offset: number, length: number) => {
      // The view is valid only during the call: the publish takes a copy.
      const data = bytes.slice(offset, offset + length);
      acks.push(this.#js.publish(this.subject, data, { headers: this.#headers }));
    };
    try {
      for (;;) {
        let n: number;
        if (this.#stop.signal.aborted) {
          n = this.#queue.tryDrain(publish, BATCH); // closing: what is left now, without waiting
          if (n === 0) break;
        } else {
          try {
            n = await this.#queue.drainAsync(publish, { max: BATCH, signal: this.#stop.signal });
          } catch (e) {
            if (this.#stop.signal.aborted) continue;
            throw e;
          }
          if (n === 0) break; // closed and drained
        }
        if (acks.length >= WINDOW) await this.#settle(acks.splice(0));
      }
    } catch (e) {
      this.#failure = e;
    } finally {
      await this.#settle(acks.splice(0)).catch((e: unknown) => (this.#failure ??= e));
    }
  }

  async #settle(acks: Promise<PubAck>[]): Promise<void> {
    const results = await Promise.allSettled(acks);
    for (const r of results) {
      if (r.status === 'fulfilled') this.#forwarded++;
      else throw new Error(`forward to "${this.subject}": NATS did not store a message: ${(r.reason as Error)?.message ?? r.reason}`, { cause: r.reason });
    }
  }
}

/**
 * Forwards every message of `queue` (any codec: the bytes travel as
 * encoded) to `subject`, until close() or until the queue is closed and
 * drained. Messages keep the queue's order. Needs JetStream: the subject's
 * stream is created if missing.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { createQueue } from 'wasmq';
 * import { forward } from 'wasmq/nats';
 *
 * const connection = await connect({ servers: 'localhost:4222' });
 * const queue = createQueue({ codec: 'json' });
 * const tx = await forward(queue, { connection, subject: 'events' });
 * queue.push({ hello: 'world' }); // on its way to every receive({ subject: 'events' })
 * await tx.close();
 * ```
 */
export async function forward(queue: Queue<any>, options: ForwardOptions): Promise<Forwarder> {
  const what = 'forward';
  checkQueue(queue, what, 'drainAsync', 'first, then { connection, subject }');
  checkOptionsObject(options, what, '{ connection, subject }');
  const connection = checkConnection(options.connection, what);
  const subject = checkSubject(options.subject, what);
  await ensureStream(await manager(connection, what), streamNames(subject), queue.handle.codec, what);
  return new Forwarder(queue, connection, subject).start();
}
