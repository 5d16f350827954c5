// What the host platform allows: shared memory, and blocking the thread.

const HEADERS =
  '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" (or "credentialless")';

/**
 * @internal What stands between this context and shared memory, from what
 * was observed (not from the engine's name), or undefined when nothing does.
 * `isolated` is self.crossOriginIsolated (undefined outside browsers).
 */
export function sharedMemoryProblem(facts: { isolated: boolean | undefined; sharedArrayBuffer: boolean }): string | undefined {
  const { isolated, sharedArrayBuffer } = facts;
  if (isolated === false) {
    // Browsers share memory between threads only on isolated pages, whatever else this one exposes.
    return (
      'wasmq needs shared memory, which browsers give only to cross-origin-isolated pages, and this page is not ' +
      `(self.crossOriginIsolated is false${sharedArrayBuffer ? '' : '; SharedArrayBuffer is not defined'}). ` +
      `Serve the page with these two headers: ${HEADERS}.`
    );
  }
  if (!sharedArrayBuffer) {
    return isolated
      ? 'wasmq needs SharedArrayBuffer, and it is not defined here although the page is cross-origin isolated ' +
          '(self.crossOriginIsolated is true, so the isolation headers are already in effect): ' +
          'this browser engine does not provide shared memory to pages.'
      : 'wasmq needs SharedArrayBuffer, and this JavaScript runtime does not define it.';
  }
  return undefined;
}

/** Throws an error that says what is missing where shared memory is unavailable. */
export function assertSharedMemory(): void {
  const problem = sharedMemoryProblem({
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
  });
  if (problem) throw new Error(problem);
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
