// Argument checks shared by the Queue calls: each error says what was wrong
// and what is allowed, and is thrown before anything changes.
import { MAX_MANY } from '../kernel/kernel.js';

/** A timeoutMs option as a performance.now() deadline (Infinity: wait forever). */
export function deadlineOf(timeoutMs: number | undefined, operation: string): number {
  if (timeoutMs === undefined) return Infinity;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`${operation} timeoutMs must be a number >= 0 (or undefined to wait forever); got ${String(timeoutMs)}`);
  }
  return performance.now() + timeoutMs;
}

export function checkSignal(signal: AbortSignal | undefined): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  signal?.throwIfAborted();
}

export function checkTarget(target: Uint8Array, offset: number, operation: string): void {
  if (!(target instanceof Uint8Array)) throw new TypeError(`${operation} takes a Uint8Array`);
  if (!Number.isInteger(offset) || offset < 0 || offset > target.length) {
    throw new RangeError(`offset must be an integer from 0 to ${target.length}; got ${offset}`);
  }
}

export function checkFunction(value: unknown, operation: string, what: string): void {
  if (typeof value !== 'function') throw new TypeError(`${operation} takes ${what}; got ${typeof value}`);
}

/** A count or max option: an integer from 1 to MAX_MANY (undefined: `fallback`). */
export function countOf(value: unknown, fallback: number, operation: string, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_MANY) {
    throw new RangeError(`${operation} ${name} must be an integer from 1 to ${MAX_MANY}; got ${String(value)}`);
  }
  return value;
}

export function lengthOf(value: unknown, maxMessageBytes: number, operation: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > maxMessageBytes) {
    throw new RangeError(
      `${operation} length must be an integer from 0 to this queue's maxMessageBytes (${maxMessageBytes}); got ${String(value)}`,
    );
  }
  return value;
}

export function optionsOf<O extends object>(value: O | undefined, operation: string): Partial<O> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object') throw new TypeError(`${operation} options must be an object; got ${String(value)}`);
  return value;
}
