// receive: a subject's messages into a local queue. With `durable`, from the
// subject's JetStream stream through a durable consumer: pulled in small
// batches, each message acked only once a consumer has taken it off the
// queue, and no pull while the queue is full, so a receiver that dies loses
// nothing (its unacked messages are delivered again, in order, to the next
// receiver of that durable). Without it, core NATS: at most once, and a message that
// arrives while the queue is full waits in this process's memory.
import { jetstream, type Consumer, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Queue } from '../queue/queue.js';
import { checkSubject, streamNames } from './names.js';
import { checkConnection, checkOptionsObject, checkQueue } from './options.js';
import { codecsMatch, ensureReceiveConsumer, ensureStream, manager } from './streams.js';
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
const ACK_WAIT_MS = 5_000;
/** How often a durable receiver looks for taken messages to ack while some wait (ms). */
const WATCH_MS = 20;

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
  /** Durable: the messages put (mark >= 0: the queue's claim mark after the push) or being put, not yet acked, in order. */
  readonly #unacked: { m: JsMsg; mark: number }[] = [];
  #taken: ReturnType<Queue<unknown>['takenMark']> | undefined;
  #watch: ReturnType<typeof setInterval> | undefined;
  /**
   * Settles when receiving stops: resolves after close(), rejects with the
   * error that stopped it (over core NATS, a message from a queue of
   * another codec; a closed queue; a message too large for it).
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
      for await (const m of this.#sub!) {
        this.#checkCodec(m);
        await this.#put(m);
      }
    });
    return this;
  }

  /** @internal Durable: pulls from the stream through `consumer`. */
  startDurable(consumer: Consumer): this {
    this.#taken = this.#queue.takenMark();
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
   * of its name gets them first, and acks the ones in the queue: from now on
   * they are this process's. Rejects if receiving had failed (see
   * {@link Receiver.done}).
   */
  async close(): Promise<void> {
    this.#stop.abort();
    if (this.#sub && !this.#sub.isClosed()) this.#sub.unsubscribe();
    // A pull in progress ends within FETCH_EXPIRES_MS; what it brings is given back (#putAcked).
    await this.done.catch(() => {});
    // What is in the queue stays there, for this process's consumers: it is theirs now.
    for (const { m } of this.#unacked.splice(0)) m.ack();
    clearInterval(this.#watch);
    this.#watch = undefined;
    await this.done;
  }

  #run(body: () => Promise<void>): void {
    this.done = body().catch((e: unknown) => {
      if (!this.#stop.signal.aborted) throw e;
    });
    this.done.catch(() => {}); // a failure is the caller's to see through done or close(), not an unhandled rejection
  }

  /**
   * Puts a durable message into the queue, and acks it only once a consumer
   * has taken it off the queue (not merely once it is in: a queue dies with
   * its process, so a message acked on push and not yet popped would be
   * lost with a dying receiver). Until then its claim is renewed.
   */
  async #putAcked(m: JsMsg): Promise<void> {
    // Closing: give it back now (nak), so the next receiver of this name gets
    // it first, in order, rather than after the ack wait.
    if (this.#stop.signal.aborted) return m.nak();
    this.#unacked.push({ m, mark: -1 });
    this.#keepClaims();
    try {
      await this.#put(m);
    } catch (e) {
      this.#unacked.pop();
      m.nak();
      if (this.#stop.signal.aborted) return; // closed while waiting for room
      throw e;
    }
    // Every cell before this mark, ours included, was claimed by the time it is read.
    this.#unacked[this.#unacked.length - 1]!.mark = this.#taken!.mark();
    this.#ackTaken();
  }

  /** Acks, in order, the messages consumers have taken. */
  #ackTaken(): void {
    const taken = this.#taken!;
    let n = 0;
    while (n < this.#unacked.length && this.#unacked[n]!.mark >= 0 && taken.taken(this.#unacked[n]!.mark)) this.#unacked[n++]!.m.ack();
    if (n > 0) this.#unacked.splice(0, n);
  }

  /** While messages wait unacked (in the queue, or for room in it): renew their claims, and ack the ones taken meanwhile. */
  #keepClaims(): void {
    if (this.#watch !== undefined) return;
    let sinceRenew = 0;
    this.#watch = setInterval(() => {
      this.#ackTaken();
      if ((sinceRenew += WATCH_MS) >= ACK_WAIT_MS / 3) {
        sinceRenew = 0;
        for (const { m } of this.#unacked) m.working();
      }
      if (this.#unacked.length === 0) {
        clearInterval(this.#watch);
        this.#watch = undefined;
      }
    }, WATCH_MS);
  }

  /** Core NATS: a message forward() sent names its queue's codec, which must match this queue's (durable: checked once, against the stream). */
  #checkCodec(m: Msg): void {
    const codec = m.headers?.get(CODEC_HEADER);
    const mine = this.#queue.handle.codec;
    if (codec && !codecsMatch(codec, mine)) {
      throw new TypeError(`receive from "${this.subject}": a message from a queue with codec '${codec}' cannot go into this queue, whose codec is '${mine}'`);
    }
  }

  /** Puts one message's bytes (as encoded by the sending queue's codec) into the queue, waiting while it is full. */
  async #put(m: Msg | JsMsg): Promise<void> {
    const data = m.data;
    await this.#queue.publishAsync(data.length, (bytes, offset) => bytes.set(data, offset), { signal: this.#stop.signal });
    this.#received++;
  }
}

/**
 * Receives the messages forward() sends to `subject` into `queue` (whose
 * codec must be the sending queue's), until close(). With `durable`,
 * nothing is lost when this process dies: see {@link ReceiveOptions.durable}.
 * Rejects at once when `durable` is given and the subject's stream carries
 * messages of another codec.
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
  checkOptionsObject(options, what, '{ connection, subject, durable? } first, then a queue');
  checkQueue(queue, what, 'publishAsync', 'second');
  const connection = checkConnection(options.connection, what);
  const subject = checkSubject(options.subject, what);
  const { durable } = options;
  const receiver = new Receiver(queue, subject);
  if (durable === undefined) return receiver.startCore(connection);
  if (typeof durable !== 'string' || durable === '') throw new TypeError(`${what}: option durable must be a non-empty string (the receiver's name); got ${typeof durable}`);
  const names = streamNames(subject);
  const jsm = await manager(connection, what);
  await ensureStream(jsm, names, queue.handle.codec, what);
  const info = await ensureReceiveConsumer(jsm, names, durable, ACK_WAIT_MS, what);
  // Messages a previous receiver of this name held unacked when it died come
  // back after the ack wait; pulling before that would put newer messages
  // ahead of them. So wait (at most the ack wait, and a margin) until none
  // is held. A live receiver of the same name holding messages also delays
  // this start that long.
  if (info.num_ack_pending > 0) await heldReleased(jsm, names.stream, names.consumer(durable));
  return receiver.startDurable(await jetstream(connection).consumers.get(names.stream, names.consumer(durable)));
}

/** Waits until the consumer holds no unacked message, for at most the ack wait and a margin. */
async function heldReleased(jsm: JetStreamManager, stream: string, consumer: string): Promise<void> {
  const deadline = Date.now() + ACK_WAIT_MS + 2_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if ((await jsm.consumers.info(stream, consumer)).num_ack_pending === 0) return;
  }
}
