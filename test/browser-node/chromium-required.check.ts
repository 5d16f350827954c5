// Stands in for the browser suite on a machine without Chromium (see
// vitest.config.ts), so that `npm test` fails and says how to fix it.
import { test } from 'vitest';
import { missingChromiumMessage } from './chromium.js';

test('Chromium is installed, so the browser suite can run', () => {
  throw new Error(missingChromiumMessage());
});
