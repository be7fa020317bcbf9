import { defineConfig } from 'vitest/config';

/**
 * `npm run test:bench-smoke`: the bench with 1-second phases, as its own run (it is not part of
 * `npm test`). Its length depends on how busy the machine is, so it has no time limit tighter
 * than CI's own: 0 turns vitest's limits off.
 */
export default defineConfig({
  test: {
    include: ['test/bench/smoke.test.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 0,
    hookTimeout: 0,
  },
});
