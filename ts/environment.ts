// What the host platform allows: shared memory, and blocking the thread.

/** Throws a helpful error where SharedArrayBuffer is unavailable. */
export function assertSharedMemory(): void {
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated === false) {
    throw new Error(
      'wasmq needs SharedArrayBuffer, which browsers enable only on cross-origin-isolated pages ' +
        '(self.crossOriginIsolated is false here). Serve the page with these two headers: ' +
        '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" ' +
        '(or "credentialless").',
    );
  }
}

let blockable: boolean | undefined;

/**
 * Whether this thread may block in Atomics.wait. Browsers forbid it on the
 * main thread. The spec checks this before comparing the value, so a wait on
 * a value that cannot match tells us without ever sleeping.
 */
export function canBlock(): boolean {
  if (blockable === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockable = true;
    } catch {
      blockable = false;
    }
  }
  return blockable;
}

/** Throws the error that tells a main-thread caller which method to use. */
export function assertCanBlock(method: string, asyncMethod: string): void {
  if (!canBlock()) {
    throw new Error(
      `${method}() would block this thread, and this thread may not block (a browser main thread). ` +
        `Use ${asyncMethod}() instead.`,
    );
  }
}
