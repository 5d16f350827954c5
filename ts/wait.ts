// Waiting: the one parking primitive, and the spin-then-park loops built on it.
//
// The protocol (the kernel's waker side is assembly/wake.ts):
//   waiter: waiters += 1; seen = seq; re-check; wait(seq, seen); waiters -= 1
//   waker:  publish; if (waiters > 0) { seq += 1; notify(seq) }
// All steps are sequentially consistent, so either the waiter's re-check sees
// the publish, or the waker sees the waiter and changes seq, in which case
// wait(seq, seen) returns at once. No wake-up is lost. park() and parkAsync()
// are the only code that performs the waiter's side.
//
// Spin policy: a blocked thread first spins, because a hand-off between
// spinning threads costs well under a microsecond and a futex wake-up costs
// tens of microseconds (docs/DESIGN.md, "Waiting"); then it parks. How long
// it spins adapts, per thread and wake word (SpinBudget): a park that a waker
// ended soon after it began means a longer spin would have caught the hand-off,
// so the budget doubles (up to a cap); a long park halves it. So a producer and
// a consumer at similar speeds settle into spinning hand-offs instead of
// falling, by chance, into a regime where every hand-off pays a wake-up.

/** A futex word as i32 indices into `i32`: the sequence word, its waiter count and (optionally) its count of engine-held async waits. */
export interface WakeWord {
  readonly i32: Int32Array;
  readonly seq: number;
  readonly waiters: number;
  /** While > 0, the waker wakes everyone rather than n (see assembly/wake.ts). */
  readonly asyncWaits?: number;
  /** This thread's adaptive spin budget for this word; a fixed default when absent. */
  readonly spin?: SpinBudget;
  /**
   * An i32 index of a word that moves while the threads this waiter waits on
   * are working (for "not empty", the producers' claim position). A spin goes
   * on past SPIN_MS only while it sees this word move (see spin()).
   */
  readonly progress?: number;
  /**
   * Registers this thread's waits instead of a plain add to `waiters` /
   * `asyncWaits` (the kernel's words: through the thread's scratch lease, so
   * that a dead thread's registrations can be taken back; assembly/lease.ts).
   */
  readonly register?: WaitRegistrar;
}

/** Counts one waiter in (enter) and out (leave, with what enter returned); isAsync: an engine-held async wait. */
export interface WaitRegistrar {
  enter(isAsync: boolean): unknown;
  leave(isAsync: boolean, token: unknown): void;
}

/** How long (ms) a thread spins on a word before it parks; adapted by each wait (see the header). */
export interface SpinBudget {
  ms: number;
}

/** Spin budgets start here, and never go below it. */
export const SPIN_MS = 0.05;
/** Most a blocking wait spins (a 2-core machine can afford it; a long park halves it again). */
export const MAX_SPIN_MS = 1;
/** Most an async wait spins: it holds up its thread's event loop meanwhile. */
export const MAX_ASYNC_SPIN_MS = 0.1;

export const newSpinBudget = (): SpinBudget => ({ ms: SPIN_MS });

/**
 * After a park of `parkedMs` that a waker (or the re-check) ended: a park
 * shorter than a few spin budgets would have been caught by spinning longer.
 */
function adapt(budget: SpinBudget, parkedMs: number, cap: number): void {
  if (parkedMs < 4 * budget.ms) budget.ms = Math.min(cap, budget.ms * 2);
  else if (parkedMs > 4 * cap) budget.ms = Math.max(SPIN_MS, budget.ms / 2);
}

/** Async waits start spinning for less. */
export const ASYNC_SPIN_MS = 0.02;
const FIXED: SpinBudget = { ms: SPIN_MS };

type Pause = (iterations?: number) => void;
/** Atomics.pause (Chrome 133+, Firefox 137+; not in Node 20): a CPU spin hint. */
const nativePause = (Atomics as unknown as { pause?: Pause }).pause?.bind(Atomics);
let sink = 0;
/** Backs off for about 2^min(step, 6) pause instructions, like crossbeam's Backoff. */
function backoff(step: number): void {
  const n = 1 << (step < 6 ? step : 6);
  if (nativePause) {
    for (let i = 0; i < n; i++) nativePause();
  } else {
    for (let i = 0; i < n; i++) sink = (sink + i) | 0;
  }
}

/**
 * Spins on attempt() for up to `ms`; true as soon as it succeeds. Given a
 * `progress` word (i32[at]), it also gives up once that word has not moved
 * for SPIN_MS: the threads it waits for are not running, so its spin only
 * keeps them off a core. On 2 cores with a third busy thread (two producers
 * feeding a browser main thread), or with both threads of a pair put on one
 * vCPU by the scheduler, full-budget spins starved the very thread they
 * waited for (docs/DESIGN.md, "Waiting").
 */
export function spin(attempt: () => boolean, ms: number, progress?: Int32Array, at = 0): boolean {
  const start = performance.now();
  const until = start + ms;
  let seen = progress ? Atomics.load(progress, at) : 0;
  let moved = start;
  for (let step = 0; ; step++) {
    if (attempt()) return true;
    if ((step & 7) === 7) {
      const now = performance.now();
      if (now >= until) return false;
      if (progress) {
        const v = Atomics.load(progress, at);
        if (v !== seen) {
          seen = v;
          moved = now;
        } else if (now - moved >= SPIN_MS) {
          return false;
        }
      }
    }
    backoff(step);
  }
}

// ------------------------------------------------------------------ park

/**
 * One blocking park: registers, re-checks with ready() (true: returns true at
 * once), then sleeps until a waker bumps word.seq or `ms` passes (false).
 */
export function park(word: WakeWord, ready: () => boolean, ms: number): boolean {
  const i32 = word.i32;
  const token = enter(word, false);
  try {
    const seen = Atomics.load(i32, word.seq);
    if (ready()) return true;
    if (ms > 0) Atomics.wait(i32, word.seq, seen, ms);
    return false;
  } finally {
    leave(word, false, token);
  }
}

/** The waiter's registration: waiters (or, isAsync, asyncWaits) += 1, through word.register when there is one. */
function enter(word: WakeWord, isAsync: boolean): unknown {
  if (word.register) return word.register.enter(isAsync);
  Atomics.add(word.i32, isAsync ? word.asyncWaits! : word.waiters, 1);
  return undefined;
}

function leave(word: WakeWord, isAsync: boolean, token: unknown): void {
  if (word.register) word.register.leave(isAsync, token);
  else Atomics.sub(word.i32, isAsync ? word.asyncWaits! : word.waiters, 1);
}

type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };
type WaitAsyncFn = (a: Int32Array, i: number, v: number, t?: number) => WaitAsyncResult;
const nativeWaitAsync = (Atomics as unknown as { waitAsync?: WaitAsyncFn }).waitAsync?.bind(Atomics);

/**
 * Whether this engine has Atomics.waitAsync (Firefox only since 145). A test
 * can force the polling fallback with WASMQ_FORCE_NO_WAITASYNC=1 in the
 * environment (Node) or globalThis.__wasmqForceNoWaitAsync = true before
 * this module loads.
 */
export const hasWaitAsync = nativeWaitAsync !== undefined && !forcedOff();

function forcedOff(): boolean {
  const g = globalThis as { __wasmqForceNoWaitAsync?: boolean; process?: { env?: Record<string, string | undefined> } };
  return g.__wasmqForceNoWaitAsync === true || g.process?.env?.WASMQ_FORCE_NO_WAITASYNC === '1';
}

export interface ParkOptions {
  /** Aborting rejects the park with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called once the park sleeps, with a function that ends it early (a cheap cancel). */
  readonly onSleep?: (wake: () => void) => void;
  /** Without Atomics.waitAsync, how often to re-check (ms). Default 4. */
  readonly pollMs?: number;
}

/**
 * One park that never blocks the thread: registers, re-checks with ready()
 * (true: resolves true at once), then waits until a waker bumps word.seq,
 * `ms` passes, or onSleep's wake is called (false). Without Atomics.waitAsync
 * it polls instead: wakes after min(ms, pollMs) and lets the caller re-check.
 *
 * A timer always runs beside the engine's wait. It keeps a Node thread alive
 * while parked (a pending waitAsync alone does not, nodejs/node#44729), and
 * it bounds the wait where waitAsync's own timeout may not fire (crbug
 * 40742782). While the engine holds the wait it is counted in
 * word.asyncWaits: a caller may stop waiting first, and a stale registration
 * must not absorb a wake-up meant for a live waiter.
 */
export async function parkAsync(word: WakeWord, ready: () => boolean, ms: number, options: ParkOptions = {}): Promise<boolean> {
  const i32 = word.i32;
  const token = enter(word, false);
  try {
    const seen = Atomics.load(i32, word.seq);
    if (ready()) return true;
    let released: Promise<unknown> | undefined;
    if (hasWaitAsync) {
      released = engineWait(word, seen, ms);
      if (released === undefined) return false; // seq moved on already
    }
    const sleepMs = hasWaitAsync ? ms : Math.min(ms, options.pollMs ?? 4);
    await sleep(sleepMs, options, released);
    return false;
  } finally {
    leave(word, false, token);
  }
}

/**
 * parkAsync on several words at once (select): registers on every word,
 * re-checks with ready() (true: resolves true at once), then waits until a
 * waker bumps any word's seq, `ms` passes, or abort. An engine wait that
 * another word's wake outran stays with the engine until its timeout, counted
 * in its word's asyncWaits (so wakers of that word wake all, stale ones too).
 */
export async function parkAnyAsync(words: readonly WakeWord[], ready: () => boolean, ms: number, options: ParkOptions = {}): Promise<boolean> {
  const tokens = words.map((word) => enter(word, false));
  try {
    const seen = words.map((word) => Atomics.load(word.i32, word.seq));
    if (ready()) return true;
    const released: Promise<unknown>[] = [];
    if (hasWaitAsync) {
      for (let i = 0; i < words.length; i++) {
        const r = engineWait(words[i]!, seen[i]!, ms);
        if (r === undefined) return false; // that seq moved on already
        released.push(r);
      }
    }
    const sleepMs = hasWaitAsync ? ms : Math.min(ms, options.pollMs ?? 4);
    await sleep(sleepMs, options, released.length > 0 ? Promise.race(released) : undefined);
    return false;
  } finally {
    for (let i = 0; i < words.length; i++) leave(words[i]!, false, tokens[i]);
  }
}

/** Atomics.waitAsync on word.seq while it holds `seen`: a promise, or undefined if seq already differs. */
function engineWait(word: WakeWord, seen: number, ms: number): Promise<unknown> | undefined {
  const { i32, asyncWaits } = word;
  const counted = asyncWaits !== undefined;
  const token = counted ? enter(word, true) : undefined;
  const r = nativeWaitAsync!(i32, word.seq, seen, ms);
  if (!r.async) {
    if (counted) leave(word, true, token);
    return undefined;
  }
  return counted ? r.value.then(() => leave(word, true, token)) : r.value;
}

/** Resolves after `ms`, when `wake` settles, or when onSleep's callback is called; rejects on abort. */
function sleep(ms: number, options: ParkOptions, wake: Promise<unknown> | undefined): Promise<void> {
  const { signal, onSleep } = options;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () => finish(signal!.reason ?? new Error('aborted'));
    const timer = setTimeout(finish, ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    wake?.then(() => finish());
    onSleep?.(() => finish());
  });
}

/**
 * The waker's half for words that JavaScript publishes on, when publishing
 * itself bumped word.seq (a counter that doubles as the sequence word):
 * notify if anyone is registered.
 */
export function notifyWaiters(word: WakeWord): void {
  if (Atomics.load(word.i32, word.waiters) > 0) Atomics.notify(word.i32, word.seq);
}

// ------------------------------------------------------------------ spin-then-park loops

/**
 * Blocks the thread until attempt() returns true (→ true) or `deadline` (a
 * performance.now() time, or Infinity) passes (→ false). Parks for at most
 * `tickMs` at a time so that attempt() can run its stall checks.
 */
export function waitSync(word: WakeWord, attempt: () => boolean, deadline: number, tickMs: number): boolean {
  const budget = word.spin ?? FIXED;
  for (;;) {
    if (spin(attempt, budget.ms, word.progress === undefined ? undefined : word.i32, word.progress)) return true;
    const now = performance.now();
    if (park(word, attempt, now >= deadline ? 0 : Math.min(deadline - now, tickMs))) return true;
    if (now >= deadline) return false;
    if (budget !== FIXED) adapt(budget, performance.now() - now, MAX_SPIN_MS);
  }
}

/**
 * Like waitSync, but never blocks the thread (parkAsync). Rejects with the
 * signal's reason when aborted.
 */
export async function waitAsync(
  word: WakeWord,
  attempt: () => boolean,
  deadline: number,
  tickMs: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const budget = word.spin ?? FIXED;
  for (let round = 0; ; round++) {
    signal?.throwIfAborted();
    const ms = budget === FIXED ? ASYNC_SPIN_MS : Math.min(budget.ms, MAX_ASYNC_SPIN_MS);
    if (spin(attempt, ms, word.progress === undefined ? undefined : word.i32, word.progress)) return true;
    const now = performance.now();
    if (now >= deadline) return park(word, attempt, 0);
    // Without waitAsync, poll backing off 1, 2, 4 ms.
    const pollMs = 2 ** Math.min(round, 2);
    if (await parkAsync(word, attempt, Math.min(deadline - now, tickMs), { signal, pollMs })) return true;
    if (budget !== FIXED) adapt(budget, performance.now() - now, MAX_ASYNC_SPIN_MS);
  }
}

// ------------------------------------------------------------------ yielding

/** Longest stretch of a microtask-paced receive loop before it yields a macrotask turn (ms). */
export const MAX_MICROTASK_RUN_MS = 1;

/**
 * A microtask-paced loop's turn (SharedChannel's receiver, the pool's result
 * loop): once its run, begun at `runStart`, has lasted MAX_MICROTASK_RUN_MS,
 * a macrotask turn (nextTask), so timers, I/O and rendering still run; else
 * a microtask checkpoint, so promise work the loop started runs first.
 * Await it; it gives the run's start from then on. The common branch returns
 * a plain number, so awaiting it costs the one microtask `await undefined` did.
 */
export function pacedTurn(runStart: number, now: number): number | Promise<number> {
  if (now - runStart < MAX_MICROTASK_RUN_MS) return runStart;
  return nextTask().then(() => performance.now());
}


type Resume = () => void;
const setImmediateFn = (globalThis as { setImmediate?: (fn: Resume) => unknown }).setImmediate;
let resumes: Resume[] = [];
let channel: MessageChannel | undefined;

/** Longest a run of async queue calls that never wait may hold this thread's event loop (ms). */
export const MAX_ASYNC_RUN_MS = 4;
/** When the pending probe task was scheduled; -1 while none is pending. */
let probeSince = -1;

/**
 * Whether this thread has gone MAX_ASYNC_RUN_MS without a macrotask turn.
 * An async call that finds its messages (or room) at once resolves in a
 * microtask, so `while (await q.drainAsync(h)) {}` would hold a browser main
 * thread for as long as messages keep coming, starving rendering and input
 * (measured: 4-18 ms stretches). The async calls ask this when they are done
 * and yield a turn (nextTask) before resolving when it says so. A probe task records the turns the thread
 * gets anyway, so a caller that yields by itself is never made to yield again.
 */
export function holdingEventLoop(): boolean {
  const now = performance.now();
  if (probeSince < 0) {
    probeSince = now;
    void nextTask().then(() => {
      probeSince = -1;
    });
    return false;
  }
  return now - probeSince >= MAX_ASYNC_RUN_MS;
}

/**
 * What an async queue call returns once it did its work without waiting:
 * `value`, after a macrotask turn if the thread is holding its event loop.
 * The work itself is never deferred, so calls keep their order.
 */
export function afterTurn<T>(value: T): T | Promise<T> {
  return holdingEventLoop() ? nextTask().then(() => value) : value;
}

/**
 * Resolves on a later turn of the event loop (a macrotask, not a microtask),
 * so timers, I/O and messages waiting on this thread run first. Node:
 * setImmediate. Browsers have no setImmediate and clamp nested setTimeout(0)
 * to 4 ms, so post to oneself on a MessageChannel, which queues a task with
 * no clamp; everyone who asked before that turn resumes in it, in order.
 */
export function nextTask(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (setImmediateFn !== undefined) return void setImmediateFn(resolve);
    if (channel === undefined) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const now = resumes;
        resumes = [];
        for (const fn of now) fn();
      };
    }
    resumes.push(resolve);
    if (resumes.length === 1) channel.port2.postMessage(0);
  });
}
