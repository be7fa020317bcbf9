import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault matrix, the browser tests and the bench smoke have configs (and npm scripts) of their own.
    exclude: ['test/faults/**', 'test/browser/**', 'test/bench/smoke.test.ts', 'node_modules/**'],
    // Suites share one Redis server (distinct key prefixes) and spawn processes; two workers fit a 2-core machine.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
