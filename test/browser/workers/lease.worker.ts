// A module Web Worker that attaches the queue whose handle it is sent (and so,
// where the engine has Web Locks, holds its lease's life lock), says
// 'attached', and parks in popAsync until it is terminated.
import { attachQueue, type QueueHandle } from '../../../ts/index.js';

self.addEventListener('message', (ev: MessageEvent<QueueHandle>) => {
  const q = attachQueue(ev.data);
  self.postMessage('attached');
  void q.popAsync();
}, { once: true });
