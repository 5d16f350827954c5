import { attachQueue } from '../../ts/index.js';
self.onmessage = (e: MessageEvent) => {
  const q = attachQueue<string>(e.data);
  q.push('héllo ✓');
};
