import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: the preview page in Debian's chromium against a real service process. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.test.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
