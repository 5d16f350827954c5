import { defineConfig } from 'vitest/config';

// Node suite. Tests that start worker_threads point them at built files in
// dist/ (vitest does not transform worker entry files), so `npm test` builds first.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Thread tests saturate both cores; run files one at a time so
          // they do not starve each other into timeouts.
          fileParallelism: false,
        },
      },
    ],
  },
});
