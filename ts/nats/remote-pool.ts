// remotePool: Pool.run's contract for a pool that lives on other machines.
// Each run publishes its task to the pool's JetStream work-queue stream
// (names.ts), where it waits until one machine's servePool takes it, and
// gets its result on this client's own inbox. Results are matched by task
// id: a task that ran twice (its first machine died before acking) settles
// once, and the second result is counted as a duplicate and dropped.
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { createInbox, nuid, type Msg, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { PoolClosedError, TimeoutError } from '../errors.js';
import { checkSubject, poolNames, type PoolNames } from './names.js';
import { runOptionsError } from '../pool/call-options.js';
import { checkConnection, checkOptionsObject, checkTimeout } from './options.js';
import { ensurePoolStream, manager } from './streams.js';
import { decodeResult, encodeInput, readResultId, taskHeaders } from './wire.js';

/**
 * Options of {@link remotePool}.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { remotePool, type RemotePoolOptions } from 'wasmq/nats';
 *
 * const options: RemotePoolOptions = { connection: await connect({ servers: 'localhost:4222' }), subject: 'resize', timeoutMs: 30_000 };
 * const remote = remotePool<number, number>(options);
 * ```
 */
export interface RemotePoolOptions {
  /** A NATS connection the caller opened (`@nats-io/transport-node`'s `connect`, or `@nats-io/nats-core`'s `wsconnect`); it stays the caller's to close. */
  readonly connection: NatsConnection;
  /** The pool's name on NATS: the subject the machines' {@link servePool} serve. */
  readonly subject: string;
  /** How long a run waits for its result before it rejects with a TimeoutError (ms, \> 0). Default: 60 000. */
  readonly timeoutMs?: number;
}

/**
 * Options of {@link PoolClient.run}: Pool.run's, less the transfer list (nothing is shared across machines).
 *
 * @example
 * ```ts
 * import type { PoolClient, RemoteRunOptions } from 'wasmq/nats';
 *
 * declare const remote: PoolClient<Uint8Array, Uint8Array>;
 * const options: RemoteRunOptions = { name: 'thumbnail', signal: AbortSignal.timeout(10_000) };
 * const small = await remote.run(new Uint8Array(1024), options);
 * ```
 */
export interface RemoteRunOptions {
  /** Which of the workers' named task functions runs it, as in Pool.run. */
  readonly name?: string;
  /** Aborting rejects run() with `signal.reason`. A task a machine already took still runs there; its result is dropped. */
  readonly signal?: AbortSignal;
}

/**
 * What a {@link PoolClient} has seen.
 *
 * @example
 * ```ts
 * import type { PoolClient, RemotePoolStats } from 'wasmq/nats';
 *
 * declare const remote: PoolClient;
 * const { pending, duplicates }: RemotePoolStats = remote.stats;
 * console.log(`${pending} waiting; ${duplicates} tasks ran twice (a machine died) and were answered once`);
 * ```
 */
export interface RemotePoolStats {
  /** Runs waiting for their result. */
  readonly pending: number;
  /** Runs settled with a result (a value or the task's error). */
  readonly completed: number;
  /** Results for a task that had already settled with an earlier result (it ran twice), dropped. */
  readonly duplicates: number;
  /** Results that came after their run had timed out or was aborted, dropped. */
  readonly late: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Ids of settled runs remembered to tell a duplicate from a late result. */
const REMEMBERED = 100_000;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A pool on other machines, reached over NATS: {@link remotePool} makes one.
 *
 * @example
 * ```ts
 * import type { PoolClient } from 'wasmq/nats';
 *
 * declare const remote: PoolClient<string, number>;
 * console.log(await remote.run('hello'), remote.stats.pending);
 * await remote.close();
 * ```
 */
export class PoolClient<I = unknown, O = unknown> {
  /** The pool's subject. */
  readonly subject: string;
  readonly #names: PoolNames;
  readonly #connection: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #timeoutMs: number;
  readonly #inbox = createInbox();
  readonly #sub: Subscription;
  readonly #pending = new Map<string, Pending>();
  /** Ids settled by a result (true) or given up on (false), oldest first. */
  readonly #settled = new Map<string, boolean>();
  #ready: Promise<unknown> | undefined;
  /** close() waiting for the pending runs. */
  readonly #idle: (() => void)[] = [];
  #closed = false;
  #completed = 0;
  #duplicates = 0;
  #late = 0;

  /** @internal Use {@link remotePool}. */
  constructor(options: RemotePoolOptions) {
    const what = 'remotePool';
    checkOptionsObject(options, what, '{ connection, subject, timeoutMs? }');
    this.#connection = checkConnection(options.connection, what);
    this.subject = checkSubject(options.subject, what);
    this.#timeoutMs = checkTimeout(options.timeoutMs, DEFAULT_TIMEOUT_MS, `${what} option timeoutMs`);
    this.#names = poolNames(this.subject);
    this.#js = jetstream(this.#connection);
    this.#sub = this.#connection.subscribe(this.#inbox, { callback: (_error, msg) => this.#onResult(msg) });
    void this.#connection.closed().then(() => this.#failAll(new Error(`remotePool "${this.subject}": the NATS connection closed before the result came`)));
  }

  /** What this client has seen so far. */
  get stats(): RemotePoolStats {
    return { pending: this.#pending.size, completed: this.#completed, duplicates: this.#duplicates, late: this.#late };
  }

  /**
   * Runs the task on one of the machines serving this subject, as Pool.run
   * does locally: resolves to the task's result, or rejects with its error
   * (name, message, stack and cause kept). Rejects with a TimeoutError after
   * `timeoutMs` without a result, and with PoolClosedError after close().
   */
  async run(input: I, options: RemoteRunOptions = {}): Promise<O> {
    if (this.#closed) throw new PoolClosedError(`remotePool "${this.subject}" is closed: run() is not accepted after close()`);
    const { name, signal } = checkRunOptions(options);
    signal?.throwIfAborted();
    const payload = encodeInput(input); // throws a DataCloneError for what cannot be carried
    const id = nuid.next();
    const result = new Promise<O>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#giveUp(id, new TimeoutError(`remotePool run on subject "${this.subject}" (no result came back)`, this.#timeoutMs));
      }, this.#timeoutMs);
      const onAbort = signal ? () => this.#giveUp(id, signal.reason) : undefined;
      signal?.addEventListener('abort', onAbort!, { once: true });
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, signal, onAbort });
    });
    // It may settle while the publish below is awaited, before the caller holds it: not an unhandled rejection.
    result.catch(() => {});
    try {
      await (this.#ready ??= ensurePoolStream(await manager(this.#connection, 'remotePool'), this.#names, 'remotePool'));
      const deadline = Date.now() + this.#timeoutMs;
      // Sent once (the client retries no publish), so no message id for JetStream's duplicate window.
      await this.#js.publish(this.#names.tasks, payload, { headers: taskHeaders({ id, reply: this.#inbox, name, deadline }) });
    } catch (cause) {
      this.#ready = undefined; // set up again next time
      this.#giveUp(id, new Error(`remotePool "${this.subject}": could not hand the task to NATS: ${(cause as Error)?.message ?? cause}`, { cause }));
    }
    return result;
  }

  /** Stops accepting runs, waits for the pending ones to settle (each within timeoutMs), and stops listening for results. The connection stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#pending.size > 0) await new Promise<void>((done) => this.#idle.push(done));
    if (!this.#sub.isClosed()) this.#sub.unsubscribe();
  }

  #onResult(msg: Msg): void {
    const id = readResultId(msg.headers);
    if (id === undefined) return; // not a wasmq result: ignore it
    const pending = this.#pending.get(id);
    if (pending === undefined) {
      const settled = this.#settled.get(id);
      if (settled === true) this.#duplicates++;
      else this.#late++;
      return;
    }
    let result;
    try {
      result = decodeResult(msg.headers!, msg.data);
    } catch (cause) {
      result = { ok: false, value: new Error(`remotePool "${this.subject}": the result could not be decoded: ${(cause as Error)?.message}`, { cause }) };
    }
    this.#finish(id, pending, true);
    this.#completed++;
    if (result.ok) pending.resolve(result.value);
    else pending.reject(result.value);
  }

  #giveUp(id: string, error: unknown): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#finish(id, pending, false);
    pending.reject(error);
  }

  #finish(id: string, pending: Pending, byResult: boolean): void {
    clearTimeout(pending.timer);
    if (pending.onAbort) pending.signal!.removeEventListener('abort', pending.onAbort);
    this.#pending.delete(id);
    this.#settled.set(id, byResult);
    if (this.#settled.size > REMEMBERED) this.#settled.delete(this.#settled.keys().next().value!);
    if (this.#pending.size === 0) for (const done of this.#idle.splice(0)) done();
  }

  #failAll(error: Error): void {
    for (const id of [...this.#pending.keys()]) this.#giveUp(id, error);
  }
}

/**
 * A client for the pool that machines serve on `subject` with
 * {@link servePool}: `run` has Pool.run's contract. The pool's stream is
 * created on first use if no machine has created it yet, so tasks submitted
 * before any machine serves wait for one (up to `timeoutMs`).
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { remotePool } from 'wasmq/nats';
 *
 * const connection = await connect({ servers: 'localhost:4222' });
 * const remote = remotePool<number, number>({ connection, subject: 'square' });
 * console.log(await remote.run(12)); // 144, computed on whichever machine took it
 * await remote.close();
 * await connection.close();
 * ```
 */
export function remotePool<I = unknown, O = unknown>(options: RemotePoolOptions): PoolClient<I, O> {
  return new PoolClient<I, O>(options);
}

function checkRunOptions(options: RemoteRunOptions): RemoteRunOptions {
  checkOptionsObject(options, 'run()', '{ name?, signal? }');
  if ('transferList' in options) throw new TypeError('run() option transferList has no meaning across machines: the input is serialized and sent');
  const error = runOptionsError(options); // Pool.run's own checks of name and signal
  if (error) throw error;
  return options;
}
