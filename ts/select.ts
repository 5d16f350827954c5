// select and selectAsync: one thread takes the first message any of several
// queues has, in whichever memories they live.
//
// Fairness: every call scans the sources starting one past the source the
// thread's previous select took from, so a source that is always ready
// cannot starve the others (over a fixed list, ready sources take turns).
//
// Waiting: first a spin over all the sources (a hand-off between running
// threads costs well under a microsecond; see ts/wait.ts). Then:
// - selectAsync registers as a waiter on every source's not-empty word and
//   waits on all of them at once (Atomics.waitAsync each, first one wins):
//   a push to any source ends the wait at once.
// - select blocks in Atomics.wait, which sleeps on one address: it sleeps on
//   the source it last took from (the likeliest next), in slices that grow
//   from SLICE_MIN_MS to SLICE_MAX_MS while nothing arrives, and scans all
//   the sources between slices. A push to the source it sleeps on wakes it at
//   once; a push elsewhere is seen within the slice. Producers of the other
//   sources cannot reach an address in this thread's own memory: each source
//   may live in its own.
import { assertCanBlock } from './environment.js';
import { QueueClosedError, TimeoutError } from './errors.js';
import { checkSignal, deadlineOf, optionsOf } from './queue/checks.js';
import { Queue } from './queue/queue.js';
import { Subscriber } from './broadcast/subscriber.js';
import { DRAINED, NONE, type Attempt } from './queue/transfer.js';
import { ASYNC_SPIN_MS, SPIN_MS, afterTurn, park, parkAnyAsync, spin, type WakeWord } from './wait.js';

/** What select takes from a source. @internal */
export interface SelectPort<T> {
  /** One non-blocking take: a value, NONE (empty now) or DRAINED (closed and empty). Decode errors throw. */
  readonly take: () => Attempt<T>;
  /** The word a push bumps (once a waiter is registered). */
  readonly word: WakeWord;
  /** How often a waiting thread must retry, for the source's stall checks (ms). */
  readonly tickMs: number;
}

/**
 * A source {@link select} and {@link selectAsync} take from: a Queue (from
 * createQueue or attachQueue, in any memory) or a broadcast's Subscriber.
 *
 * @example
 * ```ts
 * import { createBroadcast, createQueue, select, subscribe, type Selectable } from 'wasmq';
 *
 * const jobs = createQueue<number>({ codec: 'json' });
 * const control = createBroadcast<number>({ codec: 'json' });
 * const sources: Selectable<number>[] = [jobs, subscribe<number>(control.handle)];
 * control.push(42);
 * console.log(select(sources)); // { index: 1, value: 42 }
 * ```
 */
export type Selectable<T> = Queue<T> | Subscriber<T>;

/**
 * What {@link select} and {@link selectAsync} return: the position of the
 * source in the list, and the message taken from it.
 *
 * @example
 * ```ts
 * import { createQueue, selectAsync, type Selected } from 'wasmq';
 *
 * const [a, b] = [createQueue<string>({ codec: 'string' }), createQueue<string>({ codec: 'string' })];
 * a.push('first');
 * const got: Selected<string> = await selectAsync([a, b]);
 * console.log(got.index, got.value); // 0 first
 * ```
 */
export interface Selected<T> {
  /** The position in the list of the source the message came from. */
  readonly index: number;
  /** The message, decoded by that source's codec. */
  readonly value: T;
}

/**
 * Options of {@link selectAsync}.
 *
 * @example
 * ```ts
 * import { createQueue, selectAsync, TimeoutError, type SelectOptions } from 'wasmq';
 *
 * const queues = [createQueue(), createQueue()];
 * const options: SelectOptions = { timeoutMs: 100, signal: AbortSignal.timeout(10_000) };
 * await selectAsync(queues, options).catch((error) => {
 *   if (error instanceof TimeoutError) console.log('nothing came within 100 ms');
 * });
 * ```
 */
export interface SelectOptions {
  /** Most milliseconds to wait (\>= 0); default: forever. */
  readonly timeoutMs?: number;
  /** Aborting rejects the call with the signal's reason; nothing is taken. */
  readonly signal?: AbortSignal;
}

/** Shortest and longest sleep of a blocking select on one source before it scans them all again (ms). */
const SLICE_MIN_MS = 0.05;
const SLICE_MAX_MS = 1;

/** Where this thread's next scan starts: one past the source its last select took from. */
let cursor = 0;

/** The ports of the last source lists, by list: a loop that selects over the same array makes none per call. */
const portCache = new WeakMap<readonly Selectable<unknown>[], { readonly sources: Selectable<unknown>[]; readonly ports: SelectPort<unknown>[] }>();

/** The sources' ports, checked: a non-empty array of queues and subscribers. */
function portsOf<T>(sources: readonly Selectable<T>[], operation: string): SelectPort<T>[] {
  const cached = portCache.get(sources);
  // The same array with the same elements (it may have been changed since): its ports again.
  if (cached !== undefined && cached.sources.length === sources.length && cached.sources.every((s, i) => s === sources[i])) {
    return cached.ports as SelectPort<T>[];
  }
  if (!Array.isArray(sources)) {
    throw new TypeError(`${operation} takes an array of queues and subscribers; got ${sources === null ? 'null' : typeof sources}`);
  }
  if (sources.length === 0) throw new RangeError(`${operation} takes at least one queue or subscriber; got an empty array`);
  const ports = sources.map((source, i) => {
    if (!(source instanceof Queue) && !(source instanceof Subscriber)) {
      const got = source === null ? 'null' : typeof source !== 'object' ? typeof source
        : `an object (${(source as object).constructor?.name ?? 'no prototype'})`;
      throw new TypeError(`${operation} source ${i} is not a Queue or a Subscriber: got ${got}`);
    }
    return source.selectPort();
  });
  portCache.set(sources, { sources: [...sources], ports });
  return ports;
}

/** The scan's outcome when nothing was taken: every source closed and drained, or some still open. */
type Miss = typeof NONE | typeof DRAINED;

/** One pass over the sources from the cursor: the first message, or a Miss. */
function scan<T>(ports: readonly SelectPort<T>[]): Selected<T> | Miss {
  const n = ports.length;
  const start = cursor % n;
  let open = false;
  for (let k = 0; k < n; k++) {
    const index = (start + k) % n;
    const v = ports[index]!.take();
    if (v === NONE) {
      open = true;
    } else if (v !== DRAINED) {
      cursor = index + 1;
      return { index, value: v as T };
    }
  }
  return open ? NONE : DRAINED;
}

const closedError = () => new QueueClosedError('every source select waits on is closed and drained');

/** What a successful attempt found: a message, or (every source) closed and drained. */
function taken<T>(got: Selected<T> | Miss): Selected<T> {
  if (got === DRAINED) throw closedError();
  return got as Selected<T>;
}
const tickOf = (ports: readonly SelectPort<unknown>[]) => Math.min(...ports.map((p) => p.tickMs));

/**
 * Takes one message from whichever of `sources` has one first, blocking the
 * thread (spin, then park) until one does.
 * @param sources - Queues, from any number of memories.
 * @param timeoutMs - Most milliseconds to wait (\>= 0). Default: forever.
 * @returns The index of the source in `sources`, and the value taken from it.
 * @throws QueueClosedError - Every source is closed and drained.
 * @throws TimeoutError - Nothing arrived within `timeoutMs`.
 * @throws TypeError - `sources` is not an array, or holds something that is not a Queue.
 * @throws RangeError - `sources` is empty, or a bad `timeoutMs`.
 * @throws Error - This thread may not block (a browser main thread): use {@link selectAsync}.
 * @throws CodecError - Decoding the message failed (it was taken).
 *
 * @example
 * ```ts
 * import { createQueue, select } from 'wasmq';
 *
 * const orders = createQueue<{ id: number }>({ codec: 'json' });
 * const cancels = createQueue<string>({ codec: 'string' });
 * cancels.push('order 7');
 * const { index, value } = select<{ id: number } | string>([orders, cancels], 1_000);
 * console.log(index === 1 ? `cancel ${value}` : value); // cancel order 7
 * ```
 */
export function select<T>(sources: readonly Selectable<T>[], timeoutMs?: number): Selected<T> {
  const ports = portsOf(sources, 'select');
  assertCanBlock('select', 'selectAsync');
  const deadline = deadlineOf(timeoutMs, 'select');
  let got = scan(ports);
  if (got === DRAINED) throw closedError();
  if (got !== NONE) return got;
  const tick = tickOf(ports);
  const attempt = () => (got = scan(ports)) !== NONE;
  if (spin(attempt, SPIN_MS)) return taken(got as Selected<T> | Miss);
  for (let slice = SLICE_MIN_MS; ; slice = Math.min(2 * slice, SLICE_MAX_MS)) {
    if (park(ports[(cursor + ports.length - 1) % ports.length]!.word, attempt, Math.max(0, Math.min(slice, tick, deadline - performance.now())))) {
      return taken(got as Selected<T> | Miss);
    }
    if (performance.now() >= deadline) throw new TimeoutError('select', timeoutMs!);
  }
}

/**
 * Takes one message from whichever of `sources` has one first, without
 * blocking the thread: it waits on every source at once (Atomics.waitAsync).
 * @param sources - Queues, from any number of memories.
 * @returns The index of the source in `sources`, and the value taken from it.
 * Rejects with {@link QueueClosedError} when every source is closed and
 * drained, {@link TimeoutError} after `options.timeoutMs`, `signal.reason`
 * when aborted, and as {@link select} throws for bad arguments.
 *
 * @example
 * ```ts
 * import { createQueue, selectAsync } from 'wasmq';
 *
 * const queues = [createQueue<number>({ codec: 'json' }), createQueue<number>({ codec: 'json' })];
 * setTimeout(() => queues[1]!.push(7), 10);
 * const { index, value } = await selectAsync(queues, { timeoutMs: 5_000 });
 * console.log(index, value); // 1 7
 * ```
 */
export async function selectAsync<T>(sources: readonly Selectable<T>[], options?: SelectOptions): Promise<Selected<T>> {
  const ports = portsOf(sources, 'selectAsync');
  const { timeoutMs, signal } = optionsOf(options, 'selectAsync');
  checkSignal(signal);
  const deadline = deadlineOf(timeoutMs, 'selectAsync');
  let got = scan(ports);
  if (got === DRAINED) throw closedError();
  if (got !== NONE) return afterTurn(got);
  const tick = tickOf(ports);
  const words = ports.map((p) => p.word);
  const attempt = () => (got = scan(ports)) !== NONE;
  for (;;) {
    signal?.throwIfAborted();
    const now = performance.now();
    if (spin(attempt, ASYNC_SPIN_MS) || (await parkAnyAsync(words, attempt, Math.max(0, Math.min(tick, deadline - now)), { signal }))) {
      return taken(got as Selected<T> | Miss);
    }
    if (performance.now() >= deadline) throw new TimeoutError('selectAsync', timeoutMs!);
  }
}
