// The main thread's record of one task accepted by run(), from acceptance
// until it settles.

/** @internal */
export interface Task {
  /** Its id in the queue and the control block (see push-count.ts); 0 until pushed. */
  id: number;
  /** Its position in push order (never wraps, unlike id); 0 until pushed. */
  seq: number;
  /** Encoded [header][input], kept only while the task waits for room. */
  message: Uint8Array | undefined;
  readonly resolve: (value: any) => void;
  readonly reject: (reason: unknown) => void;
  /** performance.now() when run() accepted it. */
  readonly started: number;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
  /** Its id on the transfer lane (run with a transferList; see direct.ts); undefined on the queue path. */
  direct?: number;
  /** Run with a name (its payload starts with the name section; see task-codec.ts). */
  readonly named: boolean;
  /** Seen once as possibly lost in transit (see lost-tasks.ts). */
  suspect?: boolean;
}

/** A task accepted now, not pushed or sent yet. @internal */
export function newTask(
  resolve: (value: any) => void,
  reject: (reason: unknown) => void,
  signal: AbortSignal | undefined,
  named: boolean,
): Task {
  return { id: 0, seq: 0, message: undefined, resolve, reject, started: performance.now(), signal, onAbort: undefined, settled: false, named };
}
