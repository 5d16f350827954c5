// `for await` over a queue or a broadcast subscriber: pop until closed and drained.
import { QueueClosedError } from '../errors.js';

/** Yields what `pop` resolves to until it rejects with QueueClosedError (closed and drained); other errors end it by throwing. */
export async function* untilClosed<T>(pop: () => Promise<T>): AsyncGenerator<T, void, undefined> {
  for (;;) {
    try {
      yield await pop();
    } catch (e) {
      if (e instanceof QueueClosedError) return;
      throw e;
    }
  }
}
