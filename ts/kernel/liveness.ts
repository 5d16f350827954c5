// How a thread's death is noticed, so its scratch lease and its waits can be
// taken back (the kernel side is assembly/lease.ts; docs/DESIGN.md, "Dead
// threads' leases"). Three signals, best first:
//   - a host that watches its threads (the pool: a Worker's 'exit' event, or
//     its own life lock) ends their holdings itself (LEASE_HOSTED);
//   - a Web Lock the holder holds for its life, named for (queue, lease,
//     generation): the engine releases it when the thread dies, so a lock
//     that is not held any more means a dead holder (LEASE_LOCKED);
//   - otherwise the holder's last sign of life (LEASE_SEEN): a holding not
//     refreshed for stallTimeoutMs may be ended, as a claim stuck that long is.
// Capabilities are detected, never inferred from an engine's name.

/** The subset of the Web Locks API used here. */
export interface LifeLocks {
  request(name: string, callback: () => unknown): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

type Globals = {
  navigator?: { locks?: Partial<LifeLocks> };
  process?: { on?: unknown; env?: Record<string, string | undefined> };
  __wasmqForceNoWebLocks?: boolean;
  __wasmqForceWebLocks?: boolean;
};

/**
 * The Web Locks this thread can query (to find dead holders), or undefined.
 * A test forces the fallback with WASMQ_FORCE_NO_WEB_LOCKS=1 in the
 * environment or globalThis.__wasmqForceNoWebLocks = true (read on every call).
 */
export function lockScanner(): LifeLocks | undefined {
  const g = globalThis as Globals;
  if (g.__wasmqForceNoWebLocks === true || g.process?.env?.WASMQ_FORCE_NO_WEB_LOCKS === '1') return undefined;
  const locks = g.navigator?.locks;
  if (!locks || typeof locks.request !== 'function' || typeof locks.query !== 'function') return undefined;
  return locks as LifeLocks;
}

/**
 * The Web Locks this thread may hold a lease's life lock with, or undefined.
 * A lock held for life keeps a thread alive where a thread lives as long as
 * its event loop has work (a Node-style `process` with `on`: measured in Deno
 * 2.9, a main thread holding one never exits), so there it is not taken,
 * unless a test sets globalThis.__wasmqForceWebLocks = true (a thread it
 * terminates anyway). Browsers' pages and workers live until closed, so
 * holding one costs nothing there.
 */
export function lockHolder(): LifeLocks | undefined {
  const locks = lockScanner();
  if (!locks) return undefined;
  const g = globalThis as Globals;
  if (g.__wasmqForceWebLocks === true) return locks;
  return typeof g.process?.on === 'function' ? undefined : locks;
}

/** The name of holding (index, generation)'s life lock, in the queue named by its id words. */
export function lifeLockName(id0: number, id1: number, index: number, generation: number): string {
  return `wasmq.lease:${id0.toString(36)}.${id1.toString(36)}:${index}:${generation}`;
}

/** Two random u32 words naming a new queue. */
export function newQueueId(): [number, number] {
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (c?.getRandomValues) {
    const a = c.getRandomValues(new Uint32Array(2));
    return [a[0], a[1]];
  }
  return [(Math.random() * 2 ** 32) >>> 0, ((Math.random() * 2 ** 32) ^ Date.now()) >>> 0];
}
