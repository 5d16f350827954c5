// The wait strategy: spin briefly, then park on a futex word.
//
// On these machines a spinning hand-off between two threads costs well under
// a microsecond, while waking a parked thread (futex) costs ~90 µs, so a
// short spin captures almost every hand-off in a busy queue, and parking
// keeps idle threads off the CPU (which matters when threads outnumber cores).
//
// Parking protocol (the kernel's wake side is in assembly/index.ts):
//   waiter: waiters += 1; seen = seq; re-check the queue; wait(seq, seen)
//   waker:  publish; if (waiters > 0) { seq += 1; notify(seq) }
// All steps are sequentially consistent, so either the waiter's re-check sees
// the publish, or the waker sees the waiter and changes seq, in which case
// wait(seq, seen) returns immediately. No wake-up is lost.

/** The i32 indices of a futex word, its waiter count, and its count of engine-held async waits. */
export interface WakeWord {
  readonly seq: number;
  readonly waiters: number;
  readonly asyncWaits: number;
}

/** How long a blocked thread spins before it parks. */
export const SPIN_MS = 0.05;
/** Async waits spin less: they hold up the thread's event loop meanwhile. */
export const ASYNC_SPIN_MS = 0.02;

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

/** Spins on attempt() for up to `ms`; true as soon as it succeeds. */
function spin(attempt: () => boolean, ms: number): boolean {
  const until = performance.now() + ms;
  for (let step = 0; ; step++) {
    if (attempt()) return true;
    if ((step & 7) === 7 && performance.now() >= until) return false;
    backoff(step);
  }
}

/**
 * Blocks the thread until attempt() returns true (→ true) or `deadline`
 * (a performance.now() time, or Infinity) passes (→ false). Parks for at most
 * `tickMs` at a time so that attempt() can run its stall checks.
 */
export function waitSync(
  i32: Int32Array,
  word: WakeWord,
  attempt: () => boolean,
  deadline: number,
  tickMs: number,
): boolean {
  for (;;) {
    if (spin(attempt, SPIN_MS)) return true;
    Atomics.add(i32, word.waiters, 1);
    try {
      const seen = Atomics.load(i32, word.seq);
      if (attempt()) return true; // re-check after registering (see protocol)
      const now = performance.now();
      if (now >= deadline) return false;
      Atomics.wait(i32, word.seq, seen, Math.min(deadline - now, tickMs));
    } finally {
      Atomics.sub(i32, word.waiters, 1);
    }
  }
}

type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };
const atomicsWaitAsync = (
  Atomics as unknown as {
    waitAsync?: (a: Int32Array, i: number, v: number, t?: number) => WaitAsyncResult;
  }
).waitAsync?.bind(Atomics);

/** Whether this engine has Atomics.waitAsync (Firefox only since 145). */
export const hasWaitAsync = atomicsWaitAsync !== undefined;

/**
 * Atomics.waitAsync(i32, index, value, ms): a promise that settles when the
 * engine releases the wait, or undefined if the word already differs (or the
 * engine has no waitAsync).
 */
export function waitAsyncWhile(i32: Int32Array, index: number, value: number, ms: number): Promise<string> | undefined {
  const r = atomicsWaitAsync?.(i32, index, value, ms);
  return r?.async ? r.value : undefined;
}

/**
 * Atomics.waitAsync on word.seq while it holds `seen`, for at most `ms`.
 * Returns a promise that settles when the engine releases the wait, or
 * undefined if seq already moved on. While the engine holds the wait, it is
 * counted in word.asyncWaits: a caller may stop waiting earlier (timer,
 * abort, cancel), and the kernel then wakes every waiter rather than n, so a
 * stale registration cannot absorb a wake-up meant for a live waiter.
 */
export function parkAsync(i32: Int32Array, word: WakeWord, seen: number, ms: number): Promise<string> | undefined {
  Atomics.add(i32, word.asyncWaits, 1);
  const released = waitAsyncWhile(i32, word.seq, seen, ms);
  if (released === undefined) {
    Atomics.sub(i32, word.asyncWaits, 1);
    return undefined;
  }
  return released.then((outcome) => {
    Atomics.sub(i32, word.asyncWaits, 1);
    return outcome;
  });
}

/** Resolves after `ms`, or on abort (rejecting with the signal's reason). */
function sleepOrAbort(ms: number, signal: AbortSignal | undefined, wake?: Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal!.reason);
    };
    // A live timer also keeps a Node worker from exiting while it waits
    // (nodejs/node#44729), and covers engines whose waitAsync timeout may
    // not fire (crbug 40742782).
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    wake?.then(() => {
      done();
      resolve();
    });
  });
}

/**
 * Like waitSync, but never blocks the thread: parks with Atomics.waitAsync
 * (or, where that is missing, polls with timers). Rejects with the signal's
 * reason when aborted.
 */
export async function waitAsync(
  i32: Int32Array,
  word: WakeWord,
  attempt: () => boolean,
  deadline: number,
  tickMs: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  for (let round = 0; ; round++) {
    signal?.throwIfAborted();
    if (spin(attempt, ASYNC_SPIN_MS)) return true;
    Atomics.add(i32, word.waiters, 1);
    try {
      const seen = Atomics.load(i32, word.seq);
      if (attempt()) return true;
      const now = performance.now();
      if (now >= deadline) return false;
      const ms = Math.min(deadline - now, tickMs);
      if (hasWaitAsync) {
        const released = parkAsync(i32, word, seen, ms);
        if (released) await sleepOrAbort(ms, signal, released);
      } else {
        // No waitAsync (older Firefox): poll, backing off to 4 ms.
        await sleepOrAbort(Math.min(ms, 2 ** Math.min(round, 2)), signal);
      }
    } finally {
      Atomics.sub(i32, word.waiters, 1);
    }
  }
}
