// servePool: a machine's share of a pool served over NATS. It pulls tasks
// from the pool's work-queue stream through the durable consumer every
// machine shares, so a task goes to one machine at a time; runs each on the
// local wasmq/pool; publishes the result to the caller's inbox; and only
// then acks. A machine that dies before acking has its tasks redelivered to
// another after the ack wait. A long task keeps its claim with in-progress
// acks, so the ack wait can stay a few seconds.
import { jetstream, type Consumer, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { PoolClosedError } from '../errors.js';
import { checkSubject, poolNames } from './names.js';
import { checkConnection, checkCount, checkOptionsObject, checkTimeout } from './options.js';
import { ensurePoolConsumer, ensurePoolStream, manager } from './streams.js';
import { decodeInput, encodeResult, readTaskMeta, type TaskMeta } from './wire.js';

/**
 * What servePool needs of a pool: wasmq/pool's Pool, or anything with its run().
 *
 * @example
 * ```ts
 * import type { RunsTasks } from 'wasmq/nats';
 *
 * // A stand-in for a pool, e.g. in a test: runs each task on this thread.
 * const inline: RunsTasks = { run: async (input: never) => JSON.stringify(input) };
 * ```
 */
export interface RunsTasks {
  /** Runs one task: Pool.run. */
  run(input: never, options?: { name?: string }): Promise<unknown>;
}

/**
 * Options of {@link servePool}.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import type { ServePoolOptions } from 'wasmq/nats';
 *
 * const options: ServePoolOptions = { connection: await connect(), subject: 'resize', concurrency: 8, ackWaitMs: 5_000 };
 * ```
 */
export interface ServePoolOptions {
  /** A NATS connection the caller opened; it stays the caller's to close. */
  readonly connection: NatsConnection;
  /** The pool's name on NATS: clients reach it with remotePool({ subject }). */
  readonly subject: string;
  /**
   * Tasks this machine holds at once (running, or queued in the local pool).
   * Default: four times what the pool runs at once (maxThreads ×
   * concurrentTasksPerWorker), at least 32: enough that the pool never idles
   * between pulls, few enough that a dead machine strands few tasks.
   */
  readonly concurrency?: number;
  /**
   * How long a machine may hold a task without a sign of life before
   * JetStream gives it to another machine (ms). A running task renews its
   * claim every third of this, so only a dead (or cut-off) machine's tasks
   * move. Every machine of the pool must use the same value. Default: 5000.
   */
  readonly ackWaitMs?: number;
}

/**
 * What a {@link PoolServer} has done.
 *
 * @example
 * ```ts
 * import type { PoolServer, PoolServerStats } from 'wasmq/nats';
 *
 * declare const server: PoolServer;
 * const { completed, redelivered }: PoolServerStats = server.stats;
 * console.log(`${completed} answered here, ${redelivered} of them taken over from a machine that died`);
 * ```
 */
export interface PoolServerStats {
  /** Tasks running on the local pool now. */
  readonly running: number;
  /** Tasks run and answered (with a value or the task's error), then acked. */
  readonly completed: number;
  /** Of those, tasks this machine got again after another holder lost them (JetStream redelivered them). */
  readonly redelivered: number;
  /** Tasks skipped because their caller had stopped waiting (past its timeoutMs), acked without running. */
  readonly expired: number;
}

const DEFAULT_ACK_WAIT_MS = 5_000;
/**
 * How long one pull waits for tasks to arrive before the next pull (ms);
 * tasks that arrive meanwhile start at once, and close() ends the pull early.
 * Long, because a task the server sends as a pull expires can miss the
 * client's ended pull and wait out the ack wait before it is redelivered: with
 * 1 s, 32 of 2100 tasks on one healthy machine came 5 s late, in 5 of 10 runs
 * on a 2-core machine (2026-12-03); with 30 s, none in 5.
 */
const FETCH_EXPIRES_MS = 30_000;
/** After a failed pull (the server away), the next one (ms). */
const FETCH_RETRY_MS = 250;

/**
 * A machine serving a pool over NATS: {@link servePool} makes one.
 *
 * @example
 * ```ts
 * import type { PoolServer } from 'wasmq/nats';
 *
 * declare const server: PoolServer;
 * console.log(server.stats.completed, 'tasks answered here');
 * await server.close(); // the tasks running here finish first
 * ```
 */
export class PoolServer {
  /** The pool's subject. */
  readonly subject: string;
  readonly #pool: RunsTasks;
  readonly #connection: NatsConnection;
  readonly #ackWaitMs: number;
  readonly #concurrency: number;
  #fetching: ConsumerMessages | undefined;
  #loop: Promise<void> | undefined;
  #closing = false;
  #running = 0;
  #completed = 0;
  #redelivered = 0;
  #expired = 0;
  /** Waiting for a free place (the loop) or for nothing to run (close). */
  #onFinish: (() => void)[] = [];

  /** @internal Use {@link servePool}. */
  constructor(pool: RunsTasks, connection: NatsConnection, subject: string, concurrency: number, ackWaitMs: number) {
    this.#pool = pool;
    this.#connection = connection;
    this.subject = subject;
    this.#concurrency = concurrency;
    this.#ackWaitMs = ackWaitMs;
  }

  /** What this machine has done so far. */
  get stats(): PoolServerStats {
    return { running: this.#running, completed: this.#completed, redelivered: this.#redelivered, expired: this.#expired };
  }

  /** @internal Sets up the stream and consumer, and starts taking tasks. */
  async start(): Promise<this> {
    const what = 'servePool';
    const names = poolNames(this.subject);
    const jsm = await manager(this.#connection, what);
    await ensurePoolStream(jsm, names, what);
    await ensurePoolConsumer(jsm, names, this.#ackWaitMs, what);
    const consumer = await jetstream(this.#connection).consumers.get(names.stream, names.consumer);
    this.#loop = this.#take(consumer);
    return this;
  }

  /** Stops taking tasks and waits for the running ones to be answered and acked. Tasks taken but not started go back to the stream. The pool and the connection stay open. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#fetching?.close();
    await this.#loop;
    while (this.#running > 0) await this.#aTaskFinished();
  }

  #aTaskFinished(): Promise<void> {
    return new Promise<void>((done) => this.#onFinish.push(done));
  }

  /**
   * Pulls only as many tasks as there are free places, and starts each as it
   * arrives, so every task this machine holds is running and renewing its
   * claim: a task pulled ahead and left waiting here would be redelivered to
   * another machine after the ack wait, and run twice.
   */
  async #take(consumer: Consumer): Promise<void> {
    while (!this.#closing && !this.#connection.isClosed()) {
      while (this.#running >= this.#concurrency) await this.#aTaskFinished();
      if (this.#closing) break;
      try {
        this.#fetching = await consumer.fetch({ max_messages: this.#concurrency - this.#running, expires: FETCH_EXPIRES_MS });
        for await (const m of this.#fetching) {
          if (this.#closing) m.nak(); // not started: another machine (or this one later) runs it
          else void this.#serve(m);
        }
      } catch {
        // The connection closed (the loop ends), or the server is away while
        // it reconnects: pull again shortly. Unacked tasks wait in the stream.
        if (!this.#connection.isClosed()) await new Promise((r) => setTimeout(r, FETCH_RETRY_MS));
      } finally {
        this.#fetching = undefined;
      }
    }
  }

  async #serve(m: JsMsg): Promise<void> {
    const meta = readTaskMeta(m.headers);
    if (meta === undefined) {
      m.term(); // not a wasmq task: never redeliver it
      return;
    }
    if (Date.now() > meta.deadline) {
      this.#expired++;
      m.ack();
      return;
    }
    this.#running++;
    if (m.redelivered) this.#redelivered++;
    const renew = setInterval(() => m.working(), Math.max(1, Math.floor(this.#ackWaitMs / 3)));
    try {
      const answered = await this.#run(meta, m.data);
      if (this.#connection.isClosed()) {
        // Nothing more can be said to the server; the ack wait hands the task on.
      } else if (answered) {
        this.#completed++;
        m.ack(); // after the result's publish, on the same connection: the server sees the result first
      } else {
        m.nak(); // the local pool is closed: another machine runs it
      }
    } finally {
      clearInterval(renew);
      this.#running--;
      for (const done of this.#onFinish.splice(0)) done();
    }
  }

  /** Runs one task and publishes its result; false when the local pool no longer takes tasks. */
  async #run(meta: TaskMeta, data: Uint8Array): Promise<boolean> {
    let ok: boolean;
    let value: unknown;
    try {
      const input = decodeInput(data);
      value = await this.#pool.run(input as never, meta.name === undefined ? {} : { name: meta.name });
      ok = true;
    } catch (error) {
      if (error instanceof PoolClosedError) return false;
      ok = false;
      value = error;
    }
    const { headers, payload } = encodeResult(meta.id, ok, value);
    try {
      this.#connection.publish(meta.reply, payload, { headers });
    } catch {
      return false; // the connection closed: unacked, the task goes to another machine
    }
    return true;
  }
}

/**
 * Serves `pool` (a wasmq/pool on this machine) to {@link remotePool} clients
 * of `subject`, sharing the work with every other machine serving the same
 * subject. Creates the pool's stream and consumer if they do not exist yet.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { createPool } from 'wasmq/pool';
 * import { servePool } from 'wasmq/nats';
 *
 * const connection = await connect({ servers: 'localhost:4222' });
 * const pool = createPool<number, number>({ worker: new URL('./square.js', import.meta.url) });
 * const server = await servePool(pool, { connection, subject: 'square' });
 * // ... until this machine should stop serving:
 * await server.close();
 * await pool.close();
 * ```
 */
export async function servePool(pool: RunsTasks, options: ServePoolOptions): Promise<PoolServer> {
  const what = 'servePool';
  if (pool === null || typeof pool !== 'object' || typeof (pool as RunsTasks).run !== 'function') {
    throw new TypeError(`${what} takes a pool (createPool() from wasmq/pool) first, then { connection, subject }`);
  }
  checkOptionsObject(options, what, '{ connection, subject, concurrency?, ackWaitMs? }');
  const connection = checkConnection(options.connection, what);
  const subject = checkSubject(options.subject, what);
  const sized = pool as { maxThreads?: unknown; concurrentTasksPerWorker?: unknown };
  const atOnce = typeof sized.maxThreads === 'number' && typeof sized.concurrentTasksPerWorker === 'number'
    ? Math.max(32, 4 * sized.maxThreads * sized.concurrentTasksPerWorker) : 32;
  const concurrency = checkCount(options.concurrency, atOnce, `${what} option concurrency`);
  const ackWaitMs = checkTimeout(options.ackWaitMs, DEFAULT_ACK_WAIT_MS, `${what} option ackWaitMs`);
  return new PoolServer(pool, connection, subject, concurrency, ackWaitMs).start();
}
