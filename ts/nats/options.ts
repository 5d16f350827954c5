// Checks of the options wasmq/nats's calls share.
import type { NatsConnection } from '@nats-io/nats-core';

/** An options object (not null, not a primitive); `shape` lists its fields, for the message. */
export function checkOptionsObject(options: unknown, what: string, shape: string): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${what} takes an options object ${shape}; got ${options === null ? 'null' : typeof options}`);
}

/** A wasmq Queue, told by the call `what` needs of it. `place`: where it goes in the call, for the message. */
export function checkQueue(queue: unknown, what: string, needs: 'drainAsync' | 'publishAsync', place: string): void {
  if (queue === null || typeof queue !== 'object' || typeof (queue as Record<string, unknown>)[needs] !== 'function') {
    throw new TypeError(`${what} takes a wasmq Queue (createQueue or attachQueue) ${place}`);
  }
}

/** A NATS connection (duck-typed: from @nats-io/transport-node, or a WebSocket one from @nats-io/nats-core). */
export function checkConnection(connection: unknown, what: string): NatsConnection {
  const c = connection as Partial<NatsConnection> | null;
  if (c === null || typeof c !== 'object' || typeof c.publish !== 'function' || typeof c.subscribe !== 'function' || typeof c.closed !== 'function') {
    throw new TypeError(`${what}: option connection must be an open NATS connection (connect() from @nats-io/transport-node, or wsconnect() from @nats-io/nats-core)`);
  }
  if (c.isClosed?.()) throw new TypeError(`${what}: option connection is closed`);
  return c as NatsConnection;
}

/** A timeout in ms: a finite number > 0, or `fallback` when undefined. */
export function checkTimeout(ms: unknown, fallback: number, what: string): number {
  if (ms === undefined) return fallback;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) throw new RangeError(`${what} must be a finite number of milliseconds > 0; got ${String(ms)}`);
  return ms;
}

/** A positive integer, or `fallback` when undefined. */
export function checkCount(n: unknown, fallback: number, what: string): number {
  if (n === undefined) return fallback;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new RangeError(`${what} must be an integer >= 1; got ${String(n)}`);
  return n;
}
