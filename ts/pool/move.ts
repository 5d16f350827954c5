// move(): a task function's way to hand a result back by transfer instead of
// by copy (Piscina.move's counterpart), and what transfers a value carries.

const MOVED = Symbol('wasmq.pool.moved');

/** A value marked by {@link move}. @internal */
export interface Moved {
  readonly [MOVED]: true;
  readonly value: unknown;
  readonly transfer: readonly Transferable[];
}

/**
 * Marks a task function's result to be transferred, not copied, when the
 * task was run with a `transferList` (the pool's transfer lane; see
 * {@link RunOptions.transferList}): an ArrayBuffer, a typed array or
 * DataView (its buffer moves), or a MessagePort. The worker's copy is
 * detached. On the queue path (a task run without `transferList`) the value
 * is copied as usual. As Piscina's `move()`.
 *
 * @param value - What to return.
 * @param transferList - What to transfer; default: `value` itself (or its buffer).
 *
 * @example
 * ```ts
 * import { move, serve } from 'wasmq/pool';
 *
 * serve((samples: Float64Array) => {
 *   for (let i = 0; i < samples.length; i++) samples[i] *= 2;
 *   return move(samples); // pool.run(samples, { transferList: [samples.buffer] })
 * });
 * ```
 */
export function move<T>(value: T, transferList?: readonly Transferable[]): T {
  const transfer = transferList ?? [transferableOf(value)];
  if (!Array.isArray(transfer)) throw new TypeError('move() takes an array of transferables as its second argument');
  const moved: Moved = { [MOVED]: true, value, transfer };
  return moved as unknown as T;
}

function transferableOf(value: unknown): Transferable {
  if (ArrayBuffer.isView(value)) return value.buffer as ArrayBuffer;
  if (value instanceof ArrayBuffer) return value;
  const port = (globalThis as { MessagePort?: abstract new () => unknown }).MessagePort;
  if (port && value instanceof port) return value as Transferable;
  throw new TypeError(
    `move() without a transfer list takes an ArrayBuffer, a typed array, a DataView or a MessagePort; got ${value === null ? 'null' : typeof value}. Pass the transferables as move(value, [ ... ])`,
  );
}

/** Whether `value` came from move(). @internal */
export function isMoved(value: unknown): value is Moved {
  return value !== null && typeof value === 'object' && (value as { [MOVED]?: unknown })[MOVED] === true;
}

/** The value without its move() mark. @internal */
export function unmoved(value: unknown): unknown {
  return isMoved(value) ? value.value : value;
}
