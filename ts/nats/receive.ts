// receive: a subject's messages into a local queue. With `durable`, from the
// subject's JetStream stream through a durable consumer: pulled in small
// batches, each message acked only after it is in the queue, and no pull
// while the queue is full, so a receiver that dies loses nothing (its
// unacked messages are delivered again, in order, to the next receiver of
// that durable). Without it, core NATS: at most once, and a message that
// arrives while the queue is full waits in this process's memory.
import { jetstream, type Consumer, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Queue } from '../queue/queue.js';
import { checkSubject, streamNames } from './names.js';
import { checkConnection } from './options.js';
import { ensureReceiveConsumer, ensureStream, manager } from './streams.js';
import { CODEC_HEADER } from './wire.js';

/**
 * Options of {@link receive}.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import type { ReceiveOptions } from 'wasmq/nats';
 *
 * const options: ReceiveOptions = { connection: await connect(), subject: 'events', durable: 'indexer' };
 * ```
 */
export interface ReceiveOptions {
  /** A NATS connection the caller opened; it stays the caller's to close. */
  readonly connection: NatsConnection;
  /** The subject forward() publishes to. */
  readonly subject: string;
  /**
   * A name for this receiver's place in the stream: receivers with the same
   * name share the messages (each goes to one of them) and carry on where a
   * dead one stopped. Without it: core NATS, at most once.
   */
  readonly durable?: string;
}

/** Messages pulled at a time (durable). */
const BATCH = 64;
/** How long a pull waits for messages (ms). */
const FETCH_EXPIRES_MS = 1_000;
/** How long a durable receiver may hold a message before it is delivered to another (ms); renewed while the queue is full. */
const ACK_WAIT_MS = 10_000;

/**
 * A running receive: {@link receive} makes one.
 *
 * @example
 * ```ts
 * import type { Receiver } from 'wasmq/nats';
 *
 * declare const rx: Receiver;
 * await rx.close();
 * console.log(rx.received, 'messages put into the queue');
 * ```
 */
export class Receiver {
  /** Where the messages come from. */
  readonly subject: string;
  readonly #queue: Queue<unknown>;
  readonly #stop = new AbortController();
  #received = 0;
  #sub: Subscription | undefined;
  /**
   * Settles when receiving stops: resolves after close(), rejects with the
   * error that stopped it (a message from a queue of another codec, a
   * closed queue, a message too large for it).
   */
  done: Promise<void> = Promise.resolve();

  /** @internal Use {@link receive}. */
  constructor(queue: Queue<unknown>, subject: string) {
    this.#queue = queue;
    this.subject = subject;
  }

  /** Messages put into the queue so far. */
  get received(): number {
    return this.#received;
  }

  /** @internal Core NATS: every message published from now on. */
  startCore(connection: NatsConnection): this {
    this.#sub = connection.subscribe(this.subject);
    this.#run(async () => {
      for await (const m of this.#sub!) await this.#put(m);
    });
    return this;
  }

  /** @internal Durable: pulls from the stream through `consumer`. */
  startDurable(consumer: Consumer): this {
    this.#run(async () => {
      while (!this.#stop.signal.aborted) {
        let fetching: ConsumerMessages;
        try {
          fetching = await consumer.fetch({ max_messages: BATCH, expires: FETCH_EXPIRES_MS });
        } catch {
          await new Promise((r) => setTimeout(r, 250)); // the server is away: pull again shortly
          continue;
        }
        for await (const m of fetching) await this.#putAcked(m);
      }
    });
    return this;
  }

  /**
   * Stops receiving. A durable receiver gives the messages it pulled and
   * has not put into the queue back to the stream, where the next receiver
   * of its name gets them first. Rejects if receiving had failed (a message
   * from a queue of another codec, a closed queue).
   */
  async close(): Promise<void> {
    this.#stop.abort();
    if (this.#sub && !this.#sub.isClosed()) this.#sub.unsubscribe();
    // A pull in progress ends within FETCH_EXPIRES_MS; what it brings is given back (#putAcked).
    await this.done;
  }

  #run(body: () => Promise<void>): void {
    this.done = body().catch((e: unknown) => {
      if (!this.#stop.signal.aborted) throw e;
    });
    this.done.catch(() => {}); // a failure is the caller's to see through done or close(), not an unhandled rejection
  }

  async #putAcked(m: JsMsg): Promise<void> {
    // Closing: give it back now (nak), so the next receiver of this name gets
    // it first, in order, rather than after the ack wait.
    if (this.#stop.signal.aborted) return m.nak();
    // While the queue is full, keep the claim on this message alive.
    const renew = setInterval(() => m.working(), ACK_WAIT_MS / 3);
    try {
      await this.#put(m);
    } catch (e) {
      m.nak();
      if (this.#stop.signal.aborted) return; // closed while waiting for room
      throw e;
    } finally {
      clearInterval(renew);
    }
    m.ack(); // only now: the message is in the queue
  }

  /** Puts one message's bytes (as encoded by the sending queue's codec) into the queue, waiting while it is full. */
  async #put(m: Msg | JsMsg): Promise<void> {
    const codec = m.headers?.get(CODEC_HEADER);
    const mine = this.#queue.handle.codec;
    if (codec && codec !== mine && codec !== 'custom' && mine !== 'custom') {
      throw new TypeError(`receive from "${this.subject}": a message from a queue with codec '${codec}' cannot go into this queue, whose codec is '${mine}'`);
    }
    const data = m.data;
    await this.#queue.publishAsync(data.length, (bytes, offset) => bytes.set(data, offset), { signal: this.#stop.signal });
    this.#received++;
  }
}

/**
 * Receives the messages forward() sends to `subject` into `queue` (whose
 * codec must be the sending queue's), until close(). With `durable`,
 * nothing is lost when this process dies: see {@link ReceiveOptions.durable}.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { createQueue } from 'wasmq';
 * import { receive } from 'wasmq/nats';
 *
 * const connection = await connect({ servers: 'localhost:4222' });
 * const queue = createQueue<{ hello: string }>({ codec: 'json' });
 * const rx = await receive({ connection, subject: 'events', durable: 'printer' }, queue);
 * console.log(await queue.popAsync()); // { hello: 'world' }, from whichever process forwarded it
 * await rx.close();
 * ```
 */
export async function receive(options: ReceiveOptions, queue: Queue<any>): Promise<Receiver> {
  const what = 'receive';
  if (options === null || typeof options !== 'object') throw new TypeError(`${what} takes an options object { connection, subject, durable? } first, then a queue`);
  if (queue === null || typeof queue !== 'object' || typeof (queue as Queue<unknown>).publishAsync !== 'function') {
    throw new TypeError(`${what} takes a wasmq Queue (createQueue or attachQueue) second`);
  }
  const connection = checkConnection(options.connection, what);
  const subject = checkSubject(options.subject, what);
  const { durable } = options;
  const receiver = new Receiver(queue, subject);
  if (durable === undefined) return receiver.startCore(connection);
  if (typeof durable !== 'string' || durable === '') throw new TypeError(`${what}: option durable must be a non-empty string (the receiver's name); got ${typeof durable}`);
  const names = streamNames(subject);
  const jsm = await manager(connection, what);
  await ensureStream(jsm, names, what);
  await ensureReceiveConsumer(jsm, names, durable, ACK_WAIT_MS, what);
  return receiver.startDurable(await jetstream(connection).consumers.get(names.stream, names.consumer(durable)));
}
