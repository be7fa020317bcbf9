import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault matrix, the browser tests and the bench smoke have configs (and npm scripts) of their own.
    exclude: ['test/faults/**', 'test/browser/**', 'test/bench/smoke.test.ts', 'node_modules/**'],
    // Suites share one Redis server (distinct key prefixes) and spawn processes; two workers fit a 2-core machine.
    maxWorkers: 2,
    // Limits catch a hang, never slowness: tests wait for conditions, and on a busy 2-core machine
    // (other work beside the run, see RELIABILITY.md) a test can take several times its quiet length.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
