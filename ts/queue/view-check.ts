// The development check for kept views (the checkViews option of createQueue
// and attachQueue). An in-place callback's view is valid only during the
// call; keeping it reads whatever later messages put there. With the check
// on, each callback gets a private copy instead, and its buffer is detached
// (transferred away) as soon as the callback returns: a kept view then has
// length 0, reads undefined, and its methods throw TypeError, so the bug
// shows where the view is used. It costs a copy and a transfer per message:
// for development, never for production.
import type { DrainHandler, PublishFill } from './types.js';

/** Ends `buffer`: every view of it becomes detached. */
function detach(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
}

/** `handler`, handed a copy of each message whose buffer dies when it returns. */
export function checkedHandler(handler: DrainHandler): DrainHandler {
  return (bytes, offset, length) => {
    const copy = bytes.slice(offset, offset + length);
    try {
      handler(copy, 0, length);
    } finally {
      detach(copy.buffer);
    }
  };
}

/** `fill`, writing each message into a private buffer (dead once it returns) that is then copied in. */
export function checkedFill(fill: PublishFill, length: number): PublishFill {
  return (bytes, offset, index) => {
    const copy = new Uint8Array(length);
    try {
      fill(copy, 0, index);
      bytes.set(copy, offset);
    } finally {
      detach(copy.buffer);
    }
  };
}
