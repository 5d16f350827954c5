// Worker side of worker-rpc.ts: answers each request with the handler's
// result, or with its error's name and message.
import type { Reply } from './worker-rpc.js';

/** The worker's global scope (the DOM lib types `self` as a Window). */
const scope = self as unknown as {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

/**
 * Serves requests with `handler`. A handler may return `{ value, transfer }`
 * through `transferring()` to move buffers back instead of copying them.
 */
export function serveRequests(handler: (request: any) => unknown): void {
  scope.onmessage = async (event: MessageEvent) => {
    let reply: Reply<unknown>;
    let transfer: Transferable[] = [];
    try {
      let value = await handler(event.data);
      if (value instanceof Transferring) {
        transfer = value.transfer;
        value = value.value;
      }
      reply = { ok: true, value };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      reply = { ok: false, error: { name: error.name, message: error.message, stack: error.stack } };
    }
    scope.postMessage(reply, transfer);
  };
}

class Transferring {
  constructor(readonly value: unknown, readonly transfer: Transferable[]) {}
}

/** Wraps a result whose buffers should be transferred, not copied. */
export function transferring(value: unknown, transfer: Transferable[]): unknown {
  return new Transferring(value, transfer);
}
