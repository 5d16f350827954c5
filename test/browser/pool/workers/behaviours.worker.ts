// Pool task worker for the Chromium tests: the input { op, ... } picks a behaviour.
import { serve } from '../../../../ts/pool/index.js';

export type PoolTask =
  | { op: 'echo'; value: unknown }
  | { op: 'throw'; message: string }
  /** Needs this worker's timers: proves its event loop runs while it serves. */
  | { op: 'sleep'; ms: number; value: unknown }
  /** Resolves when the test posts to BroadcastChannel(channel): a gate with no timing in it. */
  | { op: 'waitForGate'; channel: string; value: unknown }
  /** Records `name` in this worker's history (to prove what ran). */
  | { op: 'mark'; name: string }
  | { op: 'history' }
  | { op: 'spinForever' }
  /** Stops this worker from inside (a crash as far as the pool can tell). */
  | { op: 'closeSelf' }
  | { op: 'uncaught'; message: string };

const history: string[] = [];

serve(async (task: PoolTask) => {
  switch (task.op) {
    case 'echo':
      return task.value;
    case 'throw': {
      const error = new RangeError(task.message);
      (error as RangeError & { code: string }).code = 'E_TASK';
      throw error;
    }
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, task.ms));
      return task.value;
    case 'waitForGate':
      await new Promise<void>((resolve) => {
        const channel = new BroadcastChannel(task.channel);
        channel.onmessage = () => {
          channel.close();
          resolve();
        };
      });
      return task.value;
    case 'mark':
      history.push(task.name);
      return task.name;
    case 'history':
      return history;
    case 'spinForever':
      for (;;);
    case 'closeSelf':
      (self as unknown as { close(): void }).close();
      return new Promise(() => {});
    case 'uncaught':
      setTimeout(() => {
        throw new Error(task.message);
      });
      return new Promise(() => {});
  }
});
