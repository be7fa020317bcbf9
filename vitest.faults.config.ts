import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    // Two scenario files at a time: they mostly wait (leases, backoffs, Slack's pace), so the matrix
    // takes about half as long, and every bound they assert holds with a neighbour running.
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
