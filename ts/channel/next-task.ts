// Yielding to the event loop for one turn, as cheaply as the platform allows.
//
// A receive loop polls the queue for a short while after each message instead
// of parking at once: a reply to a request usually arrives within
// microseconds, while waking a parked Atomics.waitAsync costs as much as a
// MessagePort hop (~90 µs here). Each poll must let other tasks (timers, I/O,
// other ports) run, so it waits one macrotask turn, never a spin.
//
// Node: setImmediate (runs after I/O, ~1 µs). Browsers have no setImmediate
// and clamp nested setTimeout(0) to 4 ms, so use the MessageChannel trick:
// posting to oneself queues a task with no clamp.

type Resume = () => void;

const setImmediateFn = (globalThis as { setImmediate?: (fn: Resume) => unknown }).setImmediate;

let waiting: Resume[] = [];
let channel: MessageChannel | undefined;

function viaMessageChannel(resume: Resume): void {
  if (channel === undefined) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => {
      // Everyone who asked before this turn resumes in it, in order.
      const now = waiting;
      waiting = [];
      for (const fn of now) fn();
    };
  }
  waiting.push(resume);
  if (waiting.length === 1) channel.port2.postMessage(0);
}

/** Resolves on a later turn of the event loop (a macrotask, not a microtask). */
export function nextTask(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (setImmediateFn !== undefined) setImmediateFn(resolve);
    else viaMessageChannel(resolve);
  });
}
